import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPublishLocalAction } from './actions';
import { catalogModuleDataMeshFileLocations } from './catalogModule';

const domain = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: ${name}
spec:
  owner: group:sales-data
`;

/** The catalog service and auth of a test backend, as a plugin of it sees them. */
async function startCatalog(withModule: boolean) {
  let services: { catalog: CatalogService; auth: AuthService } | undefined;
  const capture = createBackendPlugin({
    pluginId: 'capture',
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogServiceRef, auth: coreServices.auth },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      capture,
      // As in the example portal: the catalog takes Domains from any location.
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component', 'API', 'Location', 'Domain'] }],
          },
        },
      }),
      ...(withModule ? [catalogModuleDataMeshFileLocations] : []),
    ],
  });
  return { backend, ...services! };
}

describe('data-mesh:publish:local with a real catalog', () => {
  const root = createMockDirectory();

  beforeEach(() => root.clear());

  it('registers the repository, and the catalog reads its entities', async () => {
    root.addContent({
      workspace: { 'catalog-info.yaml': domain('local-sales') },
    });
    const { backend, catalog, auth } = await startCatalog(true);
    try {
      const action = createPublishLocalAction({
        publishDirectory: root.resolve('repos'),
        catalog,
        auth,
      });
      const ctx = createMockActionContext({
        input: { repoName: 'local-sales' },
        workspacePath: root.resolve('workspace'),
      });

      await action.handler(ctx);

      const credentials = await auth.getOwnServiceCredentials();
      const deadline = Date.now() + 20_000;
      let entity;
      while (!entity && Date.now() < deadline) {
        entity = await catalog.getEntityByRef('domain:default/local-sales', {
          credentials,
        });
        if (!entity) await new Promise(resolve => setTimeout(resolve, 200));
      }
      expect(entity?.metadata.annotations).toMatchObject({
        'backstage.io/managed-by-location': `file:${root.resolve(
          'repos/local-sales/catalog-info.yaml',
        )}`,
      });
    } finally {
      await backend.stop();
    }
  }, 60_000);

  it('says how to let the catalog accept file locations', async () => {
    root.addContent({
      workspace: { 'catalog-info.yaml': domain('refused-sales') },
    });
    const { backend, catalog, auth } = await startCatalog(false);
    try {
      const action = createPublishLocalAction({
        publishDirectory: root.resolve('repos'),
        catalog,
        auth,
      });
      const ctx = createMockActionContext({
        input: { repoName: 'refused-sales' },
        workspacePath: root.resolve('workspace'),
      });

      await expect(action.handler(ctx)).rejects.toThrow(
        /^Could not register .* in the catalog: Registered locations must be of an allowed type \["url"\] \(the catalog accepts file locations with the catalogModuleDataMeshFileLocations module/,
      );
      expect(root.content({ path: 'repos' })).toEqual({});
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
