import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPublishLocalAction } from '@datamesh-portal/plugin-scaffolder-backend-module-data-mesh';
import fs from 'node:fs';
import request from 'supertest';
import { catalogModuleFileLocations } from './catalogFileLocations';

const domain = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: ${name}
spec:
  owner: group:sales-data
`;

const location = (
  name: string,
  target: string,
) => `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ${name}
spec:
  type: file
  target: ${target}
`;

describe('catalogModuleFileLocations', () => {
  const root = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let catalog: CatalogService;
  let auth: AuthService;

  beforeAll(async () => {
    root.setContent({
      examples: { 'all.yaml': domain('example-sales') },
      repos: {
        'local-sales': { 'catalog-info.yaml': domain('local-sales') },
      },
      outside: { 'catalog-info.yaml': domain('outside-sales') },
    });
    // Inside the publish directory, but leading outside it.
    fs.symlinkSync(root.resolve('outside'), root.resolve('repos/linked-dir'));
    fs.symlinkSync(
      root.resolve('outside/catalog-info.yaml'),
      root.resolve('repos/local-sales/linked.yaml'),
    );

    // The catalog service and auth, as a plugin of the backend sees them.
    const capture = createBackendPlugin({
      pluginId: 'capture',
      register(reg) {
        reg.registerInit({
          deps: { catalog: catalogServiceRef, auth: coreServices.auth },
          async init(deps) {
            ({ catalog, auth } = deps);
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleFileLocations,
        capture,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              // As in the example portal: the catalog takes Domains from any location.
              rules: [{ allow: ['Component', 'API', 'Location', 'Domain'] }],
              locations: [
                { type: 'file', target: root.resolve('examples/all.yaml') },
              ],
            },
            dataMesh: {
              scaffolder: { localPublishDirectory: root.resolve('repos') },
            },
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(() => backend?.stop());

  const addLocation = (target: string, query = '') =>
    request(backend.server)
      .post(`/api/catalog/locations${query}`)
      .set('Authorization', mockCredentials.user.header())
      .send({ type: 'file', target });

  async function entityEventually(ref: string) {
    const credentials = await auth.getOwnServiceCredentials();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (entity) return entity;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    return undefined;
  }

  it.each([
    ['a pattern', '/**/*.yaml', /is a pattern: a file location names one file/],
    [
      'a file outside',
      () => root.resolve('outside/catalog-info.yaml'),
      /is outside the directories the catalog may read/,
    ],
    [
      '.. out of the publish directory',
      () => `${root.resolve('repos')}/../outside/catalog-info.yaml`,
      /is outside the directories the catalog may read/,
    ],
    [
      'a relative path out of the working directory',
      '../../../../../../etc/hostname',
      /is outside the directories the catalog may read/,
    ],
    [
      'a symbolic link to a directory outside',
      () => root.resolve('repos/linked-dir/catalog-info.yaml'),
      /is outside the directories the catalog may read: .* \(symbolic links are followed\)/,
    ],
    [
      'a symbolic link to a file outside',
      () => root.resolve('repos/local-sales/linked.yaml'),
      /is outside the directories the catalog may read/,
    ],
  ])(
    'refuses %s through the API, and stores nothing',
    async (_case, target, message) => {
      const file = typeof target === 'function' ? target() : target;

      for (const query of ['', '?dryRun=true']) {
        const response = await addLocation(file, query);
        expect(response.status).toBe(400);
        expect(response.body.error).toMatchObject({ name: 'InputError' });
        expect(response.body.error.message).toMatch(message);
        expect(response.body.error.message).toContain(file);
        expect(response.body.error.message).toContain(root.resolve('repos'));
      }
      const { body: stored } = await request(backend.server)
        .get('/api/catalog/locations')
        .set('Authorization', mockCredentials.user.header());
      expect(stored.filter((l: any) => l.data.target === file)).toHaveLength(0);
    },
  );

  it('refuses to move a registered file location outside', async () => {
    const inside = await addLocation(root.resolve('repos/moved/x.yaml'));
    expect(inside.status).toBe(201);

    const response = await request(backend.server)
      .put(`/api/catalog/locations/${inside.body.location.id}`)
      .set('Authorization', mockCredentials.user.header())
      .send({
        type: 'file',
        target: root.resolve('outside/catalog-info.yaml'),
      });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/is outside the directories/);
  });

  it('reads the publish directory and the examples', async () => {
    const response = await addLocation(
      root.resolve('repos/local-sales/catalog-info.yaml'),
    );
    expect(response.status).toBe(201);

    expect(await entityEventually('domain:default/local-sales')).toBeDefined();
    expect(
      await entityEventually('domain:default/example-sales'),
    ).toBeDefined();
  }, 60_000);

  it.each([
    ['an absolute path', () => root.resolve('outside/catalog-info.yaml')],
    ['a relative path', () => '../../outside/catalog-info.yaml'],
    ['a symbolic link', () => './linked.yaml'],
    ['a pattern', () => '../../**/*.yaml'],
  ])(
    'does not follow a Location in an allowed file out of the directories: %s',
    async (_case, target) => {
      root.addContent({
        'repos/escape': { 'catalog-info.yaml': location('escape', target()) },
      });
      fs.rmSync(root.resolve('repos/escape/linked.yaml'), { force: true });
      fs.symlinkSync(
        root.resolve('outside/catalog-info.yaml'),
        root.resolve('repos/escape/linked.yaml'),
      );

      // The dry run processes the nested Location at once, as the catalog would later.
      const response = await addLocation(
        root.resolve('repos/escape/catalog-info.yaml'),
        '?dryRun=true',
      );

      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(
        /File location .* (is a pattern|is outside the directories the catalog may read)/,
      );
    },
  );

  it('lets data-mesh:publish:local register a repository, and the catalog reads its entities', async () => {
    root.addContent({
      workspace: { 'catalog-info.yaml': domain('published-sales') },
    });
    const action = createPublishLocalAction({
      publishDirectory: root.resolve('repos'),
      catalog,
      auth,
    });
    const ctx = createMockActionContext({
      input: { repoName: 'published-sales' },
      workspacePath: root.resolve('workspace'),
    });

    await action.handler(ctx);

    const entity = await entityEventually('domain:default/published-sales');
    expect(entity?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `file:${root.resolve(
        'repos/published-sales/catalog-info.yaml',
      )}`,
    });
  }, 60_000);
});
