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
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  dataMeshDraftPoliciesReadPermission,
  dataMeshEvaluatePermission,
  dataMeshFactsPushPermission,
  dataMeshWaiverDecidePermission,
  dataMeshWaiverRequestPermission,
  describeInvalidFactSource,
  entityRefKey,
  exportOdpsDocument,
  isDataProductEntity,
  productRelatedRefs,
  type DataMeshApiComponents,
} from '@datamesh-portal/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import YAML from 'yaml';
import { FactValues } from '../database/FactStore';
import { DataMeshStores } from '../database/stores';
import { addProvisioningRoutes } from '../provisioning/provisioningRoutes';
import { ProvisioningService } from '../provisioning/ProvisioningService';
import { RetirementService } from '../provisioning/RetirementService';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { addAccessRoutes, AccessRoutesOptions } from './accessRoutes';
import { callerChecks } from './callerChecks';
import { addContractRoutes } from './contractRoutes';
import { addContractTestRoutes } from './contractTestRoutes';
import { ContractHistoryService } from './ContractHistoryService';
import { ContractImpactService } from './ContractImpactService';
import { ContractTestService } from './ContractTestService';
import { draftVerdict } from './draftVerdict';
import { EvaluationService } from './EvaluationService';
import { FactPipelineScope } from './config';
import { GovernanceService } from './GovernanceService';
import { addHomeRoutes } from './homeRoutes';
import { jsonBody } from './jsonBody';
import { addPreviewRoutes, PreviewRoutesOptions } from './previewRoutes';
import { MeshHomeService } from './MeshHomeService';
import { ReadableProducts } from './readableProducts';
import { AnyRequest, entityRefParam, page } from './requestParams';
import { ScorecardService } from './ScorecardService';
import {
  isWaiverAction,
  unknownWaiverAction,
  WaiverService,
} from './WaiverService';

/**
 * What the routes need. Handlers parse, authorize, call a service and answer; what the
 * answers aggregate is computed by the services.
 */
export interface RouterOptions {
  database: DatabaseService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  stores: DataMeshStores;
  evaluations: EvaluationService;
  waivers: WaiverService;
  scorecards: ScorecardService;
  governance: GovernanceService;
  home: MeshHomeService;
  /** The products a caller may read, over the plugin's index. */
  readable: ReadableProducts;
  contractTests: ContractTestService;
  /** Contract evolution: the impact of a proposed definition; without it, no such routes. */
  contractImpact?: ContractImpactService;
  /** Contract history: recorded versions and their diffs; needs contractImpact. */
  contractHistory?: ContractHistoryService;
  /** Usage agreements on output ports; without them, no access request routes. */
  access?: Pick<AccessRoutesOptions, 'userInfo' | 'access'>;
  /** Tables of output ports created from their contracts; without it, no such routes. */
  provisioning?: ProvisioningService;
  /** What retirement did to products; without it, no such route. */
  retirement?: RetirementService;
  /** The data preview of output ports; without it, no preview route. */
  preview?: Pick<
    PreviewRoutesOptions,
    'userInfo' | 'previews' | 'agreements' | 'access'
  >;
}

function parseObservedAt(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `observedAt: ${JSON.stringify(value)} is not an ISO 8601 timestamp`,
    );
  }
  if (date.getTime() > Date.now() + 5 * 60_000) {
    throw new InputError(`observedAt: ${value} is in the future`);
  }
  return date;
}

/**
 * Whether a pipeline (a service principal) may push facts for a product: only one whose scope
 * names the product, its domain or its owner. Denied by default: a subject without a scope,
 * or a backend without any, may push for no product. An unknown product is in no domain or
 * team.
 */
