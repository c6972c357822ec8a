import {
  AccessApproval,
  AccessRequestState,
} from '@datamesh-portal/plugin-data-mesh-common';

/** A usage agreement as stored. */
export interface StoredAccessAgreement {
  /** A UUID. */
  id: string;
  productRef: string;
  outputPort: string;
  consumerRef: string;
  purpose: string;
  contractVersion?: string;
  until?: Date;
  state: AccessRequestState;
  approval: AccessApproval;
  requestedBy: string;
  requestedAt: Date;
  updatedAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  server?: string;
  failureReason?: string;
  /** When both sides were told that it ends soon. */
  remindedAt?: Date;
  /** When access of an ended agreement was revoked on its server. */
  releasedAt?: Date;
}

/** One change of an agreement's state. */
export interface StoredAccessTransition {
  agreementId: string;
  /** Undefined for the request itself. */
  from?: AccessRequestState;
  to: AccessRequestState;
  actor: string;
  at: Date;
  comment?: string;
}

/** A request for access, as the access service checked it. */
export interface AccessAgreementRequest {
  productRef: string;
  outputPort: string;
  consumerRef: string;
  purpose: string;
  contractVersion?: string;
  until?: Date;
  approval: AccessApproval;
  requestedBy: string;
  requestedAt: Date;
}

/**
 * A change of state, applied only if the agreement is still in one of `from`: the conditional
 * update that keeps two concurrent decisions from both winning.
 */
export interface AccessStateChange {
  from: AccessRequestState[];
  to: AccessRequestState;
  actor: string;
  at: Date;
  comment?: string;
  /** A decision (approve, reject): recorded as `decidedBy`/`decidedAt`. */
  decision?: boolean;
  /** The server access is granted on, once known. */
  server?: string;
  /** Why granting failed (with `to: 'failed'`); cleared by any other change. */
  failureReason?: string;
}

/** Filter of {@link AccessAgreementStore.list}; all given conditions apply. */
export interface AccessAgreementFilter {
  productRefs?: string[];
  consumerRefs?: string[];
  states?: AccessRequestState[];
  /** Only those last changed at or before this time. */
  updatedBefore?: Date;
  /** Default 500. */
  limit?: number;
}

/** The states in which an agreement is open: a consumer has one open agreement per port. */
export const OPEN_ACCESS_STATES: AccessRequestState[] = [
  'requested',
  'approved',
  'active',
  'failed',
];

/**
 * Usage agreements and their transitions. Which transitions are allowed is the access
 * service's decision; the store applies each one conditionally and atomically with its
 * transition row. Refs are lowercased on the way in.
 */
export interface AccessAgreementStore {
  /**
   * Records a requested agreement and its first transition, unless the consumer already has an
   * open agreement on the port: then nothing is written and that one is returned as
   * `blockedBy`. Concurrent requests for the same port and consumer are serialised.
   */
  create(
    request: AccessAgreementRequest,
  ): Promise<
    { created: StoredAccessAgreement } | { blockedBy: StoredAccessAgreement }
  >;

  /**
   * Applies a change of state with its transition in one transaction, if the agreement is
   * still in one of `change.from`. Undefined when it is not (unknown, or changed meanwhile).
   */
  transition(
    id: string,
    change: AccessStateChange,
  ): Promise<StoredAccessAgreement | undefined>;

  get(id: string): Promise<StoredAccessAgreement | undefined>;

  /** An agreement's transitions, oldest first. */
  transitions(id: string): Promise<StoredAccessTransition[]>;

  /** Agreements matching the filter, most recently requested first. */
  list(filter?: AccessAgreementFilter): Promise<StoredAccessAgreement[]>;

  /**
   * Marks open agreements whose `until` is at or before `now` as `expired` (by `system`) and
   * returns them; each is returned by one call only, whichever instance calls.
   */
  expire(now: Date): Promise<StoredAccessAgreement[]>;

  /**
   * Claims active agreements ending after `now` and at or before `before` that were not
   * reminded of yet; each is claimed once, whichever instance calls.
   */
  claimEndReminders(now: Date, before: Date): Promise<StoredAccessAgreement[]>;

  /** Ended agreements (revoked, expired) with a server whose access was not revoked yet. */
  unreleased(limit?: number): Promise<StoredAccessAgreement[]>;

  /** Records that an ended agreement's access was revoked on its server. */
  markReleased(id: string, at: Date): Promise<void>;
}
