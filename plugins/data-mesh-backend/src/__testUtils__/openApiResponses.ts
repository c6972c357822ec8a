import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { spec } from '../schema/openapi/generated';

/*
 * Checks every response of the data mesh API that a test backend sends against the OpenAPI
 * spec: the schema of the operation's response for that status (or its default), over the
 * spec's components. A response that does not match fails the test during which it was sent.
 *
 * Backstage's own checker (wrapServer of @backstage/backend-openapi-utils/testUtils) proxies
 * an express app it starts itself, which reads the spec at the app's root; a test backend
 * serves the plugin under /api/data-mesh, and supertest 7 cannot talk to the proxy's address.
 */

const BASE_PATH = '/api/data-mesh';
/** Served under the plugin by Backstage itself (scheduler, permissions) and the spec route. */
const NOT_IN_SPEC = [
  `${BASE_PATH}/.backstage/`,
  `${BASE_PATH}/.well-known/`,
  `${BASE_PATH}/openapi.json`,
];

type Json = any;

const document = spec as Json;

const ajv = new Ajv({ allErrors: true });
// An annotation of OpenAPI's schema objects that JSON Schema does not know.
ajv.addKeyword('example');
addFormats(ajv);
for (const [name, schema] of Object.entries(document.components.schemas)) {
  ajv.addSchema(schema as object, `#/components/schemas/${name}`);
}

interface Operation {
  name: string;
  method: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, Json>;
}

const operations: Operation[] = Object.entries<Json>(document.paths)
  .flatMap(([path, item]) =>
    Object.entries<Json>(item).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
      params: (path.match(/\{/g) ?? []).length,
      responses: operation.responses,
    })),
  )
  // A literal segment wins over a parameter (`/scorecards/by-refs`).
  .sort((a, b) => a.params - b.params);

const validators = new Map<string, ValidateFunction>();

/** Follows a `$ref` to a component of the spec (`#/components/responses/NotFound`). */
function resolve(value: Json): Json {
  if (typeof value?.$ref !== 'string') return value;
  return resolve(
    value.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Json, key: string) => node?.[key], document),
  );
}

/**
 * What is wrong with a response of the data mesh API, by the spec; undefined when nothing is
 * (or the path is one Backstage serves under every plugin).
 */
export function responseMismatch(response: {
  method: string;
  url: string;
  status: number;
  contentType?: string;
  body: string;
}): string | undefined {
  const { pathname } = new URL(response.url, 'http://backend');
  if (
    !pathname.startsWith(`${BASE_PATH}/`) ||
    NOT_IN_SPEC.some(path => pathname.startsWith(path))
  ) {
    return undefined;
  }
  const at = `${response.method} ${response.url} answered ${response.status}`;
  const route = pathname.slice(BASE_PATH.length);
  const operation = operations.find(
    op => op.method === response.method && op.pattern.test(route),
  );
  if (!operation) return `${at}: the spec has no such operation`;
  const key =
    String(response.status) in operation.responses
      ? String(response.status)
      : 'default';
  const described = resolve(operation.responses[key]);
  if (!described) {
    return `${at}: ${operation.name} describes no response ${response.status} and no default`;
  }
  const mediaType = response.contentType?.split(';')[0].trim();
  if (!response.body) {
    return described.content
      ? `${at}: ${operation.name} ${key} has a body, the response none`
      : undefined;
  }
  const content = mediaType ? described.content?.[mediaType] : undefined;
  if (!content) {
    return `${at}: ${operation.name} ${key} has no ${mediaType} body`;
  }
  if (mediaType !== 'application/json') return undefined;
  const id = `${operation.name} ${key}`;
  let validate = validators.get(id);
  if (!validate) {
    validate = ajv.compile(content.schema);
    validators.set(id, validate);
  }
  if (validate(JSON.parse(response.body))) return undefined;
  return `${at}, not what ${id} says: ${ajv.errorsText(validate.errors, {
    dataVar: 'body',
  })}`;
}

/** Mismatches since the last test ended. */
const mismatches: string[] = [];

/** The mismatches recorded since the last call, which a test then answers for. */
export function takeMismatches(): string[] {
  return mismatches.splice(0);
}

if (typeof afterEach === 'function') {
  afterEach(() => {
    const found = takeMismatches();
    if (found.length > 0) {
      throw new Error(
        `Responses that break the OpenAPI spec of ${BASE_PATH}:\n${found.join(
          '\n',
        )}`,
      );
    }
  });
}

/** The body as sent, decompressed (Backstage's router compresses what the client accepts). */
function decode(chunks: Buffer[], encoding: unknown): string {
  const raw = Buffer.concat(chunks);
  switch (encoding) {
    case 'gzip':
      return zlib.gunzipSync(raw).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(raw).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(raw).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}

/**
 * Checks each response of `server` under /api/data-mesh against the spec before it is sent,
 * recording what does not match for the test to fail on.
 */
export function checkResponsesAgainstSpec(server: Server) {
  server.prependListener(
    'request',
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (req.method === 'HEAD' || !url.startsWith(`${BASE_PATH}/`)) return;
      const chunks: Buffer[] = [];
      const collect = (chunk: unknown, encoding?: unknown) => {
        if (
          chunk === undefined ||
          chunk === null ||
          typeof chunk === 'function'
        ) {
          return;
        }
        chunks.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(
                chunk as string,
                typeof encoding === 'string'
                  ? (encoding as BufferEncoding)
                  : 'utf8',
              ),
        );
      };
      const write = res.write;
      const end = res.end;
      res.write = function patchedWrite(this: ServerResponse, ...args: Json[]) {
        collect(args[0], args[1]);
        return write.apply(this, args as Parameters<typeof write>);
      } as typeof res.write;
      res.end = function patchedEnd(this: ServerResponse, ...args: Json[]) {
        collect(args[0], args[1]);
        try {
          const mismatch = responseMismatch({
            method: req.method ?? 'GET',
            url,
            status: res.statusCode,
            contentType: String(res.getHeader('content-type') ?? ''),
            body: decode(chunks, res.getHeader('content-encoding')),
          });
          if (mismatch) mismatches.push(mismatch);
        } catch (error) {
          mismatches.push(`${req.method} ${url}: ${error}`);
        }
        return end.apply(this, args as Parameters<typeof end>);
      } as typeof res.end;
    },
  );
}
