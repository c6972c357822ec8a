import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores } from '../database/stores';
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
      const stores = await createDataMeshStores({
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
        logger: mockServices.logger.mock(),
        notifier,
        now: clock.now,
      };
      const evaluations = new EvaluationService({ config, stores, ...shared });
      const waivers = new WaiverService({
        config: config.waivers,
        store: stores.waivers,
        evaluations,
        ...shared,
      });
      const product = entities[1];
      const compliant = async () =>
        (await stores.scorecards.getScorecard(PRODUCT))!.compliant;
      const store = stores.waivers;
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

    /** The error a call fails with. */
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error('Expected the call to fail');
        },
        (error: Error) => ({ name: error.name, message: error.message }),
      );
    const MINUTE = 60_000;

    it('approves, rejects and revokes only from the allowed states', async () => {
      const { clock, waivers, product, store } = await setup();
      const ask = (expiresInDays = 10) =>
        waivers.request({
          product,
          policyId: 'personal-data-protected',
          reason: 'The masking job ships next sprint',
          expiresAt: new Date(
            clock.now().getTime() + expiresInDays * DAY,
          ).toISOString(),
          requestedBy: 'user:default/ada',
        });
      const admin = 'user:default/grace';
      const decide = (
        waiverId: string,
        action: 'approve' | 'reject' | 'revoke',
        actor = admin,
        comment?: string,
      ) =>
        waivers.decide(waiverId, {
          action,
          actor,
          ...(comment ? { comment } : {}),
        });

      // Approve a pending waiver, then revoke it.
      const first = await ask();
      const requestedAt = clock.now();
      clock.advance(5 * MINUTE);
      expect(
        await decide(first.id, 'approve', admin, 'Until the masking job ships'),
      ).toMatchObject({
        status: 'approved',
        decidedBy: admin,
        decidedAt: clock.now().toISOString(),
        decisionComment: 'Until the masking job ships',
      });
      const approvedAt = clock.now();
      for (const action of ['approve', 'reject'] as const) {
        expect(await failure(decide(first.id, action))).toEqual({
          name: 'ConflictError',
          message: `Waiver ${
            first.id
          } is approved; only a pending waiver can be ${
            action === 'approve' ? 'approved' : 'rejected'
          }`,
        });
      }
      clock.advance(2 * MINUTE);
      expect(
        await decide(first.id, 'revoke', 'user:default/bob'),
      ).toMatchObject({ status: 'revoked', decidedBy: 'user:default/bob' });
      expect(await failure(decide(first.id, 'revoke'))).toEqual({
        name: 'ConflictError',
        message: `Waiver ${first.id} is revoked; only an approved waiver can be revoked`,
      });
      expect((await waivers.get(first.id))!.events).toEqual([
        {
          action: 'requested',
          actor: 'user:default/ada',
          at: requestedAt.toISOString(),
        },
        {
          action: 'approved',
          actor: admin,
          at: approvedAt.toISOString(),
          comment: 'Until the masking job ships',
        },
        {
          action: 'revoked',
          actor: 'user:default/bob',
          at: clock.now().toISOString(),
        },
      ]);

      // Reject a pending waiver; then nothing else is allowed.
      const second = await ask();
      expect(await failure(decide(second.id, 'revoke'))).toEqual({
        name: 'ConflictError',
        message: `Waiver ${second.id} is pending; only an approved waiver can be revoked`,
      });
      expect(
        await decide(second.id, 'reject', admin, 'Mask it first'),
      ).toMatchObject({ status: 'rejected', decisionComment: 'Mask it first' });
      for (const action of ['approve', 'reject', 'revoke'] as const) {
        expect((await failure(decide(second.id, action))).message).toMatch(
          new RegExp(`^Waiver ${second.id} is rejected; only an? `),
        );
      }
      expect((await waivers.get(second.id))!.events.map(e => e.action)).toEqual(
        ['requested', 'rejected'],
      );

      // An approved waiver past its expiry cannot be revoked, even before it is marked.
      const third = await ask(1);
      await decide(third.id, 'approve');
      clock.advance(DAY);
      expect(await failure(decide(third.id, 'revoke'))).toEqual({
        name: 'ConflictError',
        message: `Waiver ${third.id} expired at ${clock
          .now()
          .toISOString()}; only an unexpired waiver can be revoked`,
      });
      expect((await store.getWaiver(third.id))!.status).toBe('approved');

      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(await failure(decide(unknown, 'approve'))).toEqual({
        name: 'NotFoundError',
        message: `Waiver ${unknown} not found`,
      });
    });

    it('refuses to let the requester approve their own waiver, and lets them withdraw it', async () => {
      const { clock, waivers, product, compliant, evaluations } = await setup();
      await evaluations.evaluateAndSave([product]);
      const requester = 'user:default/ada';
      const ask = () =>
        waivers.request({
          product,
          policyId: 'personal-data-protected',
          reason: 'Classification review is scheduled.',
          expiresAt: new Date(clock.now().getTime() + 10 * DAY).toISOString(),
          requestedBy: requester,
        });
      const own = await ask();
      // An admin who requested it, however the ref is written, needs someone else.
      for (const actor of [requester, 'User:default/Ada']) {
        expect(
          await failure(waivers.decide(own.id, { action: 'approve', actor })),
        ).toEqual({
          name: 'NotAllowedError',
          message: `Waiver ${own.id} was requested by ${requester}, who may not approve it; another governance admin must`,
        });
      }
      expect((await waivers.get(own.id))!).toMatchObject({
        status: 'pending',
        events: [expect.objectContaining({ action: 'requested' })],
      });
      expect(await compliant()).toBe(false);

      // Rejecting one's own request withdraws it.
      expect(
        await waivers.decide(own.id, { action: 'reject', actor: requester }),
      ).toMatchObject({ status: 'rejected', decidedBy: requester });

      // Another admin approves; the requester may give the exception up early.
      const second = await ask();
      await waivers.decide(second.id, {
        action: 'approve',
        actor: 'user:default/grace',
      });
      expect(await compliant()).toBe(true);
      expect(
        await waivers.decide(second.id, { action: 'revoke', actor: requester }),
      ).toMatchObject({ status: 'revoked', decidedBy: requester });
      expect(await compliant()).toBe(false);
    });

    it('lets one of two concurrent decisions win; the other is refused as the later one', async () => {
      const { clock, waivers, product, store } = await setup();
      const requested = await waivers.request({
        product,
        policyId: 'personal-data-protected',
        reason: 'Classification review is scheduled.',
        expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
        requestedBy: 'user:default/ada',
      });
      const outcomes = await Promise.allSettled([
        waivers.decide(requested.id, {
          action: 'approve',
          actor: 'user:default/grace',
        }),
        waivers.decide(requested.id, {
          action: 'reject',
          actor: 'user:default/alan',
        }),
      ]);
      const won = outcomes.flatMap(o =>
        o.status === 'fulfilled' ? [o.value] : [],
      );
      const lost = outcomes.flatMap(o =>
        o.status === 'rejected' ? [o.reason] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].name).toBe('ConflictError');
      expect(lost[0].message).toBe(
        `Waiver ${requested.id} is ${
          won[0].status
        }; only a pending waiver can be ${
          won[0].status === 'approved' ? 'rejected' : 'approved'
        }`,
      );
      expect(
        (await store.getWaiverEvents(requested.id)).map(e => e.action),
      ).toEqual(['requested', won[0].status]);
    });

    it('refuses a second request while one is pending or approved and unexpired', async () => {
      const { clock, waivers, product } = await setup();
      const ask = () =>
        waivers.request({
          product,
          policyId: 'personal-data-protected',
          reason: 'Classification review is scheduled.',
          expiresAt: new Date(clock.now().getTime() + 10 * DAY).toISOString(),
          requestedBy: 'user:default/ada',
        });
      const first = await ask();
      const prefix = `Waiver ${first.id} of policy personal-data-protected for ${PRODUCT}`;
      const suffix =
        'a new waiver can only be requested after it is rejected, revoked or expired';
      expect(await failure(ask())).toEqual({
        name: 'ConflictError',
        message: `${prefix} is pending; ${suffix}`,
      });
      await waivers.decide(first.id, {
        action: 'approve',
        actor: 'user:default/grace',
      });
      expect(await failure(ask())).toEqual({
        name: 'ConflictError',
        message: `${prefix} is approved until ${first.expiresAt}; ${suffix}`,
      });
      // Once it has expired, a new one may be requested.
      clock.advance(10 * DAY);
      await expect(ask()).resolves.toMatchObject({ status: 'pending' });
    });

    it('refuses an action that is not one of its own, inherited names included', async () => {
      const { clock, waivers, product, store } = await setup();
      const requested = await waivers.request({
        product,
        policyId: 'personal-data-protected',
        reason: 'Please.',
        expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
        requestedBy: 'user:default/ada',
      });
      for (const action of ['constructor', '__proto__', 'toString']) {
        await expect(
          waivers.decide(requested.id, {
            action: action as 'approve',
            actor: 'user:default/grace',
          }),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: `No waiver action ${JSON.stringify(
            action,
          )}; use approve, reject, revoke`,
        });
      }
      expect((await store.getWaiver(requested.id))?.status).toBe('pending');
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
