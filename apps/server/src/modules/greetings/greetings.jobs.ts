import { ConnectorError } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { backoffMs } from '../../platform/jobs/db-job-queue.ts';
import { RetryJobAt, type JobHandler, type JobQueue } from '../../platform/jobs/job-queue.ts';
import { absenceIntervals } from '../absence/absence.repository.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import { localToInstant, zoneOffset, type BusinessCalendar } from '../business-hours/business-time.ts';
import type { ChannelConnectors } from '../channels/channel-connectors.ts';
import { findChannel } from '../channels/channels.repository.ts';
import { recordEvents } from '../events/events.repository.ts';
import { schedulePost } from '../scheduled-posts/scheduled-posts.commands.ts';
import { formatDay, formatDayAndTime, formatTimeOfDay, readTimeSettings, renderTemplate } from './time-settings.ts';

export const SEND_WELCOME_DM = 'send-welcome-dm';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A greeting more than this late (the desk was down at opening time) is skipped, not posted at noon. */
const GREETING_GRACE_MS = HOUR_MS;
/** Followers older than this when their turn comes are not welcomed: a welcome days later is odd. */
const WELCOME_MAX_AGE_MS = 24 * HOUR_MS;

export interface GreetingsDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
}

/** Today's local date in the calendar's zone, as the UTC midnight of that date (the calendar's day key). */
function localDay(calendar: BusinessCalendar, at: number): number {
  return Math.floor((at + zoneOffset(calendar.timeZone, at)) / DAY_MS) * DAY_MS;
}

const isoDate = (day: number) => new Date(day).toISOString().slice(0, 10);

/** The first opening and last closing of a local day, or null when the desk is closed (weekend, holiday). */
export function openingOf(calendar: BusinessCalendar, day: number): { open: number; close: number } | null {
  if (calendar.holidays.has(isoDate(day))) return null;
  const intervals = calendar.week[(new Date(day).getUTCDay() + 6) % 7] ?? [];
  if (intervals.length === 0) return null;
  const first = intervals[0]![0];
  const last = Math.max(...intervals.map(([, end]) => end));
  return {
    open: localToInstant(calendar.timeZone, day + first * 60_000),
    close: localToInstant(calendar.timeZone, day + last * 60_000),
  };
}

/**
 * Opening and closing posts (F21): at the first opening and the last closing of each business day, in the
 * workspace's time zone, never on holidays, closed days or during an away period. Each is scheduled once per
 * day and channel (the
 * origin key), so rounds repeating, two schedulers or a restart never post it twice.
 */
export async function runGreetingsRound(deps: GreetingsDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const rows = await deps.db.selectFrom('time_settings').select('workspace_id').execute();
  let scheduled = 0;
  for (const { workspace_id: workspaceId } of rows) {
    const { settings } = await readTimeSettings(deps.db, workspaceId);
    if (!settings.greetings.enabled) continue;
    const calendar = await calendarFor(deps.db, workspaceId, null);
    if (!calendar) continue;
    const day = localDay(calendar, now);
    const today = openingOf(calendar, day);
    if (!today) continue;
    const moment = [
      { at: today.open, part: 'open' as const },
      { at: today.close, part: 'close' as const },
    ].find(({ at }) => now >= at && now < at + GREETING_GRACE_MS);
    if (!moment) continue;
    // The team is away (F20): no "we're here until 6 pm" while the away status says otherwise.
    const away = await absenceIntervals(deps.db, workspaceId);
    if (away.some(([from, to]) => moment.at >= from && moment.at < to)) continue;
    let text: string;
    const { language } = settings;
    if (moment.part === 'open') {
      text = renderTemplate(settings.greetings.openTemplate, {
        date: formatDay(language, calendar.timeZone, today.open),
        openTime: formatTimeOfDay(language, calendar.timeZone, today.open),
        closeTime: formatTimeOfDay(language, calendar.timeZone, today.close),
      });
    } else {
      let next: number | null = null;
      for (let i = 1; i <= 31 && next === null; i++) next = openingOf(calendar, day + i * DAY_MS)?.open ?? null;
      text = renderTemplate(settings.greetings.closeTemplate, {
        date: formatDay(language, calendar.timeZone, today.close),
        closeTime: formatTimeOfDay(language, calendar.timeZone, today.close),
        nextOpenTime: next === null ? '' : formatDayAndTime(language, calendar.timeZone, next),
      });
    }
    let channels = deps.db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '!=', 'paused');
    if (settings.greetings.channelIds.length > 0) channels = channels.where('id', 'in', settings.greetings.channelIds);
    for (const channel of await channels.execute()) {
      const result = await schedulePost(deps.db, deps.clock, {
        workspaceId,
        channelId: channel.id,
        text,
        publishAt: moment.at,
        origin: 'greeting',
        originKey: `greeting:${channel.id}:${isoDate(day)}:${moment.part}`,
        createdByAgentId: null,
      });
      if (result.created) scheduled += 1;
    }
  }
  return scheduled;
}

