import type { SandboxEngine } from './engine.ts';
import { invalidBody } from './errors.ts';
import type { SandboxFaults } from './faults.ts';
import { parseMediaInput } from './media.ts';
import type { Reply, ServerDeps } from './routing.ts';

/** Admin routes beyond users/tweets (server.ts): social actions, DMs, costs, faults, OAuth 2.0, webhooks. */

export interface AuthorizeInput {
  /** User id or username of the account that "consents". */
  user: string;
  redirectUri: string;
  /** Space-separated or array, e.g. "tweet.read users.read offline.access". */
  scope: string | string[];
  codeChallenge: string;
  /** X documents S256 and plain; twitter-api-v2 sends "s256". */
  codeChallengeMethod?: string;
  state?: string;
  /** Defaults to the sandbox app's OAuth 2.0 client id. */
  clientId?: string;
}

/**
 * Stands in for the browser step at x.com/i/oauth2/authorize: the user approves and X redirects to
 * `redirectUri?state=…&code=…`. The code lives 30 s and is single use (contract §2.2).
 */
export function authorizeOAuth2(
  engine: SandboxEngine,
  input: AuthorizeInput,
): { code: string; state?: string; redirect: string } {
  const user = /^[0-9]+$/.test(input.user)
    ? engine.findUserById(input.user)
    : engine.findUserByUsername(input.user.replace(/^@/, ''));
  if (!user) throw invalidBody(`No user ${input.user}`);
  if (typeof input.redirectUri !== 'string' || !/^https?:\/\//.test(input.redirectUri)) {
    throw invalidBody('redirectUri must be an http(s) URL');
  }
  if (typeof input.codeChallenge !== 'string' || input.codeChallenge.length === 0) {
    throw invalidBody('codeChallenge is required');
  }
  const method = (input.codeChallengeMethod ?? 'S256').toUpperCase();
  if (method !== 'S256' && method !== 'PLAIN') throw invalidBody('codeChallengeMethod must be S256 or plain');
  const scopes = (Array.isArray(input.scope) ? input.scope : String(input.scope ?? '').split(/[\s+]+/)).filter(Boolean);
  const code = engine.issueAuthCode({
    userId: user.id,
    clientId: input.clientId ?? engine.app.clientId,
    redirectUri: input.redirectUri,
    scopes,
    codeChallenge: input.codeChallenge,
    codeChallengeMethod: method === 'S256' ? 'S256' : 'plain',
  });
  const redirect = new URL(input.redirectUri);
  if (input.state !== undefined) redirect.searchParams.set('state', input.state);
  redirect.searchParams.set('code', code.code);
  return {
    code: code.code,
    ...(input.state !== undefined ? { state: input.state } : {}),
    redirect: redirect.toString(),
  };
}

function str(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') throw invalidBody(`${name} must be a non-empty string`);
  return v;
}

export async function adminExtras(
  deps: ServerDeps,
  method: string,
  path: string,
  q: URLSearchParams,
  body: Record<string, unknown>,
): Promise<Reply | undefined> {
  const { engine, costs, faults, webhooks, stream } = deps;
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/users\/([0-9]+)\/following$/.exec(path))) {
    return { status: 200, body: { data: { following: true, created: engine.follow(m[1]!, str(body, 'targetId')) } } };
  }
  if (method === 'DELETE' && (m = /^\/users\/([0-9]+)\/following\/([0-9]+)$/.exec(path))) {
    return { status: 200, body: { data: { following: false, removed: engine.unfollow(m[1]!, m[2]!) } } };
  }
  if (method === 'POST' && (m = /^\/users\/([0-9]+)\/likes$/.exec(path))) {
    return {
      status: 200,
      body: { data: { liked: true, created: engine.like(m[1]!, str(body, 'tweetId'), 'person') } },
    };
  }
  if (method === 'POST' && (m = /^\/users\/([0-9]+)\/reposts$/.exec(path))) {
    return { status: 201, body: { data: structuredClone(engine.repost(m[1]!, str(body, 'tweetId')).tweet) } };
  }
  if (method === 'POST' && (m = /^\/users\/([0-9]+)\/dms$/.exec(path))) {
    const media = parseMediaInput(body.media);
    const sent = engine.sendDm(m[1]!, str(body, 'toUserId'), body.text ?? (media ? '' : undefined), media);
    return { status: 201, body: { data: structuredClone(sent) } };
  }
  if (method === 'GET' && path === '/dm-events') {
    const filter = {
      ...(q.get('userId') ? { userId: q.get('userId')! } : {}),
      ...(q.get('conversationId') ? { conversationId: q.get('conversationId')! } : {}),
    };
    return { status: 200, body: { data: structuredClone(engine.listDmEvents(filter)) } };
  }
  if (method === 'GET' && path === '/costs') return { status: 200, body: { data: costs.report() } };
  if (method === 'POST' && path === '/costs/reset') {
    costs.reset();
    return { status: 200, body: { data: { reset: true } } };
  }
  if (method === 'GET' && path === '/faults') return { status: 200, body: { data: faults.current() } };
  if (method === 'POST' && path === '/faults') {
    faults.set(body as SandboxFaults);
    return { status: 200, body: { data: faults.current() } };
  }
  if (method === 'DELETE' && path === '/faults') {
    faults.clear();
    return { status: 200, body: { data: {} } };
  }
  if (method === 'POST' && path === '/oauth2/authorize') {
    return { status: 201, body: { data: authorizeOAuth2(engine, body as unknown as AuthorizeInput) } };
  }
  if (method === 'GET' && path === '/webhooks') return { status: 200, body: { data: engine.listWebhooks() } };
  if (method === 'GET' && path === '/webhooks/deliveries')
    return { status: 200, body: { data: webhooks.deliveries() } };
  if (method === 'GET' && path === '/rules') return { status: 200, body: { data: engine.listRules() } };
  if (method === 'POST' && path === '/stream/disconnect') {
    const was = stream.connected;
    stream.disconnect(body.operational === true ? 'operational' : undefined);
    return { status: 200, body: { data: { disconnected: was } } };
  }
  return undefined;
}
