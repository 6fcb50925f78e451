import { parseCsvRecords } from '@guichet/x-sandbox';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { NewRow } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { upsertIdentities } from '../contacts/contacts.repository.ts';
import { previewOf } from '../conversations/ingestion/page.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import type { Classifier } from '../triage/classifier.ts';
import { sharedClassifier } from '../triage/classifier.ts';
import { decidePriority } from '../triage/priority.ts';
import { getPriorityPolicy } from '../triage/triage.repository.ts';

/**
 * History import (F24): a CSV in the "Customer Support on Twitter" format (tweet_id, author_id, inbound,
 * created_at, text, response_tweet_id, in_response_to_tweet_id) becomes the desk's past cases, so a team
 * sees its numbers on day one.
 *
 * - A thread (a post and every reply under it, by `in_response_to_tweet_id` within the file) is one
 *   conversation and one case, on the channel of the brand that answers in it. The case opens at the
 *   thread's first customer post; its first response is the brand's first post at or after that.
 * - Imported cases are resolved, at their last post (the export does not say when a case was closed).
 * - Customer posts are triaged like live ones (type, sentiment, language, priority).
 * - Idempotent: a thread whose conversation is already on the channel is skipped, so a second import of the
 *   same file adds nothing.
 * - A brand with no channel in the workspace gets a paused one (it is never polled) named after it.
 */
export interface ImportOptions {
  workspaceId: string;
  /** CSV text. */
  csv: string;
  /** Brand handle (without @), `all` for every brand in the file, or undefined for the most frequent one. */
  brand?: string | undefined;
  /** Shown in the import's event. */
  source?: string | undefined;
}

export interface BrandImport {
  brand: string;
  channelId: string;
  channelCreated: boolean;
  threads: number;
  cases: number;
  inbound: number;
  outbound: number;
  /** Threads already in the desk. */
  alreadyImported: number;
  /** Threads with no customer post (a brand's own announcement and its replies by the brand only). */
  withoutCustomerPost: number;
}

export interface ImportResult {
  rows: number;
  brands: BrandImport[];
  /** Threads in which no brand posts (their answer is outside the file): not imported. */
  threadsWithoutBrand: number;
  /** First and last post imported (ms), for showing the imported period's numbers. */
  firstAt: number | null;
  lastAt: number | null;
}

interface Post {
  id: string;
  author: string;
  inbound: boolean;
  createdAt: number;
  text: string;
  inReplyTo: string | null;
}

const CHUNK = 300;

/** `3.0` (pandas writes ids as floats when a column has blanks) → `3`. */
function normaliseId(value: string | undefined): string | null {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return null;
  return trimmed.replace(/\.0+$/, '');
}

export function parseTwcsPosts(csv: string): Post[] {
  const records = parseCsvRecords(csv);
  const posts: Post[] = [];
  for (const r of records) {
    const id = normaliseId(r.tweet_id);
    const createdAt = Date.parse(r.created_at ?? '');
    if (!id || !r.author_id || !Number.isFinite(createdAt)) continue;
    posts.push({
      id,
      author: r.author_id.trim(),
      inbound: (r.inbound ?? '').trim().toLowerCase() === 'true',
      createdAt,
      text: r.text ?? '',
      inReplyTo: normaliseId(r.in_response_to_tweet_id),
    });
  }
  if (records.length > 0 && posts.length === 0) {
    throw new AppError(
      'import.unreadable',
      'invalid',
      'No post could be read: the file needs the columns tweet_id, author_id, inbound, created_at and text.',
    );
  }
  return posts;
}

/** Threads keyed by their first post inside the file, each in time order. */
function threadsOf(posts: Post[]): Map<string, Post[]> {
  const byId = new Map(posts.map((p) => [p.id, p]));
  const rootCache = new Map<string, string>();
  const rootOf = (post: Post): string => {
    const path: string[] = [];
    let current = post;
    const seen = new Set<string>();
    while (current.inReplyTo && byId.has(current.inReplyTo) && !seen.has(current.id)) {
      const cached = rootCache.get(current.id);
      if (cached) {
        for (const id of path) rootCache.set(id, cached);
        return cached;
      }
      seen.add(current.id);
      path.push(current.id);
      current = byId.get(current.inReplyTo)!;
    }
    for (const id of path) rootCache.set(id, current.id);
    return current.id;
  };
  const threads = new Map<string, Post[]>();
  for (const post of posts) {
    const root = rootOf(post);
    const list = threads.get(root);
    if (list) list.push(post);
    else threads.set(root, [post]);
  }
  for (const list of threads.values()) list.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return threads;
}

