import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents } from '../events/events.repository.ts';
import { readTimeSettings, renderTemplate } from '../greetings/time-settings.ts';
import { parseSurveyAnswer } from './survey-answer.ts';
import { readSurveySettings, surveyGreetingName } from './surveys.settings.ts';

export interface SurveyRoundDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/** The survey DM is an automatic message (kind), never an agent's reply. */
export const SURVEY_MESSAGE_KIND = 'survey';
/** A case stays resolved this long before it is asked: a quick reopen is not a finished case. */
export const SURVEY_DELAY_MS = 10 * 60_000;
/** A case resolved longer ago is not asked any more (the desk was down): the question would come too late. */
export const SURVEY_LATEST_MS = 2 * 86_400_000;
/** Answers are read for a week after the question. */
export const SURVEY_ANSWER_WINDOW_MS = 7 * 86_400_000;
const PAGE = 100;

/**
 * One scheduler round of the satisfaction survey (F25): ask the customers of the cases resolved since the
 * survey was switched on (once per case: the case_surveys key, claimed in the same transaction as the
 * queued DM and its event), then read the answers their direct messages carry.
 */
export async function runSurveyRound(deps: SurveyRoundDeps): Promise<{ sent: number; answered: number }> {
  const now = deps.clock.now().getTime();
  const enabled = await deps.db
    .selectFrom('survey_settings')
    .select(['workspace_id'])
    .where('enabled', '=', 1)
    .execute();
  let sent = 0;
  for (const { workspace_id } of enabled) sent += await sendSurveys(deps, workspace_id, now);
  const answered = await readAnswers(deps, now);
  if (sent > 0) deps.jobs.notify();
  return { sent, answered };
}

