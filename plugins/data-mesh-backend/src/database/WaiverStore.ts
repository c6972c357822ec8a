import {
  WaiverEvent,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * A waiver as stored. `status` is as last written: an approved waiver past its expiry stays
 * `approved` until {@link WaiverStore.expireWaivers} runs, so readers compare `expiresAt`.
 */
export interface StoredWaiver {
  /** A UUID. */
  id: string;
  entityRef: string;
  policyId: string;
  reason: string;
  status: WaiverStatus;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  decisionComment?: string;
  /** When the owners were told that it expires soon. */
  expiryNotifiedAt?: Date;
}

/** A line of a waiver's audit log. */
export type StoredWaiverEvent = Omit<WaiverEvent, 'at'> & {
  waiverId: string;
  at: Date;
};

/** A request for a waiver, as the waiver service checked it. */
export interface WaiverRequest {
  entityRef: string;
  policyId: string;
  reason: string;
  expiresAt: Date;
  requestedBy: string;
  requestedAt: Date;
}

/**
 * A change of a waiver's status, applied only if the waiver is still in status `from` (and,
 * with `unexpiredAt`, expires after that time): the conditional update that keeps two
 * concurrent decisions from both winning.
 */
export interface WaiverStatusChange {
  from: WaiverStatus;
  /** Also the action of the audit event. */
  to: Exclude<WaiverStatus, 'pending'>;
  /** Entity ref of who decided; recorded as `decidedBy` and in the audit event. */
  actor: string;
  at: Date;
  comment?: string;
  unexpiredAt?: Date;
}

/** Filter of {@link WaiverStore.listWaivers}; all given conditions apply. */
export interface WaiverFilter {
  entityRefs?: string[];
  statuses?: WaiverStatus[];
  /** Only waivers expiring at or before this time. */
  expiresBefore?: Date;
  /** Default 500. */
  limit?: number;
}

/**
 * Waivers and their audit log. Which transitions are allowed is the waiver service's
 * decision; the store applies each one conditionally and atomically with its audit event.
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface WaiverStore {
  /**
   * Records a pending waiver and its `requested` audit event in one transaction, unless the
   * product already has a waiver of the same policy that is pending, or approved and not
   * expired at `requestedAt`: then nothing is written and that waiver is returned as
   * `blockedBy`. Concurrent requests for the same product and policy are serialised, so at
   * most one of them is created.
   */
  createWaiver(
    request: WaiverRequest,
  ): Promise<{ created: StoredWaiver } | { blockedBy: StoredWaiver }>;

  /**
   * Applies a status change with its audit event in one transaction, if the waiver still
   * matches its condition. Returns the waiver as updated, or undefined when it did not match
   * (unknown, decided meanwhile, or expired).
   */
  updateWaiverStatus(
    id: string,
    change: WaiverStatusChange,
  ): Promise<StoredWaiver | undefined>;

  /** One waiver, or undefined. */
  getWaiver(id: string): Promise<StoredWaiver | undefined>;

  /** A waiver's audit log, oldest first. */
  getWaiverEvents(id: string): Promise<StoredWaiverEvent[]>;

  /** Waivers matching the filter, most recently requested first. */
  listWaivers(filter?: WaiverFilter): Promise<StoredWaiver[]>;

  /**
   * Marks approved waivers whose expiry is at or before `now` as `expired`, with an audit event
   * by `system`, and returns them. Each waiver is returned by one call only, even when several
   * backend instances call at once.
   */
  expireWaivers(now: Date): Promise<StoredWaiver[]>;

  /**
   * Claims approved waivers expiring after `now` and at or before `before` whose owners have not
   * been reminded yet, setting their `expiryNotifiedAt` to `now`. Each waiver is claimed once,
   * even when several backend instances call at once.
   */
  claimExpiryReminders(now: Date, before: Date): Promise<StoredWaiver[]>;
}
