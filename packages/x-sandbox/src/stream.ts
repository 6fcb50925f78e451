import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxEngine, SandboxTweet, StreamRule } from './engine.ts';
import { invalidParam, SandboxError } from './errors.ts';
import type { FaultSwitches } from './faults.ts';
import { expandTweets, parseSelection, renderTweet, type FieldSelection } from './render.ts';
import { matchesQuery, parseQuery, tokenizeText, type QueryNode } from './search-query.ts';

export interface StreamOptions {
  /** Bare "\r\n" interval; X sends one at least every 20 s (contract §6.3). Tests shorten it. */
  keepAliveMs: number;
  /**
   * A second connection is refused with 429 TooManyConnections ('reject', the disconnection guide) or
   * replaces the first ('replace', the quickstart). Contract §6 asks for both behind a switch.
   */
  secondConnection: 'reject' | 'replace';
}

interface Connection {
  res: ServerResponse;
  sel: FieldSelection;
  sent: number;
  dropAfter: number | undefined;
  close(): void;
}

const STREAM_PROBLEM = 'https://api.twitter.com/2/problems/streaming-connection';

export const TOO_MANY_CONNECTIONS = {
  title: 'ConnectionException',
  detail: 'This stream is currently at the maximum allowed connection limit.',
  connection_issue: 'TooManyConnections',
  type: STREAM_PROBLEM,
};

/** The one filtered-stream connection allowed to the sandbox app, fed by the engine's post events. */
export class StreamHub {
  private conn: Connection | undefined;
  private parsed = new Map<string, QueryNode>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly options: StreamOptions,
    private readonly faults: FaultSwitches,
    /** Called with the ids of posts delivered, for pay-per-use billing. */
    private readonly onDelivered: (tweetIds: string[]) => void,
  ) {
    this.unsubscribe = engine.onEvent((e) => {
      if (e.type === 'tweet.create') this.push(e.tweet);
    });
  }

  get connected(): boolean {
    return this.conn !== undefined;
  }

  private node(rule: StreamRule): QueryNode | undefined {
    let n = this.parsed.get(rule.value);
    if (!n) {
      try {
        n = parseQuery(rule.value);
      } catch {
        return undefined; // stored rules were validated; a parser change must not break the stream
      }
      this.parsed.set(rule.value, n);
    }
    return n;
  }

  private matchingRules(t: SandboxTweet): { id: string; tag?: string }[] {
    const subject = this.engine.matchSubject(t);
    const tokens = tokenizeText(subject.text);
    const out: { id: string; tag?: string }[] = [];
    for (const rule of this.engine.listRules()) {
      const n = this.node(rule);
      if (n && matchesQuery(n, subject, tokens))
        out.push(rule.tag === undefined ? { id: rule.id } : { id: rule.id, tag: rule.tag });
    }
    return out;
  }

  /**
   * Validates and opens the stream; throws SandboxError (409/429/400) before any byte is written so the
   * caller answers with a normal problem body.
   */
  connect(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): void {
    const sel = parseSelection(url.searchParams, 'tweet');
    const rawBackfill = url.searchParams.get('backfill_minutes');
    const backfill = rawBackfill === null ? 0 : Number(rawBackfill);
    if (!Number.isInteger(backfill) || backfill < 0 || backfill > 5) {
      throw invalidParam(
        'backfill_minutes',
        rawBackfill ?? '',
        `The \`backfill_minutes\` query parameter value [${rawBackfill}] is not between 0 and 5`,
      );
    }
    if (this.engine.listRules().length === 0) {
      throw new SandboxError(409, {
        title: 'ConnectionException',
        detail: 'No rules are configured for this stream. Add rules with POST /2/tweets/search/stream/rules.',
        connection_issue: 'RuleConfigurationIssue',
        type: STREAM_PROBLEM,
      });
    }
    if (this.conn) {
      if (this.options.secondConnection === 'reject') throw new SandboxError(429, TOO_MANY_CONNECTIONS);
      this.conn.close();
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.flushHeaders();
    const timer = setInterval(() => {
      if (!res.writableEnded) res.write('\r\n');
    }, this.options.keepAliveMs);
    timer.unref();
    const conn: Connection = {
      res,
      sel,
      sent: 0,
      dropAfter: this.faults.takeStreamDrop(),
      close: () => {
        clearInterval(timer);
        if (this.conn === conn) this.conn = undefined;
        res.destroy();
      },
    };
    this.conn = conn;
    req.on('close', () => conn.close());
    res.on('close', () => conn.close());
    if (conn.dropAfter === 0) {
      setImmediate(() => conn.close());
      return;
    }
    if (backfill > 0) {
      const since = this.engine.clock().getTime() - backfill * 60_000;
      const recent = this.engine
        .listTweets()
        .filter((t) => Date.parse(t.createdAt) >= since)
        .reverse();
      for (const t of recent) this.push(t);
    }
  }

  private push(t: SandboxTweet): void {
    const conn = this.conn;
    if (!conn) return;
    const rules = this.matchingRules(t);
    if (rules.length === 0) return;
    const message = {
      data: renderTweet(this.engine, t, conn.sel.tweetFields),
      ...expandTweets(this.engine, [t], conn.sel),
      matching_rules: rules,
    };
    // One write per message: JSON then "\r\n", the only delimiter twitter-api-v2's parser splits on.
    conn.res.write(JSON.stringify(message) + '\r\n');
    conn.sent++;
    this.onDelivered([t.id]);
    if (conn.dropAfter !== undefined && conn.sent >= conn.dropAfter) setImmediate(() => conn.close());
  }

  /** Sends an in-stream error message (e.g. operational-disconnect) then closes, as X does. */
  disconnect(reason?: 'operational'): void {
    const conn = this.conn;
    if (!conn) return;
    if (reason === 'operational') {
      const message =
        JSON.stringify({
          errors: [
            {
              title: 'operational-disconnect',
              disconnect_type: 'UpstreamOperationalDisconnect',
              detail: 'This stream has been disconnected upstream for operational reasons.',
              type: 'https://api.twitter.com/2/problems/operational-disconnect',
            },
          ],
        }) + '\r\n';
      // End the response with the message so it reaches the client before the connection closes.
      conn.res.end(message, () => conn.close());
      return;
    }
    conn.close();
  }

  close(): void {
    this.conn?.close();
    this.unsubscribe();
  }
}
