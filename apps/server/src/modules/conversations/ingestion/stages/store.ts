import { sql } from 'kysely';
import type { NewRow } from '../../../../platform/db/schema.ts';
import {
  applyRuleEffects,
  ruleColumnsByCase,
  type AppliedRules,
  type RuleColumns,
} from '../../../rules/rules.effects.ts';
import { insertChunked, timed, type MessageEntry, type PageContext } from '../page.ts';
import { attachmentsColumn } from '../../attachments.ts';
import { insertCases, updateCases } from './case-writes.ts';
import { messageLang } from './triage.ts';

function messageRow(ctx: PageContext, entry: MessageEntry): NewRow<'messages'> {
  const { item, classification, decision } = entry;
  const parent = item.inReplyToExternalId;
  return {
    id: entry.messageId,
    workspace_id: ctx.channel.workspace_id,
    channel_id: ctx.channel.id,
    conversation_id: entry.conversationId,
    direction: 'inbound',
    visibility: item.visibility,
    kind: item.kind,
    external_id: item.externalId,
    in_reply_to_external_id: parent ?? null,
    in_reply_to_message_id: parent ? (ctx.messageIdByExternal.get(parent) ?? null) : null,
    author_identity_id: entry.author.identityId,
    author_agent_id: null,
    text: item.text,
    lang: messageLang(item.lang, classification!),
    url: item.url ?? null,
    created_at: item.createdAt.getTime(),
    recorded_at: ctx.now,
    delivery_status: null,
    delivery_error: null,
    delivery_attempts: 0,
    idempotency_key: null,
    raw: JSON.stringify(item.raw ?? null),
    type: classification!.type,
    sentiment: classification!.sentiment,
    urgency: classification!.urgency.join(','),
    priority: decision!.priority,
    attachments: attachmentsColumn(item),
  };
}

/** New cases whole and touched cases in a few multi-row updates (with the rules' columns given), links, messages. */
async function writePage(ctx: PageContext, rules: Map<string, RuleColumns>): Promise<void> {
  const { tx, channel, now } = ctx;
  const touched = [...ctx.drafts.values()].filter((d) => d.added > 0 || d.status !== d.originalStatus);
  const fresh = touched.filter((d) => d.isNew);
  await timed(ctx, 'store › conversations and links', () => insertChunked(tx, 'conversations', ctx.newConversations));
  await timed(ctx, 'store › new cases', () =>
    insertCases(tx, { workspaceId: channel.workspace_id, channelId: channel.id, drafts: fresh, rules, now }),
  );
  await timed(ctx, 'store › touched cases', () =>
    updateCases(tx, { drafts: touched.filter((d) => !d.isNew), rules, now }),
  );
  await timed(ctx, 'store › conversations and links', () => insertChunked(tx, 'case_conversations', ctx.newLinks));
  await timed(ctx, 'store › messages', () =>
    insertChunked(
      tx,
      'messages',
      ctx.entries.map((entry) => messageRow(ctx, entry)),
    ),
  );
}

/**
 * Stage 9 — store: new conversations, the cases, the case–conversation links, the messages, and the rules'
 * effects. The columns the rules set (assignee, team, priority, SLA policy, spam) go into the case writes
 * themselves — one write per case, not one for the message and one per rule, each rewriting a dozen queue
 * indexes — and the other effects (tags, suggested replies, incident links) follow, batched by kind, all
 * under one savepoint. Should anything there fail (a rule naming an agent deleted a moment ago), it is
 * rolled back and done again the careful way: the page without the rules' columns, then each rule under
 * its own savepoint, so the rule at fault is rolled back alone and reported while the page commits.
 */
export async function store(ctx: PageContext): Promise<void> {
  const { tx, channel, now } = ctx;
  const effects = ctx.ruleEffects.filter((e) => !ctx.ruleFailures.has(e.ruleId));
  const workspaceId = channel.workspace_id;
  if (effects.length === 0) return writePage(ctx, new Map());
  let applied: AppliedRules;
  await sql`savepoint page_store`.execute(tx);
  try {
    await writePage(ctx, ruleColumnsByCase(effects));
    applied = await timed(ctx, 'store › rule effects', () =>
      applyRuleEffects(tx, { workspaceId, effects, now, columnsWritten: true, isolate: false }),
    );
    await sql`release savepoint page_store`.execute(tx);
  } catch {
    await sql`rollback to savepoint page_store`.execute(tx);
    await sql`release savepoint page_store`.execute(tx);
    await writePage(ctx, new Map());
    applied = await applyRuleEffects(tx, { workspaceId, effects, now, columnsWritten: false, isolate: true });
  }
  ctx.events.push(...applied.events);
  for (const [ruleId, error] of applied.failures) ctx.ruleFailures.set(ruleId, error);
  ctx.rulesRecovered = ctx.rulesRecovered.filter((id) => !ctx.ruleFailures.has(id));
}
