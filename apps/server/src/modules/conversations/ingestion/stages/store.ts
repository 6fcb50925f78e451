import type { NewRow } from '../../../../platform/db/schema.ts';
import { applyRuleEffects } from '../../../rules/rules.effects.ts';
import { insertChunked, type MessageEntry, type PageContext } from '../page.ts';
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
  };
}

/**
 * Stage 9 — store: new conversations, new cases whole, touched cases in a few multi-row updates, the
 * case–conversation links, the messages, then the rules' effects (each rule under its own savepoint: one
 * whose writes fail is rolled back alone and reported).
 */
export async function store(ctx: PageContext): Promise<void> {
  const { tx, channel, now } = ctx;
  await insertChunked(tx, 'conversations', ctx.newConversations);
  const touched = [...ctx.drafts.values()].filter((d) => d.added > 0 || d.status !== d.originalStatus);
  await insertCases(
    tx,
    channel.workspace_id,
    channel.id,
    touched.filter((d) => d.isNew),
    now,
  );
  await updateCases(
    tx,
    touched.filter((d) => !d.isNew),
    now,
  );
  await insertChunked(tx, 'case_conversations', ctx.newLinks);
  await insertChunked(
    tx,
    'messages',
    ctx.entries.map((entry) => messageRow(ctx, entry)),
  );
  const failed = new Set(ctx.ruleFailures.keys());
  const applied = await applyRuleEffects(tx, {
    workspaceId: channel.workspace_id,
    effects: ctx.ruleEffects.filter((e) => !failed.has(e.ruleId)),
    now,
  });
  ctx.events.push(...applied.events);
  for (const [ruleId, error] of applied.failures) ctx.ruleFailures.set(ruleId, error);
  ctx.rulesRecovered = ctx.rulesRecovered.filter((id) => !ctx.ruleFailures.has(id));
}
