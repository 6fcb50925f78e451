import type { CreateAbsenceRequest } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { readReplySettings } from '../templates/templates.repository.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';
import { formatDayAndTime, readTimeSettings, renderTemplate } from '../greetings/time-settings.ts';
import { schedulePost } from '../scheduled-posts/scheduled-posts.commands.ts';
import { rescheduleForAbsences } from '../sla/sla.clocks.ts';
import { absenceIntervals, findPeriod } from './absence.repository.ts';

export interface AbsenceDeps {
  db: Db;
  clock: Clock;
}

/** The longest away period one can plan: a month (holidays), so a typo cannot silence the desk for years. */
const MAX_PERIOD_MS = 31 * 86_400_000;

/** The desk's time zone: its business hours', else the one its replies use. */
export async function deskTimeZone(db: DbOrTx, workspaceId: string): Promise<string> {
  const calendar = await calendarFor(db, workspaceId, null);
  return calendar?.timeZone ?? (await readReplySettings(db, workspaceId)).timeZone;
}

/**
 * Runs a change to the workspace's away periods and moves the running SLA clocks that stop during absences
 * so that they keep the time they had left, in the same transaction.
 */
async function withClocksMoved<T>(tx: DbOrTx, workspaceId: string, at: number, change: () => Promise<T>): Promise<T> {
  const before = await absenceIntervals(tx, workspaceId);
  const result = await change();
  await rescheduleForAbsences(tx, workspaceId, at, before, await absenceIntervals(tx, workspaceId));
  return result;
}

/** Marks a planned period as under way (once: a second scheduler finds it already started) and posts its status. */
export async function startPeriod(tx: DbOrTx, clock: Clock, period: Row<'absence_periods'>, at: number) {
  const started = await tx
    .updateTable('absence_periods')
    .set({ status: 'active', started_at: at, updated_at: clock.now().getTime() })
    .where('id', '=', period.id)
    .where('status', '=', 'planned')
    .executeTakeFirst();
  if (Number(started.numUpdatedRows) !== 1) return false;
  await recordEvents(tx, [
    {
      workspaceId: period.workspace_id,
      type: 'absence.started',
      subjectId: period.id,
      actor: { type: 'system' },
      payload: { kind: period.kind, endsAt: new Date(Number(period.ends_at)).toISOString() },
      occurredAt: at,
    },
  ]);
  if (period.channel_id) {
    const { settings } = await readTimeSettings(tx, period.workspace_id);
    const timeZone = await deskTimeZone(tx, period.workspace_id);
    const text = renderTemplate(settings.absence.statusPostTemplate, {
      returnTime: formatDayAndTime(settings.language, timeZone, Number(period.ends_at)),
      note: period.note ?? '',
    });
    await schedulePost(tx, clock, {
      workspaceId: period.workspace_id,
      channelId: period.channel_id,
      text,
      publishAt: clock.now().getTime(),
      origin: 'absence',
      originKey: `absence:${period.id}:start`,
      createdByAgentId: null,
    });
  }
  return true;
}

