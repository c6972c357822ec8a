import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DataMeshApiClient,
  DataMeshApiRequestOptions,
  EvaluateRequest,
  EvaluateResponse,
  GovernancePolicy,
  GovernanceResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import { examples } from './governanceCheck.examples';
import { errorMessage, initiatorOrOwnCredentials } from './util';

/** What the data mesh backend's dry run said about a failing policy, ready to print. */
type Finding = { result: GovernanceResult; policy?: GovernancePolicy };

/**
 * Checks a draft DataProduct against the governance policies in force, with the data mesh
 * backend's dry run (`POST /api/data-mesh/evaluate`), before anything is published: a failing
 * `enforce`d policy fails the step with every such policy, its message and how to fix it;
 * other failures are logged as warnings.
 * @public
 */
export function createGovernanceCheckAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  const client = new DataMeshApiClient({ discoveryApi: discovery });
  return createTemplateAction({
    id: 'data-mesh:governance:check',
    description:
      'Evaluates a draft DataProduct with the data mesh dry run; fails the step when an enforced governance policy fails, logs the other failures as warnings.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entity: z =>
          z
            .record(z.any())
            .describe(
              'The draft DataProduct entity, e.g. the entity output of data-mesh:product:descriptor',
            ),
        facts: z =>
          z
            .record(z.record(z.any()))
            .optional()
            .describe(
              'Facts by source, as rules read them (facts.<source>.<value>), e.g. { ci: { testsFailed: 0 } }',
            ),
      },
      output: {
        compliant: z =>
          z.boolean().describe('Whether no enforced policy fails'),
        score: z => z.number().describe('Scorecard score, 0-100'),
        level: z =>
          z
            .string()
            .nullable()
            .describe('Highest scorecard level reached, or null'),
        warnings: z =>
          z
            .array(z.string())
            .describe('Ids of the policies that fail without blocking'),
        blocking: z =>
          z
            .array(z.string())
            .describe('Ids of the enforced policies that fail'),
      },
    },
    async handler(ctx) {
      const entity = ctx.input.entity as unknown as Entity;
      const label = describeEntity(entity);
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await initiatorOrOwnCredentials(ctx, auth),
        targetPluginId: 'data-mesh',
      });
      const requestOptions = { token, signal: ctx.signal };

      const body: EvaluateRequest = {
        entity: ctx.input.entity,
        ...(ctx.input.facts ? { facts: ctx.input.facts } : {}),
      };
      let verdict: EvaluateResponse;
      try {
        verdict = await client.evaluateDraft({ body }, requestOptions);
      } catch (error) {
        throw await dryRunError(error, discovery);
      }
      const results = verdict.governance?.results ?? [];
      const blocking = results.filter(r => r.blocking);
      const warnings = results.filter(
        r =>
          !r.blocking &&
          (r.outcome === 'fail' || r.outcome === 'error') &&
          r.enforcement !== 'draft',
      );
      const drafts = results.filter(
        r =>
          !r.blocking &&
          (r.outcome === 'fail' || r.outcome === 'error') &&
          r.enforcement === 'draft',
      );

      // The dry run names policies by id; their remediation is in the rules in force.
      const failing = [...blocking, ...warnings, ...drafts];
      const policies = failing.length
        ? await fetchPolicies(client, requestOptions, ctx.logger)
        : [];
      const find = (result: GovernanceResult): Finding => ({
        result,
        policy:
          policies.find(
            p =>
              p.id === result.id &&
              (p.domainRef ?? '') === (result.domainRef ?? ''),
          ) ?? policies.find(p => p.id === result.id),
      });

      const { score, level } = verdict.scorecard ?? { score: 0, level: null };
      ctx.logger.info(
        `Governance dry run of ${label}: score ${score}, level ${
          level ?? 'none'
        }, ${blocking.length ? 'not compliant' : 'compliant'}`,
      );
      for (const result of warnings) {
        ctx.logger.warn(`Warning: ${describeFinding(find(result))}`);
      }
      for (const result of drafts) {
        ctx.logger.info(
          `Draft policy (not enforced yet): ${describeFinding(find(result))}`,
        );
      }

      ctx.output('compliant', blocking.length === 0);
      ctx.output('score', score);
      ctx.output('level', level ?? null);
      ctx.output(
        'warnings',
        warnings.map(r => r.id),
      );
      ctx.output(
        'blocking',
        blocking.map(r => r.id),
      );

      if (blocking.length) {
        const list = blocking.map(r => `- ${describeFinding(find(r))}`);
        throw new InputError(
          `${label} is not compliant: ${blocking.length} enforced governance ${
            blocking.length === 1 ? 'policy fails' : 'policies fail'
          }, nothing was published.\n${list.join('\n')}`,
        );
      }
    },
  });
}

function describeEntity(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return 'The data product';
  }
}

/** `policy <id>: <message or "failed">. Fix: <remediation>` */
export function describeFinding({ result, policy }: Finding): string {
  const message = (result.message?.trim() || 'failed').replace(/\.$/, '');
  const fix = policy?.remediation?.trim();
  return `policy ${result.id}: ${message}.${fix ? ` Fix: ${fix}` : ''}`;
}

/** The status and message of a failed call, or what went wrong before an answer. */
function describeFailure(error: unknown): string {
  if (error instanceof ResponseError) {
    return `${error.response.status} ${error.response.statusText}: ${error.body.error.message}`;
  }
  return errorMessage(error);
}

/** Why the dry run gave no verdict: a refused draft is the user's to fix, the rest is not. */
async function dryRunError(
  error: unknown,
  discovery: DiscoveryService,
): Promise<Error> {
  if (error instanceof SyntaxError) {
    return new Error(
      `The data mesh backend did not answer the dry run with JSON: ${error.message}`,
    );
  }
  if (!(error instanceof ResponseError)) {
    const url = `${await discovery.getBaseUrl('data-mesh')}/evaluate`;
    return new Error(
      `Cannot reach the data mesh backend at ${url}: ${errorMessage(error)}`,
    );
  }
  if (error.response.status === 400) {
    // The backend names every bad field of the draft.
    return new InputError(
      `The data mesh backend refused the draft product: ${error.body.error.message}`,
    );
  }
  return new Error(
    `The governance dry run failed with ${describeFailure(error)}`,
  );
}

/** The policies in force, for their remediation; a failure here only costs the hints. */
async function fetchPolicies(
  client: DataMeshApiClient,
  requestOptions: DataMeshApiRequestOptions,
  logger: LoggerService,
): Promise<GovernancePolicy[]> {
  try {
    const rules = await client.getRules({}, requestOptions);
    return rules.policies ?? [];
  } catch (error) {
    logger.warn(
      `Could not read the governance policies for their remediation: ${describeFailure(
        error,
      )}`,
    );
    return [];
  }
}
