import type { AppDeps } from '../composition.ts';
import { runAbsenceRound } from '../modules/absence/absence.jobs.ts';
import { foldCaseCountDeltas } from '../modules/cases/cases.counters.ts';
import { wakeDueSnoozes } from '../modules/cases/cases.workflow.ts';
import { POLL_CHANNEL } from '../modules/channels/channels.jobs.ts';
import { parseChannelSettings } from '../modules/channels/channel-settings.ts';
import { STREAM_CHANNEL } from '../modules/channels/channel-stream.job.ts';
import { listPollableChannels } from '../modules/channels/channels.repository.ts';
import { runGreetingsRound, runWelcomeRound } from '../modules/greetings/greetings.jobs.ts';
import { enqueueUnansweredIncidents } from '../modules/incidents/incidents.commands.ts';
import { enqueueDueScheduledPosts } from '../modules/scheduled-posts/scheduled-posts.jobs.ts';
import { dispatchOutgoingWebhooks } from '../modules/outgoing-webhooks/outgoing-webhooks.dispatch.ts';
import { runSlaSweep } from '../modules/sla/sla.sweep.ts';
import { runSurveyRound } from '../modules/surveys/surveys.jobs.ts';

export interface Scheduler {
  /** One round: enqueue what is due now. Exposed so tests can drive rounds with a manual clock. */
  tick(): Promise<void>;
  start(): void;
  stop(): void;
}

/** The scheduler role: decides when work is due and enqueues it; the workers do it. */
export function buildScheduler(deps: AppDeps): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    const channels = await listPollableChannels(deps.db);
    for (const channel of channels) {
      // The dedupe key keeps one pending poll per channel, however many schedulers run.
      await deps.jobs.enqueue({
        name: POLL_CHANNEL,
        payload: { channelId: channel.id },
        dedupeKey: `poll:${channel.id}`,
      });
      if (deps.config.streaming && parseChannelSettings(channel.settings).streaming) {
        // Also one stream connection per channel: X allows a single one.
        await deps.jobs.enqueue({
          name: STREAM_CHANNEL,
          payload: { channelId: channel.id },
          dedupeKey: `stream:${channel.id}`,
        });
      }
    }
    if (channels.length > 0) deps.jobs.notify();
    // Follow-ups that fell due go back to the queue, to their assignee, with the reminder on top.
    await wakeDueSnoozes(deps);
    // SLA clocks follow what happened (inbound, replies sent, pending, snoozes) and breaches raise alerts.
    await runSlaSweep(deps);
    // PostgreSQL's counts per view: fold the deltas its triggers appended (SQLite's count directly).
    await foldCaseCountDeltas(deps.db, deps.database.dialect);
    // Away periods start and end, away messages answer DMs; greetings and welcome DMs (F20, F21).
    await runAbsenceRound(deps);
    await runGreetingsRound(deps);
    await runWelcomeRound(deps);
    // Brand posts whose time has come (scheduled posts, status posts, greetings) go to the publish job.
    await enqueueDueScheduledPosts(deps);
    // Resolved incidents whose answers are not all queued yet (their job was lost) get it again.
    await enqueueUnansweredIncidents(deps);
    // Satisfaction DMs for resolved cases, and the ratings customers send back (F25).
    await runSurveyRound(deps);
    // Case and message events (and breaches recorded by the SLA sweep above) go to outgoing webhooks (F29).
    await dispatchOutgoingWebhooks(deps);
  };
  return {
    tick,
    start() {
      running = true;
      const run = () => {
        tick()
          .catch((error) => deps.logger.error({ err: error }, 'scheduler round failed'))
          .finally(() => {
            if (running) timer = setTimeout(run, deps.config.pollIntervalSeconds * 1000);
          });
      };
      run();
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
