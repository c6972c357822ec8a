import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Lazy-loaded cards on a whole test app can take more than the default second to appear on a
// busy two-core CI machine.
configure({ asyncUtilTimeout: 5_000 });
