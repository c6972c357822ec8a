import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EvaluateRequest,
  EvaluateResponse,
  GovernancePolicy,
  GovernanceResult,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { examples } from './governanceCheck.examples';
import {
  describeErrorResponse,
  errorMessage,
  initiatorOrOwnCredentials,
} from './util';

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
      const baseUrl = await discovery.getBaseUrl('data-mesh');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await initiatorOrOwnCredentials(ctx, auth),
        targetPluginId: 'data-mesh',
      });

      const body: EvaluateRequest = {
        entity: ctx.input.entity,
        ...(ctx.input.facts ? { facts: ctx.input.facts } : {}),
      };
      const verdict = await post<EvaluateResponse>(
        `${baseUrl}/evaluate`,
        token,
        body,
        ctx.signal,
      );
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
        ? await fetchPolicies(baseUrl, token, ctx.logger, ctx.signal)
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

async function post<T>(
  url: string,
  token: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw new Error(
      `Cannot reach the data mesh backend at ${url}: ${errorMessage(error)}`,
    );
  }
  if (!response.ok) {
    const message = await describeErrorResponse(response);
    if (response.status === 400) {
      // The backend names every bad field of the draft: that is the user's to fix.
      throw new InputError(
        `The data mesh backend refused the draft product: ${message}`,
      );
    }
    throw new Error(
      `The governance dry run failed with ${response.status} ${response.statusText}: ${message}`,
    );
  }
  // Parsed here rather than with response.json(): fetch's own parser builds its values in
  // Node's main realm, which template rendering refuses under test runners with their own.
  return JSON.parse(await response.text()) as T;
}

/** The policies in force, for their remediation; a failure here only costs the hints. */
async function fetchPolicies(
  baseUrl: string,
  token: string,
  logger: LoggerService,
  signal?: AbortSignal,
): Promise<GovernancePolicy[]> {
  try {
    const response = await fetch(`${baseUrl}/rules`, {
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal,
    });
    if (!response.ok) {
      throw new Error(
        `${response.status} ${
          response.statusText
        }: ${await describeErrorResponse(response)}`,
      );
    }
    const rules = JSON.parse(await response.text()) as RulesResponse;
    return rules.policies ?? [];
  } catch (error) {
    logger.warn(
      `Could not read the governance policies for their remediation: ${errorMessage(
        error,
      )}`,
    );
    return [];
  }
}
