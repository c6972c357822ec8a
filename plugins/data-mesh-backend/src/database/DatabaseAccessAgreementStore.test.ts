import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { AccessAgreementRequest } from './AccessAgreementStore';
import { DatabaseAccessAgreementStore } from './DatabaseAccessAgreementStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(databases.eachSupportedId())(
  'DatabaseAccessAgreementStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseAccessAgreementStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseAccessAgreementStore.create({
        database: mockServices.database({ knex }),
      });
    });

    const request = (
      overrides: Partial<AccessAgreementRequest> = {},
    ): AccessAgreementRequest => ({
      productRef: 'DataProduct:default/Orders',
      outputPort: 'orders',
      consumerRef: 'Group:default/Finance',
      purpose: 'Monthly revenue reporting for finance',
      approval: 'owners',
      requestedBy: 'User:default/Alice',
      requestedAt: at(0),
      ...overrides,
    });

    const created = async (overrides: Partial<AccessAgreementRequest> = {}) => {
      const result = await store.create(request(overrides));
      if (!('created' in result)) throw new Error('not created');
      return result.created;
    };

    it('creates a requested agreement with lowercase refs and its first transition', async () => {
      const agreement = await created({
        until: at(1000),
        contractVersion: '1.2.0',
      });
      expect(agreement).toEqual({
        id: expect.any(String),
        productRef: 'dataproduct:default/orders',
        outputPort: 'orders',
        consumerRef: 'group:default/finance',
        purpose: 'Monthly revenue reporting for finance',
        contractVersion: '1.2.0',
        until: at(1000),
        state: 'requested',
        approval: 'owners',
        requestedBy: 'user:default/alice',
        requestedAt: at(0),
        updatedAt: at(0),
      });
      expect(await store.get(agreement.id)).toEqual(agreement);
      expect(await store.transitions(agreement.id)).toEqual([
        {
          agreementId: agreement.id,
          to: 'requested',
          actor: 'user:default/alice',
          at: at(0),
        },
      ]);
    });

    it('keeps one open agreement per port and consumer, also under concurrent requests', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.create(request())),
      );
      const winners = results.filter(r => 'created' in r);
      expect(winners).toHaveLength(1);
      const id = (winners[0] as any).created.id;
      for (const r of results.filter(x => 'blockedBy' in x)) {
        expect((r as any).blockedBy.id).toBe(id);
      }
      // Another consumer or port is another agreement; a closed one no longer blocks.
      expect(
        'created' in
          (await store.create(request({ consumerRef: 'group:default/ops' }))),
      ).toBe(true);
      expect(
        'created' in (await store.create(request({ outputPort: 'refunds' }))),
      ).toBe(true);
      await store.transition(id, {
        from: ['requested'],
        to: 'rejected',
        actor: 'user:default/bob',
        at: at(1),
        decision: true,
      });
      expect('created' in (await store.create(request()))).toBe(true);
    });

    it('applies a transition only from the given states, keeping who and when', async () => {
      const { id } = await created();
      expect(
        await store.transition(id, {
          from: ['approved'],
          to: 'active',
          actor: 'system',
          at: at(1),
        }),
      ).toBeUndefined();
      const approved = await store.transition(id, {
        from: ['requested'],
        to: 'approved',
        actor: 'User:default/Bob',
        at: at(2),
        comment: 'ok',
        decision: true,
      });
      expect(approved).toMatchObject({
        state: 'approved',
        decidedBy: 'user:default/bob',
        decidedAt: at(2),
      });
      const failed = await store.transition(id, {
        from: ['approved'],
        to: 'failed',
        actor: 'system',
        at: at(3),
        server: 'warehouse',
        failureReason: 'role finance has no login',
      });
      expect(failed).toMatchObject({
        state: 'failed',
        server: 'warehouse',
        failureReason: 'role finance has no login',
        decidedBy: 'user:default/bob',
      });
      const active = await store.transition(id, {
        from: ['failed'],
        to: 'active',
        actor: 'system',
        at: at(4),
      });
      expect(active?.failureReason).toBeUndefined();
      expect(
        (await store.transitions(id)).map(t => [
          t.from,
          t.to,
          t.actor,
          t.comment,
        ]),
      ).toEqual([
        [undefined, 'requested', 'user:default/alice', undefined],
        ['requested', 'approved', 'user:default/bob', 'ok'],
        ['approved', 'failed', 'system', 'role finance has no login'],
        ['failed', 'active', 'system', undefined],
      ]);
    });

    it('lets one of concurrent transitions win, with one transition row', async () => {
      const { id } = await created();
      const results = await Promise.all(
        ['approved', 'rejected', 'approved', 'rejected'].map((to, i) =>
          store.transition(id, {
            from: ['requested'],
            to: to as 'approved' | 'rejected',
            actor: `user:default/owner-${i}`,
            at: at(1),
            decision: true,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.transitions(id)).toHaveLength(2);
    });

    it('lists by product, consumer and state, newest first', async () => {
      const a = await created({ requestedAt: at(1) });
      const b = await created({
        consumerRef: 'group:default/ops',
        requestedAt: at(2),
      });
      const c = await created({
        productRef: 'dataproduct:default/refunds',
        requestedAt: at(3),
      });
      await store.transition(b.id, {
        from: ['requested'],
        to: 'approved',
        actor: 'user:default/bob',
        at: at(4),
        decision: true,
      });
      expect((await store.list()).map(x => x.id)).toEqual([c.id, b.id, a.id]);
      expect(
        (await store.list({ productRefs: ['DataProduct:default/Orders'] })).map(
          x => x.id,
        ),
      ).toEqual([b.id, a.id]);
      expect(
        (await store.list({ consumerRefs: ['group:default/ops'] })).map(
          x => x.id,
        ),
      ).toEqual([b.id]);
      expect(
        (await store.list({ states: ['requested'] })).map(x => x.id),
      ).toEqual([c.id, a.id]);
      expect((await store.list({ limit: 1 })).map(x => x.id)).toEqual([c.id]);
      expect(await store.list({ productRefs: [] })).toEqual([]);
    });

    it('expires open agreements past their end once, and reminds of the end once', async () => {
      const soon = await created({ until: at(100) });
      const later = await created({
        consumerRef: 'group:default/ops',
        until: at(10_000),
      });
      await created({ consumerRef: 'group:default/none' });
      for (const { id } of [soon, later]) {
        await store.transition(id, {
          from: ['requested'],
          to: 'active',
          actor: 'system',
          at: at(1),
          server: 'warehouse',
        });
      }
      const reminders = await Promise.all([
        store.claimEndReminders(at(50), at(200)),
        store.claimEndReminders(at(50), at(200)),
      ]);
      expect(reminders.flat().map(a => a.id)).toEqual([soon.id]);
      expect(await store.claimEndReminders(at(60), at(200))).toEqual([]);

      const expired = await Promise.all([
        store.expire(at(100)),
        store.expire(at(100)),
      ]);
      expect(expired.flat().map(a => [a.id, a.state])).toEqual([
        [soon.id, 'expired'],
      ]);
      expect((await store.transitions(soon.id)).at(-1)).toMatchObject({
        from: 'active',
        to: 'expired',
        actor: 'system',
      });

      expect((await store.unreleased()).map(a => a.id)).toEqual([soon.id]);
      await store.markReleased(soon.id, at(101));
      expect(await store.unreleased()).toEqual([]);
      // An open agreement is never marked released.
      await store.markReleased(later.id, at(101));
      expect((await store.get(later.id))?.releasedAt).toBeUndefined();
    });
  },
);
