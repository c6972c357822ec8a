import { ConflictError } from '@backstage/errors';
import {
  entityRefKey,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import { migratedClient, StoreOptions } from './client';
import {
  advisoryLockKey,
  compareRefs,
  IN_CHUNK,
  rowsPerInsert,
  toDate,
  uniqueRefs,
} from './util';
import {
  StoredWaiver,
  StoredWaiverEvent,
  WaiverFilter,
  WaiverRequest,
  WaiverStatusChange,
  WaiverStore,
} from './WaiverStore';

const WAIVER_LIST_DEFAULT_LIMIT = 500;

interface WaiverRow {
  id: string;
  entity_ref: string;
  policy_id: string;
  reason: string;
  status: WaiverStatus;
  requested_by: string;
  requested_at: unknown;
  expires_at: unknown;
  decided_by: string | null;
  decided_at: unknown;
  decision_comment: string | null;
  expiry_notified_at: unknown;
}

interface WaiverEventRow {
  id: number | string;
  waiver_id: string;
  action: StoredWaiverEvent['action'];
  actor: string;
  at: unknown;
  comment: string | null;
}

function toWaiver(row: WaiverRow): StoredWaiver {
  const waiver: StoredWaiver = {
    id: row.id,
    entityRef: row.entity_ref,
    policyId: row.policy_id,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: toDate(row.requested_at),
    expiresAt: toDate(row.expires_at),
  };
  if (row.decided_by !== null) {
    waiver.decidedBy = row.decided_by;
  }
  if (row.decided_at !== null) {
    waiver.decidedAt = toDate(row.decided_at);
  }
  if (row.decision_comment !== null) {
    waiver.decisionComment = row.decision_comment;
  }
  if (row.expiry_notified_at !== null) {
    waiver.expiryNotifiedAt = toDate(row.expiry_notified_at);
  }
  return waiver;
}

function toWaiverEvent(row: WaiverEventRow): StoredWaiverEvent {
  return {
    waiverId: row.waiver_id,
    action: row.action,
    actor: row.actor,
    at: toDate(row.at),
    ...(row.comment !== null ? { comment: row.comment } : {}),
  };
}

/** Most recently requested first, then by id, as {@link WaiverStore.listWaivers} returns. */
function compareWaivers(a: StoredWaiver, b: StoredWaiver): number {
  return (
    b.requestedAt.getTime() - a.requestedAt.getTime() || compareRefs(b.id, a.id)
  );
}

/** The knex implementation of {@link WaiverStore}, on SQLite and PostgreSQL. */
export class DatabaseWaiverStore implements WaiverStore {
  static async create(options: StoreOptions): Promise<DatabaseWaiverStore> {
    return new DatabaseWaiverStore(await migratedClient(options));
  }

  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = db.client.dialect === 'postgresql';
  }

  async createWaiver(
    request: WaiverRequest,
  ): Promise<{ created: StoredWaiver } | { blockedBy: StoredWaiver }> {
    const entityRef = entityRefKey(request.entityRef);
    const { policyId, requestedAt } = request;
    const row: WaiverRow = {
      id: randomUUID(),
      entity_ref: entityRef,
      policy_id: policyId,
      reason: request.reason,
      status: 'pending',
      requested_by: entityRefKey(request.requestedBy),
      requested_at: requestedAt,
      expires_at: request.expiresAt,
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      expiry_notified_at: null,
    };

    return await this.db.transaction(async trx => {
      if (this.isPostgres) {
        // There is no row to lock yet: serialise requests for the same product and policy
        // so that two concurrent ones cannot both pass the check below.
        await trx.raw('select pg_advisory_xact_lock(?::bigint)', [
          advisoryLockKey(`waiver\u0000${entityRef}\u0000${policyId}`),
        ]);
      }
      const existing: WaiverRow | undefined = await trx('waivers')
        .where({ entity_ref: entityRef, policy_id: policyId })
        .where(query =>
          query
            .where('status', 'pending')
            .orWhere(approved =>
              approved
                .where('status', 'approved')
                .where('expires_at', '>', requestedAt),
            ),
        )
        .orderBy('requested_at', 'desc')
        .first();
      if (existing) {
        return { blockedBy: toWaiver(existing) };
      }
      await trx('waivers').insert(row);
      await trx('waiver_events').insert({
        waiver_id: row.id,
        action: 'requested',
        actor: row.requested_by,
        at: requestedAt,
        comment: null,
      });
      return { created: toWaiver(row) };
    });
  }

  async updateWaiverStatus(
    id: string,
    change: WaiverStatusChange,
  ): Promise<StoredWaiver | undefined> {
    const actor = entityRefKey(change.actor);
    const comment = change.comment ?? null;
    return await this.db.transaction(async trx => {
      // One statement: of two concurrent changes of the same waiver, the second finds the
      // row changed (PostgreSQL re-checks the condition after the first commits).
      const [row]: WaiverRow[] = await trx('waivers')
        .where({ id, status: change.from })
        .modify(query => {
          if (change.unexpiredAt) {
            query.where('expires_at', '>', change.unexpiredAt);
          }
        })
        .update({
          status: change.to,
          decided_by: actor,
          decided_at: change.at,
          decision_comment: comment,
        })
        .returning('*');
      if (!row) {
        return undefined;
      }
      await trx('waiver_events').insert({
        waiver_id: id,
        action: change.to,
        actor,
        at: change.at,
        comment,
      });
      return toWaiver(row);
    });
  }

  async getWaiver(id: string): Promise<StoredWaiver | undefined> {
    const row: WaiverRow | undefined = await this.db('waivers')
      .where('id', id)
      .first();
    return row ? toWaiver(row) : undefined;
  }

  async getWaiverEvents(id: string): Promise<StoredWaiverEvent[]> {
    const rows: WaiverEventRow[] = await this.db('waiver_events')
      .where('waiver_id', id)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select('*');
    return rows.map(toWaiverEvent);
  }

  async listWaivers(filter?: WaiverFilter): Promise<StoredWaiver[]> {
    const limit = filter?.limit ?? WAIVER_LIST_DEFAULT_LIMIT;
    if (
      limit <= 0 ||
      filter?.entityRefs?.length === 0 ||
      filter?.statuses?.length === 0
    ) {
      return [];
    }
    // Per chunk of refs, each with the limit, then merged: the first `limit` of the union
    // are among them.
    const restrictions: Array<string[] | undefined> = filter?.entityRefs
      ? chunk(uniqueRefs(filter.entityRefs), IN_CHUNK)
      : [undefined];
    let waivers: StoredWaiver[] = [];
    for (const refs of restrictions) {
      const query = this.db('waivers');
      if (refs) {
        query.whereIn('entity_ref', refs);
      }
      if (filter?.statuses) {
        query.whereIn('status', [...new Set(filter.statuses)]);
      }
      if (filter?.expiresBefore) {
        query.where('expires_at', '<=', filter.expiresBefore);
      }
      const rows: WaiverRow[] = await query
        .orderBy([
          { column: 'requested_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .select('*');
      waivers = waivers.concat(rows.map(toWaiver));
    }
    if (restrictions.length > 1) {
      waivers.sort(compareWaivers);
    }
    return waivers.slice(0, limit);
  }

  async expireWaivers(now: Date): Promise<StoredWaiver[]> {
    return await this.claimWaivers(
      query => query.where('status', 'approved').where('expires_at', '<=', now),
      { status: 'expired' },
      { action: 'expired', actor: 'system', at: now },
    );
  }

  async claimExpiryReminders(now: Date, before: Date): Promise<StoredWaiver[]> {
    return await this.claimWaivers(
      query =>
        query
          .where('status', 'approved')
          .where('expires_at', '>', now)
          .where('expires_at', '<=', before)
          .whereNull('expiry_notified_at'),
      { expiry_notified_at: now },
    );
  }

  /**
   * Updates the waivers matching `condition` and returns them as updated, each to one caller
   * only: on PostgreSQL the candidates are row-locked, so a concurrent claim waits, then
   * re-checks the condition on the updated rows and skips them; SQLite serialises writing
   * transactions. Adds the given audit event per waiver, if any.
   */
  private async claimWaivers(
    condition: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
    changes: Partial<Pick<WaiverRow, 'status' | 'expiry_notified_at'>>,
    event?: Pick<StoredWaiverEvent, 'action' | 'actor' | 'at'>,
  ): Promise<StoredWaiver[]> {
    return await this.db.transaction(async trx => {
      const query = trx('waivers')
        .modify(condition)
        .orderBy([
          { column: 'expires_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .select('*');
      if (this.isPostgres) {
        query.forUpdate();
      }
      const rows: WaiverRow[] = await query;
      for (const part of chunk(rows, IN_CHUNK)) {
        const ids = part.map(row => row.id);
        const updated = await trx('waivers')
          .whereIn('id', ids)
          .modify(condition)
          .update(changes);
        if (updated !== ids.length) {
          // Cannot happen with the locks above; roll back rather than claim twice.
          throw new ConflictError(
            'Waivers changed concurrently while being claimed; try again',
          );
        }
      }
      if (event) {
        const eventRows = rows.map(row => ({
          waiver_id: row.id,
          action: event.action,
          actor: event.actor,
          at: event.at,
          comment: null,
        }));
        for (const part of chunk(eventRows, rowsPerInsert(5))) {
          await trx('waiver_events').insert(part);
        }
      }
      return rows.map(row => toWaiver({ ...row, ...changes }));
    });
  }
}
