import {
  DatabaseService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DataMeshHealthResponse,
  exportOdpsDocument,
  isDataProductEntity,
} from '@datamesh-portal/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import YAML from 'yaml';

export interface RouterOptions {
  database: DatabaseService;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog } = options;
  const db = await options.database.getClient();
  const router = Router();
  router.use(express.json());

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

  return router;
}
