import { ConflictError } from '@backstage/errors';
import {
  AccessApproval,
  AccessRequestState,
  entityRefKey,
} from '@datamesh-portal/plugin-data-mesh-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import {
  AccessAgreementFilter,
  AccessAgreementRequest,
  AccessAgreementStore,
  AccessStateChange,
  OPEN_ACCESS_STATES,
  StoredAccessAgreement,
  StoredAccessTransition,
} from './AccessAgreementStore';
import { migratedClient, StoreOptions } from './client';
import { advisoryLockKey, IN_CHUNK, toDate, uniqueRefs } from './util';

const LIST_DEFAULT_LIMIT = 500;

interface AgreementRow {
  id: string;
  product_ref: string;
  output_port: string;
  consumer_ref: string;
  purpose: string;
  contract_version: string | null;
  until: unknown;
  state: AccessRequestState;
  approval: AccessApproval;
  requested_by: string;
  requested_at: unknown;
  updated_at: unknown;
  decided_by: string | null;
  decided_at: unknown;
  server: string | null;
  failure_reason: string | null;
  reminded_at: unknown;
  released_at: unknown;
}

interface TransitionRow {
  agreement_id: string;
  from_state: AccessRequestState | null;
  to_state: AccessRequestState;
  actor: string;
  at: unknown;
  comment: string | null;
}

const optionalDate = (value: unknown) =>
  value === null || value === undefined ? undefined : toDate(value);

function toAgreement(row: AgreementRow): StoredAccessAgreement {
  const optional = {
    contractVersion: row.contract_version ?? undefined,
    until: optionalDate(row.until),
    decidedBy: row.decided_by ?? undefined,
    decidedAt: optionalDate(row.decided_at),
    server: row.server ?? undefined,
    failureReason: row.failure_reason ?? undefined,
    remindedAt: optionalDate(row.reminded_at),
    releasedAt: optionalDate(row.released_at),
  };
  return {
    id: row.id,
    productRef: row.product_ref,
    outputPort: row.output_port,
    consumerRef: row.consumer_ref,
    purpose: row.purpose,
    state: row.state,
    approval: row.approval,
    requestedBy: row.requested_by,
    requestedAt: toDate(row.requested_at),
    updatedAt: toDate(row.updated_at),
    // Absent rather than undefined, so that agreements compare equal to what was read.
    ...Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ),
  };
}

