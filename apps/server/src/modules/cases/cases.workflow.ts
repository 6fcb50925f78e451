import type { AssignRequest, BulkAction, ChangeStatusRequest, Note } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { ensureTag } from '../tags/tags.repository.ts';
import { announceCases } from './cases.release.ts';

export interface WorkflowDeps {
  db: Db;
  clock: Clock;
  realtime: RealtimeBus;
}

type Actor = EventRecord['actor'];
export type CaseChange = (
  tx: DbOrTx,
  caseRow: Row<'cases'>,
  now: number,
) => Promise<Omit<EventRecord, 'workspaceId' | 'caseId' | 'actor' | 'occurredAt'>[]>;

const notFound = () => new AppError('case.not_found', 'not_found', 'This case does not exist.');

/** Runs one change on each case in ONE transaction with its events; realtime hears of it after commit. */
export async function changeCases(
  deps: WorkflowDeps,
  workspaceId: string,
  actor: Actor,
  caseIds: readonly string[],
  change: CaseChange,
): Promise<string[]> {
  const now = deps.clock.now().getTime();
  const changed = await deps.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('cases')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...caseIds])
      .execute();
    const ids: string[] = [];
    for (const row of rows) {
      const events = await change(tx, row, now);
      if (events.length === 0) continue;
      await tx.updateTable('cases').set({ updated_at: now }).where('id', '=', row.id).execute();
      await recordEvents(
        tx,
        events.map((event) => ({ ...event, workspaceId, caseId: row.id, actor, occurredAt: now })),
      );
      ids.push(row.id);
    }
    return { ids, found: rows.length };
  });
  if (changed.found === 0) throw notFound();
  announceCases(deps.realtime, workspaceId, changed.ids, now);
  return changed.ids;
}

const agentActor = (session: AuthenticatedSession): Actor => ({ type: 'agent', id: session.agentId });

export function statusChange(request: ChangeStatusRequest, clockNow: number): CaseChange {
  let until: number | null = null;
  if (request.status === 'snoozed') {
    until = Date.parse(request.snoozeUntil ?? '');
    if (!Number.isFinite(until) || until <= clockNow) {
      throw new AppError('case.snooze_in_past', 'invalid', 'A case can only be snoozed until a future date.');
    }
  }
  const reminder = request.status === 'snoozed' ? request.reminder?.trim() || null : null;
  return async (tx, row, now) => {
    if (row.status === request.status && request.status !== 'snoozed') return [];
    await tx
      .updateTable('cases')
      .set({
        status: request.status,
        resolved_at: request.status === 'resolved' ? now : null,
        snoozed_until: until,
        snooze_reminder: reminder,
      })
      .where('id', '=', row.id)
      .execute();
    const payload: Record<string, unknown> = { from: row.status, to: request.status };
    if (until !== null) payload.until = new Date(until).toISOString();
    if (reminder) payload.reminder = reminder;
    const events: Awaited<ReturnType<CaseChange>> = [{ type: 'case.status_changed', payload }];
    if (request.status === 'resolved') events.push({ type: 'case.resolved', payload: {} });
    if (row.status === 'resolved') events.push({ type: 'case.reopened', payload: { reason: 'agent' } });
    if (request.status === 'snoozed')
      events.push({ type: 'case.snoozed', payload: { until: payload.until, reminder } });
    return events;
  };
}

export async function changeCaseStatus(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  request: ChangeStatusRequest,
): Promise<void> {
  await changeCases(
    deps,
    session.workspaceId,
    agentActor(session),
    [caseId],
    statusChange(request, deps.clock.now().getTime()),
  );
}

export async function resolveAssignee(db: DbOrTx, workspaceId: string, request: AssignRequest) {
  let agent: { id: string; name: string } | null | undefined;
  let team: { id: string; name: string } | null | undefined;
  if (request.agentId !== undefined) {
    agent = request.agentId
      ? await db
          .selectFrom('agents')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', request.agentId)
          .where('disabled_at', 'is', null)
          .executeTakeFirst()
      : null;
    if (agent === undefined) throw new AppError('agent.not_found', 'invalid', 'No such agent in this workspace.');
  }
  if (request.teamId !== undefined) {
    team = request.teamId
      ? await db
          .selectFrom('teams')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', request.teamId)
          .executeTakeFirst()
      : null;
    if (team === undefined) throw new AppError('team.not_found', 'invalid', 'No such team in this workspace.');
  }
  return { agent, team };
}

export function assignment(target: Awaited<ReturnType<typeof resolveAssignee>>): CaseChange {
  return async (tx, row) => {
    const events: Awaited<ReturnType<CaseChange>> = [];
    const set: { assignee_agent_id?: string | null; team_id?: string | null } = {};
    if (target.agent !== undefined && (target.agent?.id ?? null) !== row.assignee_agent_id) {
      set.assignee_agent_id = target.agent?.id ?? null;
      events.push(
        target.agent
          ? {
              type: 'case.assigned',
              subjectId: target.agent.id,
              payload: { agentId: target.agent.id, agentName: target.agent.name },
            }
          : { type: 'case.unassigned', payload: { previousAgentId: row.assignee_agent_id } },
      );
    }
    if (target.team !== undefined && (target.team?.id ?? null) !== row.team_id) {
      set.team_id = target.team?.id ?? null;
      events.push({
        type: 'case.team_changed',
        payload: { teamId: target.team?.id ?? null, teamName: target.team?.name ?? null },
      });
    }
    if (events.length > 0) await tx.updateTable('cases').set(set).where('id', '=', row.id).execute();
    return events;
  };
}