/**
 * Welcome DMs to new followers (F21), when switched on: at most `perHour` an hour, never twice to one
 * contact (unique key), only for follows since it was switched on and younger than a day. Each queued
 * welcome commits with its send job (the outbox).
 */
export async function runWelcomeRound(deps: GreetingsDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const rows = await deps.db
    .selectFrom('time_settings')
    .select('workspace_id')
    .where('welcome_enabled_at', 'is not', null)
    .execute();
  let queued = 0;
  for (const { workspace_id: workspaceId } of rows) {
    const { settings, welcomeEnabledAt } = await readTimeSettings(deps.db, workspaceId);
    if (!settings.welcome.enabled || welcomeEnabledAt === null) continue;
    const lastHour = await deps.db
      .selectFrom('welcome_dms')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '>', now - HOUR_MS)
      .executeTakeFirstOrThrow();
    let budget = settings.welcome.perHour - Number(lastHour.n);
    if (budget <= 0) continue;
    const follows = await deps.db
      .selectFrom('events')
      .select(['subject_id', 'payload', 'occurred_at'])
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'contact.followed')
      .where('subject_id', 'is not', null)
      .where('occurred_at', '>=', Math.max(welcomeEnabledAt, now - WELCOME_MAX_AGE_MS))
      .where('occurred_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('welcome_dms')
              .select('welcome_dms.id')
              .where('welcome_dms.workspace_id', '=', workspaceId)
              .whereRef('welcome_dms.contact_id', '=', 'events.subject_id'),
          ),
        ),
      )
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(budget * 2)
      .execute();
    for (const follow of follows) {
      if (budget <= 0) break;
      let channelId: unknown;
      try {
        channelId = (JSON.parse(follow.payload) as { channelId?: unknown }).channelId;
      } catch {
        channelId = undefined;
      }
      if (typeof channelId !== 'string') continue;
      const channel = await findChannel(deps.db, channelId);
      if (!channel || channel.workspace_id !== workspaceId) continue;
      const identity = await deps.db
        .selectFrom('identities')
        .select(['external_id', 'name', 'handle'])
        .where('contact_id', '=', follow.subject_id!)
        .where('network', '=', channel.network)
        .executeTakeFirst();
      if (!identity) continue;
      const text = renderTemplate(settings.welcome.template, {
        name: identity.name || identity.handle,
        handle: `@${identity.handle}`,
      });
      const created = await deps.db.transaction().execute(async (tx) => {
        const id = newId(now);
        const inserted = await tx
          .insertInto('welcome_dms')
          .values({
            id,
            workspace_id: workspaceId,
            channel_id: channel.id,
            contact_id: follow.subject_id!,
            recipient_external_id: identity.external_id,
            text,
            status: 'queued',
            attempts: 0,
            first_attempt_at: null,
            external_id: null,
            error: null,
            created_at: now,
            sent_at: null,
          })
          .onConflict((oc) => oc.columns(['workspace_id', 'contact_id']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        await deps.jobs.enqueue({ name: SEND_WELCOME_DM, payload: { welcomeId: id }, dedupeKey: `welcome:${id}` }, tx);
        await recordEvents(tx, [
          {
            workspaceId,
            type: 'welcome_dm.queued',
            subjectId: id,
            actor: { type: 'system' },
            payload: { contactId: follow.subject_id, channelId: channel.id },
            occurredAt: now,
          },
        ]);
        return true;
      });
      if (created) {
        budget -= 1;
        queued += 1;
      }
    }
  }
  if (queued > 0) deps.jobs.notify();
  return queued;
}

