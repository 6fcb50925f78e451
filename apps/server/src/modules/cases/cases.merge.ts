import type { CaseRestructureResult, MergeCaseRequest } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { findCaseSummary } from './cases.repository.ts';
import {
  copyTags,
  factsColumns,
  lockCases,
  messageFactsOf,
  moveMessageRows,
  moveRunningClocks,
  refuseIfMerged,
} from './cases.structure.ts';
import type { WorkflowDeps } from './cases.workflow.ts';

function refuseMismatch(survivor: Row<'cases'>, absorbed: Row<'cases'>): void {
  if (survivor.contact_id !== absorbed.contact_id) {
    throw new AppError(
      'merge.different_customers',
      'unprocessable',
      'Only two cases of the same customer can be merged.',
    );
  }
  if (survivor.channel_id !== absorbed.channel_id) {
    throw new AppError('merge.different_channels', 'unprocessable', 'Only cases of the same X account can be merged.');
  }
  refuseIfMerged(survivor);
  refuseIfMerged(absorbed);
}

/** The absorbed case's conversations join the survivor (those it already holds stay once). */
async function moveConversations(tx: DbOrTx, fromCaseId: string, toCaseId: string, now: number): Promise<void> {
  const [from, to] = await Promise.all([
    tx.selectFrom('case_conversations').select('conversation_id').where('case_id', '=', fromCaseId).execute(),
    tx.selectFrom('case_conversations').select('conversation_id').where('case_id', '=', toCaseId).execute(),
  ]);
  const have = new Set(to.map((r) => r.conversation_id));
  const add = from
    .filter((r) => !have.has(r.conversation_id))
    .map((r) => ({ case_id: toCaseId, conversation_id: r.conversation_id, linked_at: now }));
  if (add.length > 0) await tx.insertInto('case_conversations').values(add).execute();
  await tx.deleteFrom('case_conversations').where('case_id', '=', fromCaseId).execute();
}

/** Running clocks of the absorbed case move over, unless the survivor already runs one of that kind. */
async function mergeClocks(tx: DbOrTx, fromCaseId: string, toCaseId: string, now: number): Promise<void> {
  const running = await tx
    .selectFrom('sla_clocks')
    .select(['id', 'case_id', 'metric'])
    .where('case_id', 'in', [fromCaseId, toCaseId])
    .where('stopped_at', 'is', null)
    .execute();
  const survivorMetrics = new Set(running.filter((c) => c.case_id === toCaseId).map((c) => c.metric));
  const absorbed = running.filter((c) => c.case_id === fromCaseId);
  const stop = absorbed.filter((c) => survivorMetrics.has(c.metric)).map((c) => c.id);
  if (stop.length > 0) {
    await tx.updateTable('sla_clocks').set({ stopped_at: now, updated_at: now }).where('id', 'in', stop).execute();
  }
  await moveRunningClocks(
    tx,
    absorbed.filter((c) => !survivorMetrics.has(c.metric)).map((c) => c.id),
    toCaseId,
  );
}

/** The survivor's new columns: both cases' facts, its earliest opening, the more urgent priority. */
function survivorColumns(survivor: Row<'cases'>, absorbed: Row<'cases'>, facts: ReturnType<typeof factsColumns>) {
  const priorities = [survivor.priority, absorbed.priority].filter((p): p is number => p !== null);
  const reopen = survivor.status === 'resolved' && absorbed.status !== 'resolved';
  return {
    ...facts,
    opened_at: Math.min(Number(survivor.opened_at), Number(absorbed.opened_at)),
    priority: priorities.length > 0 ? Math.min(...priorities) : null,
    lang: survivor.lang ?? absorbed.lang,
    assignee_agent_id: survivor.assignee_agent_id ?? absorbed.assignee_agent_id,
    team_id: survivor.team_id ?? absorbed.team_id,
    // A resolved case that absorbs a live one is live again: the customer still waits.
    ...(reopen ? { status: absorbed.status, resolved_at: null, snoozed_until: absorbed.snoozed_until } : {}),
  };
}