export async function assignCase(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  request: AssignRequest,
): Promise<void> {
  const target = await resolveAssignee(deps.db, session.workspaceId, request);
  await changeCases(deps, session.workspaceId, agentActor(session), [caseId], assignment(target));
}

export function tagging(workspaceId: string, name: string): CaseChange {
  return async (tx, row, now) => {
    const tag = await ensureTag(tx, workspaceId, name, now);
    const already = await tx
      .selectFrom('case_tags')
      .select('tag_id')
      .where('case_id', '=', row.id)
      .where('tag_id', '=', tag.id)
      .executeTakeFirst();
    if (already) return [];
    await tx.insertInto('case_tags').values({ case_id: row.id, tag_id: tag.id }).execute();
    return [{ type: 'case.tagged', subjectId: tag.id, payload: { tagId: tag.id, tag: tag.name } }];
  };
}

export async function addCaseTag(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  name: string,
): Promise<void> {
  await changeCases(deps, session.workspaceId, agentActor(session), [caseId], tagging(session.workspaceId, name));
}

export async function removeCaseTag(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  tagId: string,
): Promise<void> {
  await changeCases(deps, session.workspaceId, agentActor(session), [caseId], async (tx, row) => {
    const tag = await tx
      .selectFrom('case_tags')
      .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
      .select(['tags.id', 'tags.name'])
      .where('case_tags.case_id', '=', row.id)
      .where('case_tags.tag_id', '=', tagId)
      .executeTakeFirst();
    if (!tag) return [];
    await tx.deleteFrom('case_tags').where('case_id', '=', row.id).where('tag_id', '=', tagId).execute();
    return [{ type: 'case.untagged', subjectId: tag.id, payload: { tagId: tag.id, tag: tag.name } }];
  });
}

/** An internal note: stored and shown to agents, never sent anywhere. */
export async function addCaseNote(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  body: string,
): Promise<Note> {
  let note: Note | null = null;
  await changeCases(deps, session.workspaceId, agentActor(session), [caseId], async (tx, row, now) => {
    const id = newId(now);
    await tx
      .insertInto('notes')
      .values({
        id,
        workspace_id: session.workspaceId,
        case_id: row.id,
        contact_id: null,
        agent_id: session.agentId,
        body,
        created_at: now,
      })
      .execute();
    const agent = await tx
      .selectFrom('agents')
      .select(['id', 'name'])
      .where('id', '=', session.agentId)
      .executeTakeFirstOrThrow();
    note = { id, body, author: agent, createdAt: new Date(now).toISOString() };
    return [{ type: 'note.added', subjectId: id, payload: {} }];
  });
  return note!;
}

/** One action on many cases at once, in one transaction; cases of other workspaces are ignored. */
export async function bulkUpdateCases(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseIds: readonly string[],
  action: BulkAction,
): Promise<number> {
  let change: CaseChange;
  switch (action.type) {
    case 'assign':
      change = assignment(await resolveAssignee(deps.db, session.workspaceId, { agentId: action.agentId }));
      break;
    case 'tag':
      change = tagging(session.workspaceId, action.name);
      break;
    case 'resolve':
      change = statusChange({ status: 'resolved' }, deps.clock.now().getTime());
      break;
  }
  const unique = [...new Set(caseIds)];
  try {
    return (await changeCases(deps, session.workspaceId, agentActor(session), unique, change)).length;
  } catch (error) {
    // None of the cases is in this workspace: nothing changed, which a bulk action reports as 0.
    if (error instanceof AppError && error.code === 'case.not_found') return 0;
    throw error;
  }
}

/**
 * Brings back snoozed cases whose date has come, with their reminder in the history. For the scheduler:
 * call it on each tick; it is idempotent.
 */
export async function wakeDueSnoozes(deps: WorkflowDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const due = await deps.db
    .selectFrom('cases')
    .select(['id', 'workspace_id'])
    .where('status', '=', 'snoozed')
    .where('snoozed_until', '<=', now)
    .limit(500)
    .execute();
  let woken = 0;
  for (const row of due) {
    const changed = await changeCases(deps, row.workspace_id, { type: 'system' }, [row.id], async (tx, current) => {
      if (current.status !== 'snoozed' || current.snoozed_until === null || current.snoozed_until > now) return [];
      await tx
        .updateTable('cases')
        .set({ status: 'open', snoozed_until: null, snooze_reminder: null })
        .where('id', '=', current.id)
        .execute();
      return [
        {
          type: 'case.status_changed',
          payload: { from: 'snoozed', to: 'open', reason: 'snooze_due', reminder: current.snooze_reminder },
        },
      ];
    });
    woken += changed.length;
  }
  return woken;
}
