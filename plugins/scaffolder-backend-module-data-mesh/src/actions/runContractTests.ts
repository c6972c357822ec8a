import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DataMeshApiClient,
  DataMeshApiComponents,
} from '@datamesh-portal/plugin-data-mesh-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { examples } from './runContractTests.examples';
import { errorMessage, initiatorOrOwnCredentials } from './util';

type ContractTestsResponse =
  DataMeshApiComponents['schemas']['ContractTestsResponse'];

/** "passed" when every check passed, "failed" when one failed, "error" when one could not be made. */
export function contractTestOutcome(
  summary: ContractTestsResponse['summary'],
): 'passed' | 'failed' | 'error' | 'none' {
  if (summary.failed > 0) return 'failed';
  if (summary.errors > 0) return 'error';
  return summary.passed > 0 ? 'passed' : 'none';
}

/**
 * Runs the contract tests of a product now, through the data mesh backend
 * (`POST /api/data-mesh/contract-tests/.../runs`, with the initiator's
 * `data-mesh.contract-test.run`), once the catalog holds the product with its contracts: a
 * template runs it after registering a new product, so that the product's page shows its
 * first test. Waits for the catalog up to `timeoutSeconds`. A failing test does not fail the
 * step: its outcome and counts are the step's output.
 * @public
 */
export function createRunContractTestsAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  /** Between two looks at the catalog; tests shorten it. */
  pollMs?: number;
}) {
  const { discovery, auth, catalog, pollMs = 1000 } = options;
  const client = new DataMeshApiClient({ discoveryApi: discovery });
  return createTemplateAction({
    id: 'data-mesh:contract-tests:run',
    description:
      'Runs the contract tests of a data product now, once the catalog holds it with its contracts, and returns the outcome (passed, failed, error) and the counts of checks.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The DataProduct, e.g. the entityRef output of data-mesh:publish:local',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(600)
            .optional()
            .describe(
              'How long to wait for the catalog to hold the product and its contracts; default 120',
            ),
      },
      output: {
        outcome: z =>
          z
            .enum(['passed', 'failed', 'error', 'none'])
            .describe(
              'passed, failed (the data breaks a contract), error (a check could not be made), none (nothing to test)',
            ),
        passed: z => z.number(),
        failed: z => z.number(),
        errors: z => z.number(),
        skipped: z => z.number(),
        summary: z =>
          z.string().describe('The outcome in words, for the template output'),
      },
    },
    async handler(ctx) {
      let ref;
      try {
        ref = parseEntityRef(ctx.input.entityRef, {
          defaultKind: 'DataProduct',
        });
      } catch (error) {
        throw new InputError(`entityRef: ${errorMessage(error)}`);
      }
      const entityRef = stringifyEntityRef(ref);
      if (ctx.isDryRun) {
        // A dry run registers nothing: there is no product to test.
        ctx.logger.info(
          `Dry run: the contract tests of ${entityRef} would run now`,
        );
        ctx.output('outcome', 'none');
        for (const count of [
          'passed',
          'failed',
          'errors',
          'skipped',
        ] as const) {
          ctx.output(count, 0);
        }
        ctx.output('summary', 'none: a dry run tests nothing');
        return;
      }
      const credentials = await initiatorOrOwnCredentials(ctx, auth);
      const deadline = Date.now() + (ctx.input.timeoutSeconds ?? 120) * 1000;

      // The catalog processes a new location in the background: the product, then its
      // contracts and the relations to them.
      ctx.logger.info(
        `Waiting for the catalog to hold ${entityRef} and its contracts`,
      );
      for (;;) {
        if (await ready(catalog, entityRef, credentials)) break;
        if (Date.now() > deadline) {
          throw new Error(
            `The catalog does not hold ${entityRef} with its contracts after ${
              ctx.input.timeoutSeconds ?? 120
            } s; its contract tests will run on the schedule`,
          );
        }
        await sleep(pollMs, undefined, { signal: ctx.signal });
      }

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'data-mesh',
      });
      let result: ContractTestsResponse;
      try {
        result = await client.runContractTests(
          {
            path: {
              kind: ref.kind.toLocaleLowerCase('en-US'),
              namespace: ref.namespace,
              name: ref.name,
            },
          },
          { token, signal: ctx.signal },
        );
      } catch (error) {
        if (error instanceof ResponseError) {
          throw new InputError(
            `The contract tests of ${entityRef} did not run: ${error.body.error.message}`,
          );
        }
        throw new Error(
          `Cannot reach the data mesh backend: ${errorMessage(error)}`,
        );
      }
      const { summary } = result;
      const outcome = contractTestOutcome(summary);
      const words = `${outcome}: ${summary.passed} passed, ${summary.failed} failed, ${summary.errors} could not be made, ${summary.skipped} skipped`;
      for (const contract of result.contracts) {
        const latest = contract.latest;
        if (!latest) continue;
        ctx.logger.info(
          `${contract.contractRef} on ${latest.server ?? 'no server'}: ${
            latest.summary.passed
          } passed, ${latest.summary.failed} failed, ${
            latest.summary.errors
          } errors`,
        );
        for (const check of latest.checks.filter(c => c.outcome !== 'pass')) {
          ctx.logger.warn(
            `  ${check.outcome}: ${check.name} ${check.message ?? ''}`,
          );
        }
      }
      ctx.logger.info(`Contract tests of ${entityRef}: ${words}`);
      ctx.output('outcome', outcome);
      ctx.output('passed', summary.passed);
      ctx.output('failed', summary.failed);
      ctx.output('errors', summary.errors);
      ctx.output('skipped', summary.skipped);
      ctx.output('summary', words);
    },
  });
}

/** Whether the catalog holds the product and every contract its ports name. */
async function ready(
  catalog: CatalogService,
  entityRef: string,
  credentials: Parameters<CatalogService['getEntityByRef']>[1]['credentials'],
): Promise<boolean> {
  const product = await catalog.getEntityByRef(entityRef, { credentials });
  if (!product) return false;
  const ports = (product.spec?.outputPorts ?? []) as Array<{
    contract?: string;
  }>;
  const wanted = ports.filter(p => typeof p.contract === 'string').length;
  const provided = (product.relations ?? []).filter(
    r => r.type === 'providesApi',
  );
  if (provided.length < wanted) return false;
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: provided.map(r => r.targetRef) },
    { credentials },
  );
  return items.every(Boolean);
}
