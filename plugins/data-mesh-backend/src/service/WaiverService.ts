import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  Waiver,
  WaiverResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  DataMeshStore,
  StoredWaiver,
  WaiverDecision,
} from '../database/DataMeshStore';
import { DataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { GovernanceNotifier } from './GovernanceNotifier';
import { refKey } from './RuleContextBuilder';

const DAY = 24 * 60 * 60 * 1000;
const MAX_REASON = 2000;

/**
 * Waivers: exceptions for one policy on one product, requested by its owners, decided by
 * governance admins, applying until they expire. Approving or revoking re-evaluates the product
 * at once; the scheduled sweep closes expired waivers (re-evaluating their products) and
 * reminds owners before a waiver expires.
 */
export class WaiverService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      config: DataMeshBackendConfig['waivers'];
      store: DataMeshStore;
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
        `policyId: "${policyId}" is not a policy in force for ${refKey(
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
      entityRef: refKey(product),
      policyId,
      reason: input.reason.trim(),
      expiresAt,
      requestedBy: input.requestedBy,
      requestedAt: now,
    });
    return this.toWaiver(stored);
  }

  /** Approves, rejects or revokes a waiver; the product's verdict follows at once. */
  async decide(
    id: string,
    decision: Omit<WaiverDecision, 'at'>,
  ): Promise<Waiver> {
    const waiver = await this.options.store.decideWaiver(id, {
      ...decision,
      at: this.now(),
    });
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