/** Plans an away period, or starts it now when it has no start time or its start has come. */
export async function createAbsence(
  deps: AbsenceDeps,
  actor: { workspaceId: string; agentId: string },
  request: CreateAbsenceRequest,
  context?: AuditContext,
): Promise<string> {
  const now = deps.clock.now().getTime();
  const startsAt = request.startsAt ? Math.max(Date.parse(request.startsAt), now) : now;
  const endsAt = Date.parse(request.endsAt);
  if (endsAt <= startsAt) {
    throw new AppError('absence.ends_before_start', 'invalid', 'The return time must come after the start.');
  }
  if (endsAt - startsAt > MAX_PERIOD_MS) {
    throw new AppError('absence.too_long', 'invalid', 'An away period lasts at most 31 days.');
  }
  let channelId = request.channelId;
  if (channelId === undefined) {
    const first = await deps.db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', actor.workspaceId)
      .orderBy('created_at')
      .executeTakeFirst();
    channelId = first?.id ?? null;
  } else if (channelId !== null) {
    const found = await deps.db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', actor.workspaceId)
      .where('id', '=', channelId)
      .executeTakeFirst();
    if (!found) throw new AppError('channel.not_found', 'invalid', 'No such channel in this workspace.');
  }
  const id = newId(now);
  await deps.db.transaction().execute(async (tx) => {
    const overlapping = await tx
      .selectFrom('absence_periods')
      .select('id')
      .where('workspace_id', '=', actor.workspaceId)
      .where('status', 'in', ['planned', 'active'])
      .where('starts_at', '<', endsAt)
      .where('ends_at', '>', startsAt)
      .executeTakeFirst();
    if (overlapping) {
      throw new AppError('absence.overlap', 'conflict', 'Another away period is planned or under way at that time.');
    }
    await withClocksMoved(tx, actor.workspaceId, now, async () => {
      await tx
        .insertInto('absence_periods')
        .values({
          id,
          workspace_id: actor.workspaceId,
          kind: request.kind,
          starts_at: startsAt,
          ends_at: endsAt,
          note: request.note?.trim() ? request.note.trim() : null,
          channel_id: channelId ?? null,
          status: 'planned',
          started_at: null,
          ended_at: null,
          created_by: actor.agentId,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordEvents(tx, [
        {
          workspaceId: actor.workspaceId,
          type: 'absence.planned',
          subjectId: id,
          actor: { type: 'agent', id: actor.agentId },
          payload: {
            kind: request.kind,
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(endsAt).toISOString(),
          },
          occurredAt: now,
        },
      ]);
      await audit(tx, context, 'absence.planned', now, {
        subject: { type: 'absence_period', id },
        after: {
          kind: request.kind,
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
          note: request.note?.trim() || null,
          channelId: channelId ?? null,
        },
      });
      if (startsAt <= now) {
        const row = await findPeriod(tx, actor.workspaceId, id);
        await startPeriod(tx, deps.clock, row!, now);
      }
    });
  });
  return id;
}

/** Starts a planned period now (ahead of its time). */
export async function startAbsenceNow(
  deps: AbsenceDeps,
  actor: { workspaceId: string; agentId: string },
  id: string,
  context?: AuditContext,
) {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const period = await findPeriod(tx, actor.workspaceId, id);
    if (!period) throw new AppError('absence.not_found', 'not_found', 'This away period does not exist.');
    if (period.status !== 'planned') {
      throw new AppError('absence.not_planned', 'conflict', 'Only a planned away period can be started.');
    }
    const busy = await tx
      .selectFrom('absence_periods')
      .select('id')
      .where('workspace_id', '=', actor.workspaceId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (busy) throw new AppError('absence.overlap', 'conflict', 'Another away period is under way.');
    await withClocksMoved(tx, actor.workspaceId, now, async () => {
      await tx.updateTable('absence_periods').set({ starts_at: now }).where('id', '=', id).execute();
      await startPeriod(tx, deps.clock, { ...period, starts_at: now }, now);
      await audit(tx, context, 'absence.started', now, {
        subject: { type: 'absence_period', id },
        before: { status: 'planned', startsAt: new Date(Number(period.starts_at)).toISOString() },
        after: { status: 'active', startsAt: new Date(now).toISOString() },
      });
    });
  });
}

/** Ends a period under way now (the team is back early), or cancels a planned one. */
export async function endAbsence(
  deps: AbsenceDeps,
  actor: { workspaceId: string; agentId: string | null },
  id: string,
  context?: AuditContext,
) {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const period = await findPeriod(tx, actor.workspaceId, id);
    if (!period) throw new AppError('absence.not_found', 'not_found', 'This away period does not exist.');
    if (period.status === 'ended' || period.status === 'cancelled') {
      throw new AppError('absence.already_over', 'conflict', 'This away period is already over.');
    }
    const cancel = period.status === 'planned';
    await withClocksMoved(tx, actor.workspaceId, now, async () => {
      await tx
        .updateTable('absence_periods')
        .set(cancel ? { status: 'cancelled', updated_at: now } : { status: 'ended', ended_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', period.status)
        .execute();
      await recordEvents(tx, [
        {
          workspaceId: actor.workspaceId,
          type: cancel ? 'absence.cancelled' : 'absence.ended',
          subjectId: id,
          actor: actor.agentId ? { type: 'agent', id: actor.agentId } : { type: 'system' },
          payload: { kind: period.kind, early: !cancel && now < Number(period.ends_at) },
          occurredAt: now,
        },
      ]);
      await audit(tx, context, cancel ? 'absence.cancelled' : 'absence.ended', now, {
        subject: { type: 'absence_period', id },
        before: { status: period.status },
        after: { status: cancel ? 'cancelled' : 'ended' },
      });
    });
  });
}