const MAX_ATTEMPTS = 8;
/** How far before the first attempt to look for a DM of ours that may already exist. */
const RECONCILE_MARGIN_MS = 60_000;

export interface WelcomeJobDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  connectors: ChannelConnectors;
}

/**
 * Sends one welcome DM. "Sending" is committed before the network call; a row found still "sending" means
 * an earlier attempt may have reached X, so we look for that DM first and adopt it (never send twice).
 */
export function sendWelcomeDmJob(deps: WelcomeJobDeps): JobHandler {
  return async (payload) => {
    const id = String(payload.welcomeId);
    const row = await deps.db.selectFrom('welcome_dms').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.status === 'sent' || row.status === 'failed') return;
    const channel = await findChannel(deps.db, row.channel_id);
    if (!channel) return;
    const log = deps.logger.child({ welcomeId: id, channelId: channel.id });
    const finish = async (change: { status: 'sent' | 'failed'; external_id?: string; error?: string }) => {
      const now = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('welcome_dms')
          .set({ ...change, sent_at: change.status === 'sent' ? now : null })
          .where('id', '=', id)
          .execute();
        await recordEvents(tx, [
          {
            workspaceId: row.workspace_id,
            type: change.status === 'sent' ? 'welcome_dm.sent' : 'welcome_dm.failed',
            subjectId: id,
            actor: { type: 'system' },
            payload: change.status === 'sent' ? { externalId: change.external_id } : { reason: change.error },
            occurredAt: now,
          },
        ]);
      });
    };
    const connector = deps.connectors.get(channel);
    const { sendDirectMessage, findSentDirectMessage } = connector;
    if (!connector.capabilities.directMessages || !sendDirectMessage || !findSentDirectMessage) {
      await finish({ status: 'failed', error: 'channel.no_direct_messages' });
      return;
    }
    const request = { recipientExternalId: row.recipient_external_id, text: row.text };
    if (row.status === 'sending') {
      const since = new Date(Number(row.first_attempt_at ?? row.created_at) - RECONCILE_MARGIN_MS);
      const existing = await findSentDirectMessage.call(connector, { ...request, since });
      if (existing) {
        log.warn({ externalId: existing.externalId }, 'welcome DM was already on X; adopted instead of sending again');
        await finish({ status: 'sent', external_id: existing.externalId });
        return;
      }
    }
    const attempt = Number(row.attempts) + 1;
    const now = deps.clock.now().getTime();
    // Compare-and-set on the attempt counter: another worker that moved it on owns the sending.
    const claimed = await deps.db
      .updateTable('welcome_dms')
      .set({ status: 'sending', attempts: attempt, first_attempt_at: row.first_attempt_at ?? now })
      .where('id', '=', id)
      .where('attempts', '=', row.attempts)
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    try {
      const sent = await sendDirectMessage.call(connector, request);
      await finish({ status: 'sent', external_id: sent.externalId });
    } catch (error) {
      const connectorError = error instanceof ConnectorError ? error : null;
      if ((connectorError && !connectorError.retryable) || attempt >= MAX_ATTEMPTS) {
        await finish({
          status: 'failed',
          error: `${connectorError?.reason ?? 'welcome.gave_up'}: ${(error as Error).message}`.slice(0, 1000),
        });
        return;
      }
      if (connectorError?.kind === 'rate_limited') {
        // Refused outright: nothing was sent, so the next attempt need not reconcile.
        await deps.db.updateTable('welcome_dms').set({ status: 'queued' }).where('id', '=', id).execute();
      }
      const retryAt = connectorError?.retryAt?.getTime() ?? deps.clock.now().getTime() + backoffMs(attempt);
      throw new RetryJobAt(retryAt, (error as Error).message);
    }
  };
}
