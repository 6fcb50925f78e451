/**
 * Shared machinery for the contract tests (`contract*.test.ts`; not a test file itself).
 *
 * Every endpoint the desk uses is called through the real `twitter-api-v2` client against a listening
 * sandbox. A recording proxy between client and sandbox keeps what went over the wire, and after each test
 * every recorded answer (status, body) is validated by `openapi-backend`:
 *
 * - `/2/…` answers against the official OpenAPI spec (v2.166, `shared/contracts/x-api-v2-openapi.json`);
 * - the OAuth 2.0 token endpoints, which the spec does not describe as paths (it only names
 *   `https://api.x.com/2/oauth2/token` as the `OAuth2UserToken` scheme's `tokenUrl`), against a small inline
 *   OpenAPI document written from the contract (`shared/contracts/x-api-v2.md` §2.2), same library.
 *
 * openapi-backend validates `application/json` bodies only. X answers errors as `application/problem+json`,
 * which the spec documents beside `application/json` (the v1-style `Error`). So for error statuses the
 * validator is given, in memory, the spec's problem+json schema, narrowed by the `Problem` discriminator's
 * mapping (e.g. `invalid-request` → InvalidRequestProblem) with if/then, as the discriminator says.
 *
 * The filtered stream (`GET /2/tweets/search/stream`) is piped through the proxy chunk by chunk; each
 * message on the wire (JSON + `\r\n`, keep-alives skipped) is validated as one `streamPosts` 200 body.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createXSandbox, type XSandbox, type XSandboxOptions } from './index.ts';
import { sharedPath } from './shared-data.ts';

export const SPEC_PATH = sharedPath('contracts', 'x-api-v2-openapi.json');

// What the desk's X connector asks for (packages/connectors/src/x/x-client.ts).
export const TWEET_FIELDS = 'author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,lang';
export const USER_FIELDS = 'name,username,description,profile_image_url,public_metrics,verified';
export const EXPANSIONS = 'author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id';
export const DESK_FIELDS = { 'tweet.fields': TWEET_FIELDS, 'user.fields': USER_FIELDS, expansions: EXPANSIONS };

type Json = Record<string, unknown>;

/** The spec as openapi-backend should see it: problem+json schemas where X sends problem+json. */
export function validationView(spec: Json): Json {
  const copy = structuredClone(spec) as {
    paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
    components: {
      schemas: Record<string, { discriminator?: { mapping?: Record<string, string> }; allOf?: { $ref?: string }[] }>;
    };
  };
  const PROBLEM = '#/components/schemas/Problem';
  const schemas = copy.components.schemas;
  const mapping = schemas.Problem?.discriminator?.mapping ?? {};
  // Each mapped schema is `allOf: [Problem, extra]`; only the extra part is needed under `then` (the spec
  // is dereferenced before compiling, so repeating Problem 18 times would only slow the compilation down).
  const narrowing = Object.entries(mapping).flatMap(([type, ref]) => {
    const extra = (schemas[ref.split('/').pop()!]?.allOf ?? []).filter((part) => part.$ref !== PROBLEM);
    return extra.length
      ? [{ if: { properties: { type: { const: type } }, required: ['type'] }, then: { allOf: extra } }]
      : [];
  });
  const problem = { allOf: [{ $ref: PROBLEM }, ...narrowing] };
  for (const item of Object.values(copy.paths)) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (/^2/.test(status) || !response.content?.['application/problem+json']) continue;
        response.content = { 'application/json': { schema: problem } };
      }
    }
  }
  // Problems inside 200 bodies (`errors[]`: partial errors, rule errors, in-stream errors) are narrowed the
  // same way: every reference to `Problem`, except from the mapped schemas themselves, goes to the narrowed one.
  const mapped = new Set(Object.values(mapping).map((ref) => ref.split('/').pop()));
  const retarget = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(retarget);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.$ref === PROBLEM) obj.$ref = '#/components/schemas/ProblemByType';
    Object.values(obj).forEach(retarget);
  };
  for (const [name, schema] of Object.entries(schemas)) {
    if (name !== 'Problem' && !mapped.has(name)) retarget(schema);
  }
  (schemas as Record<string, unknown>).ProblemByType = problem;
  narrowActivityPayload(schemas as Record<string, Json>);
  return copy as unknown as Json;
}

/**
 * The activity stream's `payload` is a `oneOf` whose discriminator is the envelope's `event_type`
 * (`propertyName: "../event_type"`), which JSON Schema cannot follow: several branches match any object.
 * As for problems, the mapping is applied with if/then on `event_type`. Event types the mapping leaves out
 * take the shape the contract gives them (§13.6): `post.*` payloads are Post objects; `dm.*` payloads the
 * Account Activity `direct_message_events` + `users` object.
 */
