import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { mutate } from 'swr';

// Lazy-loaded cards on a whole test app can take more than the default second to appear on a
// busy two-core CI machine.
configure({ asyncUtilTimeout: 10_000 });
// The first render of a whole test app in a worker compiles every lazy card: under load it alone
// can pass jest's default 5 s per test, which then fails tests that are not slow to run.
jest.setTimeout(30_000);

// usePermission caches decisions in SWR's global cache, which would carry one test's
// permissions into the next: forget them, and the requests in flight, after each test.
afterEach(() => mutate(() => true, undefined));
