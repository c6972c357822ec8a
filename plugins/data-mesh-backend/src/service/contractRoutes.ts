import { HttpAuthService } from '@backstage/backend-plugin-api';
import { createOpenApiRouter } from '../schema/openapi/generated';
import { ContractHistoryService } from './ContractHistoryService';
import { ContractImpactService } from './ContractImpactService';

/** What the contract evolution routes need of the router. */
export interface ContractRoutesOptions {
  httpAuth: HttpAuthService;
  impact: ContractImpactService;
  /** The recorded definitions of contracts; without it, no history routes. */
  history?: ContractHistoryService;
}

/**
 * Adds the contract evolution routes: the impact of a proposed definition
 * (`POST /contracts/impact`), and a contract's recorded versions and the diff between two,
 * each read with the caller's credentials.
 */
export function addContractRoutes(
  router: Awaited<ReturnType<typeof createOpenApiRouter>>,
  options: ContractRoutesOptions,
) {
  const { httpAuth, impact, history } = options;

  router.post('/contracts/impact', async (req, res) => {
    res.json(
      await impact.impact({
        contractRef: req.body.contractRef,
        proposed: req.body.definition,
        credentials: await httpAuth.credentials(req),
      }),
    );
  });

  if (!history) return;
  const refOf = (params: { kind: string; namespace: string; name: string }) =>
    `${params.kind}:${params.namespace}/${params.name}`;

  router.get('/contracts/:kind/:namespace/:name/versions', async (req, res) => {
    const { contractRef, items } = await history.versions(
      refOf(req.params),
      await httpAuth.credentials(req),
    );
    res.json({
      contractRef,
      items: items.map(item => ({
        ...item,
        firstSeenAt: item.firstSeenAt.toISOString(),
      })),
    });
  });

  router.get('/contracts/:kind/:namespace/:name/diff', async (req, res) => {
    const diff = await history.diff(
      refOf(req.params),
      { from: req.query.from, to: req.query.to },
      await httpAuth.credentials(req),
    );
    res.json({
      ...diff,
      from: { ...diff.from, firstSeenAt: diff.from.firstSeenAt.toISOString() },
      to: { ...diff.to, firstSeenAt: diff.to.firstSeenAt.toISOString() },
    });
  });
}
