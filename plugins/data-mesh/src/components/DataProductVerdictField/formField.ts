import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DataProductVerdictField } from './DataProductVerdictField';
import {
  DATA_PRODUCT_VERDICT_FIELD_NAME,
  DataProductVerdictFieldSchema,
} from './schema';

/** The data product verdict field for the new frontend system's scaffolder. */
export const DataProductVerdict = createFormField({
  name: DATA_PRODUCT_VERDICT_FIELD_NAME,
  component: DataProductVerdictField,
  schema: DataProductVerdictFieldSchema,
});
