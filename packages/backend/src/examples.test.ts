import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import catalogModuleDataMesh from '@datamesh-portal/plugin-catalog-backend-module-data-mesh';
import dataMeshPlugin from '@datamesh-portal/plugin-data-mesh-backend';
import { checkDescriptors } from '@datamesh-portal/data-mesh-cli';
import { validateOdpsDocument } from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { catalogModuleFileLocations } from './modules/catalogFileLocations';
import { catalogModuleFileTextPlaceholder } from './modules/catalogFileTextPlaceholder';

jest.setTimeout(120_000);

const EXAMPLE_PRODUCTS = 30;
const ROOT = path.resolve(__dirname, '../../..');
// The example portal's own checks and policies, as `yarn start` applies them.
const { dataMesh } = YAML.parse(
  fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
);

/** The organisation an example entity comes from: its folder under examples/. */
const organisationOf = (entity: Entity) =>
  /examples\/([^/]+)\//.exec(
    entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? '',
  )?.[1];

// The example organisations in a real catalog with the data mesh plugins, as `yarn start` runs
// them: every entity is accepted, the lineage is there, and every product exports as ODPS.
describe('the example organisations', () => {
  const errors: string[] = [];
  const errorCollector = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-errors',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.setOnProcessingErrorHandler(event => {
            errors.push(
              `${event.unprocessedEntity.metadata.name}: ${event.errors
                .map(e => e.message)
                .join('; ')}`,
            );
          });
        },
      });
    },
  });
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const get = (url: string) =>
    request(backend.server)
      .get(url)
      .set('Authorization', mockCredentials.user.header());
  const products = async (): Promise<Entity[]> =>
    (
      await get(
        '/api/catalog/entities/by-query?filter=kind=dataproduct&limit=500',
      )
    ).body.items;
  const byName = async (kind: string, name: string): Promise<Entity> =>
    (await get(`/api/catalog/entities/by-name/${kind}/default/${name}`)).body;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleFileTextPlaceholder,
        // Every example is read through the confined file reader of the example portal.
        catalogModuleFileLocations,
        catalogModuleDataMesh,
        dataMeshPlugin,
        errorCollector,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [
                {
                  allow: [
                    'DataProduct',
                    'Domain',
                    'API',
                    'System',
                    'Group',
                    'User',
                    'Location',
                    'Template',
                  ],
                },
              ],
              locations: [
                {
                  type: 'file',
                  target: path.join(ROOT, 'examples/all.yaml'),
                },
              ],
            },
            dataMesh,
          },
        }),
      ],
    });
    // Wait until every product is in and the ODPS product's contract ids have resolved.
    for (let i = 0; i < 300; i++) {
      const all = await products();
      const trending = all.find(p => p.metadata.name === 'trending-topics');
      if (
        all.length >= EXAMPLE_PRODUCTS &&
        trending?.relations?.some(r => r.type === 'dependsOn')
      ) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  });

  afterAll(() => backend?.stop());

  it('are all accepted by the catalog', async () => {
    expect(errors).toEqual([]);
    expect((await products()).length).toBe(EXAMPLE_PRODUCTS);
  });

  it('give every organisation products with input and output ports and contracts', async () => {
    const all = await products();
    for (const domain of ['user', 'bank', 'clinical']) {
      const inDomain = all.filter(p => p.spec?.domain === domain);
      expect(inDomain.length).toBeGreaterThan(0);
    }
    const withBothPorts = all.filter(
      p =>
        (p.spec?.inputPorts as unknown[])?.length &&
        (p.spec?.outputPorts as unknown[])?.length,
    );
    expect(withBothPorts.length).toBe(all.length);
  });

  it('link research to the de-identified patient records, not to the identified ones', async () => {
    const cohorts = await byName('dataproduct', 'research-cohorts');
    expect(cohorts.relations).toEqual(
      expect.arrayContaining([
        {
          type: 'dependsOn',
          targetRef: 'dataproduct:default/deidentified-patient-records',
        },
        { type: 'partOf', targetRef: 'domain:default/research' },
      ]),
    );
    const records = await byName('dataproduct', 'deidentified-patient-records');
    expect(records.relations).toEqual(
      expect.arrayContaining([
        { type: 'dependsOn', targetRef: 'dataproduct:default/patient-records' },
        {
          type: 'dependencyOf',
          targetRef: 'dataproduct:default/research-cohorts',
        },
      ]),
    );
  });

  it('resolve the plain ODPS product to its contract APIs and upstream product', async () => {
    const trending = await byName('dataproduct', 'trending-topics');
    expect(trending.metadata.title).toBe('Trending Topics');
    expect(trending.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/content-data-team' },
        { type: 'partOf', targetRef: 'domain:default/content' },
        {
          type: 'dependsOn',
          targetRef: 'dataproduct:default/content-engagement',
        },
        {
          type: 'consumesApi',
          targetRef: 'api:default/content-engagement-contract',
        },
        {
          type: 'providesApi',
          targetRef: 'api:default/trending-topics-contract',
        },
      ]),
    );
  });

  it('export every product as a valid ODPS v1.0.0 document', async () => {
    for (const product of await products()) {
      const res = await get(
        `/api/data-mesh/odps/default/${product.metadata.name}`,
      );
      expect(res.status).toBe(200);
      expect({
        product: product.metadata.name,
        errors: validateOdpsDocument(res.body).errors,
      }).toEqual({ product: product.metadata.name, errors: [] });
    }
  });

  it('get different scores and levels from the default checks', async () => {
    const evaluate = async (name: string) =>
      (
        await request(backend.server)
          .post(`/api/data-mesh/evaluate/dataproduct/default/${name}`)
          .set('Authorization', mockCredentials.user.header())
      ).body;
    // Every field filled in, nothing measured yet (no contract test run, no freshness): the
    // measured checks weigh more than the fields, so it holds silver, not gold.
    const complete = await evaluate('patient-records');
    expect(complete).toMatchObject({ score: 68.4, level: 'silver' });
    expect(
      complete.checks
        .filter((c: { outcome: string }) => c.outcome === 'fail')
        .map((c: { id: string }) => c.id),
    ).toEqual(['contract-tests-measured', 'freshness-measured']);
    // Deliberate failures of the examples: a purpose of one word, a deprecation without sunset.
    const terse = await evaluate('insurance-customer-master');
    expect(terse.level).toBeNull();
    expect(terse.checks).toContainEqual(
      expect.objectContaining({ id: 'has-purpose', outcome: 'fail' }),
    );
    const legacy = await evaluate('user-interest-segments');
    expect(legacy.checks).toContainEqual(
      expect.objectContaining({
        id: 'deprecation-has-sunset',
        outcome: 'fail',
      }),
    );
    expect(legacy.score).toBeLessThan(100);
  });

  describe('under governance', () => {
    const verdicts = new Map<string, { compliant: boolean; results: any[] }>();

    beforeAll(async () => {
      for (const product of await products()) {
        const { name } = product.metadata;
        await request(backend.server)
          .post(`/api/data-mesh/evaluate/dataproduct/default/${name}`)
          .set('Authorization', mockCredentials.user.header());
        const res = await get(
          `/api/data-mesh/governance/dataproduct/default/${name}`,
        );
        if (res.status !== 200) {
          throw new Error(`GET governance of ${name}: ${res.status}`);
        }
        verdicts.set(name, res.body);
      }
    });

    it('show compliant and non-compliant products in every organisation', async () => {
      const byOrganisation = new Map<string, Set<boolean>>();
      for (const product of await products()) {
        const organisation = organisationOf(product)!;
        const seen = byOrganisation.get(organisation) ?? new Set();
        seen.add(verdicts.get(product.metadata.name)!.compliant);
        byOrganisation.set(organisation, seen);
      }
      expect([...byOrganisation.keys()].sort()).toEqual([
        'financial-group',
        'hospital',
        'social-media',
      ]);
      for (const [organisation, seen] of byOrganisation) {
        expect([organisation, [...seen].sort()]).toEqual([
          organisation,
          [false, true],
        ]);
      }
    });

    it.each([
      // The research domain's own policy: research reads de-identified data only.
      ['clinical-trial-recruitment', 'research-deidentified-inputs-only'],
      // The financial group's policies for its subsidiaries, stricter than the global one.
      ['securities-trades-legacy', 'group-transaction-data-restricted'],
      ['securities-trades-legacy', 'group-personal-data-restricted'],
      // Global policies.
      ['content-engagement', 'personal-data-protected'],
      ['ad-performance', 'active-output-ports-have-contracts'],
      ['user-interest-segments', 'deprecated-names-sunset'],
    ])('hold %s to %s', (name, policyId) => {
      const verdict = verdicts.get(name)!;
      expect(verdict.compliant).toBe(false);
      expect(verdict.results).toContainEqual(
        expect.objectContaining({
          id: policyId,
          outcome: 'fail',
          blocking: true,
        }),
      );
    });

    it('give every draft in a dry run the verdict of the continuous evaluation', async () => {
      for (const product of await products()) {
        const { relations, status, ...draft } = product as Entity & {
          status?: unknown;
        };
        const res = await request(backend.server)
          .post('/api/data-mesh/evaluate')
          .set('Authorization', mockCredentials.user.header())
          .send({ entity: draft });
        expect(res.status).toBe(200);
        const stored = verdicts.get(product.metadata.name)!;
        expect([product.metadata.name, res.body.governance]).toEqual([
          product.metadata.name,
          { compliant: stored.compliant, results: stored.results },
        ]);
      }
    });

    it('give every product the verdict of the command-line check', async () => {
      const offline = await checkDescriptors({
        files: [path.join(ROOT, 'examples')],
        entityPaths: [path.join(ROOT, 'examples')],
        configFiles: [path.join(ROOT, 'app-config.yaml')],
      });
      expect(offline).toHaveLength(EXAMPLE_PRODUCTS);
      for (const { entityRef, scorecard, governance } of offline) {
        const name = entityRef.split('/')[1];
        const stored = verdicts.get(name)!;
        const storedScorecard = (
          await get(`/api/data-mesh/scorecards/dataproduct/default/${name}`)
        ).body;
        // The command line shows what a product owner sees: no draft policies.
        expect([name, governance]).toEqual([
          name,
          {
            compliant: stored.compliant,
            results: stored.results.filter(r => r.enforcement !== 'draft'),
          },
        ]);
        expect([name, scorecard]).toEqual([
          name,
          {
            score: storedScorecard.score,
            level: storedScorecard.level,
            checks: storedScorecard.checks,
          },
        ]);
      }
    });
  });
});
