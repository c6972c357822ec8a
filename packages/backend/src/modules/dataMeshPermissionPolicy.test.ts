import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
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
import { DataMeshPortalPermissionPolicy } from './dataMeshPermissionPolicy';

const user = (...ownershipEntityRefs: string[]) =>
  ({
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as unknown as PolicyQueryUser);

describe('DataMeshPortalPermissionPolicy', () => {
  const policy = new DataMeshPortalPermissionPolicy([
    'group:default/privacy-office',
  ]);
  const admin = user(
    'user:default/grace-nwosu',
    'group:default/privacy-office',
  );
  const owner = user(
    'user:default/ines-moreau',
    'group:default/research-data-team',
  );

  it.each([
    dataMeshWaiverDecidePermission,
    dataMeshDraftPoliciesReadPermission,
  ])('lets governance admins only $name', async permission => {
    expect(await policy.handle({ permission }, admin)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await policy.handle({ permission }, owner)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle({ permission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([
    dataMeshWaiverRequestPermission,
    dataMeshFactsPushPermission,
    dataMeshEvaluatePermission,
    dataMeshContractTestRunPermission,
    dataMeshAccessDecidePermission,
  ])(
    "lets admins $name for any product, and others only for their teams' products",
    async permission => {
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await policy.handle({ permission }, owner)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: [
              'user:default/ines-moreau',
              'group:default/research-data-team',
            ],
          },
        },
      });
    },
  );

  it('lets any signed-in user request access', async () => {
    const permission = dataMeshAccessRequestPermission;
    expect(await policy.handle({ permission }, owner)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await policy.handle({ permission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('allows everything else', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(await policy.handle({ permission: catalogRead }, owner)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
