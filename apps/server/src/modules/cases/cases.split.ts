import type { CaseRestructureResult, SplitCaseRequest } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';
import { findCaseSummary } from './cases.repository.ts';
import {
  copyTags,
  factsColumns,
  inChunks,
  lockCases,
  messageFactsOf,
  moveMessageRows,
  moveRunningClocks,
  refuseIfMerged,
  type MessageFact,
} from './cases.structure.ts';
import type { WorkflowDeps } from './cases.workflow.ts';

/**
 * A conversation with messages on both sides of the split point is cut in two: the later messages keep the
 * conversation (so the customer's next message in that thread joins the new case), the earlier ones move to
 * an archive conversation linked wherever the original was. Its external id can never match X's.
 */
async function cutConversation(
  tx: DbOrTx,
  conversationId: string,
  keptIds: readonly string[],
  newCaseId: string,
  now: number,
): Promise<string> {
  const original = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  const archiveId = newId(now);
  await tx
    .insertInto('conversations')
    .values({ ...original, id: archiveId, external_id: `${original.external_id}#before-${newCaseId}` })
    .execute();
  await inChunks(keptIds, (slice) =>
    tx.updateTable('messages').set({ conversation_id: archiveId }).where('id', 'in', slice).execute(),
  );
  const links = await tx
    .selectFrom('case_conversations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .execute();
  await tx
    .insertInto('case_conversations')
    .values(links.map((link) => ({ ...link, conversation_id: archiveId })))
    .execute();
  return archiveId;
}

/** Which conversations go whole to the new case, and which are cut at the split point. */
function partition(kept: readonly MessageFact[], moved: readonly MessageFact[]) {
  const keptByConversation = new Map<string, string[]>();
  for (const m of kept)
    keptByConversation.set(m.conversationId, [...(keptByConversation.get(m.conversationId) ?? []), m.id]);
  const movedConversations = [...new Set(moved.map((m) => m.conversationId))];
  return {
    whole: movedConversations.filter((c) => !keptByConversation.has(c)),
    cut: movedConversations
      .filter((c) => keptByConversation.has(c))
      .map((c) => [c, keptByConversation.get(c)!] as const),
  };
}

function newCaseRow(from: Row<'cases'>, moved: readonly MessageFact[], id: string, now: number) {
  const firstInbound = moved.find((m) => m.direction === 'inbound');
  return {
    id,
    workspace_id: from.workspace_id,
    channel_id: from.channel_id,
    contact_id: from.contact_id,
    // It carries on the case's current state: the latest exchange (and its waiting customer) is in it.
    status: from.status,
    priority: from.priority,
    assignee_agent_id: from.assignee_agent_id,
    team_id: from.team_id,
    opened_at: moved[0]!.createdAt,
    resolved_at: from.status === 'resolved' ? from.resolved_at : null,
    updated_at: now,
    snoozed_until: from.snoozed_until,
    snooze_reminder: from.snooze_reminder,
    type: from.type,
    priority_reason: from.priority_reason,
    sla_priority: from.sla_priority,
    lang: firstInbound?.lang ?? from.lang,
    split_from_case_id: from.id,
    ...factsColumns(moved),
  };
}

/**
 * Splits a case at a message: it and every later message become a new case of the same customer, with
 * their events, approvals and likes, the running SLA clocks (the customer waits in the new case), the tags
 * and the assignment. Both cases' counts, times and previews are recomputed, so reports read them right;
 * each case's history says what happened, and the audit trail who did it.
 */
export async function splitCase(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  request: SplitCaseRequest,
  auditContext?: AuditContext,
): Promise<CaseRestructureResult> {
  const now = deps.clock.now().getTime();
  const newCaseId = newId(now);
  const moved = await deps.db.transaction().execute(async (tx) => {
    const [from] = await lockCases(tx, session.workspaceId, [caseId], now);
    refuseIfMerged(from!);
    const messages = await messageFactsOf(tx, caseId);
    const at = messages.findIndex((m) => m.id === request.atMessageId);
    if (at < 0) throw new AppError('split.message_not_found', 'invalid', 'This message is not part of this case.');
    if (at === 0) {
      throw new AppError(
        'split.first_message',
        'invalid',
        'Splitting at the first message would leave this case empty.',
      );
    }
    const kept = messages.slice(0, at);
    const later = messages.slice(at);
    await tx
      .insertInto('cases')
      .values(newCaseRow(from!, later, newCaseId, now))
      .execute();
    const { whole, cut } = partition(kept, later);
    for (const [conversationId, keptIds] of cut) await cutConversation(tx, conversationId, keptIds, newCaseId, now);
    const handed = [...whole, ...cut.map(([c]) => c)];
    await tx
      .updateTable('case_conversations')
      .set({ case_id: newCaseId })
      .where('case_id', '=', caseId)
      .where('conversation_id', 'in', handed)
      .execute();
    await moveMessageRows(
      tx,
      caseId,
      newCaseId,
      later.map((m) => m.id),
    );
    const running = await tx
      .selectFrom('sla_clocks')
      .select('id')
      .where('case_id', '=', caseId)
      .where('stopped_at', 'is', null)
      .execute();
    await moveRunningClocks(
      tx,
      running.map((r) => r.id),
      newCaseId,
    );
    await copyTags(tx, caseId, newCaseId);
    await tx.updateTable('cases').set(factsColumns(kept)).where('id', '=', caseId).execute();
    await recordSplit(tx, session, { caseId, newCaseId, atMessageId: request.atMessageId, moved: later.length, now });
    await audit(tx, auditContext, 'case.split', now, {
      subject: { type: 'case', id: caseId },
      details: { newCaseId, atMessageId: request.atMessageId, movedMessages: later.length },
    });
    return later.length;
  });
  const updatedAt = new Date(now).toISOString();
  for (const id of [caseId, newCaseId])
    deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: id, updatedAt });
  const summary = await findCaseSummary(deps.db, session.workspaceId, newCaseId);
  return { case: summary!, movedMessages: moved };
}

async function recordSplit(
  tx: DbOrTx,
  session: AuthenticatedSession,
  split: { caseId: string; newCaseId: string; atMessageId: string; moved: number; now: number },
): Promise<void> {
  const base = {
    workspaceId: session.workspaceId,
    actor: { type: 'agent' as const, id: session.agentId },
    occurredAt: split.now,
  };
  await recordEvents(tx, [
    {
      ...base,
      type: 'case.split',
      caseId: split.caseId,
      subjectId: split.newCaseId,
      payload: { newCaseId: split.newCaseId, atMessageId: split.atMessageId, movedMessages: split.moved },
    },
    {
      ...base,
      type: 'case.split_from',
      caseId: split.newCaseId,
      subjectId: split.caseId,
      payload: { fromCaseId: split.caseId, atMessageId: split.atMessageId, movedMessages: split.moved },
    },
  ]);
}