export function pipelineMayPush(
  scopes: FactPipelineScope[],
  subject: string,
  entityRef: string,
  entity: Entity | undefined,
): boolean {
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
  const {
    auth,
    httpAuth,
    permissions,
    catalog,
    stores,
    evaluations,
    waivers,
    scorecards,
    governance,
    home,
    readable,
  } = options;
  const db = await options.database.getClient();
  // Requests are checked against the spec (parameters and bodies) before a handler runs; an
  // InputError names the parameter or field and what is wrong.
  const router = await createOpenApiRouter();

  // The same checks as the actions registry's actions, with the request's credentials.
  const checks = callerChecks(catalog, permissions);
  /** The entity as the caller may see it; 404 when it does not exist or is not visible. */
  const readEntity = async (req: AnyRequest, ref: CompoundEntityRef) =>
    checks.readEntity(await httpAuth.credentials(req), ref);
  const isAllowed = checks.isAllowed;
  const authorize = async (
    req: AnyRequest,
    permission: BasicPermission | ResourcePermission,
    entityRef?: string,
  ) => checks.authorize(await httpAuth.credentials(req), permission, entityRef);
  /** Whether the caller sees draft policies: governance admins only. */
  const policyVisibility = async (req: AnyRequest) => ({
    withDrafts: await isAllowed(
      await httpAuth.credentials(req),
      dataMeshDraftPoliciesReadPermission,
    ),
  });
  const withoutDraftsUnlessAllowed = async (req: AnyRequest) => {
    const { withDrafts } = await policyVisibility(req);
    return <T extends { enforcement: string }>(items: T[]) =>
      withDrafts ? items : items.filter(item => item.enforcement !== 'draft');
  };

  router.get('/health', async (_req, res) => {
    try {
      await db.raw('select 1');
    } catch (error) {
      throw new ServiceUnavailableError(
        'The data mesh database does not answer',
        error,
      );
    }
    res.json({ status: 'ok', database: 'ok' });
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
      // The generated types know the JSON body only; YAML is the same document as text.
      (res as express.Response)
        .type('application/yaml')
        .send(YAML.stringify(document));
    } else {
      // exportOdpsDocument writes the apiVersion, kind and id the spec requires.
      res.json(document as DataMeshApiComponents['schemas']['OdpsDocument']);
    }
  });

  // The checks and policies in force: global ones and those of every Domain the caller may read.
  router.get('/rules', async (req, res) => {
    const visible = await withoutDraftsUnlessAllowed(req);
    const { items: domains } = await catalog.getEntities(
      { filter: { kind: 'Domain' } },
      { credentials: await httpAuth.credentials(req) },
    );
    res.json({
      levels: evaluations.config.rules.levels,
      checks: evaluations.config.rules.checks.map(check => ({
        ...check,
        origin: 'global' as const,
      })),
      policies: visible(evaluations.policiesOf(domains)),
    });
  });

  // Facts pushed by pipelines (a CI's static token, say); the product is re-evaluated at once.
  router.post('/facts', async (req, res) => {
    const { source, facts } = req.body;
    const ref = entityRefParam(req.body.entityRef, 'entityRef');
    // The spec's pattern makes it an identifier; a reserved word or `catalog` it cannot refuse.
    const sourceProblem = describeInvalidFactSource(source);
    if (sourceProblem) throw new InputError(`source: ${sourceProblem}`);
    const observedAt = parseObservedAt(req.body.observedAt);
    const entityRef = entityRefKey(ref);
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
        `Pipeline ${credentials.principal.subject} may not push facts for ${entityRef}: no scope of dataMesh.facts.pipelines for its subject covers it`,
      );
    }
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`entityRef: ${entityRef} is not a DataProduct`);
    }

    const { isLatest } = await stores.facts.addFacts({
      entityRef,
      source,
      // Parsed from JSON, so JSON values, which the generated type leaves unknown.
      facts: facts as FactValues,
      observedAt,
    });
    // The newest facts evaluate the product; older ones only join its history.
    const [scorecard] = isLatest
      ? await evaluations.evaluateAndSave([entity])
      : [await stores.scorecards.getScorecard(entityRef)];
    res.status(201).json({
      entityRef,
      source,
      observedAt: observedAt.toISOString(),
      latest: isLatest,
      scorecard: scorecard ? scorecards.toResponse(scorecard) : undefined,
    });
  });

  // Dry run: the verdict on a draft product, nothing stored (templates and CI use it). It reads
  // the catalog and stored facts as the caller: it shows nothing they may not read.
  router.post('/evaluate', async (req, res) => {
    res.json(
      await draftVerdict(
        { evaluations, checks },
        await httpAuth.credentials(req),
        req.body,
      ),
    );
  });

  router.post('/evaluate/:kind/:namespace/:name', async (req, res) => {
    const ref = req.params;
    await authorize(req, dataMeshEvaluatePermission, entityRefKey(ref));
    const entity = await readEntity(req, ref);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`${entityRefKey(ref)} is not a DataProduct`);
    }
    const [scorecard] = await evaluations.evaluateAndSave([entity]);
    res.json(scorecards.toResponse(scorecard));
  });

  // The latest result of a readable product; reading never evaluates (404 before the first).
  // A caller who may read every entity is answered from our store alone: the product page's
  // most frequent read, it then costs no catalog request.
  router.get('/scorecards/:kind/:namespace/:name', async (req, res) => {
    const stored =
      (await scorecards.latestForReadsAll(
        entityRefKey(req.params),
        await httpAuth.credentials(req),
      )) ?? (await scorecards.latest(await readEntity(req, req.params)));
    res.json(scorecards.toResponse(stored));
  });

  // The latest results of many products at once (search indexing, catalog tables); only what
  // the caller may read.
  router.post('/scorecards/by-refs', async (req, res) => {
    const refs = req.body.entityRefs.map((ref, i) =>
      entityRefKey(entityRefParam(ref, `entityRefs[${i}]`)),
    );
    res.json(await scorecards.summaries(refs, await httpAuth.credentials(req)));
  });

  router.get('/scorecards/:kind/:namespace/:name/history', async (req, res) => {
    const entity = await readEntity(req, req.params);
    res.json(await scorecards.history(entityRefKey(entity), page(req.query)));
  });

  // A product's policy results with the waivers in force now, its policies and its waivers.
  router.get('/governance/:kind/:namespace/:name', async (req, res) => {
    const entity = await readEntity(req, req.params);
    res.json(await governance.product(entity, await policyVisibility(req)));
  });

  // The mesh's governance: compliance per policy and per domain, violations, waivers.
  router.get('/governance', async (req, res) => {
    res.json(
      await governance.summary(
        await httpAuth.credentials(req),
        await policyVisibility(req),
      ),
    );
  });

  // Waivers of the products the caller may read, optionally of one product or status.
  router.get('/waivers', async (req, res) => {
    const { entityRef, status = [] } = req.query;
    const { limit, offset } = page(req.query);
    const entityRefs =
      entityRef !== undefined
        ? [
            entityRefKey(
              await readEntity(req, entityRefParam(entityRef, 'entityRef')),
            ),
          ]
        : await readable.restriction(await httpAuth.credentials(req));
    const items = await waivers.list(entityRefs, status, { limit, offset });
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
    const { policyId, reason, expiresAt } = req.body;
    const product = await readEntity(
      req,
      entityRefParam(req.body.entityRef, 'entityRef'),
    );
    if (!isDataProductEntity(product)) {
      throw new InputError(
        `entityRef: ${entityRefKey(product)} is not a DataProduct`,
      );
    }
    await authorize(
      req,
      dataMeshWaiverRequestPermission,
      entityRefKey(product),
    );
    const waiver = await waivers.request({
      product,
      policyId,
      reason,
      expiresAt,
      requestedBy: credentials.principal.userEntityRef,
    });
    res.status(201).json(waiver);
  });

  // A governance admin approves, rejects or revokes a waiver.
  router.post('/waivers/:id/:action', async (req, res) => {
    const { id, action } = req.params;
    // Not an enum of the spec: its router would answer an unknown action 400, and a path that
    // names no action is no route.
    if (!isWaiverAction(action)) throw unknownWaiverAction(action);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(req, dataMeshWaiverDecidePermission);
    // An admin decides only on products they may read; others' waivers do not exist for them.
    const existing = await waivers.get(id);
    if (!existing) throw new NotFoundError(`No waiver ${id}`);
    await readEntity(req, parseEntityRef(existing.entityRef));
    const { comment } = req.body;
    const waiver = await waivers.decide(id, {
      action,
      actor: credentials.principal.userEntityRef,
      ...(comment ? { comment } : {}),
    });
    res.json(waiver);
  });

  // Domain and owner rollups, over the products the caller may read.
  router.get('/rollups/:groupBy/:namespace/:name', async (req, res) => {
    const { groupBy, namespace, name } = req.params;
    const target = await readEntity(req, {
      kind: groupBy === 'domain' ? 'Domain' : 'Group',
      namespace,
      name,
    });
    res.json(
      await scorecards.rollup(groupBy, target, await httpAuth.credentials(req)),
    );
  });

  // Contract tests of a product: its latest runs, a run now, one run.
  addContractTestRoutes(router, {
    contractTests: options.contractTests,
    readEntity,
    authorize,
  });

  // Contract evolution: what a proposed definition changes and whom it affects.
  if (options.contractImpact) {
    addContractRoutes(router, {
      httpAuth,
      impact: options.contractImpact,
      history: options.contractHistory,
    });
  }

  // The read-only data preview of an output port, for owners and active consumers.
  if (options.preview) {
    addPreviewRoutes(router, {
      ...options.preview,
      httpAuth,
      auth,
      catalog,
      checks,
    });
  }

  // Access requests: usage agreements on output ports.
  if (options.access) {
    addAccessRoutes(router, {
      ...options.access,
      httpAuth,
      checks,
      readable,
    });
  }

  // Output ports' tables from their contracts, for the product's owners.
  if (options.provisioning) {
    addProvisioningRoutes(router, {
      provisioning: options.provisioning,
      retirement: options.retirement,
      httpAuth,
      readEntity,
      contractImpact: options.contractImpact,
    });
  }

  // The data mesh home: explorer, insight and domain map.
  addHomeRoutes(router, {
    httpAuth,
    home,
    levels: () => evaluations.config.rules.levels,
  });

  // Bodies are read before the OpenAPI router: its error handler would answer every error of
  // the parser with 400, the 413 of a body over dataMesh.api.maxBodyBytes included. (Its own
  // JSON parser then finds the body read and leaves it.)
  const root = Router();
  root.use(...jsonBody(evaluations.config.api.maxBodyBytes));
  root.use(router);
  return root;
}
