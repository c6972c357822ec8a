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
import { createPublishLocalAction } from './publishLocal';

// The example portal's backend has the catalog module that accepts file locations, and tests
// the action with it (packages/backend/src/modules/catalogFileLocations.test.ts). Here: a
// catalog as Backstage ships it.
describe('data-mesh:publish:local with a catalog that refuses file locations', () => {
  const root = createMockDirectory();

  it('says how to let the catalog accept file locations, and leaves nothing behind', async () => {
    root.setContent({
      workspace: {
        'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: refused-sales
spec:
  owner: group:sales-data
`,
      },
    });
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
        mockServices.rootConfig.factory({
          data: { catalog: { rules: [{ allow: ['Location', 'Domain'] }] } },
        }),
      ],
    });
    try {
      const action = createPublishLocalAction({
        publishDirectory: root.resolve('repos'),
        ...services!,
      });
      const ctx = createMockActionContext({
        input: { repoName: 'refused-sales' },
        workspacePath: root.resolve('workspace'),
      });

      await expect(action.handler(ctx)).rejects.toThrow(
        /^Could not register .* in the catalog: Registered locations must be of an allowed type \["url"\] \(the catalog accepts url locations only, unless a catalog module allows file locations: see data-mesh:publish:local in the README/,
      );
      expect(root.content({ path: 'repos' })).toEqual({});
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
