import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  entityRefKey,
  Waiver,
  WaiverResponse,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import { StoredWaiver, WaiverStore } from '../database/WaiverStore';
import { DataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { GovernanceNotifier } from './GovernanceNotifier';

const DAY = 24 * 60 * 60 * 1000;
const MAX_REASON = 2000;

/** The decisions of a governance admin: from which status to which. */
const DECISIONS = {
  approve: { from: 'pending', to: 'approved' },
  reject: { from: 'pending', to: 'rejected' },
  revoke: { from: 'approved', to: 'revoked' },
} as const;

/** The actions a governance admin can take on a waiver. */
export const WAIVER_ACTIONS = Object.keys(DECISIONS) as ReadonlyArray<
  keyof typeof DECISIONS
>;

/** Whether a name is one of the {@link WAIVER_ACTIONS}: own names only, not inherited ones. */
export function isWaiverAction(
  name: string,
): name is (typeof WAIVER_ACTIONS)[number] {
  return (WAIVER_ACTIONS as readonly string[]).includes(name);
}

/** The NotFoundError for an action that is none of the {@link WAIVER_ACTIONS}. */
export function unknownWaiverAction(name: string): NotFoundError {
  return new NotFoundError(
    `No waiver action ${JSON.stringify(name)}; use ${WAIVER_ACTIONS.join(
      ', ',
    )}`,
  );
}

/**
 * A decision on a waiver by a governance admin. Approving takes a second person: the admin
 * who requested a waiver cannot approve it. Rejecting or revoking one's own waiver only gives
 * up an exception (a withdrawal), so a requester who is an admin may do that.
 */
export interface WaiverDecision {
  action: keyof typeof DECISIONS;
  /** Entity ref of the admin. */
  actor: string;
  comment?: string;
}

/** Why a decision cannot be taken on a waiver as it is at `at`; undefined if it can. */
function refusal(
  waiver: StoredWaiver,
  action: WaiverDecision['action'],
  at: Date,
): string | undefined {
  const { from, to } = DECISIONS[action];
  if (waiver.status !== from) {
    return action === 'revoke'
      ? `Waiver ${waiver.id} is ${waiver.status}; only an approved waiver can be revoked`
      : `Waiver ${waiver.id} is ${waiver.status}; only a pending waiver can be ${to}`;
  }
  // An approved waiver past its expiry no longer applies, even before the sweep marks it.
  if (action === 'revoke' && waiver.expiresAt.getTime() <= at.getTime()) {
    return `Waiver ${
      waiver.id
    } expired at ${waiver.expiresAt.toISOString()}; only an unexpired waiver can be revoked`;
  }
  return undefined;
}

/**
 * Waivers: exceptions for one policy on one product, requested by its owners, decided by
 * governance admins, applying until they expire. The service holds the state machine (pending
 * to approved or rejected, approved to revoked or expired); the store applies each transition
 * as a conditional update, so that concurrent decisions cannot both win. Approving or revoking
 * re-evaluates the product at once; the scheduled sweep closes expired waivers (re-evaluating
 * their products) and reminds owners before a waiver expires.
 */
export class WaiverService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      config: DataMeshBackendConfig['waivers'];
      store: WaiverStore;
      evaluations: EvaluationService;
      logger: LoggerService;
      notifier?: GovernanceNotifier;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Records a pending waiver after checking the policy applies and the dates make sense. */
  async request(input: {
    product: Entity;
    policyId: string;
    reason: unknown;
    expiresAt: unknown;
    requestedBy: string;
  }): Promise<Waiver> {
    const now = this.now();
    const { product, policyId } = input;
    const policies = await this.options.evaluations.policiesFor(product);
    const policy = policies.find(p => p.id === policyId);
    if (!policy || policy.enforcement === 'retired') {
      throw new InputError(
        `policyId: "${policyId}" is not a policy in force for ${entityRefKey(
          product,
        )}`,
      );
    }
    if (typeof input.reason !== 'string' || !input.reason.trim()) {
      throw new InputError('reason: must say why the exception is needed');
    }
    if (input.reason.length > MAX_REASON) {
      throw new InputError(
        `reason: must be at most ${MAX_REASON} characters, got ${input.reason.length}`,
      );
    }
    const expiresAt = this.parseExpiry(input.expiresAt, now);
    const stored = await this.options.store.createWaiver({
      entityRef: entityRefKey(product),
      policyId,
      reason: input.reason.trim(),
      expiresAt,
      requestedBy: input.requestedBy,
      requestedAt: now,
    });
    if ('blockedBy' in stored) {
      // One waiver per product and policy is pending or in force at a time.
      const { id, status, entityRef } = stored.blockedBy;
      const state =
        status === 'pending'
          ? 'is pending'
          : `is approved until ${stored.blockedBy.expiresAt.toISOString()}`;
      throw new ConflictError(
        `Waiver ${id} of policy ${policyId} for ${entityRef} ${state}; a new waiver can only be requested after it is rejected, revoked or expired`,
      );
    }
    return this.toWaiver(stored.created);
  }

  /**
   * Approves or rejects a pending waiver, or revokes an approved unexpired one; the product's
   * verdict follows at once. NotFoundError for an unknown id or action; NotAllowedError when the actor
   * approves a waiver they requested; ConflictError when the waiver is not in a state that
   * allows the decision, also when another decision won a race for it.
   */
  async decide(id: string, decision: WaiverDecision): Promise<Waiver> {
    // DECISIONS is read by the action's name: an inherited one (constructor) must not pass.
    if (!isWaiverAction(decision.action)) {
      throw unknownWaiverAction(decision.action);
    }
    const { store } = this.options;
    const at = this.now();
    const current = await store.getWaiver(id);
    if (!current) {
      throw new NotFoundError(`Waiver ${id} not found`);
    }
    // Refs are stored lowercase; the requester never changes, so no race to guard.
    if (
      decision.action === 'approve' &&
      entityRefKey(decision.actor) === entityRefKey(current.requestedBy)
    ) {
      throw new NotAllowedError(
        `Waiver ${id} was requested by ${current.requestedBy}, who may not approve it; another governance admin must`,
      );
    }
    const refused = refusal(current, decision.action, at);
    if (refused) {
      throw new ConflictError(refused);
    }
    const waiver = await store.updateWaiverStatus(id, {
      ...DECISIONS[decision.action],
      actor: decision.actor,
      at,
      ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
      ...(decision.action === 'revoke' ? { unexpiredAt: at } : {}),
    });
    if (!waiver) {
      // Changed since it was read: refused as the later of the two decisions.
      const latest = await store.getWaiver(id);
      throw new ConflictError(
        (latest && refusal(latest, decision.action, at)) ??
          `Waiver ${id} changed while being decided; try again`,
      );
    }
    if (decision.action !== 'reject') {
      await this.options.evaluations.evaluateRefs([waiver.entityRef]);
    }
    return this.toWaiver(waiver);
  }

  /**
   * Closes waivers that expired (their products are evaluated again, so they become
   * non-compliant if they still fail) and reminds owners of waivers expiring soon. Each waiver
   * is closed and reminded once, whichever instance runs the sweep.
   */
  async sweep(): Promise<{ expired: number; reminded: number }> {
    const now = this.now();
    const { store, evaluations, notifier, config } = this.options;
    const expired = await store.expireWaivers(now);
    if (expired.length) {
      await evaluations.evaluateRefs([
        ...new Set(expired.map(w => w.entityRef)),
      ]);
    }
    const reminders = await store.claimExpiryReminders(
      now,
      new Date(now.getTime() + config.reminderDays * DAY),
    );
    for (const waiver of reminders) {
      await notifier?.waiverExpiresSoon(waiver);
    }
    if (expired.length || reminders.length) {
      this.options.logger.info(
        `Waivers: ${expired.length} expired, ${reminders.length} expiry reminder(s) sent`,
      );
    }
    return { expired: expired.length, reminded: reminders.length };
  }

  /**
   * Waivers of these products (`undefined`: of any product), most recently requested first,
   * one page of them. The statuses filter as the API shows waivers: `expired` includes approved
   * ones past their expiry that the sweep has not closed yet.
   */
  async list(
    entityRefs: string[] | undefined,
    statuses: WaiverStatus[],
    page: { limit: number; offset: number },
  ): Promise<Waiver[]> {
    // Expired is a state of time, not only of the store: ask for approved ones too and let
    // the mapping decide.
    const wanted: WaiverStatus[] = statuses.includes('expired')
      ? [...statuses, 'approved']
      : statuses;
    const stored = await this.options.store.listWaivers({
      entityRefs,
      ...(wanted.length ? { statuses: wanted } : {}),
      limit: page.offset + page.limit,
    });
    return stored
      .map(w => this.toWaiver(w))
      .filter(w => !statuses.length || statuses.includes(w.status))
      .slice(page.offset, page.offset + page.limit);
  }

  async get(id: string): Promise<WaiverResponse | undefined> {
    const waiver = await this.options.store.getWaiver(id);
    if (!waiver) return undefined;
    const events = await this.options.store.getWaiverEvents(id);
    return {
      ...this.toWaiver(waiver),
      events: events.map(e => ({
        action: e.action,
        actor: e.actor,
        at: e.at.toISOString(),
        ...(e.comment ? { comment: e.comment } : {}),
      })),
    };
  }

  /**
   * A stored waiver as the API shows it: an approved waiver past its expiry is `expired` even
   * before the sweep has closed it, because it no longer applies.
   */
  toWaiver(waiver: StoredWaiver): Waiver {
    const expired =
      waiver.status === 'approved' &&
      waiver.expiresAt.getTime() <= this.now().getTime();
    return {
      id: waiver.id,
      entityRef: waiver.entityRef,
      policyId: waiver.policyId,
      reason: waiver.reason,
      status: expired ? 'expired' : waiver.status,
      requestedBy: waiver.requestedBy,
      requestedAt: waiver.requestedAt.toISOString(),
      expiresAt: waiver.expiresAt.toISOString(),
      ...(waiver.decidedBy ? { decidedBy: waiver.decidedBy } : {}),
      ...(waiver.decidedAt
        ? { decidedAt: waiver.decidedAt.toISOString() }
        : {}),
      ...(waiver.decisionComment
        ? { decisionComment: waiver.decisionComment }
        : {}),
    };
  }

  private parseExpiry(value: unknown, now: Date): Date {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new InputError(
        `expiresAt: ${JSON.stringify(value)} is not an ISO 8601 timestamp`,
      );
    }
    if (date.getTime() <= now.getTime()) {
      throw new InputError(`expiresAt: ${value} is not in the future`);
    }
    const { maxDays } = this.options.config;
    if (date.getTime() > now.getTime() + maxDays * DAY) {
      throw new InputError(
        `expiresAt: ${value} is more than ${maxDays} days away; waivers are temporary`,
      );
    }
    return date;
  }
}
