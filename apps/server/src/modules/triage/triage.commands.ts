import type { CaseTriage, TriageCorrectionRequest } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { RETRAIN_TRIAGE_MODEL } from './triage.jobs.ts';

/**
 * The post a case's triage stands for: its most urgent inbound message (the one that set the case's priority
 * and type at ingestion), the latest among equals. A correction of the case is a label for this text.
 */
export async function labelledMessage(db: DbOrTx, caseId: string) {
  return db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select(['messages.id as id', 'messages.text as text'])
    .where('case_conversations.case_id', '=', caseId)
    .where('messages.direction', '=', 'inbound')
    .orderBy((eb) => eb.fn.coalesce('messages.priority', eb.val(9)), 'asc')
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .executeTakeFirst();
}

export async function readCaseTriage(db: DbOrTx, workspaceId: string, caseId: string): Promise<CaseTriage> {
  const row = await db
    .selectFrom('cases')
    .select(['id', 'type', 'priority', 'priority_reason', 'sla_priority'])
    .where('id', '=', caseId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw new AppError('case.not_found', 'not_found', 'No such case.');
  const message = await labelledMessage(db, caseId);
  return {
    caseId: row.id,
    type: row.type,
    priority: row.priority === null ? null : Number(row.priority),
    reason: row.priority_reason,
    slaPriority: row.sla_priority === null ? null : Number(row.sla_priority),
    labelledText: message?.text ?? null,
  };
}

/**
 * An agent corrects a case's type and/or priority. In ONE transaction: the case changes, each changed value
 * becomes a training label (the post's text, the corrected label, who, when), and the event is written.
 * A value equal to the current one is not a correction and records nothing.
 */
export async function correctCaseTriage(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; caseId: string; agentId: string; correction: TriageCorrectionRequest },
): Promise<{ triage: CaseTriage; labels: number }> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const before = await readCaseTriage(tx, input.workspaceId, input.caseId);
    const message = await labelledMessage(tx, input.caseId);
    if (!message) {
      throw new AppError('triage.no_message', 'conflict', 'This case has no customer message to learn from.');
    }
    const { type, priority } = input.correction;
    const labels: { kind: 'type' | 'priority'; label: string; previous: string | null }[] = [];
    if (type !== undefined && type !== before.type) labels.push({ kind: 'type', label: type, previous: before.type });
    if (priority !== undefined && priority !== before.priority) {
      labels.push({
        kind: 'priority',
        label: String(priority),
        previous: before.priority === null ? null : String(before.priority),
      });
    }
    if (labels.length === 0) return { triage: before, labels: 0 };

    await tx
      .updateTable('cases')
      .set({
        ...(type !== undefined ? { type } : {}),
        ...(priority !== undefined && priority !== before.priority
          ? { priority, priority_reason: 'corrected by an agent' }
          : {}),
        updated_at: now,
      })
      .where('id', '=', input.caseId)
      .execute();
    if (type !== undefined) await tx.updateTable('messages').set({ type }).where('id', '=', message.id).execute();
    await tx
      .insertInto('triage_labels')
      .values(
        labels.map((l) => ({
          id: newId(now),
          workspace_id: input.workspaceId,
          case_id: input.caseId,
          message_id: message.id,
          text: message.text,
          kind: l.kind,
          label: l.label,
          previous: l.previous,
          agent_id: input.agentId,
          created_at: now,
        })),
      )
      .execute();
    const base = {
      workspaceId: input.workspaceId,
      caseId: input.caseId,
      actor: { type: 'agent' as const, id: input.agentId },
      occurredAt: now,
    };
    const events: EventRecord[] = [
      {
        ...base,
        type: 'case.triage_corrected',
        subjectId: message.id,
        payload: Object.fromEntries(labels.map((l) => [l.kind, { from: l.previous, to: l.label }])),
      },
    ];
    const priorityLabel = labels.find((l) => l.kind === 'priority');
    if (priorityLabel) {
      events.push({
        ...base,
        type: 'case.priority_changed',
        payload: { from: before.priority, to: priority, by: 'agent' },
      });
    }
    await recordEvents(tx, events);
    return { triage: await readCaseTriage(tx, input.workspaceId, input.caseId), labels: labels.length };
  });
}

/** Queues a retraining of the workspace's type model; one at a time per workspace. */
export async function requestRetrain(
  deps: { db: Db; clock: Clock; jobs: JobQueue },
  input: { workspaceId: string; agentId: string | null; trigger?: 'lead' | 'nightly' | 'corrections' },
  context?: AuditContext,
): Promise<string> {
  const now = deps.clock.now().getTime();
  const id = await deps.db.transaction().execute(async (tx) => {
    const running = await tx
      .selectFrom('triage_models')
      .select('id')
      .where('workspace_id', '=', input.workspaceId)
      .where('status', '=', 'training')
      .executeTakeFirst();
    if (running) {
      throw new AppError('triage.retrain_running', 'conflict', 'A model is already being trained for this workspace.');
    }
    const modelId = newId(now);
    await tx
      .insertInto('triage_models')
      .values({
        id: modelId,
        workspace_id: input.workspaceId,
        status: 'training',
        active: 0,
        file: null,
        sha256: null,
        bytes: null,
        training: null,
        metrics: null,
        error: null,
        requested_by: input.agentId,
        trigger: input.trigger ?? 'lead',
        created_at: now,
        finished_at: null,
        activated_at: null,
      })
      .execute();
    await deps.jobs.enqueue(
      { name: RETRAIN_TRIAGE_MODEL, payload: { modelId }, dedupeKey: `retrain-triage:${modelId}` },
      tx,
    );
    await recordEvents(tx, [
      {
        workspaceId: input.workspaceId,
        type: 'triage.model_requested',
        subjectId: modelId,
        actor: input.agentId ? { type: 'agent', id: input.agentId } : { type: 'system' },
        payload: { trigger: input.trigger ?? 'lead' },
        occurredAt: now,
      },
    ]);
    await audit(tx, context, 'triage.retrain_requested', now, { subject: { type: 'triage_model', id: modelId } });
    return modelId;
  });
  deps.jobs.notify();
  return id;
}
