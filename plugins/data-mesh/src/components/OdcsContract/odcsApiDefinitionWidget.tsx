import type { ApiDefinitionWidget } from '@backstage/plugin-api-docs';
import { OdcsContractView } from './OdcsContractView';

/**
 * An API definition widget for `spec.type: odcs`, for apps that build their own
 * `apiDocsConfigRef` so that the api-docs Definition card renders data contracts too:
 * `[...defaultDefinitionWidgets(), odcsApiDefinitionWidget()]`.
 * @public
 */
export function odcsApiDefinitionWidget(): ApiDefinitionWidget {
  return {
    type: 'odcs',
    title: 'ODCS data contract',
    rawLanguage: 'yaml',
    component: definition => <OdcsContractView definition={definition} />,
  };
}
