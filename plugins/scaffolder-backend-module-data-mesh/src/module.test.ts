import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleDataMesh } from './module';

describe('scaffolderModuleDataMesh', () => {
  it('adds the data-mesh actions to the scaffolder', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...added: any[]) => actions.push(...added) },
        ],
      ],
      features: [
        scaffolderModuleDataMesh,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            dataMesh: { scaffolder: { localPublishDirectory: 'repos' } },
          },
        }),
      ],
    });
    try {
      expect(actions.map(a => a.id).sort()).toEqual([
        'data-mesh:contract-tests:run',
        'data-mesh:contract:create',
        'data-mesh:governance:check',
        'data-mesh:product:deprecate',
        'data-mesh:product:descriptor',
        'data-mesh:provision-output-ports',
        'data-mesh:publish:local',
      ]);
      expect(actions.every(a => a.supportsDryRun && a.examples?.length)).toBe(
        true,
      );
    } finally {
      await backend.stop();
    }
  });
});
