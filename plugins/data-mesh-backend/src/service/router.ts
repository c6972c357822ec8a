import {
  AuthService,
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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DataMeshHealthResponse,
  dataMeshEvaluatePermission,
  dataMeshFactsPushPermission,
  describeInvalidFactSource,
  exportOdpsDocument,
  isDataProductEntity,
  isValidDataProductEntity,
  RulesResponse,
  ScorecardHistoryResponse,
  ScorecardResponse,
  ScorecardRollupResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import YAML from 'yaml';
import {
  DataMeshStore,
  FactObservation,
  StoredScorecard,
} from '../database/DataMeshStore';
import { refKey } from './RuleContextBuilder';
import { ScorecardService } from './ScorecardService';

export interface RouterOptions {
  database: DatabaseService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: DataMeshStore;
  scorecards: ScorecardService;
}

/** Request bodies larger than this are refused with 413. */
const MAX_BODY = '512kb';

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

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auth, httpAuth, permissions, catalog, store, scorecards } = options;
  const db = await options.database.getClient();
  const router = Router();
  router.use(express.json({ limit: MAX_BODY }));

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
  const authorize = async (
    req: Request,
    permission: typeof dataMeshEvaluatePermission,
    entityRef: string,
  ) => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials: await httpAuth.credentials(req) },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to ${permission.name} on ${entityRef}`,
      );
    }
  };
  const scorecardResponse = (stored: StoredScorecard): ScorecardResponse => ({
    entityRef: stored.entityRef,
    score: stored.score,
    level: stored.level,
    checks: stored.checks,
    evaluatedAt: stored.evaluatedAt.toISOString(),
    definitions: scorecards.config.checks,
    levels: scorecards.config.levels,
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

  router.get('/rules', async (_req, res) => {
    const body: RulesResponse = {
      levels: scorecards.config.levels,
      checks: scorecards.config.checks.map(check => ({
        ...check,
        origin: 'global',
      })),
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
    // and the permission check above already decided what it may push to.
    const entity = await catalog.getEntityByRef(ref, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`entityRef: ${entityRef} is not a DataProduct`);
    }

    const { isLatest } = await store.addFacts({
      entityRef,
      source: body.source as string,
      facts: body.facts as FactObservation['facts'],
      observedAt,
    });
    const [scorecard] = isLatest
      ? await scorecards.evaluateAndSave([entity])
      : [await store.getScorecard(entityRef)];
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
    const entity = body.entity as unknown as Entity;
    if (!isValidDataProductEntity(entity)) {
      throw new InputError(
        'entity: must be a DataProduct (apiVersion datamesh-portal.io/v1alpha1)',
      );
    }
    const scorecard = await scorecards.dryRun(
      entity,
      (body.facts ?? {}) as Record<string, Record<string, unknown>>,
    );
    res.json({ scorecard });
  });

  router.post('/evaluate/:kind/:namespace/:name', async (req, res) => {
    const ref = routeRef(req);
    await authorize(req, dataMeshEvaluatePermission, refKey(ref));
    const entity = await readEntity(req, ref);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`${refKey(ref)} is not a DataProduct`);
    }
    const [scorecard] = await scorecards.evaluateAndSave([entity]);
    res.json(scorecardResponse(scorecard));
  });

  router.get('/scorecards/:kind/:namespace/:name', async (req, res) => {
    const entity = await readEntity(req, routeRef(req));
    const stored = await store.getScorecard(refKey(entity));
    if (!stored) {
      throw new NotFoundError(`${refKey(entity)} has not been evaluated yet`);
    }
    res.json(scorecardResponse(stored));
  });

  router.get('/scorecards/:kind/:namespace/:name/history', async (req, res) => {
    const entity = await readEntity(req, routeRef(req));
    const items = await store.getScorecardHistory(refKey(entity));
    const body: ScorecardHistoryResponse = {
      entityRef: refKey(entity),
      items: items.map(item => ({
        evaluatedAt: item.evaluatedAt.toISOString(),
        score: item.score,
        level: item.level,
      })),
    };
    res.json(body);
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
    const rollup = await store.getRollup(groupBy, targetRef, {
      entityRefs: items.map(e => refKey(e)),
    });
    const body: ScorecardRollupResponse = {
      entityRef: targetRef,
      groupBy,
      ...rollup,
    };
    res.json(body);
  });

  return router;
}
