import {
  DatabaseService,
  HttpAuthService,
  HttpRouterService,
} from '@backstage/backend-plugin-api';

/** The path, under the catalog's base URL, of the catalog's processing state. */
export const CATALOG_PROCESSING_PATH = '/data-mesh/processing';

/**
 * How far the catalog is with processing what it knows of: `entities` it knows of (read from a
 * location or an entity provider), of which `pending` were never processed and stitched. An
 * entity whose processing failed is not pending: it will not be in the catalog until fixed.
 */
export interface CatalogProcessingState {
  entities: number;
  pending: number;
}

/**
 * Reads the catalog's processing state from its own tables, as the catalog's unprocessed
 * entities module does: `refresh_state` holds every entity the catalog knows of,
 * `final_entities` those processed and stitched.
 */
export async function readCatalogProcessingState(
  database: DatabaseService,
): Promise<CatalogProcessingState> {
  const knex = await database.getClient();
  const [{ entities }] = await knex('refresh_state').count({ entities: '*' });
  const [{ pending }] = await knex('refresh_state')
    .leftJoin(
      'final_entities',
      'final_entities.entity_id',
      'refresh_state.entity_id',
    )
    .whereNull('final_entities.entity_id')
    // Failed processing keeps its errors here; a new entity has none ('' or null).
    .where(q =>
      q
        .whereNull('refresh_state.errors')
        .orWhere('refresh_state.errors', '')
        .orWhere('refresh_state.errors', '[]'),
    )
    .count({ pending: '*' });
  return { entities: Number(entities), pending: Number(pending) };
}

/**
 * `GET /api/catalog/data-mesh/processing`: the catalog's processing state, for backend
 * services only (the data mesh backend holds its first evaluation pass until the catalog has
 * processed everything it knows of once).
 */
export function catalogProcessingRoute(options: {
  database: DatabaseService;
  httpAuth: HttpAuthService;
}): Parameters<HttpRouterService['use']>[0] {
  const { database, httpAuth } = options;
  return async (req, res, next) => {
    if (req.method !== 'GET' || req.path !== CATALOG_PROCESSING_PATH) {
      next();
      return;
    }
    try {
      // Users get 403 (NotAllowedError), as the catalog's router answers it.
      await httpAuth.credentials(req, { allow: ['service'] });
      res.json(await readCatalogProcessingState(database));
    } catch (error) {
      next(error);
    }
  };
}