/**
 * Merges another case of the same customer (same X account) into this one: its messages (conversations),
 * notes, tags, message events, approvals, likes and running clocks move here; the absorbed case is resolved,
 * points to the survivor, and both histories say so. Different customers are refused (422).
 */
export async function mergeCases(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  survivorId: string,
  request: MergeCaseRequest,
  auditContext?: AuditContext,
): Promise<CaseRestructureResult> {
  const absorbedId = request.absorbedCaseId;
  if (absorbedId === survivorId)
    throw new AppError('merge.same_case', 'invalid', 'A case cannot be merged into itself.');
  const now = deps.clock.now().getTime();
  const moved = await deps.db.transaction().execute(async (tx) => {
    const [survivor, absorbed] = await lockCases(tx, session.workspaceId, [survivorId, absorbedId], now);
    refuseMismatch(survivor!, absorbed!);
    const absorbedMessages = await messageFactsOf(tx, absorbedId);
    await moveConversations(tx, absorbedId, survivorId, now);
    await moveMessageRows(
      tx,
      absorbedId,
      survivorId,
      absorbedMessages.map((m) => m.id),
    );
    await tx.updateTable('notes').set({ case_id: survivorId }).where('case_id', '=', absorbedId).execute();
    await copyTags(tx, absorbedId, survivorId);
    await mergeClocks(tx, absorbedId, survivorId, now);
    const facts = factsColumns(await messageFactsOf(tx, survivorId));
    await tx
      .updateTable('cases')
      .set(survivorColumns(survivor!, absorbed!, facts))
      .where('id', '=', survivorId)
      .execute();
    await tx
      .updateTable('cases')
      .set({
        status: 'resolved',
        resolved_at: absorbed!.resolved_at ?? now,
        snoozed_until: null,
        snooze_reminder: null,
        message_count: 0,
        merged_into_case_id: survivorId,
      })
      .where('id', '=', absorbedId)
      .execute();
    await recordMerge(tx, session, survivor!, absorbed!, absorbedMessages.length, now);
    await audit(tx, auditContext, 'case.merged', now, {
      subject: { type: 'case', id: survivorId },
      details: { absorbedCaseId: absorbedId, movedMessages: absorbedMessages.length },
    });
    return absorbedMessages.length;
  });
  const updatedAt = new Date(now).toISOString();
  for (const id of [survivorId, absorbedId]) {
    deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: id, updatedAt });
  }
  const summary = await findCaseSummary(deps.db, session.workspaceId, survivorId);
  return { case: summary!, movedMessages: moved };
}

async function recordMerge(
  tx: DbOrTx,
  session: AuthenticatedSession,
  survivor: Row<'cases'>,
  absorbed: Row<'cases'>,
  moved: number,
  now: number,
): Promise<void> {
  const base = {
    workspaceId: session.workspaceId,
    actor: { type: 'agent' as const, id: session.agentId },
    occurredAt: now,
  };
  const events: EventRecord[] = [
    {
      ...base,
      type: 'case.merged',
      caseId: survivor.id,
      subjectId: absorbed.id,
      payload: { absorbedCaseId: absorbed.id, movedMessages: moved },
    },
    {
      ...base,
      type: 'case.merged_into',
      caseId: absorbed.id,
      subjectId: survivor.id,
      payload: { survivorCaseId: survivor.id },
    },
  ];
  if (absorbed.status !== 'resolved') {
    // The SLA sweep stops whatever the absorbed case still ran; reports count it resolved by the merge.
    events.push(
      {
        ...base,
        type: 'case.status_changed',
        caseId: absorbed.id,
        payload: { from: absorbed.status, to: 'resolved', reason: 'merged' },
      },
      { ...base, type: 'case.resolved', caseId: absorbed.id, payload: { reason: 'merged' } },
    );
  }
  if (survivor.status === 'resolved' && absorbed.status !== 'resolved') {
    events.push({ ...base, type: 'case.reopened', caseId: survivor.id, payload: { reason: 'merged' } });
  }
  await recordEvents(tx, events);
}
