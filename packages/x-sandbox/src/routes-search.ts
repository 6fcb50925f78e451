import { invalidBody, invalidParam } from './errors.ts';
import { compareIds, decodeCursorToken, decodePageToken, encodeCursorToken, encodePageToken } from './ids.ts';
import { expandTweets, parseSelection, renderTweet } from './render.ts';
import {
  checkId,
  parseMaxResults,
  parseTime,
  READ_SCOPES,
  readCost,
  type RouteFn,
  type ServerDeps,
} from './routing.ts';
import { matchesQuery, parseQuery, QuerySyntaxError, tokenizeText } from './search-query.ts';

/** Recent search (§5) and filtered stream with its rules (§6). */

const SEARCH_WINDOW_MS = 7 * 24 * 3600 * 1000;
const MAX_QUERY_LENGTH = 512;
const APP_ONLY = { auth: 'app' } as const;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function registerSearchRoutes(route: RouteFn, deps: ServerDeps): void {
  const { engine, stream } = deps;

  route('GET', '/2/tweets/search/recent', { auth: 'any', scopes: READ_SCOPES }, (ctx) => {
    const q = ctx.url.searchParams;
    const query = q.get('query');
    if (query === null || query === '') throw invalidParam('query', '', 'The `query` query parameter can not be empty');
    if (query.length > MAX_QUERY_LENGTH) {
      throw invalidParam(
        'query',
        query,
        `The \`query\` query parameter value [${query}] is not between 1 and ${MAX_QUERY_LENGTH} characters long`,
      );
    }
    let node;
    try {
      node = parseQuery(query);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw invalidParam('query', query, err.message);
      throw err;
    }
    const max = parseMaxResults(q, 10, 100, 10);
    const sel = parseSelection(q, 'tweet');
    const sortOrder = q.get('sort_order');
    if (sortOrder !== null && sortOrder !== 'recency' && sortOrder !== 'relevancy') {
      throw invalidParam(
        'sort_order',
        sortOrder,
        `The \`sort_order\` query parameter value [${sortOrder}] is not one of [recency,relevancy]`,
      );
    }
    // twitter-api-v2 sends next_token; the spec also accepts pagination_token, but not both.
    const nextToken = q.get('next_token');
    const paginationToken = q.get('pagination_token');
    if (nextToken !== null && paginationToken !== null) {
      throw invalidParam('next_token', nextToken, 'At most one of `next_token` and `pagination_token` may be given.');
    }
    const token = nextToken ?? paginationToken;
    let below: string | undefined;
    if (token !== null) {
      const decoded = decodePageToken(token);
      const name = nextToken !== null ? 'next_token' : 'pagination_token';
      if (decoded === null)
        throw invalidParam(name, token, `The \`${name}\` query parameter value [${token}] is not valid`);
      below = decoded;
    }
    const sinceId = q.get('since_id') ?? undefined;
    const untilId = q.get('until_id') ?? undefined;
    if (sinceId !== undefined) checkId('since_id', sinceId);
    if (untilId !== undefined) checkId('until_id', untilId);
    const start = parseTime(q, 'start_time');
    const end = parseTime(q, 'end_time');
    if (sinceId !== undefined && start !== undefined) {
      throw invalidParam('since_id', sinceId, 'At most one of `since_id` and `start_time` may be given.');
    }
    if (untilId !== undefined && end !== undefined) {
      throw invalidParam('until_id', untilId, 'At most one of `until_id` and `end_time` may be given.');
    }
    const now = engine.clock().getTime();
    const floor = now - SEARCH_WINDOW_MS;
    if (start !== undefined && start < floor) {
      throw invalidParam(
        'start_time',
        q.get('start_time')!,
        `Invalid 'start_time':'${q.get('start_time')}'. 'start_time' must be on or after ${isoSeconds(floor)}`,
      );
    }
    if (start !== undefined && end !== undefined && start >= end) {
      throw invalidParam(
        'start_time',
        q.get('start_time')!,
        'Invalid request: `start_time` must be before `end_time`.',
      );
    }
    const matches = engine.listTweets().filter((t) => {
      const at = Date.parse(t.createdAt);
      if (at < floor) return false;
      // Since 2026-05-04 keyword search no longer returns reposts at all (contract §5.1).
      if (t.retweetOfId) return false;
      if (sinceId !== undefined && compareIds(t.id, sinceId) <= 0) return false;
      if (untilId !== undefined && compareIds(t.id, untilId) >= 0) return false;
      if (start !== undefined && at < start) return false;
      if (end !== undefined && at >= end) return false;
      if (below !== undefined && compareIds(t.id, below) >= 0) return false;
      const subject = engine.matchSubject(t);
      return matchesQuery(node, subject, tokenizeText(subject.text));
    });
    const page = matches.slice(0, max);
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
    const last = page[page.length - 1]!;
    const meta: Record<string, unknown> = {
      newest_id: page[0]!.id,
      oldest_id: last.id,
      result_count: page.length,
    };
    if (matches.length > max) meta.next_token = encodePageToken(last.id);
    const body = {
      data: page.map((t) => renderTweet(engine, t, sel.tweetFields)),
      ...expandTweets(engine, page, sel),
      meta,
    };
    return { status: 200, body, cost: readCost(body, 'post_read') };
  });

  // ---- filtered stream ------------------------------------------------------------------------------

  route('GET', '/2/tweets/search/stream/rules', APP_ONLY, (ctx) => {
    const q = ctx.url.searchParams;
    const max = parseMaxResults(q, 1, 1000, 1000);
    const rawIds = q.get('ids');
    const ids = rawIds === null ? undefined : rawIds.split(',');
    for (const id of ids ?? []) checkId('ids', id);
    const token = q.get('pagination_token');
    let after: string | undefined;
    if (token !== null) {
      const decoded = decodeCursorToken(token);
      if (decoded === null)
        throw invalidParam(
          'pagination_token',
          token,
          `The \`pagination_token\` query parameter value [${token}] is not valid`,
        );
      after = decoded;
    }
    // Rules are listed in creation order.
    const all = engine
      .listRules()
      .filter((r) => !ids || ids.includes(r.id))
      .filter((r) => after === undefined || compareIds(r.id, after) > 0);
    const page = all.slice(0, max);
    const sent = engine.clock().toISOString();
    const meta: Record<string, unknown> = { sent, result_count: page.length };
    const last = page[page.length - 1];
    if (all.length > max && last) meta.next_token = encodeCursorToken(last.id);
    return { status: 200, body: page.length ? { data: page, meta } : { meta } };
  });

  route('POST', '/2/tweets/search/stream/rules', APP_ONLY, (ctx) => {
    const q = ctx.url.searchParams;
    const dryRun = q.get('dry_run') === 'true';
    const sent = engine.clock().toISOString();
    if (q.get('delete_all') === 'true') {
      const ids = engine.listRules().map((r) => r.id);
      const { summary } = engine.deleteRules({ ids }, dryRun);
      return { status: 200, body: { meta: { sent, summary } } };
    }
    const b = ctx.body as { add?: unknown; delete?: unknown } | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b) || (b.add === undefined) === (b.delete === undefined)) {
      throw invalidBody('The request body must contain exactly one of `add` or `delete`.');
    }
    if (b.add !== undefined) {
      if (!Array.isArray(b.add) || b.add.length === 0) throw invalidBody('$.add: must be a non-empty array of rules');
      const rules = b.add.map((r: unknown, i: number) => {
        const rule = r as { value?: unknown; tag?: unknown } | null;
        if (!rule || typeof rule !== 'object' || typeof rule.value !== 'string') {
          throw invalidBody(`$.add[${i}].value: is missing but it is required`);
        }
        if (rule.tag !== undefined && typeof rule.tag !== 'string')
          throw invalidBody(`$.add[${i}].tag: must be a string`);
        return { value: rule.value, tag: rule.tag as string | undefined };
      });
      const { created, errors, summary } = engine.addRules(rules, dryRun);
      return {
        status: 200,
        body: {
          ...(created.length ? { data: created } : {}),
          meta: { sent, summary },
          ...(errors.length ? { errors } : {}),
        },
      };
    }
    const del = b.delete as { ids?: unknown; values?: unknown } | null;
    const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((v) => typeof v === 'string');
    if (!del || typeof del !== 'object' || (del.ids === undefined && del.values === undefined)) {
      throw invalidBody('$.delete: must contain `ids` or `values`');
    }
    if ((del.ids !== undefined && !isStrings(del.ids)) || (del.values !== undefined && !isStrings(del.values))) {
      throw invalidBody('$.delete.ids and $.delete.values must be arrays of strings');
    }
    const { errors, summary } = engine.deleteRules(
      { ...(del.ids ? { ids: del.ids as string[] } : {}), ...(del.values ? { values: del.values as string[] } : {}) },
      dryRun,
    );
    return { status: 200, body: { meta: { sent, summary }, ...(errors.length ? { errors } : {}) } };
  });

  route('GET', '/2/tweets/search/stream', APP_ONLY, (ctx) => {
    stream.connect(ctx.req, ctx.res, ctx.url, ctx.headers);
    return { status: 200, streamed: true };
  });
}
