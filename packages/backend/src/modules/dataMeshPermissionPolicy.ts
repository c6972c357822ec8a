import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  dataMeshAccessDecidePermission,
  dataMeshAccessRequestPermission,
  dataMeshContractTestRunPermission,
  dataMeshDraftPoliciesReadPermission,
  dataMeshEvaluatePermission,
  dataMeshFactsPushPermission,
  dataMeshWaiverDecidePermission,
  dataMeshWaiverRequestPermission,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * The example portal's permission policy: governance admins (the users and groups listed in
 * `dataMeshPortal.governanceAdmins`) decide waivers and see draft policies; a product's owners
 * (and admins) may request waivers for it, push facts about it, evaluate it now and run its
 * contract tests, and decide its access requests; any signed-in user may request access to a
 * product (the backend checks they may read it and belong to the consumer); everything else is allowed, as in a portal without a policy. Pipelines' tokens never reach a policy (Backstage
 * decides for service principals by their access restrictions): what they may push for is
 * `dataMesh.facts.pipelines`.
 */
export class DataMeshPortalPermissionPolicy implements PermissionPolicy {
  constructor(private readonly governanceAdmins: string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isAdmin = claims.some(ref =>
      this.governanceAdmins.includes(ref.toLocaleLowerCase('en-US')),
    );
    if (
      isPermission(permission, dataMeshWaiverDecidePermission) ||
      isPermission(permission, dataMeshDraftPoliciesReadPermission)
    ) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(permission, dataMeshAccessRequestPermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, dataMeshWaiverRequestPermission) ||
      isPermission(permission, dataMeshFactsPushPermission) ||
      isPermission(permission, dataMeshEvaluatePermission) ||
      isPermission(permission, dataMeshContractTestRunPermission) ||
      isPermission(permission, dataMeshAccessDecidePermission)
    ) {
      return isAdmin
        ? { result: AuthorizeResult.ALLOW }
        : createCatalogConditionalDecision(
            permission,
            catalogConditions.isEntityOwner({ claims }),
          );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link DataMeshPortalPermissionPolicy} as the portal's permission policy. */
export const dataMeshPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'data-mesh-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const admins =
          config.getOptionalStringArray('dataMeshPortal.governanceAdmins') ??
          [];
        policy.setPolicy(
          new DataMeshPortalPermissionPolicy(
            admins.map(ref => ref.toLocaleLowerCase('en-US')),
          ),
        );
      },
    });
  },
});
