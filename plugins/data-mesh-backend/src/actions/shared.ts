import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AccessRequestOptions } from '../service/accessRoutes';
import { CallerChecks } from '../service/callerChecks';
import { ContractImpactService } from '../service/ContractImpactService';
import { ContractTestService } from '../service/ContractTestService';
import { EvaluationService } from '../service/EvaluationService';
import { GovernanceService } from '../service/GovernanceService';
import { MeshHomeService } from '../service/MeshHomeService';
import { PortPreviewOptions } from '../service/previewRoutes';
import { ScorecardService } from '../service/ScorecardService';

/**
 * What the data mesh actions need: the services the REST routes use, so that an assistant
 * acting for a person gets what the portal would give that person, and nothing more.
 */
export interface DataMeshActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  catalog: CatalogService;
  checks: CallerChecks;
  evaluations: EvaluationService;
  scorecards: ScorecardService;
  governance: GovernanceService;
  home: MeshHomeService;
  contractTests: ContractTestService;
  /** Contract evolution; without it, no `explain-contract-change` action. */
  contractImpact?: ContractImpactService;
  /** Usage agreements; without them, no `request-data-access` action. */
  access?: AccessRequestOptions;
  /** The data preview; without it, no `preview-data` action. */
  preview?: PortPreviewOptions;
}

/** The zod the registry hands to schema builders (its own zod v3). */
export type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/**
 * The caller as a user, as the routes that act for a person require it (`allow: ['user']`): a
 * service's token may not request access or read data through an assistant.
 */
export function userCredentials(
  auth: AuthService,
  credentials: BackstageCredentials,
  what: string,
): BackstageCredentials<BackstageUserPrincipal> {
  if (!auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      `Only a signed-in user may ${what}; this call was made with a ${
        (credentials.principal as { type?: string }).type
      } token`,
    );
  }
  return credentials;
}

/** The input field of a data product's entity ref, as every action names it. */
export const productRefField = (z: Zod) =>
  z
    .string()
    .min(1)
    .max(300)
    .describe(
      'The data product\'s entity ref, e.g. "dataproduct:default/customer-orders" (kind and namespace may be left out: "customer-orders"). search-data-products gives it as entityRef.',
    );
