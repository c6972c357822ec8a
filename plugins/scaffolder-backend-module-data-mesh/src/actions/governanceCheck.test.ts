import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  EvaluateResponse,
  GovernanceResult,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { createGovernanceCheckAction } from './governanceCheck';
import { examples } from './governanceCheck.examples';

type Reply = { status: number; body: unknown };

/** An error answer as Backstage's error handler writes it. */
function errorReply(status: number, name: string, message: string): Reply {
  return {
    status,
    body: {
      error: { name, message },
      request: { method: 'POST', url: '/api/data-mesh/evaluate' },
      response: { statusCode: status },
    },
  };
}

/**
 * A real HTTP server standing in for the data mesh backend: it answers `POST /evaluate` and
 * `GET /rules` with what a test sets and records every request.
 */
class FakeDataMeshBackend {
  readonly requests: Array<{
    method?: string;
    url?: string;
    authorization?: string;
    body?: any;
  }> = [];
  evaluate: Reply = { status: 200, body: verdict([]) };
  rules: Reply = { status: 200, body: rules() };
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', chunk => {
        raw += chunk;
      });
      req.on('end', () => {
        this.requests.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          body: raw ? JSON.parse(raw) : undefined,
        });
        let reply = errorReply(404, 'NotFoundError', 'Not found');
        if (req.method === 'POST' && req.url === '/api/data-mesh/evaluate') {
          reply = this.evaluate;
        } else if (req.method === 'GET' && req.url === '/api/data-mesh/rules') {
          reply = this.rules;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/data-mesh`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }
}

function result(
  id: string,
  overrides: Partial<GovernanceResult> = {},
): GovernanceResult {
  return {
    id,
    severity: 'error',
    enforcement: 'enforce',
    origin: 'global',
    outcome: 'pass',
    blocking: false,
    ...overrides,
  };
}

function verdict(results: GovernanceResult[]): EvaluateResponse {
  return {
    scorecard: { score: 62, level: 'bronze', checks: [] },
    governance: { compliant: !results.some(r => r.blocking), results },
  };
}

function rules(): RulesResponse {
  const policy = (
    id: string,
    remediation: string,
    extra: Partial<RulesResponse['policies'][number]> = {},
  ) => ({
    id,
    title: id,
    severity: 'error' as const,
    enforcement: 'enforce' as const,
    origin: 'global' as const,
    rule: 'true',
    remediation,
    ...extra,
  });
  return {
    levels: ['bronze', 'silver', 'gold'],
    checks: [],
    policies: [
      policy(
        'personal-data-protected',
        'Set spec.classification to confidential or restricted, or remove the personal data.',
      ),
      policy('domain-exists', 'Set spec.domain to a Domain of the catalog.'),
      policy(
        'name-convention',
        'Rename the product to lowercase words joined by hyphens.',
        { severity: 'warning', enforcement: 'warn' },
      ),
      policy('clinical-only', 'Another domain says something else.', {
        origin: 'domain',
        domainRef: 'domain:default/other',
      }),
      policy('clinical-only', 'Use restricted for patient data.', {
        origin: 'domain',
        domainRef: 'domain:default/clinical',
      }),
    ],
  };
}

const draftProduct = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'patient-visits' },
  spec: {
    owner: 'group:clinical-data-team',
    domain: 'clinical',
    status: 'draft',
    classification: 'public',
    personalData: true,
  },
};

describe('data-mesh:governance:check', () => {
  const backend = new FakeDataMeshBackend();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await backend.start();
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    backend.requests.length = 0;
    backend.evaluate = { status: 200, body: verdict([]) };
    backend.rules = { status: 200, body: rules() };
  });

  function setup(input: Record<string, unknown> = { entity: draftProduct }) {
    const action = createGovernanceCheckAction({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => {
          expect(pluginId).toBe('data-mesh');
          return baseUrl;
        },
      }),
      auth: mockServices.auth(),
    });
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({ input: input as any, logger });
    return { action, ctx, logger };
  }

  it('passes a compliant product and outputs its score and level', async () => {
    backend.evaluate = {
      status: 200,
      body: verdict([
        result('personal-data-protected'),
        result('domain-exists'),
        result('deprecated-names-sunset', { outcome: 'skipped' }),
      ]),
    };
    const facts = { ci: { testsFailed: 0 } };
    const { action, ctx } = setup({ entity: draftProduct, facts });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('compliant', true);
    expect(ctx.output).toHaveBeenCalledWith('score', 62);
    expect(ctx.output).toHaveBeenCalledWith('level', 'bronze');
    expect(ctx.output).toHaveBeenCalledWith('warnings', []);
    expect(ctx.output).toHaveBeenCalledWith('blocking', []);
    // One dry run with the draft and the facts, on behalf of the initiator; no rules needed.
    expect(backend.requests).toEqual([
      {
        method: 'POST',
        url: '/api/data-mesh/evaluate',
        authorization: expect.stringMatching(/^Bearer .+/),
        body: { entity: draftProduct, facts },
      },
    ]);
    expect(backend.requests[0].authorization).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: mockCredentials.user(),
        targetPluginId: 'data-mesh',
      })}`,
    );
  });

  it('fails the step with every enforced failure, its message and its fix', async () => {
    backend.evaluate = {
      status: 200,
      body: verdict([
        result('personal-data-protected', { outcome: 'fail', blocking: true }),
        result('clinical-only', {
          origin: 'domain',
          domainRef: 'domain:default/clinical',
          outcome: 'error',
          message: 'no such key: classification',
          blocking: true,
        }),
        result('domain-exists'),
        result('name-convention', {
          severity: 'warning',
          enforcement: 'warn',
          outcome: 'fail',
        }),
      ]),
    };
    const { action, ctx, logger } = setup();

    const error = await action.handler(ctx).then(
      () => undefined,
      e => e,
    );

    expect(error?.name).toBe('InputError');
    expect(error.message).toBe(
      [
        'dataproduct:default/patient-visits is not compliant: 2 enforced governance policies fail, nothing was published.',
        '- policy personal-data-protected: failed. Fix: Set spec.classification to confidential or restricted, or remove the personal data.',
        '- policy clinical-only: no such key: classification. Fix: Use restricted for patient data.',
      ].join('\n'),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'Warning: policy name-convention: failed. Fix: Rename the product to lowercase words joined by hyphens.',
    );
    expect(ctx.output).toHaveBeenCalledWith('compliant', false);
    expect(ctx.output).toHaveBeenCalledWith('blocking', [
      'personal-data-protected',
      'clinical-only',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('warnings', ['name-convention']);
    // The rules are read once, for the remediation of all failures.
    expect(backend.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'POST /api/data-mesh/evaluate',
      'GET /api/data-mesh/rules',
    ]);
  });

  it('lets warnings through, logged and in the output', async () => {
    backend.evaluate = {
      status: 200,
      body: verdict([
        result('name-convention', {
          severity: 'warning',
          enforcement: 'warn',
          outcome: 'fail',
          message: 'name has capitals.',
        }),
        result('support-channel-named', {
          severity: 'warning',
          enforcement: 'draft',
          outcome: 'fail',
        }),
      ]),
    };
    const { action, ctx, logger } = setup();

    await action.handler(ctx);

    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Warning: policy name-convention: name has capitals. Fix: Rename the product to lowercase words joined by hyphens.',
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Draft policy (not enforced yet): policy support-channel-named: failed.',
    );
    expect(ctx.output).toHaveBeenCalledWith('compliant', true);
    expect(ctx.output).toHaveBeenCalledWith('warnings', ['name-convention']);
  });

  it('still fails with the findings when the rules cannot be read', async () => {
    backend.evaluate = {
      status: 200,
      body: verdict([
        result('domain-exists', { outcome: 'fail', blocking: true }),
      ]),
    };
    backend.rules = errorReply(500, 'Error', 'database is down');
    const { action, ctx, logger } = setup();

    await expect(action.handler(ctx)).rejects.toThrow(
      /\n- policy domain-exists: failed\.$/,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('database is down'),
    );
  });

  it("fails with the backend's message when it refuses the draft", async () => {
    backend.evaluate = errorReply(
      400,
      'InputError',
      'spec.status: "live" is not one of proposed, draft, active, deprecated, retired',
    );
    const { action, ctx } = setup({
      entity: {
        ...draftProduct,
        spec: { ...draftProduct.spec, status: 'live' },
      },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      'The data mesh backend refused the draft product: spec.status: "live" is not one of proposed, draft, active, deprecated, retired',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('fails clearly when the backend answers with another error', async () => {
    backend.evaluate = errorReply(403, 'NotAllowedError', 'Unauthorized');
    const { action, ctx } = setup();

    await expect(action.handler(ctx)).rejects.toThrow(
      'The governance dry run failed with 403 Forbidden: Unauthorized',
    );
  });

  it('fails clearly when the backend cannot be reached', async () => {
    const action = createGovernanceCheckAction({
      discovery: mockServices.discovery.mock({
        // Nothing listens on port 9 (discard) on the test machine.
        getBaseUrl: async () => 'http://127.0.0.1:9/api/data-mesh',
      }),
      auth: mockServices.auth(),
    });
    const ctx = createMockActionContext({ input: { entity: draftProduct } });

    await expect(action.handler(ctx)).rejects.toThrow(
      /^Cannot reach the data mesh backend at http:\/\/127\.0\.0\.1:9\/api\/data-mesh\/evaluate: /,
    );
  });

  it('has examples whose steps use the action with an entity', () => {
    for (const example of examples) {
      const steps = YAML.parse(example.example).steps;
      const step = steps.find(
        (s: any) => s.action === 'data-mesh:governance:check',
      );
      expect(step.input.entity).toBeDefined();
    }
  });
});
