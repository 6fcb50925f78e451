import type { InboundItem, NetworkAccount } from '@guichet/connectors';
import { insertRows } from '../../../platform/db/bulk-insert.ts';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { NewRow, Row } from '../../../platform/db/schema.ts';
import type { ResolvedIdentity } from '../../contacts/contacts.repository.ts';
import type { EventRecord } from '../../events/events.repository.ts';
import type { RuleEffect } from '../../rules/rules.plan.ts';
import type { Classifier } from '../../triage/classifier.ts';
import type { Classification, PriorityDecision } from '../../triage/triage.models.ts';
import type { NoiseVerdict } from './noise.ts';

export const PREVIEW_LENGTH = 140;
/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const INSERT_CHUNK = 400;

/** Something the network told us with the page that is not a post: a new follower, a like. */
export type PageSignal =
  { kind: 'followed'; account: NetworkAccount } | { kind: 'liked'; by: string | null; postId: string | null };

/** One page of inbound items from any path (poll, stream, webhook), as handed to `ingestPage`. */
export interface InboundPage {
  channel: Row<'channels'>;
  /** The cursor's feed (`mentions`, `dms`, `search:…`, `stream`, `webhook`). */
  feed: string;
  /** Oldest first, as connectors return them (normalise sorts them anyway). */
  items: InboundItem[];
  /**
   * Stored in the same transaction as the items: a crash never skips or repeats a page. Undefined leaves
   * the stored cursor alone; a value (even unchanged) is written and stamps when the feed was read.
   */
  nextCursor?: string | null | undefined;
  /**
   * X's v1.1 payloads (Account Activity webhooks) carry no conversation id: a reply joins its parent's
   * conversation when the desk has the parent.
   */
  threadByParent?: boolean | undefined;
  signals?: PageSignal[] | undefined;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
  echoes: number;
  /** Reposts, tag-only posts and muted posts: on record as events, not cases. */
  filtered: number;
  /** Cases that changed, for realtime pushes after commit. */
  changedCaseIds: string[];
  /** Rule effects written with the page. */
  ruleEffects: number;
  /** Rules set aside on this page, with why. */
  failingRules: { ruleId: string; error: string }[];
}

/** The state of one case while a page is being attached, written back once at the end. */
export interface CaseDraft {
  id: string;
  isNew: boolean;
  contactId: string;
  status: Row<'cases'>['status'];
  originalStatus: Row<'cases'>['status'];
  openedAt: number;
  /** The latest message's text (none yet: null); its preview is made once, when the case is written. */
  latestText: string | null;
  added: number;
  lastMessageAt: number;
  lastInboundAt: number | null;
  /** Stored priority and its reason (null: none yet), and the most urgent triage decision of this page. */
  priority: number | null;
  priorityReason: string | null;
  triage: { priority: number; reason: string; type: Classification['type'] } | null;
  /** The stored language (null: none yet) and the first one detected in this page. */
  storedLang: string | null;
  lang?: string | undefined;
}

/** One inbound item that will be stored, as the stages fill it in. */
export interface MessageEntry {
  item: InboundItem;
  messageId: string;
  author: ResolvedIdentity;
  conversationId: string;
  draft: CaseDraft;
  /** The first message of a case this page opened. */
  opensCase: boolean;
  /** The customer writes again: the case existed, or this page already brought them in. */
  repeatContact: boolean;
  /** A rating for a resolved case's survey: stored, but no work (no reopen, no priority, no rules). */
  surveyAnswer: boolean;
  classification?: Classification;
  decision?: PriorityDecision;
}

/**
 * What the stages share while a group of pages (one channel's pages committed together, see ingest-queue.ts;
 * usually just one) goes through them, inside its transaction.
 */
export interface PageContext {
  readonly tx: DbOrTx;
  /** In submission order; their items go through the stages together. */
  readonly pages: readonly InboundPage[];
  readonly channel: Row<'channels'>;
  readonly now: number;
  readonly classifier: Classifier;
  /** Which page (index in `pages`) each item came from, so each page gets its own result. */
  pageOf: Map<InboundItem, number>;
  /** The items still in play: stages drop echoes, duplicates and noise from it. */
  items: InboundItem[];
  duplicates: InboundItem[];
  echoes: InboundItem[];
  filtered: NoiseVerdict['filtered'];
  identities: Map<string, ResolvedIdentity>;
  /** Conversation ids by `visibility \0 network thread id`. */
  conversations: Map<string, string>;
  newConversations: NewRow<'conversations'>[];
  /** Message ids by network id: stored parents, then this page's messages as they get ids. */
  messageIdByExternal: Map<string, string>;
  drafts: Map<string, CaseDraft>;
  newLinks: NewRow<'case_conversations'>[];
  entries: MessageEntry[];
  ruleEffects: RuleEffect[];
  ruleFailures: Map<string, string>;
  /** Rules that ran cleanly while stored as failing: cleared with the page. */
  rulesRecovered: string[];
  events: EventRecord[];
  /** Milliseconds per step, summed over pages, when the caller measures (bench:ingest). */
  timings?: Map<string, number> | undefined;
}

/** Runs `step`, adding its time to `ctx.timings` under `name` when the caller measures. */
export async function timed<T>(ctx: PageContext, name: string, step: () => Promise<T>): Promise<T> {
  if (!ctx.timings) return step();
  const started = performance.now();
  try {
    return await step();
  } finally {
    ctx.timings.set(name, (ctx.timings.get(name) ?? 0) + performance.now() - started);
  }
}

export function conversationKey(visibility: string, externalId: string): string {
  return `${visibility}\u0000${externalId}`;
}

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? flat.slice(0, PREVIEW_LENGTH - 1) + '…' : flat;
}

/** A page's rows of one table in a few multi-row INSERTs (see insertRows). */
export async function insertChunked<T extends 'messages' | 'cases' | 'case_conversations' | 'conversations'>(
  tx: DbOrTx,
  table: T,
  rows: NewRow<T>[],
): Promise<void> {
  await insertRows(tx, table, rows);
}
