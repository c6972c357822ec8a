import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AccessRequest,
  AccessRequestResponse,
  AccessRequestState,
  DataProductEntityV1alpha1,
  entityRefKey,
  inputErrorWithProblems,
  isDataProductEntity,
  listOf,
  OdcsSchemaObject,
  OdcsServer,
  parseDataMeshRef,
  productRelatedRefs,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  chooseContractServer,
  ServerConfig,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  AccessGrantRequest,
  AccessProvisioner,
  AccessRevokeRequest,
  CatalogContractLookup,
} from '@datamesh-portal/plugin-data-mesh-node';
import { AccessConfig } from '../access/accessConfig';
import { consumerDatabaseRole } from '../access/consumerDatabaseRole';
import { reconcileAccess } from '../access/reconcileAccess';
import {
  AccessAgreementStore,
  AccessStateChange,
  StoredAccessAgreement,
} from '../database/AccessAgreementStore';
import { WaiverStore } from '../database/WaiverStore';
import { AccessNotifier } from './AccessNotifier';

const DAY = 24 * 60 * 60 * 1000;
const MIN_PURPOSE = 20;
const MAX_PURPOSE = 2000;
const MAX_VERSION = 100;
const MAX_COMMENT = 2000;
/** An approved agreement the decision's own grant has not moved on after this is retried. */
const STUCK_APPROVED_MS = 60_000;

/** The default policy that forbids automatic approval of sensitive products. */
export const SENSITIVE_AUTO_APPROVAL_POLICY =
  'sensitive-data-not-auto-approved';

/** The decisions on an agreement: from which states to which. */
const DECISIONS = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested'], to: 'rejected' },
  revoke: { from: ['approved', 'active', 'failed'], to: 'revoked' },
} as const satisfies Record<
  string,
  { from: AccessRequestState[]; to: AccessRequestState }
>;

/** The actions on an access request. */
export const ACCESS_ACTIONS = Object.keys(DECISIONS) as ReadonlyArray<
  keyof typeof DECISIONS
>;

/** Whether a name is one of the {@link ACCESS_ACTIONS}: own names only. */
export function isAccessAction(
  name: string,
): name is (typeof ACCESS_ACTIONS)[number] {
  return (ACCESS_ACTIONS as readonly string[]).includes(name);
}

/** Whether a product's data is sensitive: personal, confidential or restricted. */
export function isSensitiveProduct(product: DataProductEntityV1alpha1) {
  return (
    product.spec.personalData === true ||
    ['confidential', 'restricted'].includes(
      String(product.spec.classification ?? ''),
    )
  );
}

/** The caller of a request: a user, with the refs they own through (their groups). */
export interface AccessCaller {
  userEntityRef: string;
  ownershipEntityRefs: string[];
  credentials: BackstageCredentials;
}

/** A bad field of a request: its problem names the field, for the form to show it there. */
function fieldError(field: string, message: string) {
  return inputErrorWithProblems(`${field}: ${message}`, [{ field, message }]);
}

/** Where a grant goes: the server and what the provisioner is asked. */
type GrantTarget =
  | { kind: 'none'; server: string }
  | { kind: 'grant'; server: string; request: AccessGrantRequest };

export interface AccessServiceOptions {
  store: AccessAgreementStore;
  waivers: WaiverStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** `dataMesh.servers`. */
  servers: Map<string, ServerConfig>;
  access: AccessConfig;
  /** Every provisioner as one; none: agreements on servers that need a grant fail. */
  provisioner?: AccessProvisioner;
  notifier?: AccessNotifier;
  /** Days before an agreement's end that both sides are reminded. */
  reminderDays: number;
  now?: () => Date;
}

/**
 * Usage agreements: a user requests read access to an output port for a consumer they belong
 * to; the product's owners (or governance admins) approve, reject or revoke; approving grants
 * on the port's server through the access provisioners (DuckDB servers need no grant: the
 * preview enforces agreements there). The service holds the state machine; the store applies
 * each transition conditionally, so concurrent decisions cannot both win and a grant follows
 * one decision only. {@link AccessService.reconcile}, run by a scheduled task, expires ended
 * agreements, retries failed grants, restores grants removed by hand and revokes ended ones.
 */
