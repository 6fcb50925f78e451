import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents } from '../events/events.repository.ts';
import { formatDayAndTime, readTimeSettings, renderTemplate } from '../greetings/time-settings.ts';
import { deskTimeZone, startPeriod } from './absence.commands.ts';

export interface AbsenceRoundDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/** The away message is an automatic message: it never counts as the desk's answer (SLA, reports). */
export const AWAY_MESSAGE_KIND = 'away_message';
const PAGE = 200;

/**
 * One scheduler round for away periods: start the planned ones whose time has come, end those whose return
 * time has passed, mark the cases customers wrote to during a period, and answer each customer who sent a
 * direct message once per period. Safe with two schedulers: every step is a conditional update or an insert
 * guarded by a unique key, in the same transaction as its event.
 */
export async function runAbsenceRound(deps: AbsenceRoundDeps): Promise<{ started: number; answered: number }> {
  const now = deps.clock.now().getTime();
  let started = 0;
  const due = await deps.db
    .selectFrom('absence_periods')
    .selectAll()
    .where('status', '=', 'planned')
    .where('starts_at', '<=', now)
    .orderBy('starts_at')
    .limit(PAGE)
    .execute();
  for (const period of due) {
    // Its planned start, not the round's time: a late round still counts the absence from when it began.
    const ok = await deps.db
      .transaction()
      .execute((tx) => startPeriod(tx, deps.clock, period, Number(period.starts_at)));
    if (ok) {
      started += 1;
      deps.realtime.publish(period.workspace_id, { type: 'absence.changed', updatedAt: new Date(now).toISOString() });
    }
  }

  const active = await deps.db.selectFrom('absence_periods').selectAll().where('status', '=', 'active').execute();
  let answered = 0;
  for (const period of active) {
    // Messages that came in before the return time are answered, even by a round that runs just after it.
    answered += await answerDirectMessages(deps, period, now);
    await markCases(deps, period);
    if (Number(period.ends_at) <= now) {
      await deps.db.transaction().execute(async (tx) => {
        const ended = await tx
          .updateTable('absence_periods')
          .set({ status: 'ended', ended_at: Number(period.ends_at), updated_at: now })
          .where('id', '=', period.id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (Number(ended.numUpdatedRows) !== 1) return;
        await recordEvents(tx, [
          {
            workspaceId: period.workspace_id,
            type: 'absence.ended',
            subjectId: period.id,
            actor: { type: 'system' },
            payload: { kind: period.kind, early: false },
            occurredAt: Number(period.ends_at),
          },
        ]);
      });
      deps.realtime.publish(period.workspace_id, { type: 'absence.changed', updatedAt: new Date(now).toISOString() });
    }
  }
  return { started, answered };
}

type Period = Row<'absence_periods'>;

function windowOf(period: Period): [number, number] {
  return [Number(period.started_at ?? period.starts_at), Number(period.ends_at)];
}

/** Inbound direct messages of the period from customers not answered yet in it: the latest one per customer. */
async function answerDirectMessages(deps: AbsenceRoundDeps, period: Period, now: number): Promise<number> {
  const [from, to] = windowOf(period);
  const rows = await deps.db
    .selectFrom('messages')
    .innerJoin('identities', 'identities.id', 'messages.author_identity_id')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id',
      'messages.channel_id',
      'messages.conversation_id',
      'messages.external_id',
      'identities.contact_id',
      'identities.name',
      'identities.handle',
      'case_conversations.case_id',
    ])
    .where('messages.workspace_id', '=', period.workspace_id)
    .where('messages.direction', '=', 'inbound')
    .where('messages.visibility', '=', 'direct')
    .where('messages.created_at', '>=', from)
    .where('messages.created_at', '<', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('absence_replies')
            .select('absence_replies.contact_id')
            .where('absence_replies.period_id', '=', period.id)
            .whereRef('absence_replies.contact_id', '=', 'identities.contact_id'),
        ),
      ),
    )
    .orderBy('messages.created_at', 'desc')
    .limit(PAGE)
    .execute();
  const latestPerContact = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latestPerContact.has(row.contact_id)) latestPerContact.set(row.contact_id, row);
  if (latestPerContact.size === 0) return 0;

  const { settings } = await readTimeSettings(deps.db, period.workspace_id);
  const timeZone = await deskTimeZone(deps.db, period.workspace_id);
  const returnTime = formatDayAndTime(settings.language, timeZone, Number(period.ends_at));
  let answered = 0;
  for (const row of latestPerContact.values()) {
    if (!row.external_id) continue;
    const text = renderTemplate(settings.absence.awayMessageTemplate, {
      returnTime,
      name: row.name || row.handle || '',
    });
    const queued = await deps.db.transaction().execute(async (tx) => {
      // The (period, contact) key is the promise: one away message per customer per period, whoever runs this.
      const claimed = await tx
        .insertInto('absence_replies')
        .values({
          period_id: period.id,
          contact_id: row.contact_id,
          workspace_id: period.workspace_id,
          message_id: null,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['period_id', 'contact_id']).doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const messageId = newId(now);
      await tx
        .insertInto('messages')
        .values({
          id: messageId,
          workspace_id: period.workspace_id,
          channel_id: row.channel_id,
          conversation_id: row.conversation_id,
          direction: 'outbound',
          visibility: 'direct',
          kind: AWAY_MESSAGE_KIND,
          external_id: null,
          in_reply_to_external_id: row.external_id,
          in_reply_to_message_id: row.id,
          author_identity_id: null,
          author_agent_id: null,
          text,
          lang: settings.language,
          url: null,
          created_at: now,
          recorded_at: now,
          delivery_status: 'queued',
          delivery_error: null,
          delivery_attempts: 0,
          idempotency_key: `absence:${period.id}:${row.contact_id}`,
          raw: null,
        })
        .execute();
      await tx
        .updateTable('absence_replies')
        .set({ message_id: messageId })
        .where('period_id', '=', period.id)
        .where('contact_id', '=', row.contact_id)
        .execute();
      await tx
        .updateTable('cases')
        .set((eb) => ({ last_message_at: now, message_count: eb('message_count', '+', 1), updated_at: now }))
        .where('id', '=', row.case_id)
        .execute();
      await deps.jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
      await recordEvents(tx, [
        {
          workspaceId: period.workspace_id,
          type: 'message.queued',
          caseId: row.case_id,
          subjectId: messageId,
          actor: { type: 'system' },
          payload: { inReplyTo: row.id, visibility: 'direct', automatic: AWAY_MESSAGE_KIND, periodId: period.id },
          occurredAt: now,
        },
      ]);
      return true;
    });
    if (queued) {
      answered += 1;
      deps.realtime.publish(period.workspace_id, {
        type: 'case.changed',
        caseId: row.case_id,
        updatedAt: new Date(now).toISOString(),
      });
    }
  }
  if (answered > 0) deps.jobs.notify();
  return answered;
}