function brandOfThread(posts: Post[]): string | null {
  const counts = new Map<string, number>();
  for (const p of posts) if (!p.inbound) counts.set(p.author, (counts.get(p.author) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [brand, count] of counts) {
    if (count > bestCount) [best, bestCount] = [brand, count];
  }
  return best;
}

async function ensureChannel(
  db: DbOrTx,
  workspaceId: string,
  brand: string,
  now: number,
): Promise<{ id: string; created: boolean }> {
  const existing = await db
    .selectFrom('channels')
    .select(['id', 'handle'])
    .where('workspace_id', '=', workspaceId)
    .where('network', '=', 'x')
    .execute();
  const match = existing.find((c) => c.handle.toLowerCase() === brand.toLowerCase());
  if (match) return { id: match.id, created: false };
  const id = newId(now);
  await db
    .insertInto('channels')
    .values({
      id,
      workspace_id: workspaceId,
      network: 'x',
      name: brand,
      handle: brand,
      external_account_id: null,
      settings: JSON.stringify({ imported: true }),
      credentials: null,
      status: 'paused',
      status_detail: 'Imported history: not connected to X.',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, created: true };
}

export async function importTwcs(
  deps: { db: Db; clock: Clock; classifier?: Classifier },
  options: ImportOptions,
): Promise<ImportResult> {
  const posts = parseTwcsPosts(options.csv);
  const threads = threadsOf(posts);
  const byBrand = new Map<string, Post[][]>();
  let threadsWithoutBrand = 0;
  for (const thread of threads.values()) {
    const brand = brandOfThread(thread);
    if (!brand) {
      threadsWithoutBrand += 1;
      continue;
    }
    const list = byBrand.get(brand);
    if (list) list.push(thread);
    else byBrand.set(brand, [thread]);
  }
  const brandPosts = new Map<string, number>();
  for (const p of posts) if (!p.inbound) brandPosts.set(p.author, (brandPosts.get(p.author) ?? 0) + 1);
  const ranked = [...brandPosts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([b]) => b);

  let chosen: string[];
  if (options.brand === 'all') chosen = ranked;
  else if (options.brand) {
    const wanted = options.brand.replace(/^@/, '').toLowerCase();
    const found = ranked.find((b) => b.toLowerCase() === wanted);
    if (!found) {
      throw new AppError(
        'import.brand_not_found',
        'invalid',
        `No post by @${wanted} in this file. Brands found: ${ranked.slice(0, 10).join(', ') || 'none'}.`,
      );
    }
    chosen = [found];
  } else chosen = ranked.slice(0, 1);

  const classifier = deps.classifier ?? (await sharedClassifier());
  const policy = await getPriorityPolicy(deps.db, options.workspaceId);
  const result: ImportResult = { rows: posts.length, brands: [], threadsWithoutBrand, firstAt: null, lastAt: null };
  for (const brand of chosen) {
    result.brands.push(await importBrand(deps, options, brand, byBrand.get(brand) ?? [], classifier, policy, result));
  }
  return result;
}

async function importBrand(
  deps: { db: Db; clock: Clock },
  options: ImportOptions,
  brand: string,
  threads: Post[][],
  classifier: Classifier,
  policy: Awaited<ReturnType<typeof getPriorityPolicy>>,
  result: ImportResult,
): Promise<BrandImport> {
  const now = deps.clock.now().getTime();
  const { workspaceId } = options;
  const channel = await ensureChannel(deps.db, workspaceId, brand, now);
  const summary: BrandImport = {
    brand,
    channelId: channel.id,
    channelCreated: channel.created,
    threads: threads.length,
    cases: 0,
    inbound: 0,
    outbound: 0,
    alreadyImported: 0,
    withoutCustomerPost: 0,
  };
  const withCustomer = threads.filter((t) => t.some((p) => p.inbound));
  summary.withoutCustomerPost = threads.length - withCustomer.length;

  for (let i = 0; i < withCustomer.length; i += CHUNK) {
    const chunk = withCustomer.slice(i, i + CHUNK);
    await deps.db.transaction().execute(async (tx) => {
      // Write first: the transaction takes the write lock now (SQLite would otherwise fail to upgrade a
      // read snapshot while the running desk writes), and two imports into one channel queue up.
      await tx.updateTable('channels').set({ updated_at: now }).where('id', '=', channel.id).execute();
      const known = new Set(
        (
          await tx
            .selectFrom('conversations')
            .select('external_id')
            .where('channel_id', '=', channel.id)
            .where('visibility', '=', 'public')
            .where(
              'external_id',
              'in',
              chunk.map((t) => t[0]!.id),
            )
            .execute()
        ).map((r) => r.external_id),
      );
      const fresh = chunk.filter((t) => !known.has(t[0]!.id));
      summary.alreadyImported += chunk.length - fresh.length;
      if (fresh.length === 0) return;

      const customers = new Map<string, { externalId: string; handle: string; name: string }>();
      for (const thread of fresh) {
        for (const p of thread) {
          if (p.inbound) customers.set(p.author, { externalId: p.author, handle: p.author, name: p.author });
        }
      }
      const identities = await upsertIdentities(tx, {
        workspaceId,
        network: 'x',
        accounts: [...customers.values()],
        now,
      });

      const conversations: NewRow<'conversations'>[] = [];
      const cases: NewRow<'cases'>[] = [];
      const links: NewRow<'case_conversations'>[] = [];
      const messages: NewRow<'messages'>[] = [];
      const events: EventRecord[] = [];
      for (const thread of fresh) {
        const root = thread[0]!;
        const opener = thread.find((p) => p.inbound)!;
        const openedAt = opener.createdAt;
        const conversationId = newId(root.createdAt);
        const caseId = newId(openedAt);
        conversations.push({
          id: conversationId,
          workspace_id: workspaceId,
          channel_id: channel.id,
          visibility: 'public',
          external_id: root.id,
          created_at: root.createdAt,
        });
        links.push({ case_id: caseId, conversation_id: conversationId, linked_at: openedAt });
        const messageIds = new Map<string, string>();
        let triage: { priority: number; reason: string; type: 'complaint' | 'question' | 'praise' | 'other' } | null =
          null;
        let firstResponseAt: number | null = null;
        let lastInboundAt: number | null = null;
        let preview = '';
        for (const p of thread) {
          const id = newId(p.createdAt);
          messageIds.set(p.id, id);
          const base = {
            id,
            workspace_id: workspaceId,
            channel_id: channel.id,
            conversation_id: conversationId,
            visibility: 'public' as const,
            external_id: p.id,
            in_reply_to_external_id: p.inReplyTo,
            in_reply_to_message_id: p.inReplyTo ? (messageIds.get(p.inReplyTo) ?? null) : null,
            text: p.text,
            url: `https://x.com/${p.inbound ? 'i/web' : p.author}/status/${p.id}`,
            created_at: p.createdAt,
            recorded_at: now,
            delivery_error: null,
            delivery_attempts: 0,
            idempotency_key: null,
            raw: null,
          };
          if (p.inbound) {
            const classification = classifier.classify(p.text);
            const decision = decidePriority(classification, { repeatContact: p !== opener }, policy);
            if (!triage || decision.priority < triage.priority) {
              triage = { priority: decision.priority, reason: decision.reason, type: classification.type };
            }
            const author = identities.get(p.author)!;
            messages.push({
              ...base,
              direction: 'inbound',
              kind: p.inReplyTo ? 'reply' : 'mention',
              author_identity_id: author.identityId,
              author_agent_id: null,
              lang: classification.language === 'und' ? null : classification.language,
              delivery_status: null,
              type: classification.type,
              sentiment: classification.sentiment,
              urgency: classification.urgency.join(','),
              priority: decision.priority,
            });
            lastInboundAt = p.createdAt;
            preview = previewOf(p.text);
            summary.inbound += 1;
          } else {
            messages.push({
              ...base,
              direction: 'outbound',
              kind: 'reply',
              author_identity_id: null,
              author_agent_id: null,
              lang: null,
              delivery_status: 'sent',
              type: null,
              sentiment: null,
              urgency: null,
              priority: null,
            });
            if (firstResponseAt === null && p.createdAt >= openedAt) firstResponseAt = p.createdAt;
            summary.outbound += 1;
          }
        }
        const last = thread[thread.length - 1]!;
        cases.push({
          id: caseId,
          workspace_id: workspaceId,
          channel_id: channel.id,
          contact_id: identities.get(opener.author)!.contactId,
          status: 'resolved',
          priority: triage?.priority ?? null,
          type: triage?.type ?? null,
          priority_reason: triage?.reason ?? null,
          assignee_agent_id: null,
          team_id: null,
          preview,
          message_count: thread.length,
          opened_at: openedAt,
          last_message_at: last.createdAt,
          last_inbound_at: lastInboundAt,
          first_response_at: firstResponseAt,
          resolved_at: Math.max(last.createdAt, openedAt),
          updated_at: now,
        });
        events.push({
          workspaceId,
          type: 'case.imported',
          caseId,
          actor: { type: 'system' },
          payload: { source: options.source ?? 'csv', format: 'twcs', thread: root.id },
          occurredAt: now,
        });
        result.firstAt = Math.min(result.firstAt ?? root.createdAt, root.createdAt);
        result.lastAt = Math.max(result.lastAt ?? last.createdAt, last.createdAt);
      }
      await insertChunked(tx, 'conversations', conversations);
      await insertChunked(tx, 'cases', cases);
      await insertChunked(tx, 'case_conversations', links);
      await insertChunked(tx, 'messages', messages);
      await recordEvents(tx, events);
      summary.cases += cases.length;
    });
  }
  return summary;
}

async function insertChunked<T extends 'messages' | 'cases' | 'case_conversations' | 'conversations'>(
  tx: DbOrTx,
  table: T,
  rows: NewRow<T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + 200) as never)
      .execute();
  }
}
