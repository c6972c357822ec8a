import {
  AuthService,
  BackstageCredentials,
  DatabaseService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  applyWaivers,
  DataMeshHealthResponse,
  dataMeshDraftPoliciesReadPermission,
  dataMeshEvaluatePermission,
  dataMeshFactsPushPermission,
  dataMeshWaiverDecidePermission,
  dataMeshWaiverRequestPermission,
  describeInvalidFactSource,
  EvaluateResponse,
  exportOdpsDocument,
  Governance,
  GovernanceResponse,
  GovernanceSummaryResponse,
  isDataProductEntity,
  isValidDataProductEntity,
  MAX_SCORECARD_REFS,
  productRelatedRefs,
  RulesResponse,
  ScorecardHistoryResponse,
  ScorecardResponse,
  ScorecardRollupResponse,
  ScorecardSummariesResponse,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import YAML from 'yaml';
import { FactObservation } from '../database/FactStore';
import { StoredScorecard } from '../database/ScorecardStore';
import { DataMeshStores } from '../database/stores';
import { StoredWaiver } from '../database/WaiverStore';
import { EvaluationService } from './EvaluationService';
import { FactPipelineScope } from './config';
import { addHomeRoutes, pageParams } from './homeRoutes';
import { jsonBody } from './jsonBody';
import { refKey } from './RuleContextBuilder';
import { WaiverService } from './WaiverService';

export interface RouterOptions {
  database: DatabaseService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  stores: DataMeshStores;
  evaluations: EvaluationService;
  waivers: WaiverService;
  /** The clock; tests move it. */
  now?: () => Date;
}

// Waivers and history points one request lists at most.
const MAX_WAIVERS_LIMIT = 500;
const MAX_HISTORY_LIMIT = 1000;

const WAIVER_STATUSES: WaiverStatus[] = [
  'pending',
  'approved',
  'rejected',
  'revoked',
  'expired',
];
const WAIVER_ACTIONS = { approve: 1, reject: 1, revoke: 1 } as const;
// Violations listed by the dashboard; the counts cover every product.
const MAX_VIOLATIONS = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObservedAt(value: unknown): Date {
  if (value === undefined) return new Date();
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new InputError(
      `observedAt: ${JSON.stringify(value)} is not an ISO 8601 timestamp`,
    );
  }
  if (date.getTime() > Date.now() + 5 * 60_000) {
    throw new InputError(`observedAt: ${value} is in the future`);
  }
  return date;
}

function parseRef(value: unknown, field: string): CompoundEntityRef {
  if (typeof value !== 'string') {
    throw new InputError(
      `${field}: must be an entity ref such as dataproduct:default/orders`,
    );
  }
  try {
    return parseEntityRef(value, { defaultKind: 'DataProduct' });
  } catch {
    throw new InputError(`${field}: "${value}" is not a valid entity ref`);
  }
}

/**
 * Whether a pipeline (a service principal) may push facts for a product: any pipeline when no
 * scopes are configured; otherwise only one whose scope names the product, its domain or its
 * owner. An unknown product is in no domain or team.
 */
