import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import { StoredWaiver, WaiverRequest } from './WaiverStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const product = (i: number) => `dataproduct:default/product-${i}`;

/** The transitions of the waiver service's decisions, as the store is asked to apply them. */
const DECISIONS = {
  approve: { from: 'pending', to: 'approved' },
  reject: { from: 'pending', to: 'rejected' },
  revoke: { from: 'approved', to: 'revoked' },
} as const;

describe.each(databases.eachSupportedId())(
  'DatabaseWaiverStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseWaiverStore;

    /**
     * Holds several connections at once on PostgreSQL, so that the pool has them ready and
     * racing calls after it really run at the same time (SQLite has a single connection).
     */
    async function fillPool() {
      if (databaseId.startsWith('POSTGRES')) {
        await Promise.all(
          Array.from({ length: 4 }, () => knex.raw('select pg_sleep(0.05)')),
        );
      }
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseWaiverStore.create({
        database: mockServices.database({ knex }),
      });
    });

    const orders = 'dataproduct:default/orders';
    const alice = 'user:default/alice';
    const admin = 'user:default/governance-admin';

    const request = (overrides: Partial<WaiverRequest> = {}) => ({
      entityRef: 'DataProduct:default/Orders',
      policyId: 'personal-data-restricted',
      reason: 'The masking job ships next sprint',
      expiresAt: at(1000),
      requestedBy: 'User:default/Alice',
      requestedAt: at(0),
      ...overrides,
    });

    /** Creates a waiver, which nothing may block. */
    async function create(
      overrides: Partial<WaiverRequest> = {},
    ): Promise<StoredWaiver> {
      const result = await store.createWaiver(request(overrides));
      if (!('created' in result)) {
        throw new Error(`Blocked by waiver ${result.blockedBy.id}`);
      }
      return result.created;
    }

    /** Applies a decision's transition, revocations only to unexpired waivers. */
    function decide(
      id: string,
      action: keyof typeof DECISIONS,
      when: Date,
      options: { actor?: string; comment?: string } = {},
    ) {
      return store.updateWaiverStatus(id, {
        ...DECISIONS[action],
        actor: options.actor ?? admin,
        at: when,
        ...(options.comment ? { comment: options.comment } : {}),
        ...(action === 'revoke' ? { unexpiredAt: when } : {}),
      });
    }

    /** Creates a waiver and approves it. */
    async function approved(
      overrides: Partial<WaiverRequest> = {},
    ): Promise<StoredWaiver> {
      const waiver = await create(overrides);
      return (await decide(waiver.id, 'approve', waiver.requestedAt))!;
    }

    it('records a pending request with its audit event', async () => {
      const waiver = await create();
      expect(waiver).toEqual({
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        entityRef: orders,
        policyId: 'personal-data-restricted',
        reason: 'The masking job ships next sprint',
        status: 'pending',
        requestedBy: alice,
        requestedAt: at(0),
        expiresAt: at(1000),
      });
      expect(Object.keys(waiver)).not.toContain('decidedBy');
      expect(await store.getWaiver(waiver.id)).toEqual(waiver);
      const events = await store.getWaiverEvents(waiver.id);
      expect(events).toEqual([
        { waiverId: waiver.id, action: 'requested', actor: alice, at: at(0) },
      ]);
      expect(events[0]).not.toHaveProperty('comment');

      expect(
        await store.getWaiver('00000000-0000-4000-8000-000000000000'),
      ).toBe(undefined);
      expect(
        await store.getWaiverEvents('00000000-0000-4000-8000-000000000000'),
      ).toEqual([]);
    });

    it('changes a status only from the one expected, with its audit event', async () => {
      // Pending to approved, then approved to revoked.
      const first = await create();
      const approvedOne = await decide(first.id, 'approve', at(5), {
        actor: 'User:default/Governance-Admin',
        comment: 'Until the masking job ships',
      });
      expect(approvedOne).toEqual({
        ...first,
        status: 'approved',
        decidedBy: admin,
        decidedAt: at(5),
        decisionComment: 'Until the masking job ships',
      });
      expect(await store.getWaiver(first.id)).toEqual(approvedOne);
      // No longer pending: neither approved again nor rejected.
      expect(await decide(first.id, 'approve', at(6))).toBeUndefined();
      expect(await decide(first.id, 'reject', at(6))).toBeUndefined();
      const revoked = await decide(first.id, 'revoke', at(7), {
        actor: 'user:default/bob',
      });
      expect(revoked).toEqual({
        ...first,
        status: 'revoked',
        decidedBy: 'user:default/bob',
        decidedAt: at(7),
      });
      expect(await decide(first.id, 'revoke', at(8))).toBeUndefined();
      expect(await store.getWaiver(first.id)).toEqual(revoked);
      expect(await store.getWaiverEvents(first.id)).toEqual([
        { waiverId: first.id, action: 'requested', actor: alice, at: at(0) },
        {
          waiverId: first.id,
          action: 'approved',
          actor: admin,
          at: at(5),
          comment: 'Until the masking job ships',
        },
        {
          waiverId: first.id,
          action: 'revoked',
          actor: 'user:default/bob',
          at: at(7),
        },
      ]);

      // Pending to rejected; then nothing else applies.
      const second = await create({ policyId: 'other', requestedAt: at(1) });
      expect(await decide(second.id, 'revoke', at(2))).toBeUndefined();
      expect(
        await decide(second.id, 'reject', at(3), { comment: 'Mask it first' }),
      ).toEqual(
        expect.objectContaining({
          status: 'rejected',
          decidedBy: admin,
          decidedAt: at(3),
          decisionComment: 'Mask it first',
        }),
      );
      for (const action of ['approve', 'reject', 'revoke'] as const) {
        expect(await decide(second.id, action, at(4))).toBeUndefined();
      }
      expect(
        (await store.getWaiverEvents(second.id)).map(e => [
          e.action,
          e.actor,
          e.comment,
        ]),
      ).toEqual([
        ['requested', alice, undefined],
        ['rejected', admin, 'Mask it first'],
      ]);

      // With `unexpiredAt`, an approved waiver past its expiry is left alone, even before it
      // is marked expired.
      const third = await approved({ policyId: 'third', expiresAt: at(20) });
      expect(await decide(third.id, 'revoke', at(20))).toBeUndefined();
      expect((await store.getWaiver(third.id))!.status).toBe('approved');

      expect(
        await decide('00000000-0000-4000-8000-000000000000', 'approve', at(1)),
      ).toBeUndefined();
    });

    it('lets exactly one of concurrent changes of a waiver win', async () => {
      const waivers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => create({ policyId: `p${i}` })),
      );
      await fillPool();
      const outcomes = await Promise.all(
        waivers.flatMap(waiver => [
          decide(waiver.id, 'approve', at(1), { actor: 'user:default/a' }),
          decide(waiver.id, 'reject', at(1), { actor: 'user:default/b' }),
        ]),
      );
      for (const [i, waiver] of waivers.entries()) {
        const [approval, rejection] = outcomes.slice(2 * i, 2 * i + 2);
        const winner = approval ?? rejection;
        expect([approval, rejection].filter(Boolean)).toHaveLength(1);
        expect(await store.getWaiver(waiver.id)).toEqual(winner);
        expect(
          (await store.getWaiverEvents(waiver.id)).map(e => e.action),
        ).toEqual(['requested', winner!.status]);
      }
    });

    it('is blocked by a pending or approved unexpired waiver of the same product and policy', async () => {
      const first = await create({ expiresAt: at(100) });
      // Pending: blocked, also for the same product spelt differently; nothing written.
      await expect(
        store.createWaiver(
          request({ entityRef: orders.toUpperCase(), requestedAt: at(1) }),
        ),
      ).resolves.toEqual({ blockedBy: first });
      expect(await store.listWaivers({ entityRefs: [orders] })).toEqual([
        first,
      ]);
      // Another policy or another product: allowed.
      await create({ policyId: 'other' });
      await create({ entityRef: product(1) });

      // Approved and unexpired: blocked until its expiry.
      const approvedFirst = await decide(first.id, 'approve', at(2));
      await expect(
        store.createWaiver(request({ requestedAt: at(99) })),
      ).resolves.toEqual({ blockedBy: approvedFirst });
      // At its expiry it no longer counts, even before expireWaivers marks it.
      const renewal = await create({
        requestedAt: at(100),
        expiresAt: at(200),
      });

      // After a rejection: allowed.
      await decide(renewal.id, 'reject', at(101));
      const afterRejection = await create({
        requestedAt: at(102),
        expiresAt: at(200),
      });
      // After a revocation: allowed.
      await decide(afterRejection.id, 'approve', at(103));
      await decide(afterRejection.id, 'revoke', at(104));
      const afterRevocation = await create({
        requestedAt: at(105),
        expiresAt: at(150),
      });
      // After an expiry: allowed.
      await decide(afterRevocation.id, 'approve', at(106));
      await store.expireWaivers(at(150));
      expect((await store.getWaiver(afterRevocation.id))!.status).toBe(
        'expired',
      );
      await create({ requestedAt: at(150) });

      // Identical requests at once: exactly one is recorded.
      await fillPool();
      const racing = await Promise.all(
        Array.from({ length: 3 }, () =>
          store.createWaiver(request({ policyId: 'raced' })),
        ),
      );
      const created = racing.flatMap(r => ('created' in r ? [r.created] : []));
      expect(created).toHaveLength(1);
      expect(racing.filter(r => 'blockedBy' in r)).toEqual([
        { blockedBy: created[0] },
        { blockedBy: created[0] },
      ]);
      expect(
        await store.listWaivers({
          entityRefs: [orders],
          statuses: ['pending'],
        }),
      ).toHaveLength(3);
    });

    it('lists waivers by product, status and expiry, most recently requested first', async () => {
      const a = await create({
        policyId: 'a',
        requestedAt: at(1),
        expiresAt: at(50),
      });
      const b = await approved({
        policyId: 'b',
        requestedAt: at(2),
        expiresAt: at(30),
      });
      const c = await approved({
        entityRef: product(1),
        policyId: 'a',
        requestedAt: at(3),
        expiresAt: at(40),
      });
      const d = await create({
        entityRef: product(2),
        policyId: 'a',
        requestedAt: at(4),
        expiresAt: at(20),
      });
      await decide(d.id, 'reject', at(5));
      const ids = (waivers: StoredWaiver[]) => waivers.map(w => w.id);

      expect(ids(await store.listWaivers())).toEqual([d.id, c.id, b.id, a.id]);
      expect(await store.listWaivers()).toEqual([
        await store.getWaiver(d.id),
        c,
        b,
        a,
      ]);
      expect(
        ids(
          await store.listWaivers({
            entityRefs: ['DataProduct:default/Orders', product(2)],
          }),
        ),
      ).toEqual([d.id, b.id, a.id]);
      expect(ids(await store.listWaivers({ statuses: ['approved'] }))).toEqual([
        c.id,
        b.id,
      ]);
      expect(
        ids(await store.listWaivers({ statuses: ['pending', 'rejected'] })),
      ).toEqual([d.id, a.id]);
      // At or before.
      expect(ids(await store.listWaivers({ expiresBefore: at(30) }))).toEqual([
        d.id,
        b.id,
      ]);
      expect(
        ids(
          await store.listWaivers({
            statuses: ['approved'],
            expiresBefore: at(40),
            entityRefs: [product(1), product(2)],
          }),
        ),
      ).toEqual([c.id]);
      expect(ids(await store.listWaivers({ limit: 2 }))).toEqual([d.id, c.id]);
      expect(await store.listWaivers({ entityRefs: [] })).toEqual([]);
      expect(await store.listWaivers({ statuses: [] })).toEqual([]);
      expect(await store.listWaivers({ statuses: ['expired'] })).toEqual([]);

      // More products than fit in one list of refs: merged, still ordered and limited.
      const many = Array.from({ length: 1100 }, (_, i) => product(1000 + i));
      const late = await create({
        entityRef: product(2099),
        policyId: 'a',
        requestedAt: at(9),
        expiresAt: at(50),
      });
      expect(
        ids(
          await store.listWaivers({
            entityRefs: [product(1), ...many, orders],
            limit: 3,
          }),
        ),
      ).toEqual([late.id, c.id, b.id]);
    });

    it('expires approved waivers past their expiry, each exactly once', async () => {
      // 30 approved waivers expiring at minutes 10..39, and some that must not expire.
      const expiring = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          approved({
            entityRef: product(i),
            requestedAt: at(0),
            expiresAt: at(10 + i),
          }),
        ),
      );
      const pending = await create({ policyId: 'pending', expiresAt: at(5) });
      const rejected = await create({ policyId: 'rejected', expiresAt: at(5) });
      await decide(rejected.id, 'reject', at(1));
      const revoked = await approved({
        policyId: 'revoked',
        expiresAt: at(5),
      });
      await decide(revoked.id, 'revoke', at(2));

      // Three instances at once, up to minute 29 inclusive: 20 waivers, each returned once.
      const now = at(29);
      await fillPool();
      const claimed = (
        await Promise.all([
          store.expireWaivers(now),
          store.expireWaivers(now),
          store.expireWaivers(now),
        ])
      ).flat();
      expect(claimed.map(w => w.id).sort()).toEqual(
        expiring
          .slice(0, 20)
          .map(w => w.id)
          .sort(),
      );
      expect(claimed.every(w => w.status === 'expired')).toBe(true);
      expect(claimed.find(w => w.id === expiring[3].id)).toEqual({
        ...expiring[3],
        status: 'expired',
      });
      expect(await store.getWaiver(expiring[3].id)).toEqual({
        ...expiring[3],
        status: 'expired',
      });
      expect(await store.getWaiverEvents(expiring[3].id)).toEqual([
        {
          waiverId: expiring[3].id,
          action: 'requested',
          actor: alice,
          at: at(0),
        },
        {
          waiverId: expiring[3].id,
          action: 'approved',
          actor: admin,
          at: at(0),
        },
        {
          waiverId: expiring[3].id,
          action: 'expired',
          actor: 'system',
          at: now,
        },
      ]);
      const [{ n }] = await knex('waiver_events')
        .where('action', 'expired')
        .count('* as n');
      expect(Number(n)).toBe(20);

      // Nothing left to expire then; the rest later.
      await expect(store.expireWaivers(now)).resolves.toEqual([]);
      expect(
        (await store.expireWaivers(at(100))).map(w => w.id).sort(),
      ).toEqual(
        expiring
          .slice(20)
          .map(w => w.id)
          .sort(),
      );
      expect((await store.getWaiver(pending.id))!.status).toBe('pending');
      expect((await store.getWaiver(rejected.id))!.status).toBe('rejected');
      expect((await store.getWaiver(revoked.id))!.status).toBe('revoked');
      expect(await store.listWaivers({ statuses: ['expired'] })).toHaveLength(
        30,
      );
    });

    it('claims expiry reminders within the window, each exactly once', async () => {
      const soon = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          approved({ entityRef: product(i), expiresAt: at(100 + i) }),
        ),
      );
      const atEnd = await approved({ policyId: 'end', expiresAt: at(200) });
      const later = await approved({ policyId: 'later', expiresAt: at(201) });
      const past = await approved({ policyId: 'past', expiresAt: at(60) });
      const pending = await create({ policyId: 'pending', expiresAt: at(150) });

      const now = at(60);
      await fillPool();
      const claimed = (
        await Promise.all([
          store.claimExpiryReminders(now, at(200)),
          store.claimExpiryReminders(now, at(200)),
          store.claimExpiryReminders(now, at(200)),
        ])
      ).flat();
      expect(claimed.map(w => w.id).sort()).toEqual(
        [...soon, atEnd].map(w => w.id).sort(),
      );
      expect(claimed.find(w => w.id === atEnd.id)).toEqual({
        ...atEnd,
        expiryNotifiedAt: now,
      });
      expect(await store.getWaiver(soon[0].id)).toEqual({
        ...soon[0],
        expiryNotifiedAt: now,
      });
      // Claimed once only; reminding does not change the status or the audit log.
      await expect(
        store.claimExpiryReminders(at(61), at(200)),
      ).resolves.toEqual([]);
      expect(
        (await store.getWaiverEvents(atEnd.id)).map(e => e.action),
      ).toEqual(['requested', 'approved']);
      expect(await store.getWaiver(later.id)).not.toHaveProperty(
        'expiryNotifiedAt',
      );
      expect(await store.getWaiver(past.id)).not.toHaveProperty(
        'expiryNotifiedAt',
      );
      expect((await store.getWaiver(pending.id))!.expiryNotifiedAt).toBe(
        undefined,
      );

      // A wider window later takes the next one; a reminded waiver still expires.
      expect(
        (await store.claimExpiryReminders(at(70), at(300))).map(w => w.id),
      ).toEqual([later.id]);
      expect(
        (await store.expireWaivers(at(100))).map(w => w.id).sort(),
      ).toEqual([past.id, soon[0].id].sort());
    });
  },
);
