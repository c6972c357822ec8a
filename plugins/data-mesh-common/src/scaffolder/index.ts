export {
  compactEntityRef,
  DATA_PRODUCT_FORM_REQUIRED_FIELDS,
  dataProductFromForm,
  missingDataProductFormFields,
} from './dataProductFromForm';
export type {
  DataProductFormInputPort,
  DataProductFormOutputPort,
  DataProductFormValues,
} from './dataProductFromForm';
export { provisionedTableName } from './provisionedTableName';