/** Cases a customer wrote to during the period carry it: an event in their history and a flag in the desk. */
async function markCases(deps: AbsenceRoundDeps, period: Period): Promise<void> {
  const [from, to] = windowOf(period);
  const cases = await deps.db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select('case_conversations.case_id')
    .distinct()
    .where('messages.workspace_id', '=', period.workspace_id)
    .where('messages.direction', '=', 'inbound')
    .where('messages.created_at', '>=', from)
    .where('messages.created_at', '<', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('absence_cases')
            .select('absence_cases.case_id')
            .where('absence_cases.period_id', '=', period.id)
            .whereRef('absence_cases.case_id', '=', 'case_conversations.case_id'),
        ),
      ),
    )
    .limit(PAGE)
    .execute();
  const now = deps.clock.now().getTime();
  for (const { case_id: caseId } of cases) {
    const marked = await deps.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('absence_cases')
        .values({ period_id: period.id, case_id: caseId, marked_at: now })
        .onConflict((oc) => oc.columns(['period_id', 'case_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await recordEvents(tx, [
        {
          workspaceId: period.workspace_id,
          type: 'case.absence_marked',
          caseId,
          subjectId: period.id,
          actor: { type: 'system' },
          payload: {
            kind: period.kind,
            from: new Date(from).toISOString(),
            until: new Date(to).toISOString(),
          },
          occurredAt: now,
        },
      ]);
      return true;
    });
    if (marked) {
      deps.realtime.publish(period.workspace_id, {
        type: 'case.changed',
        caseId,
        updatedAt: new Date(now).toISOString(),
      });
    }
  }
}
