import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import http from 'node:http';
import request from 'supertest';
import {
  checkResponsesAgainstSpec,
  responseMismatch,
  takeMismatches,
} from './openApiResponses';

const json = 'application/json; charset=utf-8';

describe('responseMismatch', () => {
  it('accepts a response as the spec describes it', () => {
    expect(
      responseMismatch({
        method: 'GET',
        url: '/api/data-mesh/health',
        status: 200,
        contentType: json,
        body: JSON.stringify({ status: 'ok', database: 'ok' }),
      }),
    ).toBeUndefined();
    // Components refer to components; a null item is one of the alternatives.
    expect(
      responseMismatch({
        method: 'POST',
        url: '/api/data-mesh/scorecards/by-refs',
        status: 200,
        contentType: json,
        body: JSON.stringify({
          items: [
            null,
            {
              entityRef: 'dataproduct:default/orders',
              score: 50,
              level: null,
              compliant: true,
              evaluatedAt: '2026-01-15T12:00:00.000Z',
            },
          ],
        }),
      }),
    ).toBeUndefined();
  });

  it('says what breaks the schema of the operation and status', () => {
    expect(
      responseMismatch({
        method: 'GET',
        url: '/api/data-mesh/health?x=1',
        status: 200,
        contentType: json,
        body: JSON.stringify({ status: 'broken' }),
      }),
    ).toBe(
      "GET /api/data-mesh/health?x=1 answered 200, not what GET /health 200 says: body must have required property 'database', body/status must be equal to one of the allowed values",
    );
    expect(
      responseMismatch({
        method: 'POST',
        url: '/api/data-mesh/scorecards/by-refs',
        status: 200,
        contentType: json,
        body: JSON.stringify({
          items: [{ entityRef: 'x', score: 'high' }],
        }),
      }),
    ).toMatch(
      /^POST .* not what POST \/scorecards\/by-refs 200 says: .*body\/items\/0\/score must be number/,
    );
  });

  it('checks an error against the status the spec gives, else its default', () => {
    const error = (status: number, body: object) =>
      responseMismatch({
        method: 'GET',
        url: '/api/data-mesh/scorecards/dataproduct/default/orders',
        status,
        contentType: json,
        body: JSON.stringify(body),
      });
    const backstageError = (statusCode: number) => ({
      error: { name: 'NotFoundError', message: 'No entity' },
      request: { method: 'GET', url: '/x' },
      response: { statusCode },
    });
    expect(error(404, backstageError(404))).toBeUndefined();
    expect(error(503, backstageError(503))).toBeUndefined();
    expect(error(404, { message: 'No entity' })).toMatch(
      /not what GET \/scorecards\/\{kind\}\/\{namespace\}\/\{name\} 404 says: body must have required property 'error'/,
    );
    expect(error(500, { message: 'oops' })).toMatch(
      /not what GET \/scorecards\/\{kind\}\/\{namespace\}\/\{name\} default says/,
    );
  });

  it('refuses what the spec does not describe, and leaves Backstage its own routes', () => {
    expect(
      responseMismatch({
        method: 'DELETE',
        url: '/api/data-mesh/waivers/1',
        status: 200,
        body: '',
      }),
    ).toBe(
      'DELETE /api/data-mesh/waivers/1 answered 200: the spec has no such operation',
    );
    expect(
      responseMismatch({
        method: 'GET',
        url: '/api/data-mesh/odps/default/orders',
        status: 200,
        contentType: 'text/csv',
        body: 'a,b',
      }),
    ).toBe(
      'GET /api/data-mesh/odps/default/orders answered 200: GET /odps/{namespace}/{name} 200 has no text/csv body',
    );
    expect(
      responseMismatch({
        method: 'GET',
        url: '/api/data-mesh/odps/default/orders',
        status: 200,
        contentType: 'application/yaml',
        body: 'apiVersion: v1.0.0',
      }),
    ).toBeUndefined();
    for (const url of [
      '/api/data-mesh/openapi.json',
      '/api/data-mesh/.backstage/scheduler/v1/tasks',
      '/api/catalog/entities',
    ]) {
      expect(
        responseMismatch({ method: 'GET', url, status: 200, body: '[]' }),
      ).toBeUndefined();
    }
  });
});

describe('checkResponsesAgainstSpec', () => {
  let server: http.Server;

  beforeAll(async () => {
    // Compressed, as Backstage's root router sends what the client accepts.
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    const app = express()
      .use(middleware.compression())
      // Long enough to be compressed.
      .get('/api/data-mesh/health', (_req, res) => {
        res.json({ status: 'ok', database: 'gone', note: 'x'.repeat(2000) });
      })
      .get('/api/data-mesh/rules', (_req, res) => {
        res.json({ levels: [], checks: [], policies: [] });
      });
    server = http.createServer(app);
    checkResponsesAgainstSpec(server);
    await new Promise<void>(resolve => server.listen(0, resolve));
  });

  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('records each response that breaks the spec, as the client receives it', async () => {
    const res = await request(server)
      .get('/api/data-mesh/health')
      .set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body).toMatchObject({ status: 'ok', database: 'gone' });
    expect((await request(server).get('/api/data-mesh/rules')).status).toBe(
      200,
    );
    expect(takeMismatches()).toEqual([
      'GET /api/data-mesh/health answered 200, not what GET /health 200 says: body/database must be equal to one of the allowed values',
    ]);
  });
});