export class AccessService {
  private readonly now: () => Date;

  constructor(private readonly options: AccessServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Records a request, after checking every field; approves it at once when the port allows. */
  async request(
    input: {
      product: Entity;
      outputPort: unknown;
      consumerRef: unknown;
      purpose: unknown;
      contractVersion?: unknown;
      until?: unknown;
    },
    caller: AccessCaller,
  ): Promise<AccessRequest> {
    const now = this.now();
    const { product } = input;
    const productRef = entityRefKey(product);
    if (!isDataProductEntity(product)) {
      throw fieldError('productRef', `${productRef} is not a DataProduct`);
    }
    if (product.spec.status === 'retired') {
      throw fieldError(
        'productRef',
        `${productRef} is retired; its data can no longer be requested`,
      );
    }
    const port = (product.spec.outputPorts ?? []).find(
      p => p.name === input.outputPort,
    );
    if (!port) {
      throw fieldError(
        'outputPort',
        `${productRef} has no output port ${JSON.stringify(
          input.outputPort,
        )}; its ports are ${
          (product.spec.outputPorts ?? []).map(p => p.name).join(', ') || 'none'
        }`,
      );
    }
    const purpose =
      typeof input.purpose === 'string' ? input.purpose.trim() : '';
    if (purpose.length < MIN_PURPOSE) {
      throw fieldError(
        'purpose',
        `must say what the data is used for in at least ${MIN_PURPOSE} characters, got ${purpose.length}`,
      );
    }
    if (purpose.length > MAX_PURPOSE) {
      throw fieldError(
        'purpose',
        `must be at most ${MAX_PURPOSE} characters, got ${purpose.length}`,
      );
    }
    const contractVersion = this.parseVersion(input.contractVersion);
    const until = this.parseUntil(input.until, now);
    const consumerRef = await this.checkConsumer(input.consumerRef, caller);

    const approval = await this.effectiveApproval(
      product,
      port.access?.approval,
      now,
    );
    const stored = await this.options.store.create({
      productRef,
      outputPort: port.name,
      consumerRef,
      purpose,
      ...(contractVersion ? { contractVersion } : {}),
      ...(until ? { until } : {}),
      approval,
      requestedBy: caller.userEntityRef,
      requestedAt: now,
    });
    if ('blockedBy' in stored) {
      const { id, state } = stored.blockedBy;
      throw new ConflictError(
        `${consumerRef} already has agreement ${id} on port ${port.name} of ${productRef}, ${state}; a new one can be requested once it is rejected, revoked or expired`,
      );
    }
    let agreement = stored.created;
    if (approval === 'automatic') {
      const approved = await this.options.store.transition(agreement.id, {
        from: ['requested'],
        to: 'approved',
        actor: 'system',
        at: now,
        comment: `Port ${port.name} approves requests automatically`,
        decision: true,
      });
      agreement = approved ? await this.provision(approved) : agreement;
      await this.options.notifier?.decided(agreement);
    } else {
      await this.options.notifier?.requested(agreement);
    }
    return this.toResponse(agreement);
  }

  /**
   * Approves or rejects a requested agreement, or revokes one that is approved, active or
   * failed. The caller has been authorized (`data-mesh.access.decide`); NotAllowedError when
   * they approve their own request; ConflictError when the state does not allow the action,
   * also when another decision won a race for it.
   */
  async decide(
    id: string,
    decision: {
      action: (typeof ACCESS_ACTIONS)[number];
      actor: string;
      comment?: unknown;
    },
  ): Promise<AccessRequest> {
    if (!isAccessAction(decision.action)) {
      throw new NotFoundError(
        `No access request action ${JSON.stringify(
          decision.action,
        )}; use ${ACCESS_ACTIONS.join(', ')}`,
      );
    }
    const { store } = this.options;
    const comment = this.parseComment(decision.comment);
    const current = await store.get(id);
    if (!current) throw new NotFoundError(`No access request ${id}`);
    if (
      decision.action === 'approve' &&
      entityRefKey(decision.actor) === current.requestedBy
    ) {
      throw new NotAllowedError(
        `Access request ${id} was requested by ${current.requestedBy}, who may not approve it; another owner of ${current.productRef} must`,
      );
    }
    const { from, to } = DECISIONS[decision.action];
    const refused = () =>
      new ConflictError(
        `Access request ${id} is ${current.state}; only a ${from.join(
          ', ',
        )} one can be ${to}`,
      );
    if (!(from as readonly string[]).includes(current.state)) throw refused();
    const changed = await store.transition(id, {
      from: [...from],
      to,
      actor: decision.actor,
      at: this.now(),
      ...(comment ? { comment } : {}),
      decision: decision.action !== 'revoke',
    });
    if (!changed) {
      const latest = await store.get(id);
      throw new ConflictError(
        `Access request ${id} is ${
          latest?.state ?? 'gone'
        }: another decision came first`,
      );
    }
    let agreement = changed;
    if (decision.action === 'approve') {
      agreement = await this.provision(changed);
      await this.options.notifier?.decided(agreement);
    } else if (decision.action === 'reject') {
      await this.options.notifier?.decided(agreement);
    } else {
      await this.release(agreement);
      await this.refreshProducts([agreement]);
      await this.options.notifier?.revoked(agreement);
    }
    return this.toResponse(agreement);
  }

  /**
   * One round of reconciliation: expires ended agreements (consumers are told), reminds both
   * sides of agreements ending soon, grants approved and failed ones, restores grants of active
   * ones that went missing and revokes those of ended ones. Safe on several instances at once.
   */
  async reconcile(signal?: AbortSignal) {
    const { store, notifier, logger, reminderDays } = this.options;
    const now = this.now();
    const expired = await store.expire(now);
    for (const agreement of expired) await notifier?.revoked(agreement);
    // Those with a server were granted: only they can be relations in the catalog.
    await this.refreshProducts(expired.filter(a => a.server !== undefined));
    const ending = await store.claimEndReminders(
      now,
      new Date(now.getTime() + reminderDays * DAY),
    );
    for (const agreement of ending) await notifier?.endsSoon(agreement);

    const retry = [
      ...(await store.list({ states: ['failed'] })),
      ...(await store.list({
        states: ['approved'],
        updatedBefore: new Date(now.getTime() - STUCK_APPROVED_MS),
      })),
    ];
    let granted = 0;
    for (const agreement of retry) {
      signal?.throwIfAborted();
      if ((await this.provision(agreement)).state === 'active') granted++;
    }

    const provisioner = this.options.provisioner;
    let restored = 0;
    let released = 0;
    if (provisioner) {
      const active: AccessGrantRequest[] = [];
      for (const agreement of await store.list({ states: ['active'] })) {
        signal?.throwIfAborted();
        try {
          const target = await this.grantTarget(agreement);
          if (target.kind === 'grant') active.push(target.request);
        } catch (error) {
          logger.warn(
            `Access agreement ${agreement.id}: cannot check its grant: ${
              isError(error) ? error.message : error
            }`,
          );
        }
      }
      const ended = (await store.unreleased()).filter(a =>
        this.grantsOn(a.server),
      );
      const inactive: AccessRevokeRequest[] = ended.map(a => ({
        agreementId: a.id,
        server: {
          id: a.server!,
          type: this.options.servers.get(a.server!)!.type,
        },
      }));
      const result = await reconcileAccess({
        provisioner,
        active,
        inactive,
        logger,
        signal,
      });
      restored = result.restored.length;
      // Owners see in the agreement's history that its grant went missing and came back.
      for (const entry of result.restored) {
        await store.transition(entry.agreementId, {
          from: ['active'],
          to: 'active',
          actor: 'system',
          at: now,
          comment: `Grant restored on server ${
            entry.serverId
          }: ${entry.changes.join('; ')}`,
        });
      }
      const failedIds = new Set(result.failed.map(f => f.agreementId));
      for (const agreement of ended) {
        if (failedIds.has(agreement.id)) continue;
        await store.markReleased(agreement.id, now);
        released++;
      }
    }
    const summary = {
      expired: expired.length,
      reminded: ending.length,
      granted,
      restored,
      released,
    };
    if (Object.values(summary).some(n => n > 0)) {
      logger.info(`Access agreements reconciled: ${JSON.stringify(summary)}`);
    }
    return summary;
  }

  /** The active agreements on one port of a product (for the preview). */
  async activeOnPort(productRef: string, outputPort: string) {
    const agreements = await this.options.store.list({
      productRefs: [productRef],
      states: ['active'],
    });
    return agreements
      .filter(a => a.outputPort === outputPort)
      .map(a => ({ id: a.id, consumerRef: a.consumerRef }));
  }

  /** Agreements of these products (`undefined`: of any product), newest first, one page of them. */
  async list(
    productRefs: string[] | undefined,
    filter: { consumerRef?: string; states: AccessRequestState[] },
    page: { limit: number; offset: number },
  ): Promise<AccessRequest[]> {
    const stored = await this.options.store.list({
      productRefs,
      ...(filter.consumerRef ? { consumerRefs: [filter.consumerRef] } : {}),
      ...(filter.states.length ? { states: filter.states } : {}),
      limit: page.offset + page.limit,
    });
    return stored
      .slice(page.offset, page.offset + page.limit)
      .map(a => this.toResponse(a));
  }

  async get(id: string): Promise<AccessRequestResponse | undefined> {
    const agreement = await this.options.store.get(id);
    if (!agreement) return undefined;
    const transitions = await this.options.store.transitions(id);
    return {
      ...this.toResponse(agreement),
      transitions: transitions.map(t => ({
        ...(t.from ? { from: t.from } : {}),
        to: t.to,
        actor: t.actor,
        at: t.at.toISOString(),
        ...(t.comment ? { comment: t.comment } : {}),
      })),
    };
  }

  toResponse(a: StoredAccessAgreement): AccessRequest {
    return {
      id: a.id,
      productRef: a.productRef,
      outputPort: a.outputPort,
      consumerRef: a.consumerRef,
      purpose: a.purpose,
      ...(a.contractVersion ? { contractVersion: a.contractVersion } : {}),
      ...(a.until ? { until: a.until.toISOString() } : {}),
      state: a.state,
      approval: a.approval,
      requestedBy: a.requestedBy,
      requestedAt: a.requestedAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      ...(a.decidedBy ? { decidedBy: a.decidedBy } : {}),
      ...(a.decidedAt ? { decidedAt: a.decidedAt.toISOString() } : {}),
      ...(a.server ? { server: a.server } : {}),
      ...(a.failureReason ? { failureReason: a.failureReason } : {}),
    };
  }

  /**
   * Grants an approved (or failed) agreement: `active` once granted, or at once on a server
   * that needs no grant; `failed` with the reason otherwise (a repeated failure with the same
   * reason writes nothing more). Never throws for a provisioning failure.
   */
  private async provision(
    agreement: StoredAccessAgreement,
  ): Promise<StoredAccessAgreement> {
    let change: Pick<
      AccessStateChange,
      'to' | 'server' | 'comment' | 'failureReason'
    >;
    try {
      const target = await this.grantTarget(agreement);
      if (target.kind === 'none') {
        change = {
          to: 'active',
          server: target.server,
          comment: `Server ${target.server} needs no grant: the preview enforces the agreement`,
        };
      } else {
        const result = await this.options.provisioner!.grant(target.request);
        change = {
          to: 'active',
          server: target.server,
          comment: result.changes.join('; ') || 'Already granted',
        };
      }
    } catch (error) {
      const reason = isError(error) ? error.message : String(error);
      if (agreement.state === 'failed' && agreement.failureReason === reason) {
        return agreement;
      }
      this.options.logger.warn(
        `Access agreement ${agreement.id}: granting failed: ${reason}`,
      );
      change = { to: 'failed', failureReason: reason };
    }
    const updated = await this.options.store.transition(agreement.id, {
      from: [agreement.state],
      actor: 'system',
      at: this.now(),
      ...change,
    });
    if (updated?.state === 'active') await this.refreshProducts([updated]);
    // Revoked meanwhile: the reconciler takes away what was granted.
    return updated ?? (await this.options.store.get(agreement.id)) ?? agreement;
  }

  /**
   * Asks the catalog to process the agreements' products again, so that the relations of
   * their active agreements (the catalog module's) follow at once. A failure is logged only:
   * the catalog catches up at its next processing.
   */
  private async refreshProducts(agreements: StoredAccessAgreement[]) {
    const { catalog, auth, logger } = this.options;
    for (const productRef of new Set(agreements.map(a => a.productRef))) {
      try {
        await catalog.refreshEntity(productRef, {
          credentials: await auth.getOwnServiceCredentials(),
        });
      } catch (error) {
        logger.warn(
          `Could not ask the catalog to refresh ${productRef} for its usage agreements: ${
            isError(error) ? error.message : error
          }`,
        );
      }
    }
  }

  /** Takes away what an ended agreement was granted; a failure is left to the reconciler. */
  private async release(agreement: StoredAccessAgreement) {
    const { provisioner, store, logger } = this.options;
    if (!agreement.server || !this.grantsOn(agreement.server) || !provisioner) {
      return;
    }
    try {
      await provisioner.revoke({
        agreementId: agreement.id,
        server: {
          id: agreement.server,
          type: this.options.servers.get(agreement.server)!.type,
        },
      });
      await store.markReleased(agreement.id, this.now());
    } catch (error) {
      logger.warn(
        `Access agreement ${
          agreement.id
        }: revoking failed, the reconciler retries: ${
          isError(error) ? error.message : error
        }`,
      );
    }
  }

  /** Whether agreements on this server are granted by a provisioner (not DuckDB's preview). */
  private grantsOn(serverId: string | undefined): boolean {
    const server = serverId ? this.options.servers.get(serverId) : undefined;
    return server !== undefined && server.type !== 'duckdb';
  }

  /** The server and grant of an agreement, from its port's contract, read as the plugin. */
  private async grantTarget(
    agreement: StoredAccessAgreement,
  ): Promise<GrantTarget> {
    const { catalog, auth, servers, access, provisioner } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const product = await catalog.getEntityByRef(agreement.productRef, {
      credentials,
    });
    if (!product || !isDataProductEntity(product)) {
      throw new NotFoundError(`${agreement.productRef} is not in the catalog`);
    }
    const port = (product.spec.outputPorts ?? []).find(
      p => p.name === agreement.outputPort,
    );
    if (!port) {
      throw new NotFoundError(
        `${agreement.productRef} has no output port ${agreement.outputPort}`,
      );
    }
    let contractRef: CompoundEntityRef | undefined;
    if (port.contract) {
      contractRef = parseDataMeshRef(port.contract, 'contract', product);
    } else if (port.contractId) {
      contractRef = await new CatalogContractLookup(catalog, auth, {
        credentials,
      }).findContract(port.contractId);
    }
    const api = contractRef
      ? await catalog.getEntityByRef(contractRef, { credentials })
      : undefined;
    if (!api) {
      throw new NotFoundError(
        `Port ${port.name} of ${agreement.productRef} has no data contract in the catalog, so there is nothing to grant`,
      );
    }
    const contract = readOdcsContract(
      String((api.spec as { definition?: unknown }).definition ?? ''),
    );
    // The server the contract tests run on: the grant is for the data they check.
    const entries = listOf<OdcsServer>(contract.servers);
    const serverId = chooseContractServer(entries, id => servers.get(id)?.type);
    const entry = entries.find(
      e => serverId !== undefined && e.server === serverId,
    );
    const server = serverId === undefined ? undefined : servers.get(serverId);
    if (!entry || !server || serverId === undefined) {
      throw new NotFoundError(
        `No server of the contract of port ${port.name} is configured in dataMesh.servers`,
      );
    }
    if (server.type === 'duckdb') return { kind: 'none', server: serverId };
    if (!provisioner?.supports(server.type)) {
      throw new NotAllowedError(
        `No access provisioner handles server ${serverId} of type ${server.type}`,
      );
    }
    const consumer = await catalog.getEntityByRef(agreement.consumerRef, {
      credentials,
    });
    if (!consumer) {
      throw new NotFoundError(
        `The consumer ${agreement.consumerRef} is not in the catalog`,
      );
    }
    const schema =
      typeof entry.schema === 'string' && entry.schema
        ? entry.schema
        : 'public';
    const tables = listOf<OdcsSchemaObject>(contract.schema).map(object => ({
      schema,
      table: String(object.physicalName ?? object.name ?? ''),
    }));
    return {
      kind: 'grant',
      server: serverId,
      request: {
        agreementId: agreement.id,
        server: { id: serverId, type: server.type },
        tables,
        consumerRole: consumerDatabaseRole(consumer, access, serverId),
      },
    };
  }

  /**
   * The approval in force for a port: `automatic` only when the port says so and the product
   * is not sensitive, or the sensitive-data policy is waived for it now.
   */
  private async effectiveApproval(
    product: DataProductEntityV1alpha1,
    approval: 'automatic' | 'owners' | undefined,
    now: Date,
  ): Promise<'automatic' | 'owners'> {
    if (approval !== 'automatic') return 'owners';
    if (!isSensitiveProduct(product)) return 'automatic';
    const waivers = await this.options.waivers.listWaivers({
      entityRefs: [entityRefKey(product)],
      statuses: ['approved'],
    });
    const waived = waivers.some(
      w =>
        w.policyId === SENSITIVE_AUTO_APPROVAL_POLICY &&
        w.expiresAt.getTime() > now.getTime(),
    );
    return waived ? 'automatic' : 'owners';
  }

  /**
   * The consumer, lowercase: a Group the caller is a member of, or a Component or System owned
   * by one of the caller's groups (read with the caller's credentials).
   */
  private async checkConsumer(value: unknown, caller: AccessCaller) {
    let ref: CompoundEntityRef;
    try {
      if (typeof value !== 'string' || !value) throw new Error();
      ref = parseEntityRef(value, {
        defaultKind: 'Group',
        defaultNamespace: 'default',
      });
    } catch {
      throw fieldError(
        'consumerRef',
        `${JSON.stringify(value)} is not an entity ref`,
      );
    }
    const consumerRef = entityRefKey(ref);
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (!['group', 'component', 'system'].includes(kind)) {
      throw fieldError(
        'consumerRef',
        `${consumerRef} is a ${ref.kind}; a consumer is a Group, Component or System`,
      );
    }
    const mine = new Set(caller.ownershipEntityRefs.map(r => entityRefKey(r)));
    const consumer = await this.options.catalog.getEntityByRef(ref, {
      credentials: caller.credentials,
    });
    if (!consumer) {
      throw fieldError('consumerRef', `${consumerRef} is not in the catalog`);
    }
    const belongs =
      kind === 'group'
        ? mine.has(consumerRef)
        : mine.has(productRelatedRefs(consumer).owner ?? '');
    if (!belongs) {
      throw new NotAllowedError(
        kind === 'group'
          ? `consumerRef: ${caller.userEntityRef} is not a member of ${consumerRef}`
          : `consumerRef: ${consumerRef} is not owned by a group of ${caller.userEntityRef}`,
      );
    }
    return consumerRef;
  }

  private parseUntil(value: unknown, now: Date): Date | undefined {
    if (value === undefined || value === null) return undefined;
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw fieldError(
        'until',
        `${JSON.stringify(value)} is not an ISO 8601 timestamp`,
      );
    }
    if (date.getTime() <= now.getTime()) {
      throw fieldError('until', `${value} is not in the future`);
    }
    return date;
  }

  private parseVersion(value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !value.trim()) {
      throw fieldError('contractVersion', 'must be a non-empty string');
    }
    if (value.length > MAX_VERSION) {
      throw fieldError(
        'contractVersion',
        `must be at most ${MAX_VERSION} characters`,
      );
    }
    return value.trim();
  }

  private parseComment(value: unknown): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      throw fieldError('comment', 'must be a string');
    }
    if (value.length > MAX_COMMENT) {
      throw fieldError('comment', `must be at most ${MAX_COMMENT} characters`);
    }
    return value.trim() || undefined;
  }
}
