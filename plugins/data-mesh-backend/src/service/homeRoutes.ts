import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { ProductQuery } from '../database/ProductIndexStore';
import { QueryProducts } from '../schema/openapi/generated';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { MeshHomeService } from './MeshHomeService';
import { entityRefParam, page } from './requestParams';

/** What the data mesh home's routes need. */
export interface HomeRoutesOptions {
  httpAuth: HttpAuthService;
  home: MeshHomeService;
  /** The scorecard levels in force, lowest first. */
  levels: () => string[];
}

/**
 * The explorer's query, from parameters the OpenAPI router has checked. What the spec cannot
 * say is checked here: the syntax of entity refs, and levels, which are configured.
 */
export function productQuery(
  query: QueryProducts['query'],
  levels: string[],
): Omit<ProductQuery, 'entityRefs'> {
  const refs = (name: 'domain' | 'owner', defaultKind: string) =>
    (query[name] ?? []).map(value =>
      entityRefKey(entityRefParam(value, name, defaultKind)),
    );
  const allowedLevels = [...levels, 'none'];
  const unknownLevel = query.level?.find(l => !allowedLevels.includes(l));
  if (unknownLevel !== undefined) {
    throw new InputError(
      `level: "${unknownLevel}" is not one of ${allowedLevels.join(', ')}`,
    );
  }
  const text = query.q?.trim();
  return {
    ...(text ? { text } : {}),
    domainRefs: refs('domain', 'Domain'),
    ownerRefs: refs('owner', 'Group'),
    statuses: query.status ?? [],
    types: query.type ?? [],
    classifications: query.classification ?? [],
    personalData: query.personalData ?? [],
    levels: query.level ?? [],
    compliant: query.compliant ?? [],
    sort: query.sort,
    ...page(query),
  };
}

/**
 * Adds the data mesh home's routes: the explorer (`GET /products`), the mesh insight
 * (`GET /insight`) and the domain map (`GET /domain-map`), each over what the caller may read.
 */
export function addHomeRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: HomeRoutesOptions,
) {
  const { httpAuth, home } = options;

  router.get('/products', async (req, res) => {
    // Parameters first: a bad request costs no catalog read.
    const query = productQuery(req.query, options.levels());
    res.json(await home.explore(query, await httpAuth.credentials(req)));
  });

  router.get('/insight', async (req, res) => {
    res.json(await home.insight(await httpAuth.credentials(req)));
  });

  router.get('/domain-map', async (req, res) => {
    res.json(await home.domainMap(await httpAuth.credentials(req)));
  });
}
