import {
  EvaluateResponse,
  RulesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FIXTURES, product, run } from './__testUtils__';

jest.setTimeout(30_000);

const TOKEN = 'ci-token';

const verdict: EvaluateResponse = {
  scorecard: {
    score: 87.5,
    level: 'silver',
    checks: [
      { id: 'has-description', outcome: 'pass' },
      { id: 'slos-declared', outcome: 'fail' },
    ],
  },
  governance: {
    compliant: false,
    results: [
      {
        id: 'owner-is-group',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'global',
        outcome: 'pass',
        blocking: false,
      },
      {
        id: 'checkout-sla',
        severity: 'error',
        enforcement: 'enforce',
        origin: 'domain',
        domainRef: 'domain:default/checkout',
        outcome: 'fail',
        blocking: true,
      },
      {
        id: 'secret-draft',
        severity: 'error',
        enforcement: 'draft',
        origin: 'global',
        outcome: 'fail',
        blocking: false,
      },
    ],
  },
};

const rules: RulesResponse = {
  levels: ['bronze', 'silver', 'gold'],
  checks: [
    {
      id: 'slos-declared',
      title: 'SLOs are declared',
      level: 'silver',
      rule: 'true',
      remediation: 'Add spec.slos.',
      origin: 'global',
    },
  ],
  policies: [
    {
      id: 'checkout-sla',
      title: 'Checkout products have an SLA',
      severity: 'error',
      enforcement: 'enforce',
      origin: 'domain',
      domainRef: 'domain:default/checkout',
      rule: 'true',
      remediation: 'Agree an SLA with checkout.',
    },
  ],
};

type Received = { method?: string; url?: string; auth?: string; body?: any };

/**
 * A portal on a local port: answers the dry run (or refuses it with `refusal`, a Backstage
 * error of status 400) and the rules, and records each request.
 */
async function startPortal(
  options: { basePath?: string; refusal?: Record<string, unknown> } = {},
) {
  const received: Received[] = [];
  const prefix = `${options.basePath ?? ''}/api/data-mesh`;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const request: Received = {
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      };
      received.push(request);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (request.auth !== `Bearer ${TOKEN}`) {
        reply(401, {
          error: {
            name: 'AuthenticationError',
            message: 'Missing credentials',
          },
          response: { statusCode: 401 },
        });
      } else if (req.method === 'GET' && req.url === `${prefix}/rules`) {
        reply(200, rules);
      } else if (req.method === 'POST' && req.url === `${prefix}/evaluate`) {
        if (options.refusal) {
          reply(400, {
            error: options.refusal,
            request: { method: 'POST', url: req.url },
            response: { statusCode: 400 },
          });
        } else {
          reply(200, verdict);
        }
      } else {
        reply(404, { error: { name: 'NotFoundError', message: 'Not found' } });
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
    received,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

describe('data-mesh-check --url', () => {
  it('asks the portal for the verdict with the token, and shows it without drafts', async () => {
    const portal = await startPortal();
    try {
      const { code, stdout, stderr } = await run(
        [
          '--url',
          portal.url,
          '--facts',
          `${FIXTURES}/facts.json`,
          product('compliant'),
        ],
        { env: { DATA_MESH_TOKEN: TOKEN } },
      );
      expect(stderr).toBe('');
      expect(code).toBe(1);
      const evaluate = portal.received.find(r => r.method === 'POST')!;
      expect(evaluate.url).toBe('/api/data-mesh/evaluate');
      expect(evaluate.auth).toBe(`Bearer ${TOKEN}`);
      expect(evaluate.body.entity).toMatchObject({
        kind: 'DataProduct',
        metadata: { name: 'orders' },
      });
      expect(evaluate.body.facts).toEqual({
        contract_tests: { passed: 12, failed: 2 },
      });
      expect(stdout).not.toContain('pass --entities');
      expect(stdout).toContain(
        'dataproduct:default/orders  NOT COMPLIANT  score 87.5  level silver',
      );
      expect(stdout).toMatch(
        /BLOCKING\s+checkout-sla: Checkout products have an SLA \(policy of domain:default\/checkout\)\n\s+fix: Agree an SLA with checkout\./,
      );
      expect(stdout).toMatch(
        /CHECK\s+slos-declared: SLOs are declared \[silver\]\n\s+fix: Add spec\.slos\./,
      );
      expect(stdout).not.toContain('secret-draft');
      expect(stdout).toContain('1 product checked by the portal');

      const json = await run(
        ['--url', portal.url, '--format', 'json', product('compliant')],
        { env: { DATA_MESH_TOKEN: TOKEN } },
      );
      const [result] = JSON.parse(json.stdout).products;
      expect(result.governance.results.map((r: any) => r.id)).toEqual([
        'owner-is-group',
        'checkout-sla',
      ]);
    } finally {
      await portal.close();
    }
  });

  it('works with a portal under a base path', async () => {
    const portal = await startPortal({ basePath: '/portal' });
    try {
      const { code } = await run(
        ['--url', `${portal.url}/`, product('compliant')],
        {
          env: { DATA_MESH_TOKEN: TOKEN },
        },
      );
      expect(code).toBe(1);
      expect(portal.received.map(r => r.url)).toContain(
        '/portal/api/data-mesh/evaluate',
      );
    } finally {
      await portal.close();
    }
  });

  it('reports a refused token as a one-line error with exit code 2', async () => {
    const portal = await startPortal();
    try {
      const { code, stdout, stderr } = await run([
        '--url',
        portal.url,
        product('compliant'),
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `error: dataproduct:default/orders: ${portal.url}/api/data-mesh/evaluate answered 401: Missing credentials (set DATA_MESH_TOKEN to a token the portal accepts)\n`,
      );
    } finally {
      await portal.close();
    }
  });

  it('reports each problem the portal finds in a refused product on its own line', async () => {
    const portal = await startPortal({
      refusal: {
        name: 'InputError',
        message: 'entity: 2 problems',
        problems: [
          { field: 'spec.owner', message: 'is required' },
          { field: 'spec.status', message: 'must be one of proposed, draft' },
          { field: '', message: 'and 3 more problems' },
        ],
      },
    });
    try {
      const { code, stderr } = await run(
        ['--url', portal.url, product('compliant')],
        { env: { DATA_MESH_TOKEN: TOKEN } },
      );
      expect(code).toBe(2);
      const answered = `dataproduct:default/orders: ${portal.url}/api/data-mesh/evaluate answered 400`;
      expect(stderr).toContain(`${answered}: spec.owner: is required\n`);
      expect(stderr).toContain(
        `${answered}: spec.status: must be one of proposed, draft\n`,
      );
      expect(stderr).toContain(`${answered}: and 3 more problems\n`);
    } finally {
      await portal.close();
    }
  });

  it('reports a portal it cannot reach with exit code 2', async () => {
    const portal = await startPortal();
    await portal.close();
    const { code, stderr } = await run(
      ['--url', portal.url, product('compliant')],
      {
        env: { DATA_MESH_TOKEN: TOKEN },
      },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+: cannot reach the portal: .*ECONNREFUSED.*\n$/,
    );
  });

  it('refuses a URL that is not http', async () => {
    const { code, stderr } = await run([
      '--url',
      'ftp://portal',
      product('compliant'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --url: "ftp://portal" is not an http or https URL\n',
    );
  });
});