/** The knex implementation of {@link AccessAgreementStore}, on SQLite and PostgreSQL. */
export class DatabaseAccessAgreementStore implements AccessAgreementStore {
  static async create(
    options: StoreOptions,
  ): Promise<DatabaseAccessAgreementStore> {
    return new DatabaseAccessAgreementStore(await migratedClient(options));
  }

  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = db.client.dialect === 'postgresql';
  }

  async create(
    request: AccessAgreementRequest,
  ): Promise<
    { created: StoredAccessAgreement } | { blockedBy: StoredAccessAgreement }
  > {
    const row: AgreementRow = {
      id: randomUUID(),
      product_ref: entityRefKey(request.productRef),
      output_port: request.outputPort,
      consumer_ref: entityRefKey(request.consumerRef),
      purpose: request.purpose,
      contract_version: request.contractVersion ?? null,
      until: request.until ?? null,
      state: 'requested',
      approval: request.approval,
      requested_by: entityRefKey(request.requestedBy),
      requested_at: request.requestedAt,
      updated_at: request.requestedAt,
      decided_by: null,
      decided_at: null,
      server: null,
      failure_reason: null,
      reminded_at: null,
      released_at: null,
    };
    const port = {
      product_ref: row.product_ref,
      output_port: row.output_port,
      consumer_ref: row.consumer_ref,
    };
    return await this.db.transaction(async trx => {
      if (this.isPostgres) {
        // No row to lock yet: serialise requests for the same port and consumer so that two
        // concurrent ones cannot both pass the check below (SQLite serialises writers).
        await trx.raw('select pg_advisory_xact_lock(?::bigint)', [
          advisoryLockKey(
            `access\u0000${port.product_ref}\u0000${port.output_port}\u0000${port.consumer_ref}`,
          ),
        ]);
      }
      const open: AgreementRow | undefined = await trx('access_agreements')
        .where(port)
        .whereIn('state', OPEN_ACCESS_STATES)
        .orderBy('requested_at', 'desc')
        .first();
      if (open) return { blockedBy: toAgreement(open) };
      await trx('access_agreements').insert(row);
      await trx('access_agreement_transitions').insert({
        agreement_id: row.id,
        from_state: null,
        to_state: 'requested',
        actor: row.requested_by,
        at: request.requestedAt,
        comment: null,
      });
      return { created: toAgreement(row) };
    });
  }

  async transition(
    id: string,
    change: AccessStateChange,
  ): Promise<StoredAccessAgreement | undefined> {
    const actor =
      change.actor === 'system' ? 'system' : entityRefKey(change.actor);
    return await this.db.transaction(async trx => {
      const before: AgreementRow | undefined = await trx('access_agreements')
        .where('id', id)
        .whereIn('state', change.from)
        .first();
      if (!before) return undefined;
      // One conditional statement: of two concurrent changes, the second finds the state
      // changed (PostgreSQL re-checks the condition once the first commits) and updates nothing.
      const [row]: AgreementRow[] = await trx('access_agreements')
        .where({ id, state: before.state })
        .update({
          state: change.to,
          updated_at: change.at,
          failure_reason: change.failureReason ?? null,
          ...(change.decision
            ? { decided_by: actor, decided_at: change.at }
            : {}),
          ...(change.server !== undefined ? { server: change.server } : {}),
        })
        .returning('*');
      if (!row) return undefined;
      await trx('access_agreement_transitions').insert({
        agreement_id: id,
        from_state: before.state,
        to_state: change.to,
        actor,
        at: change.at,
        comment: change.comment ?? change.failureReason ?? null,
      });
      return toAgreement(row);
    });
  }

  async get(id: string): Promise<StoredAccessAgreement | undefined> {
    const row: AgreementRow | undefined = await this.db('access_agreements')
      .where('id', id)
      .first();
    return row ? toAgreement(row) : undefined;
  }

  async transitions(id: string): Promise<StoredAccessTransition[]> {
    const rows: TransitionRow[] = await this.db('access_agreement_transitions')
      .where('agreement_id', id)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select('*');
    return rows.map(row => ({
      agreementId: row.agreement_id,
      ...(row.from_state !== null ? { from: row.from_state } : {}),
      to: row.to_state,
      actor: row.actor,
      at: toDate(row.at),
      ...(row.comment !== null ? { comment: row.comment } : {}),
    }));
  }

  async list(filter?: AccessAgreementFilter): Promise<StoredAccessAgreement[]> {
    const limit = filter?.limit ?? LIST_DEFAULT_LIMIT;
    if (
      limit <= 0 ||
      filter?.productRefs?.length === 0 ||
      filter?.consumerRefs?.length === 0 ||
      filter?.states?.length === 0
    ) {
      return [];
    }
    // Per chunk of product refs, each with the limit, then merged.
    const restrictions: Array<string[] | undefined> = filter?.productRefs
      ? chunk(uniqueRefs(filter.productRefs), IN_CHUNK)
      : [undefined];
    let agreements: StoredAccessAgreement[] = [];
    for (const refs of restrictions) {
      const query = this.db('access_agreements');
      if (refs) query.whereIn('product_ref', refs);
      if (filter?.consumerRefs) {
        query.whereIn('consumer_ref', uniqueRefs(filter.consumerRefs));
      }
      if (filter?.states) query.whereIn('state', [...new Set(filter.states)]);
      if (filter?.updatedBefore) {
        query.where('updated_at', '<=', filter.updatedBefore);
      }
      const rows: AgreementRow[] = await query
        .orderBy([
          { column: 'requested_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .select('*');
      agreements = agreements.concat(rows.map(toAgreement));
    }
    if (restrictions.length > 1) {
      agreements.sort(
        (a, b) =>
          b.requestedAt.getTime() - a.requestedAt.getTime() ||
          Number(a.id < b.id) - Number(a.id > b.id),
      );
    }
    return agreements.slice(0, limit);
  }

  async expire(now: Date): Promise<StoredAccessAgreement[]> {
    return await this.claim(
      query =>
        query
          .whereIn('state', OPEN_ACCESS_STATES)
          .whereNotNull('until')
          .where('until', '<=', now),
      { state: 'expired', updated_at: now, failure_reason: null },
      now,
    );
  }

  async claimEndReminders(
    now: Date,
    before: Date,
  ): Promise<StoredAccessAgreement[]> {
    return await this.claim(
      query =>
        query
          .where('state', 'active')
          .where('until', '>', now)
          .where('until', '<=', before)
          .whereNull('reminded_at'),
      { reminded_at: now },
    );
  }

  async unreleased(
    limit = LIST_DEFAULT_LIMIT,
  ): Promise<StoredAccessAgreement[]> {
    const rows: AgreementRow[] = await this.db('access_agreements')
      .whereIn('state', ['revoked', 'expired'])
      .whereNotNull('server')
      .whereNull('released_at')
      .orderBy([
        { column: 'updated_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)
      .select('*');
    return rows.map(toAgreement);
  }

  async markReleased(id: string, at: Date): Promise<void> {
    await this.db('access_agreements')
      .where('id', id)
      .whereIn('state', ['revoked', 'expired'])
      .update({ released_at: at });
  }

  /**
   * Updates the agreements matching `condition` and returns them as updated, each to one caller
   * only: on PostgreSQL the candidates are row-locked, so a concurrent claim waits and then
   * skips them; SQLite serialises writing transactions. With `expiredAt`, adds a transition to
   * `expired` by `system` per agreement.
   */
  private async claim(
    condition: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
    changes: Partial<AgreementRow>,
    expiredAt?: Date,
  ): Promise<StoredAccessAgreement[]> {
    return await this.db.transaction(async trx => {
      const query = trx('access_agreements')
        .modify(condition)
        .orderBy([
          { column: 'until', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(IN_CHUNK)
        .select('*');
      if (this.isPostgres) query.forUpdate();
      const rows: AgreementRow[] = await query;
      if (rows.length === 0) return [];
      const ids = rows.map(row => row.id);
      const updated = await trx('access_agreements')
        .whereIn('id', ids)
        .modify(condition)
        .update(changes);
      if (updated !== ids.length) {
        // Cannot happen with the locks above; roll back rather than claim twice.
        throw new ConflictError(
          'Access agreements changed concurrently while being claimed; try again',
        );
      }
      if (expiredAt) {
        for (const part of chunk(rows, 100)) {
          await trx('access_agreement_transitions').insert(
            part.map(row => ({
              agreement_id: row.id,
              from_state: row.state,
              to_state: 'expired',
              actor: 'system',
              at: expiredAt,
              comment: `The agreement ended at ${toDate(
                row.until,
              ).toISOString()}`,
            })),
          );
        }
      }
      return rows.map(row => toAgreement({ ...row, ...changes }));
    });
  }
}