async function sendSurveys(deps: SurveyRoundDeps, workspaceId: string, now: number): Promise<number> {
  const { settings, enabledAt } = await readSurveySettings(deps.db, workspaceId);
  if (!settings.enabled || enabledAt === null) return 0;
  // Cases the desk answered (a resolved case nobody replied to is not asked how the help was).
  const cases = await deps.db
    .selectFrom('cases')
    .select(['id', 'channel_id', 'contact_id'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'resolved')
    // Bounded by time, so each round reads the last two days' resolutions, not every case ever surveyed.
    .where('resolved_at', '>=', Math.max(enabledAt, now - SURVEY_LATEST_MS))
    .where('resolved_at', '<=', now - SURVEY_DELAY_MS)
    .where('first_response_at', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('case_surveys').select('case_surveys.case_id').whereRef('case_surveys.case_id', '=', 'cases.id'),
        ),
      ),
    )
    .orderBy('resolved_at')
    .limit(PAGE)
    .execute();
  if (cases.length === 0) return 0;
  const { settings: time } = await readTimeSettings(deps.db, workspaceId);
  let sent = 0;
  for (const c of cases) {
    // The customer's latest post carries who to write to, and the language to ask in.
    const last = await deps.db
      .selectFrom('case_conversations')
      .innerJoin('messages', 'messages.conversation_id', 'case_conversations.conversation_id')
      .innerJoin('identities', 'identities.id', 'messages.author_identity_id')
      .select([
        'messages.id',
        'messages.conversation_id',
        'messages.external_id',
        'messages.lang',
        'identities.name',
        'identities.handle',
      ])
      .where('case_conversations.case_id', '=', c.id)
      .where('messages.direction', '=', 'inbound')
      .orderBy('messages.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const language = last?.lang === 'fr' || last?.lang === 'en' ? last.lang : time.language;
    const queued = await deps.db.transaction().execute(async (tx) => {
      const messageId = newId(now);
      const claimed = await tx
        .insertInto('case_surveys')
        .values({
          case_id: c.id,
          workspace_id: workspaceId,
          channel_id: c.channel_id,
          contact_id: c.contact_id,
          message_id: last ? messageId : null,
          language,
          sent_at: now,
        })
        .onConflict((oc) => oc.column('case_id').doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      if (!last) {
        // Nobody to write to (no customer post with an author): the case is marked asked, never retried.
        await recordEvents(tx, [
          {
            workspaceId,
            type: 'survey.skipped',
            caseId: c.id,
            actor: { type: 'system' },
            payload: { reason: 'no_recipient' },
            occurredAt: now,
          },
        ]);
        return false;
      }
      const text = renderTemplate(settings.templates[language], { name: surveyGreetingName(last.name, last.handle) });
      await tx
        .insertInto('messages')
        .values({
          id: messageId,
          workspace_id: workspaceId,
          channel_id: c.channel_id,
          conversation_id: last.conversation_id,
          direction: 'outbound',
          visibility: 'direct',
          kind: SURVEY_MESSAGE_KIND,
          external_id: null,
          in_reply_to_external_id: last.external_id,
          in_reply_to_message_id: last.id,
          author_identity_id: null,
          author_agent_id: null,
          text,
          lang: language,
          url: null,
          created_at: now,
          recorded_at: now,
          delivery_status: 'queued',
          delivery_error: null,
          delivery_attempts: 0,
          idempotency_key: `survey:${c.id}`,
          raw: null,
        })
        .execute();
      await deps.jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
      await recordEvents(tx, [
        {
          workspaceId,
          type: 'survey.sent',
          caseId: c.id,
          subjectId: messageId,
          actor: { type: 'system' },
          payload: { language },
          occurredAt: now,
        },
      ]);
      return true;
    });
    if (queued) {
      sent += 1;
      deps.realtime.publish(workspaceId, {
        type: 'case.changed',
        caseId: c.id,
        updatedAt: new Date(now).toISOString(),
      });
    }
  }
  return sent;
}

/** Pending surveys: the customer's direct messages after the question, the first one that is a rating. */
async function readAnswers(deps: SurveyRoundDeps, now: number): Promise<number> {
  const rows = await deps.db
    .selectFrom('case_surveys')
    .innerJoin('identities', 'identities.contact_id', 'case_surveys.contact_id')
    .innerJoin('messages', (join) =>
      join
        .onRef('messages.author_identity_id', '=', 'identities.id')
        .onRef('messages.created_at', '>', 'case_surveys.sent_at'),
    )
    .leftJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'case_surveys.case_id as surveyCaseId',
      'case_surveys.workspace_id as workspaceId',
      'messages.id as messageId',
      'messages.text as text',
      'messages.created_at as createdAt',
      'case_conversations.case_id as answerCaseId',
    ])
    .where('case_surveys.answered_at', 'is', null)
    .where('case_surveys.sent_at', '>=', now - SURVEY_ANSWER_WINDOW_MS)
    .where('messages.direction', '=', 'inbound')
    .where('messages.visibility', '=', 'direct')
    .orderBy('messages.created_at')
    .limit(500)
    .execute();
  const done = new Set<string>();
  let answered = 0;
  for (const row of rows) {
    if (done.has(row.surveyCaseId)) continue;
    const answer = parseSurveyAnswer(row.text);
    if (!answer) continue;
    done.add(row.surveyCaseId);
    const at = Number(row.createdAt);
    const changed = await deps.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('case_surveys')
        .set({ rating: answer.rating, comment: answer.comment, answered_at: at, answer_message_id: row.messageId })
        .where('case_id', '=', row.surveyCaseId)
        .where('answered_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return [];
      await recordEvents(tx, [
        {
          workspaceId: row.workspaceId,
          type: 'survey.answered',
          caseId: row.surveyCaseId,
          subjectId: row.messageId,
          actor: { type: 'contact' },
          payload: { rating: answer.rating, comment: answer.comment },
          occurredAt: now,
        },
      ]);
      const touched = [row.surveyCaseId];
      // An answer that opened a case of its own is no work for the agents: that case is resolved at once.
      if (row.answerCaseId && row.answerCaseId !== row.surveyCaseId) {
        const other = await tx
          .selectFrom('cases')
          .select(['status', 'message_count'])
          .where('id', '=', row.answerCaseId)
          .executeTakeFirst();
        if (other && other.status === 'open' && Number(other.message_count) === 1) {
          await tx
            .updateTable('cases')
            .set({ status: 'resolved', resolved_at: now, updated_at: now })
            .where('id', '=', row.answerCaseId)
            .execute();
          await recordEvents(tx, [
            {
              workspaceId: row.workspaceId,
              type: 'case.status_changed',
              caseId: row.answerCaseId,
              actor: { type: 'system' },
              payload: { from: 'open', to: 'resolved', reason: 'survey_answer' },
              occurredAt: now,
            },
            {
              workspaceId: row.workspaceId,
              type: 'case.resolved',
              caseId: row.answerCaseId,
              actor: { type: 'system' },
              payload: { reason: 'survey_answer', surveyCaseId: row.surveyCaseId },
              occurredAt: now,
            },
          ]);
          touched.push(row.answerCaseId);
        }
      }
      return touched;
    });
    if (changed.length > 0) {
      answered += 1;
      for (const caseId of changed) {
        deps.realtime.publish(row.workspaceId, {
          type: 'case.changed',
          caseId,
          updatedAt: new Date(now).toISOString(),
        });
      }
    }
  }
  return answered;
}
