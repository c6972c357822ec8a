import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
} from '@datamesh-portal/plugin-data-mesh-common';
import express, { Request } from 'express';
import { ProductQuery, ProductSort } from '../database/ProductIndexStore';
import { MeshHomeService } from './MeshHomeService';
import { refKey } from './RuleContextBuilder';

/** What the data mesh home's routes need. */
export interface HomeRoutesOptions {
  httpAuth: HttpAuthService;
  home: MeshHomeService;
  /** The scorecard levels in force, lowest first. */
  levels: () => string[];
}

const SORTS: ProductSort[] = ['name', '-name', 'score', '-score'];
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

type Query = Request['query'];

/** The values of a query parameter that may repeat; each must be a non-empty string. */
function listParam(query: Query, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  const values = [raw].flat();
  if (values.some(value => typeof value !== 'string' || value === '')) {
    throw new InputError(`${name}: must be a non-empty text value`);
  }
  return values as string[];
}

/** A parameter given at most once. */
function singleParam(query: Query, name: string): string | undefined {
  const values = listParam(query, name);
  if (values.length > 1) throw new InputError(`${name}: must be given once`);
  return values[0];
}

function oneOf(query: Query, name: string, allowed: readonly string[]) {
  const values = listParam(query, name);
  const unknown = values.find(value => !allowed.includes(value));
  if (unknown !== undefined) {
    throw new InputError(
      `${name}: "${unknown}" is not one of ${allowed.join(', ')}`,
    );
  }
  return values;
}

function booleans(query: Query, name: string): boolean[] {
  return oneOf(query, name, ['true', 'false']).map(value => value === 'true');
}

function refs(query: Query, name: string, defaultKind: string): string[] {
  return listParam(query, name).map(value => {
    try {
      return refKey(parseEntityRef(value, { defaultKind }));
    } catch {
      throw new InputError(`${name}: "${value}" is not a valid entity ref`);
    }
  });
}

function integer(
  query: Query,
  name: string,
  min: number,
  max: number,
  fallback: number,
  rule: string,
): number {
  const value = singleParam(query, name);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`${name}: ${rule}`);
  }
  return n;
}

/** The most items a list route skips: pages further out are refused rather than scanned. */
export const MAX_OFFSET = 100_000;

/**
 * `limit` (default `defaultLimit`, at most `maxLimit`) and `offset` (at most
 * {@link MAX_OFFSET}) of a list route; an InputError names the parameter out of range.
 */
export function pageParams(
  query: Query,
  defaultLimit: number,
  maxLimit: number,
): { limit: number; offset: number } {
  return {
    limit: integer(
      query,
      'limit',
      1,
      maxLimit,
      defaultLimit,
      `must be an integer from 1 to ${maxLimit}`,
    ),
    offset: integer(
      query,
      'offset',
      0,
      MAX_OFFSET,
      0,
      `must be an integer of 0 or more, at most ${MAX_OFFSET}`,
    ),
  };
}

/** Parses the explorer's query parameters; an InputError names the first bad one. */
export function parseProductQuery(
  query: Query,
  levels: string[],
): Omit<ProductQuery, 'entityRefs'> {
  const text = singleParam(query, 'q')?.trim();
  const [sort] = oneOf(query, 'sort', SORTS) as ProductSort[];
  if (listParam(query, 'sort').length > 1) {
    throw new InputError('sort: must be given once');
  }
  return {
    ...(text ? { text } : {}),
    domainRefs: refs(query, 'domain', 'Domain'),
    ownerRefs: refs(query, 'owner', 'Group'),
    statuses: oneOf(query, 'status', DATA_PRODUCT_STATUSES),
    types: oneOf(query, 'type', DATA_PRODUCT_TYPES),
    classifications: oneOf(query, 'classification', DATA_CLASSIFICATIONS),
    personalData: booleans(query, 'personalData'),
    levels: oneOf(query, 'level', [...levels, 'none']),
    compliant: booleans(query, 'compliant'),
    sort: sort ?? 'name',
    ...pageParams(query, DEFAULT_LIMIT, MAX_LIMIT),
  };
}

/**
 * Adds the data mesh home's routes: the explorer (`GET /products`), the mesh insight
 * (`GET /insight`) and the domain map (`GET /domain-map`), each over what the caller may read.
 */
export function addHomeRoutes(
  router: express.Router,
  options: HomeRoutesOptions,
) {
  const { httpAuth, home } = options;

  router.get('/products', async (req, res) => {
    // Parameters first: a bad request costs no catalog read.
    const query = parseProductQuery(req.query, options.levels());
    res.json(await home.explore(query, await httpAuth.credentials(req)));
  });

  router.get('/insight', async (req, res) => {
    res.json(await home.insight(await httpAuth.credentials(req)));
  });

  router.get('/domain-map', async (req, res) => {
    res.json(await home.domainMap(await httpAuth.credentials(req)));
  });
}