function narrowActivityPayload(schemas: Record<string, Json>): void {
  const envelope = schemas.ActivityStreamingResponse as { properties: { data: { properties: Json; allOf?: Json[] } } };
  const payload = schemas.ActivityStreamingResponsePayload as { discriminator?: { mapping?: Record<string, string> } };
  const mapping: Record<string, string> = {
    ...payload.discriminator?.mapping,
    'post.reply.create': '#/components/schemas/Tweet',
    'post.quote.create': '#/components/schemas/Tweet',
    'post.repost.create': '#/components/schemas/Tweet',
  };
  const dm = {
    type: 'object',
    required: ['direct_message_events', 'users'],
    properties: { direct_message_events: { type: 'array', minItems: 1 }, users: { type: 'object' } },
  };
  const data = envelope.properties.data;
  data.properties.payload = { type: 'object' };
  data.allOf = [
    ...Object.entries(mapping).map(([type, ref]) => ({
      if: { properties: { event_type: { const: type } }, required: ['event_type'] },
      then: { properties: { payload: { $ref: ref } } },
    })),
    ...['dm.received', 'dm.sent'].map((type) => ({
      if: { properties: { event_type: { const: type } }, required: ['event_type'] },
      then: { properties: { payload: dm } },
    })),
  ];
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function validator(definition: Json): OpenAPIBackend {
  return new OpenAPIBackend({
    definition: definition as unknown as Document,
    quick: true,
    validate: true,
    ajvOpts: { strict: false },
    customizeAjv: (ajv) => {
      ajv.addFormat('date-time', ISO_DATE_TIME);
      ajv.addFormat('data-time', ISO_DATE_TIME); // sic, one schema in the spec
      ajv.addFormat('uri', {
        validate: (v: string) => {
          try {
            new URL(v);
            return true;
          } catch {
            return false;
          }
        },
      });
      for (const f of ['int32', 'int64', 'long', 'double', 'integer', 'binary', 'byte', '^[0-9]{1,19}$']) {
        ajv.addFormat(f, true);
      }
      return ajv;
    },
  });
}

/** The official spec, v2.166. */
export const api = validator(validationView(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json));

const json = (schema: Json) => ({ description: '', content: { 'application/json': { schema } } });

/**
 * The OAuth 2.0 token endpoints are NOT paths of the v2.166 spec. This document writes down their shapes
 * as the contract documents them (§2.2), so the same library validates them:
 * - `POST /oauth2/token` (app-only, client_credentials, no `/2/`) → `{"token_type":"bearer","access_token":"…"}`;
 *   refusals use the legacy v1.1 error body (contract §10.2 item 4, the spec's `Error` = `{code, message}`).
 * - `POST /2/oauth2/token` (authorization_code + PKCE, refresh_token) →
 *   `{"token_type":"bearer","expires_in":7200,"access_token":"…","scope":"…","refresh_token":"…"}`, the
 *   refresh token present exactly when `offline.access` was granted; refusals are OAuth 2.0 error bodies
 *   (RFC 6749 §5.2 `{error, error_description}`; the contract gives no error shape for these endpoints).
 * - `POST /2/oauth2/revoke` → the contract is silent on the answer; X answers `{"revoked":true}`.
 */
export const OAUTH_DOCUMENT: Json = {
  openapi: '3.0.3',
  info: { title: 'X OAuth 2.0 token endpoints (contract §2.2, not in the v2.166 spec)', version: '2.166-contract' },
  paths: {
    '/oauth2/token': {
      post: {
        operationId: 'appOnlyToken',
        responses: {
          '200': json({ $ref: '#/components/schemas/AppOnlyToken' }),
          default: json({ $ref: '#/components/schemas/V1Errors' }),
        },
      },
    },
    '/2/oauth2/token': {
      post: {
        operationId: 'oauth2Token',
        responses: {
          '200': json({ $ref: '#/components/schemas/OAuth2Token' }),
          default: json({ $ref: '#/components/schemas/OAuth2Error' }),
        },
      },
    },
    '/2/oauth2/revoke': {
      post: {
        operationId: 'oauth2Revoke',
        responses: {
          '200': json({ $ref: '#/components/schemas/Revoked' }),
          default: json({ $ref: '#/components/schemas/OAuth2Error' }),
        },
      },
    },
  },
  components: {
    schemas: {
      AppOnlyToken: {
        type: 'object',
        additionalProperties: false,
        required: ['token_type', 'access_token'],
        properties: {
          token_type: { type: 'string', enum: ['bearer'] },
          access_token: { type: 'string', minLength: 1 },
        },
      },
      OAuth2Token: {
        type: 'object',
        additionalProperties: false,
        required: ['token_type', 'expires_in', 'access_token', 'scope'],
        properties: {
          token_type: { type: 'string', enum: ['bearer'] },
          expires_in: { type: 'integer', enum: [7200] },
          access_token: { type: 'string', minLength: 1 },
          scope: { type: 'string', pattern: '^[a-z.]+( [a-z.]+)*$' },
          refresh_token: { type: 'string', minLength: 1 },
        },
        if: { properties: { scope: { pattern: '(^| )offline\\.access( |$)' } } },
        then: { required: ['refresh_token'] },
        else: { not: { required: ['refresh_token'] } },
      },
      Revoked: {
        type: 'object',
        additionalProperties: false,
        required: ['revoked'],
        properties: { revoked: { type: 'boolean' } },
      },
      OAuth2Error: {
        type: 'object',
        required: ['error', 'error_description'],
        properties: {
          error: {
            type: 'string',
            enum: [
              'invalid_request',
              'invalid_client',
              'invalid_grant',
              'unauthorized_client',
              'unsupported_grant_type',
              'invalid_scope',
            ],
          },
          error_description: { type: 'string', minLength: 1 },
        },
      },
      V1Errors: {
        type: 'object',
        required: ['errors'],
        properties: {
          errors: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'integer' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  },
};

export const oauthApi = validator(OAUTH_DOCUMENT);

export interface Exchange {
  method: string;
  path: string;
  query: string;
  status: number;
  contentType: string;
  body: string;
  requestContentType: string;
  requestBody: string;
}

const isOAuthPath = (path: string) => /^\/(2\/)?oauth2\//.test(path);

/** Splits a recorded filtered-stream body into its complete messages (keep-alive `\r\n`s dropped). */
export function streamMessages(body: string): string[] {
  const parts = body.split('\r\n');
  parts.pop(); // after the last "\r\n": empty, or a message still in flight when the stream was closed
  return parts.filter((p) => p.trim() !== '');
}

/**
 * A request the sandbox accepted (2xx) must be one the spec accepts too: parameters, path ids and JSON body
 * (so the tests exercise spec-valid calls, and tokens such as `next_token` survive the round trip).
 */
function requestProblems(x: Exchange, label: string): string[] {
  let body: unknown;
  if (x.requestBody !== '' && x.requestContentType.startsWith('application/json')) {
    try {
      body = JSON.parse(x.requestBody);
    } catch {
      return [`${label}: request body is not JSON`];
    }
  }
  const result = api.validateRequest({
    method: x.method.toLowerCase(),
    path: x.path,
    query: x.query.slice(1),
    headers: { 'content-type': x.requestContentType },
    body,
  });
  return (result.errors ?? []).map(
    (e) => `${label} (request): ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/** Every recorded /2 (and OAuth) exchange, checked against its document; returns readable problems. */
export function specProblems(exchanges: Exchange[], covered?: Map<string, Set<number>>): string[] {
  const problems: string[] = [];
  for (const x of exchanges) {
    const oauth = isOAuthPath(x.path);
    if (!oauth && !x.path.startsWith('/2/')) continue;
    const doc = oauth ? oauthApi : api;
    const label = `${x.method} ${x.path}${x.query} → ${x.status}`;
    const op = doc.matchOperation({ method: x.method.toLowerCase(), path: x.path, headers: {} });
    if (!op?.operationId) {
      problems.push(`${label}: no such operation in the ${oauth ? 'OAuth document' : 'spec'}`);
      continue;
    }
    covered?.set(op.operationId, (covered.get(op.operationId) ?? new Set()).add(x.status));
    if (!oauth && x.status >= 400 && !x.contentType.startsWith('application/problem+json')) {
      problems.push(`${label}: content-type ${x.contentType}, the spec documents application/problem+json`);
    }
    if (!oauth && x.status < 300) problems.push(...requestProblems(x, label));
    // Both persistent streams send one JSON message per line.
    const streamed = (op.operationId === 'streamPosts' || op.operationId === 'activityStream') && x.status === 200;
    const bodies = streamed ? streamMessages(x.body) : [x.body];
    for (const raw of bodies) {
      let body: unknown = null;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          problems.push(`${label}: body is not JSON`);
          continue;
        }
      }
      const result = doc.validateResponse(body, op.operationId, x.status);
      for (const e of result.errors ?? []) {
        problems.push(
          `${label} [${op.operationId}]: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`,
        );
      }
    }
  }
  return problems;
}

export async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiResponseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

/** The first entry of an error body's `errors[]` (typed loosely: v1 and v2 shapes differ). */
export function firstError(err: ApiResponseError): any {
  return (err.data as { errors?: unknown[] }).errors?.[0];
}

export function steppingClock(startIso = '2026-08-20T14:00:00.000Z'): () => Date {
  let t = Date.parse(startIso);
  return () => new Date((t += 1000));
}

export type Tokens =
  | string
  | { appKey: string; appSecret: string; accessToken?: string; accessSecret?: string }
  | { clientId: string; clientSecret?: string };

/**
 * Registers the harness hooks in the calling test file: a recording proxy for the whole file, and after
 * each test the sandbox closed, then every recorded exchange validated (at least one must have been made).
 * `expectCoverage` (checked after the file) lists the operations, with the statuses, the file must reach.
 */
export function contractHarness(options: { expectCoverage?: Record<string, number[]> } = {}) {
  let exchanges: Exchange[] = [];
  const covered = new Map<string, Set<number>>();
  const cleanups: (() => unknown)[] = [];
  let proxy: http.Server | undefined;
  let proxyUrl = '';
  let target = '';
  let sandbox: XSandbox | undefined;

  /** Forwards to the sandbox (`target`), streaming answers through, and records every exchange. */
  function startProxy(): Promise<void> {
    proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const t = new URL(target);
        const up = http.request(
          { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            const url = new URL(req.url ?? '/', 'http://proxy.local');
            const exchange: Exchange = {
              method: req.method ?? 'GET',
              path: url.pathname,
              query: url.search,
              status: answer.statusCode ?? 0,
              contentType: String(answer.headers['content-type'] ?? ''),
              body: '',
              requestContentType: String(req.headers['content-type'] ?? ''),
              requestBody: Buffer.concat(chunks).toString('utf8'),
            };
            exchanges.push(exchange);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.flushHeaders();
            answer.on('data', (c: Buffer) => {
              exchange.body += c.toString('utf8');
              res.write(c);
            });
            answer.on('end', () => res.end());
            answer.on('error', () => res.destroy());
          },
        );
        res.on('close', () => up.destroy());
        up.on('error', () => {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
        up.end(Buffer.concat(chunks));
      });
    });
    return new Promise((resolve) =>
      proxy!.listen(0, '127.0.0.1', () => {
        proxyUrl = `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`;
        resolve();
      }),
    );
  }

  const redirect = (params: { url: string }) => {
    params.url = params.url.replace('https://api.x.com', proxyUrl);
  };
  const viaProxy: ITwitterApiClientPlugin = {
    onBeforeRequestConfig: ({ params }) => redirect(params),
    onBeforeStreamRequestConfig: ({ params }) => redirect(params),
  };
  const agent = new http.Agent({ keepAlive: false });
  const client = (tokens: Tokens): TwitterApi =>
    new TwitterApi(tokens as never, { httpAgent: agent, plugins: [viaProxy] });

  beforeAll(async () => {
    await Promise.all([api.init(), oauthApi.init()]);
    await startProxy();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      if (!proxy) return resolve();
      proxy.close(() => resolve());
      proxy.closeAllConnections();
    });
    for (const [operationId, statuses] of Object.entries(options.expectCoverage ?? {})) {
      expect([operationId, [...(covered.get(operationId) ?? [])].sort((a, b) => a - b)]).toEqual([
        operationId,
        [...statuses].sort((a, b) => a - b),
      ]);
    }
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await sandbox?.close();
    sandbox = undefined;
    const recorded = exchanges.length;
    const problems = specProblems(exchanges, covered);
    exchanges = [];
    expect(recorded).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  return {
    /** A twitter-api-v2 client whose requests (REST and streaming) go through the recording proxy. */
    client,
    /** Runs after the test, before the sandbox closes and the exchanges are validated (latest first). */
    onCleanup: (fn: () => unknown) => void cleanups.push(fn),
    /** What went over the wire so far in this test. */
    exchanges: () => exchanges,
    async start(sandboxOptions: XSandboxOptions = {}) {
      sandbox = createXSandbox({ clock: steppingClock(), ...sandboxOptions });
      target = (await sandbox.listen()).url;
      const brand = sandbox.createUser({
        username: 'acme_support',
        name: 'Acme Support',
        followersCount: 5120,
        verified: true,
      });
      const camille = sandbox.createUser({ username: 'camille_durand', name: 'Camille Durand', followersCount: 312 });
      const sb = sandbox;
      return { sb, url: target, brand, camille, app: client(sandbox.issueAppBearer()) };
    },
  };
}