export function pipelineMayPush(
  scopes: FactPipelineScope[] | undefined,
  subject: string,
  entityRef: string,
  entity: Entity | undefined,
): boolean {
  if (!scopes) return true;
  // Lowercase refs, undefined when the product (or its domain or owner) is unknown.
  const { domain, owner } = entity
    ? productRelatedRefs(entity)
    : { domain: undefined, owner: undefined };
  return scopes.some(
    scope =>
      scope.subject === subject &&
      (scope.entityRefs.includes(entityRef) ||
        (domain !== undefined && scope.domainRefs.includes(domain)) ||
        (owner !== undefined && scope.ownerRefs.includes(owner))),
  );
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auth, httpAuth, permissions, catalog, stores, evaluations, waivers } =
    options;
  const now = options.now ?? (() => new Date());
  const db = await options.database.getClient();
  const router = Router();
  // Every route taking a body shares this limit (dataMesh.api.maxBodyBytes); over it, 413.
  router.use(...jsonBody(evaluations.config.api.maxBodyBytes));

  /** The entity as the caller may see it; 404 when it does not exist or is not visible. */
  const readEntity = async (req: Request, ref: CompoundEntityRef) => {
    const entity = await catalog.getEntityByRef(ref, {
      credentials: await httpAuth.credentials(req),
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  };
  const routeRef = (req: Request): CompoundEntityRef => ({
    kind: req.params.kind,
    namespace: req.params.namespace,
    name: req.params.name,
  });
  const isAllowed = async (
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) => {
    const [decision] = await permissions.authorize(
      [
        permission.type === 'resource'
          ? { permission, resourceRef: resourceRef! }
          : { permission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };
  const authorize = async (
    req: Request,
    permission: BasicPermission | ResourcePermission,
    entityRef?: string,
  ) => {
    if (
      !(await isAllowed(await httpAuth.credentials(req), permission, entityRef))
    ) {
      throw new NotAllowedError(
        `Not allowed to ${permission.name}${
          entityRef ? ` on ${entityRef}` : ''
        }`,
      );
    }
  };
  /** Draft policies are shown to governance admins only. */
  const withoutDraftsUnlessAllowed = async (req: Request) => {
    const allowed = await isAllowed(
      await httpAuth.credentials(req),
      dataMeshDraftPoliciesReadPermission,
    );
    return <T extends { enforcement: string }>(items: T[]) =>
      allowed ? items : items.filter(item => item.enforcement !== 'draft');
  };
  /** Refs of the data products the caller may read. */
  const readableProductRefs = async (req: Request) => {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'DataProduct' },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await httpAuth.credentials(req) },
    );
    return items.map(e => refKey(e));
  };
  /** Approved waivers of the given products, by product. */
  const approvedWaivers = async (entityRefs: string[]) => {
    const byRef = new Map<string, StoredWaiver[]>();
    for (const waiver of await stores.waivers.listWaivers({
      entityRefs,
      statuses: ['approved'],
      limit: Number.MAX_SAFE_INTEGER,
    })) {
      byRef.set(waiver.entityRef, [
        ...(byRef.get(waiver.entityRef) ?? []),
        waiver,
      ]);
    }
    return byRef;
  };
  /** A stored result with the waivers in force now. */
  const currentGovernance = (
    stored: StoredScorecard,
    productWaivers: StoredWaiver[],
  ): Governance => applyWaivers(stored.policyResults, productWaivers, now());
  const scorecardResponse = (stored: StoredScorecard): ScorecardResponse => ({
    entityRef: stored.entityRef,
    score: stored.score,
    level: stored.level,
    checks: stored.checks,
    evaluatedAt: stored.evaluatedAt.toISOString(),
    definitions: evaluations.config.rules.checks,
    levels: evaluations.config.rules.levels,
  });

  router.get('/health', async (_req, res) => {
    try {
      await db.raw('select 1');
    } catch (error) {
      throw new ServiceUnavailableError(
        'The data mesh database does not answer',
        error,
      );
    }
    const body: DataMeshHealthResponse = { status: 'ok', database: 'ok' };
    res.json(body);
  });

  // The product as an ODPS v1.0.0 document; the caller sees only what the catalog lets it read.
  router.get('/odps/:namespace/:name', async (req, res) => {
    const { namespace, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind: 'DataProduct', namespace, name },
      { credentials: await httpAuth.credentials(req) },
    );
    if (!entity || !isDataProductEntity(entity)) {
      throw new NotFoundError(`No data product ${namespace}/${name}`);
    }
    const document = exportOdpsDocument(entity);
    if (
      req.accepts(['application/json', 'application/yaml']) ===
      'application/yaml'
    ) {
      res.type('application/yaml').send(YAML.stringify(document));
    } else {
      res.json(document);
    }
  });

  // The checks and policies in force: global ones and those of every Domain the caller may read.
  router.get('/rules', async (req, res) => {
    const visible = await withoutDraftsUnlessAllowed(req);
    const { items: domains } = await catalog.getEntities(
      { filter: { kind: 'Domain' } },
      { credentials: await httpAuth.credentials(req) },
    );
    const body: RulesResponse = {
      levels: evaluations.config.rules.levels,
      checks: evaluations.config.rules.checks.map(check => ({
        ...check,
        origin: 'global',
      })),
      policies: visible(evaluations.policiesOf(domains)),
    };
    res.json(body);
  });

  // Facts pushed by pipelines (a CI's static token, say); the product is re-evaluated at once.
  router.post('/facts', async (req, res) => {
    const body = req.body;
    if (!isObject(body)) {
      throw new InputError('The body must be a JSON object');
    }
    const ref = parseRef(body.entityRef, 'entityRef');
    const sourceProblem = describeInvalidFactSource(body.source);
    if (sourceProblem) throw new InputError(`source: ${sourceProblem}`);
    if (!isObject(body.facts)) {
      throw new InputError('facts: must be a JSON object of values');
    }
    const observedAt = parseObservedAt(body.observedAt);
    const entityRef = refKey(ref);
    await authorize(req, dataMeshFactsPushPermission, entityRef);
    // Looked up as this plugin: a pipeline's token is usually limited to the data mesh API,
    // and the checks here decide what it may push to.
    const entity = await catalog.getEntityByRef(ref, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    // The permission policy never sees service principals: a pipeline's scope is configured.
    const credentials = await httpAuth.credentials(req);
    if (
      auth.isPrincipal(credentials, 'service') &&
      !pipelineMayPush(
        evaluations.config.factPipelines,
        credentials.principal.subject,
        entityRef,
        entity,
      )
    ) {
      throw new NotAllowedError(
        `Pipeline ${credentials.principal.subject} may not push facts for ${entityRef}`,
      );
    }
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`entityRef: ${entityRef} is not a DataProduct`);
    }

    const { isLatest } = await stores.facts.addFacts({
      entityRef,
      source: body.source as string,
      facts: body.facts as FactObservation['facts'],
      observedAt,
    });
    const [scorecard] = isLatest
      ? await evaluations.evaluateAndSave([entity])
      : [await stores.scorecards.getScorecard(entityRef)];
    res.status(201).json({
      entityRef,
      source: body.source,
      observedAt: observedAt.toISOString(),
      latest: isLatest,
      scorecard: scorecard ? scorecardResponse(scorecard) : undefined,
    });
  });

  // Dry run: the verdict on a draft product, nothing stored (templates and CI use it).
  router.post('/evaluate', async (req, res) => {
    await httpAuth.credentials(req);
    const body = req.body;
    if (!isObject(body) || !isObject(body.entity)) {
      throw new InputError('entity: the body must hold the draft entity');
    }
    if (body.facts !== undefined && !isObject(body.facts)) {
      throw new InputError('facts: must be an object of sources to values');
    }
    for (const [source, values] of Object.entries(body.facts ?? {})) {
      const problem = describeInvalidFactSource(source);
      // A source that is no identifier is quoted: `facts.:: ...` would not name it.
      if (problem) {
        throw new InputError(`facts[${JSON.stringify(source)}]: ${problem}`);
      }
      if (!isObject(values)) {
        throw new InputError(
          `facts.${source}: must be a JSON object of values`,
        );
      }
    }
    const entity = body.entity as unknown as Entity;
    // Throws an InputError naming every bad field of a DataProduct.
    if (!isValidDataProductEntity(entity)) {
      throw new InputError(
        'entity: must be a DataProduct (apiVersion datamesh-portal.io/v1alpha1)',
      );
    }
    const visible = await withoutDraftsUnlessAllowed(req);
    const { scorecard, governance } = await evaluations.dryRun(
      entity as Parameters<EvaluationService['dryRun']>[0],
      (body.facts ?? {}) as Record<string, Record<string, unknown>>,
    );
    const response: EvaluateResponse = {
      scorecard,
      governance: { ...governance, results: visible(governance.results) },
    };
    res.json(response);
  });

  router.post('/evaluate/:kind/:namespace/:name', async (req, res) => {
    const ref = routeRef(req);
    await authorize(req, dataMeshEvaluatePermission, refKey(ref));
    const entity = await readEntity(req, ref);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`${refKey(ref)} is not a DataProduct`);
    }
    const [scorecard] = await evaluations.evaluateAndSave([entity]);
    res.json(scorecardResponse(scorecard));
  });

  /**
   * The latest result of a readable entity. Reading never evaluates: a product gets its first
   * result from a pass, a fact push or an explicit evaluation, and answers 404 until then.
   */
  const latestResult = async (entity: Entity): Promise<StoredScorecard> => {
    const stored = await stores.scorecards.getScorecard(refKey(entity));
    if (stored) return stored;
    if (!isDataProductEntity(entity)) {
      throw new NotFoundError(`${refKey(entity)} is not a DataProduct`);
    }
    throw new NotFoundError(`${refKey(entity)} has not been evaluated yet`);
  };

  router.get('/scorecards/:kind/:namespace/:name', async (req, res) => {
    const entity = await readEntity(req, routeRef(req));
    const stored = await latestResult(entity);
    res.json(scorecardResponse(stored));
  });

  // The latest results of many products at once (search indexing, catalog tables); only what
  // the caller may read.
  router.post('/scorecards/by-refs', async (req, res) => {
    const entityRefs = req.body?.entityRefs;
    if (
      !Array.isArray(entityRefs) ||
      entityRefs.length > MAX_SCORECARD_REFS ||
      entityRefs.some(ref => typeof ref !== 'string')
    ) {
      throw new InputError(
        `entityRefs: must be a list of at most ${MAX_SCORECARD_REFS} entity refs`,
      );
    }
    const refs = entityRefs.map((ref, i) =>
      refKey(parseRef(ref, `entityRefs[${i}]`)),
    );
    const { items: readable } = await catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await httpAuth.credentials(req) },
    );
    const stored = await stores.scorecards.getScorecards(
      refs.filter((_ref, i) => readable[i]),
    );
    const body: ScorecardSummariesResponse = {
      items: refs.map((ref, i) => {
        const scorecard = readable[i] ? stored.get(ref) : undefined;
        return scorecard
          ? {
              entityRef: ref,
              score: scorecard.score,
              level: scorecard.level,
              compliant: scorecard.compliant,
              evaluatedAt: scorecard.evaluatedAt.toISOString(),
            }
          : null;
      }),
    };
    res.json(body);
  });

  router.get('/scorecards/:kind/:namespace/:name/history', async (req, res) => {
    const { limit, offset } = pageParams(
      req.query,
      MAX_HISTORY_LIMIT,
      MAX_HISTORY_LIMIT,
    );
    const entity = await readEntity(req, routeRef(req));
    // The most recent `limit` points after skipping the `offset` newest, oldest first.
    const recent = await stores.scorecards.getScorecardHistory(refKey(entity), {
      limit: limit + offset,
    });
    const items = recent.slice(0, Math.max(0, recent.length - offset));
    const body: ScorecardHistoryResponse = {
      entityRef: refKey(entity),
      items: items.map(item => ({
        evaluatedAt: item.evaluatedAt.toISOString(),
        score: item.score,
        level: item.level,
        compliant: item.compliant,
      })),
    };
    res.json(body);
  });

  // A product's policy results with the waivers in force now, its policies and its waivers.
  router.get('/governance/:kind/:namespace/:name', async (req, res) => {
    const entity = await readEntity(req, routeRef(req));
    const entityRef = refKey(entity);
    const stored = await latestResult(entity);
    const visible = await withoutDraftsUnlessAllowed(req);
    const [policies, productWaivers] = await Promise.all([
      evaluations.policiesFor(entity),
      stores.waivers.listWaivers({ entityRefs: [entityRef] }),
    ]);
    const governance = currentGovernance(
      stored,
      productWaivers.filter(w => w.status === 'approved'),
    );
    const body: GovernanceResponse = {
      entityRef,
      evaluatedAt: stored.evaluatedAt.toISOString(),
      compliant: governance.compliant,
      results: visible(governance.results),
      policies: visible(policies),
      waivers: productWaivers.map(w => waivers.toWaiver(w)),
    };
    res.json(body);
  });

  // The mesh's governance: compliance per policy and per domain, violations, waivers.
  router.get('/governance', async (req, res) => {
    const visible = await withoutDraftsUnlessAllowed(req);
    const refs = await readableProductRefs(req);
    const [stored, approved, pending, { items: domains }] = await Promise.all([
      stores.scorecards.getScorecards(refs),
      approvedWaivers(refs),
      stores.waivers.listWaivers({ entityRefs: refs, statuses: ['pending'] }),
      catalog.getEntities(
        { filter: { kind: 'Domain' } },
        { credentials: await httpAuth.credentials(req) },
      ),
    ]);
    const policyKey = (p: { id: string; domainRef?: string }) =>
      `${p.domainRef ?? ''}|${p.id}`;
    const policies = new Map(
      visible(evaluations.policiesOf(domains)).map(p => [
        policyKey(p),
        { ...p, applicable: 0, failing: 0, waived: 0 },
      ]),
    );
    const byDomain = new Map<
      string | null,
      { domainRef: string | null; products: number; compliant: number }
    >();
    const violations: GovernanceSummaryResponse['violations'] = [];
    let compliant = 0;
    for (const result of stored.values()) {
      const governance = currentGovernance(
        result,
        approved.get(result.entityRef) ?? [],
      );
      compliant += governance.compliant ? 1 : 0;
      const domain = byDomain.get(result.domainRef) ?? {
        domainRef: result.domainRef,
        products: 0,
        compliant: 0,
      };
      domain.products += 1;
      domain.compliant += governance.compliant ? 1 : 0;
      byDomain.set(result.domainRef, domain);
      for (const r of governance.results) {
        const counts = policies.get(policyKey(r));
        if (!counts || r.outcome === 'skipped') continue;
        counts.applicable += 1;
        if (r.outcome === 'fail' || r.outcome === 'error') counts.failing += 1;
        if (r.outcome === 'waived') counts.waived += 1;
      }
      if (!governance.compliant && violations.length < MAX_VIOLATIONS) {
        violations.push({
          entityRef: result.entityRef,
          domainRef: result.domainRef,
          ownerRef: result.ownerRef,
          policyIds: governance.results.filter(r => r.blocking).map(r => r.id),
        });
      }
    }
    const soon =
      now().getTime() + evaluations.config.waivers.reminderDays * 86_400_000;
    const body: GovernanceSummaryResponse = {
      products: stored.size,
      compliant,
      policies: [...policies.values()],
      domains: [...byDomain.values()].sort((a, b) =>
        String(a.domainRef).localeCompare(String(b.domainRef)),
      ),
      violations,
      waivers: {
        pending: pending.map(w => waivers.toWaiver(w)),
        expiring: [...approved.values()]
          .flat()
          .filter(w => w.expiresAt.getTime() <= soon)
          .map(w => waivers.toWaiver(w))
          .filter(w => w.status === 'approved'),
      },
    };
    res.json(body);
  });

  // Waivers of the products the caller may read, optionally of one product or status.
  router.get('/waivers', async (req, res) => {
    const { limit, offset } = pageParams(
      req.query,
      MAX_WAIVERS_LIMIT,
      MAX_WAIVERS_LIMIT,
    );
    const statuses = [req.query.status ?? []].flat().map(String);
    const unknown = statuses.find(
      s => !WAIVER_STATUSES.includes(s as WaiverStatus),
    );
    if (unknown !== undefined) {
      throw new InputError(
        `status: "${unknown}" is not one of ${WAIVER_STATUSES.join(', ')}`,
      );
    }
    const entityRefs =
      req.query.entityRef !== undefined
        ? [
            refKey(
              await readEntity(req, parseRef(req.query.entityRef, 'entityRef')),
            ),
          ]
        : await readableProductRefs(req);
    // Expired is a state of time, not only of the store: ask for approved ones too and let
    // the mapping decide.
    const wanted = statuses.includes('expired')
      ? [...statuses, 'approved']
      : statuses;
    const items = (
      await stores.waivers.listWaivers({
        entityRefs,
        ...(wanted.length ? { statuses: wanted as WaiverStatus[] } : {}),
        limit: offset + limit,
      })
    )
      .map(w => waivers.toWaiver(w))
      .filter(w => !statuses.length || statuses.includes(w.status))
      .slice(offset, offset + limit);
    res.json({ items, limit, offset });
  });

  router.get('/waivers/:id', async (req, res) => {
    const waiver = await waivers.get(req.params.id);
    if (!waiver) throw new NotFoundError(`No waiver ${req.params.id}`);
    // Only callers who may read the product see its waivers.
    await readEntity(req, parseEntityRef(waiver.entityRef));
    res.json(waiver);
  });

  // A product owner asks for an exception to one policy.
  router.post('/waivers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = req.body;
    if (!isObject(body)) throw new InputError('The body must be a JSON object');
    const ref = parseRef(body.entityRef, 'entityRef');
    if (typeof body.policyId !== 'string' || !body.policyId) {
      throw new InputError('policyId: must name the policy to waive');
    }
    const product = await readEntity(req, ref);
    if (!isDataProductEntity(product)) {
      throw new InputError(`entityRef: ${refKey(ref)} is not a DataProduct`);
    }
    await authorize(req, dataMeshWaiverRequestPermission, refKey(product));
    const waiver = await waivers.request({
      product,
      policyId: body.policyId,
      reason: body.reason,
      expiresAt: body.expiresAt,
      requestedBy: credentials.principal.userEntityRef,
    });
    res.status(201).json(waiver);
  });

  // A governance admin approves, rejects or revokes a waiver.
  router.post('/waivers/:id/:action', async (req, res) => {
    const { id, action } = req.params;
    if (!(action in WAIVER_ACTIONS)) {
      throw new NotFoundError(
        `No waiver action "${action}"; use approve, reject or revoke`,
      );
    }
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(req, dataMeshWaiverDecidePermission);
    const comment = isObject(req.body) ? req.body.comment : undefined;
    if (comment !== undefined && typeof comment !== 'string') {
      throw new InputError('comment: must be text');
    }
    // An admin decides only on products they may read; others' waivers do not exist for them.
    const existing = await waivers.get(id);
    if (!existing) throw new NotFoundError(`No waiver ${id}`);
    await readEntity(req, parseEntityRef(existing.entityRef));
    const waiver = await waivers.decide(id, {
      action: action as keyof typeof WAIVER_ACTIONS,
      actor: credentials.principal.userEntityRef,
      ...(comment ? { comment } : {}),
    });
    res.json(waiver);
  });

  // Domain and owner rollups, over the products the caller may read.
  router.get('/rollups/:groupBy/:namespace/:name', async (req, res) => {
    const { groupBy, namespace, name } = req.params;
    if (groupBy !== 'domain' && groupBy !== 'owner') {
      throw new InputError(`groupBy: "${groupBy}" is not one of domain, owner`);
    }
    const target = await readEntity(req, {
      kind: groupBy === 'domain' ? 'Domain' : 'Group',
      namespace,
      name,
    });
    const targetRef = refKey(target);
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'DataProduct',
          [groupBy === 'domain' ? 'relations.partOf' : 'relations.ownedBy']:
            targetRef,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await httpAuth.credentials(req) },
    );
    const rollup = await stores.scorecards.getRollup(groupBy, targetRef, {
      entityRefs: items.map(e => refKey(e)),
    });
    const body: ScorecardRollupResponse = {
      entityRef: targetRef,
      groupBy,
      ...rollup,
    };
    res.json(body);
  });

  // The data mesh home: explorer, insight and domain map.
  addHomeRoutes(router, {
    httpAuth,
    catalog,
    scorecards: stores.scorecards,
    productIndex: stores.productIndex,
    levels: () => evaluations.config.rules.levels,
    now,
  });

  return router;
}
