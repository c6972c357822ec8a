import { DatabaseService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { DataMeshHealthResponse } from '@datamesh-portal/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';

export interface RouterOptions {
  database: DatabaseService;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
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

  return router;
}
