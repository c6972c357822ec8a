import { registerCheckDataProductAction } from './checkDataProduct';
import { registerExplainContractChangeAction } from './explainContractChange';
import { registerGetDataProductAction } from './getDataProduct';
import { registerPreviewDataAction } from './previewData';
import { registerRequestDataAccessAction } from './requestDataAccess';
import { registerSearchDataProductsAction } from './searchDataProducts';
import { DataMeshActionsOptions } from './shared';

export type { DataMeshActionsOptions } from './shared';

/**
 * Registers the data mesh actions in Backstage's actions registry, where the MCP actions
 * backend (and any other client of the registry) finds them as `data-mesh:<name>`. Each runs
 * with the caller's own credentials and the permission checks of the matching REST route.
 */
export function registerDataMeshActions(options: DataMeshActionsOptions) {
  registerSearchDataProductsAction(options);
  registerGetDataProductAction(options);
  registerCheckDataProductAction(options);
  if (options.access) registerRequestDataAccessAction(options);
  if (options.preview) registerPreviewDataAction(options);
  if (options.contractImpact) registerExplainContractChangeAction(options);
}
