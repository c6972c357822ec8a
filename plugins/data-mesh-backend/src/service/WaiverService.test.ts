import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseDataMeshStore } from '../database/DatabaseDataMeshStore';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { GovernanceNotifier } from './GovernanceNotifier';
import { WaiverService } from './WaiverService';

jest.setTimeout(60_000);

const DAY = 24 * 3600_000;
const PRODUCT = 'dataproduct:default/cohort-study';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'research-data', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'cohort-study', namespace: 'default' },
    spec: {
      owner: 'research-data',
      domain: 'research',
      status: 'active',
      personalData: true,
      classification: 'internal',
    },
    relations: [],
  },
];

const config = readDataMeshBackendConfig(
  new ConfigReader({
    dataMesh: {
      scorecards: { defaultChecks: false },
      governance: {
        defaultPolicies: false,
        policies: [
          {
            id: 'personal-data-protected',
            appliesTo: 'entity.spec.personalData',
            rule: "entity.spec.classification in ['confidential', 'restricted']",
          },
        ],
        waivers: { maxDays: 30, reminderDays: 7 },
      },
    },
  }),
);

describe.each(TestDatabases.create().eachSupportedId())(
  'waivers over time on %p',
  id => {
    const databases = TestDatabases.create({ ids: [id] });

    async function setup() {
      const knex = await databases.init(id);
      const store = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
      });
      let now = new Date('2026-11-25T09:00:00Z');
      const clock = {
        now: () => now,
        advance: (ms: number) => {
          now = new Date(now.getTime() + ms);
        },
      };
      const sent: Array<{ entityRef: unknown; title: string }> = [];
      const notifier = new GovernanceNotifier(
        {
          async send({ recipients, payload }) {
            sent.push({
              entityRef: recipients.type === 'entity' && recipients.entityRef,
              title: payload.title,
            });
          },
        },
        mockServices.logger.mock(),
      );
      const shared = {
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        store,
        logger: mockServices.logger.mock(),
        notifier,
        now: clock.now,
      };
      const evaluations = new EvaluationService({ config, ...shared });
      const waivers = new WaiverService({
        config: config.waivers,
        evaluations,
        ...shared,
      });
      const product = entities[1];
      const compliant = async () =>
        (await store.getScorecard(PRODUCT))!.compliant;
      return { store, clock, sent, evaluations, waivers, product, compliant };
    }

    it('applies an approved waiver until it expires, then stops by itself and tells the owners once', async () => {
      const { clock, sent, evaluations, waivers, product, compliant, store } =
        await setup();
      await evaluations.evaluateAndSave([product]);
      expect(await compliant()).toBe(false);
      expect(sent).toEqual([
        { entityRef: PRODUCT, title: 'cohort-study is not compliant' },
      ]);
      // Evaluating again without change does not notify again.
      await evaluations.evaluateAll();
      expect(sent).toHaveLength(1);

      const requested = await waivers.request({
        product,
        policyId: 'personal-data-protected',
        reason: 'Classification review is scheduled.',
        expiresAt: new Date(clock.now().getTime() + 10 * DAY).toISOString(),
        requestedBy: 'user:default/ada',
      });
      expect(requested.status).toBe('pending');
      expect(await compliant()).toBe(false);

      await waivers.decide(requested.id, {
        action: 'approve',
        actor: 'user:default/grace',
      });
      expect(await compliant()).toBe(true);

      // Two days later: nothing to remind yet, nothing expired.
      clock.advance(2 * DAY);
      expect(await waivers.sweep()).toEqual({ expired: 0, reminded: 0 });

      // Within a week of expiry: the owners are reminded once, whoever sweeps how often.
      clock.advance(2 * DAY);
      expect(await waivers.sweep()).toEqual({ expired: 0, reminded: 1 });
      expect(await waivers.sweep()).toEqual({ expired: 0, reminded: 0 });
      expect(sent[1].title).toBe(
        'Waiver of personal-data-protected for cohort-study expires on 2026-12-05',
      );

      // Past the expiry the waiver no longer applies, even before the sweep closes it.
      clock.advance(6 * DAY + 1);
      expect(
        waivers.toWaiver((await store.getWaiver(requested.id))!),
      ).toMatchObject({ status: 'expired' });
      expect(await waivers.sweep()).toEqual({ expired: 1, reminded: 0 });
      expect(await compliant()).toBe(false);
      expect(sent.map(s => s.title)).toEqual([
        'cohort-study is not compliant',
        'Waiver of personal-data-protected for cohort-study expires on 2026-12-05',
        'cohort-study is not compliant',
      ]);
      expect(await waivers.get(requested.id)).toMatchObject({
        status: 'expired',
        events: [
          { action: 'requested', actor: 'user:default/ada' },
          { action: 'approved', actor: 'user:default/grace' },
          { action: 'expired', actor: 'system' },
        ],
      });

      // A new waiver may be requested once the old one has expired.
      await expect(
        waivers.request({
          product,
          policyId: 'personal-data-protected',
          reason: 'Still waiting for the review.',
          expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
          requestedBy: 'user:default/ada',
        }),
      ).resolves.toMatchObject({ status: 'pending' });
    });

    it('lets a rejected waiver change nothing', async () => {
      const { clock, evaluations, waivers, product, compliant } = await setup();
      await evaluations.evaluateAndSave([product]);
      const requested = await waivers.request({
        product,
        policyId: 'personal-data-protected',
        reason: 'Please.',
        expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
        requestedBy: 'user:default/ada',
      });
      const rejected = await waivers.decide(requested.id, {
        action: 'reject',
        actor: 'user:default/grace',
        comment: 'Classify it instead.',
      });
      expect(rejected).toMatchObject({
        status: 'rejected',
        decisionComment: 'Classify it instead.',
      });
      expect(await compliant()).toBe(false);
      await expect(
        waivers.decide(requested.id, {
          action: 'approve',
          actor: 'user:default/grace',
        }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });
  },
);
