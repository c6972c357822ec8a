import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  dataMeshContractTestRunPermission,
  entityRefKey,
  isDataProductEntity,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { ContractTestService, runResponse } from './ContractTestService';
import { AnyRequest } from './requestParams';

/** What the contract test routes need of the router. */
export interface ContractTestRoutesOptions {
  contractTests: ContractTestService;
  /** The entity as the caller may see it; a NotFoundError when it may not. */
  readEntity: (req: AnyRequest, ref: CompoundEntityRef) => Promise<Entity>;
  /** A NotAllowedError unless the caller has the permission on the entity. */
  authorize: (
    req: AnyRequest,
    permission: ResourcePermission,
    entityRef: string,
  ) => Promise<void>;
}

/**
 * Adds the contract test routes: a product's latest runs (`GET /contract-tests/:kind/...`),
 * a run now (`POST .../runs`, with `data-mesh.contract-test.run` on the product) and one run
 * (`GET /contract-tests/runs/:runId`). Runs are seen only by those who may read the product.
 */
export function addContractTestRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: ContractTestRoutesOptions,
) {
  const { contractTests, readEntity, authorize } = options;

  const readProduct = async (req: AnyRequest, ref: CompoundEntityRef) => {
    const entity = await readEntity(req, ref);
    if (!isDataProductEntity(entity)) {
      throw new InputError(`${entityRefKey(ref)} is not a DataProduct`);
    }
    return entity;
  };

  router.get('/contract-tests/:kind/:namespace/:name', async (req, res) => {
    const product = await readProduct(req, req.params);
    res.json(await contractTests.productTests(product));
  });

  router.post(
    '/contract-tests/:kind/:namespace/:name/runs',
    async (req, res) => {
      await authorize(
        req,
        dataMeshContractTestRunPermission,
        entityRefKey(req.params),
      );
      const product = await readProduct(req, req.params);
      await contractTests.testProduct(product, 'manual');
      res.status(201).json(await contractTests.productTests(product));
    },
  );

  router.get('/contract-tests/runs/:runId', async (req, res) => {
    const { runId } = req.params;
    const run = await contractTests.getRun(runId);
    if (!run) throw new NotFoundError(`No contract test run ${runId}`);
    // Only callers who may read the product see its runs; for others they do not exist.
    try {
      await readEntity(req, parseEntityRef(run.entityRef));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(`No contract test run ${runId}`);
      }
      throw error;
    }
    res.json(runResponse(run));
  });
}
