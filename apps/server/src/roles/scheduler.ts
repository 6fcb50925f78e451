import { hostname } from 'node:os';
import type { AppDeps } from '../composition.ts';
import { runAbsenceRound } from '../modules/absence/absence.jobs.ts';
import { foldCaseCountDeltas } from '../modules/cases/cases.counters.ts';
import { wakeDueSnoozes } from '../modules/cases/cases.workflow.ts';
import { POLL_CHANNEL } from '../modules/channels/channels.jobs.ts';
import { parseChannelSettings } from '../modules/channels/channel-settings.ts';
import { STREAM_CHANNEL } from '../modules/channels/channel-stream.job.ts';
import { ACTIVITY_STREAM_CHANNEL } from '../modules/channels/channel-activity.job.ts';
import { deliveryPathOf } from '../modules/channels/channel-delivery.ts';
import { listPollableChannels } from '../modules/channels/channels.repository.ts';
import { runGreetingsRound, runWelcomeRound } from '../modules/greetings/greetings.jobs.ts';
import { enqueueUnansweredIncidents } from '../modules/incidents/incidents.commands.ts';
import { enqueueDueScheduledPosts } from '../modules/scheduled-posts/scheduled-posts.jobs.ts';
import { scheduleTriageRetrains } from '../modules/triage/triage.schedule.ts';
import { dispatchOutgoingWebhooks } from '../modules/outgoing-webhooks/outgoing-webhooks.dispatch.ts';
import { runSlaSweep } from '../modules/sla/sla.sweep.ts';
import { runSurveyRound } from '../modules/surveys/surveys.jobs.ts';
import { newId } from '../platform/ids.ts';
import { LeaderElection } from '../platform/leases.ts';

export interface Scheduler {
  /** One round: enqueue what is due now. Exposed so tests can drive rounds with a manual clock. */
  tick(): Promise<void>;
  /** Runs rounds while this process leads the schedulers (a lease row: one leader among all processes). */
  start(): void;
  /** Stops the rounds and hands leadership over at once. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

/** The lease row naming the one scheduler process whose rounds run. */
export const SCHEDULER_LEASE = 'scheduler';

type PollableChannel = Awaited<ReturnType<typeof listPollableChannels>>[number];

/** The jobs a channel needs kept pending; each dedupe key keeps one per channel, however many schedulers run. */
function channelJobs(deps: AppDeps, channel: PollableChannel) {
  const jobs = [{ name: POLL_CHANNEL, payload: { channelId: channel.id }, dedupeKey: `poll:${channel.id}` }];
  if (!deps.config.streaming) return jobs;
  const settings = parseChannelSettings(channel.settings);
  // One stream connection per channel: X allows a single one.
  if (settings.streaming) {
    jobs.push({ name: STREAM_CHANNEL, payload: { channelId: channel.id }, dedupeKey: `stream:${channel.id}` });
  }
  // The channel's X Activity API stream: one leased connection, like the filtered stream (decision 0012).
  if (deliveryPathOf(settings) === 'xaa' && settings.xaaDelivery === 'stream') {
    jobs.push({
      name: ACTIVITY_STREAM_CHANNEL,
      payload: { channelId: channel.id },
      dedupeKey: `activity:${channel.id}`,
    });
  }
  return jobs;
}

/** The feeds' round: every pollable channel's poll and stream jobs. */
async function enqueueChannelJobs(deps: AppDeps): Promise<void> {
  const channels = await listPollableChannels(deps.db);
  for (const channel of channels) {
    for (const job of channelJobs(deps, channel)) await deps.jobs.enqueue(job);
  }
  if (channels.length > 0) deps.jobs.notify();
}

/** The other round: everything due by the clock, in the order one step's output feeds the next. */
async function housekeeping(deps: AppDeps): Promise<void> {
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
  // Triage retrains by itself: after every N new labels and nightly (issue 17); the job decides the switch.
  if ((await scheduleTriageRetrains(deps)) > 0) deps.jobs.notify();
}

interface RoundLoop {
  work: () => Promise<void>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Loops that each wait a poll interval after their last round. Two of them, the feeds' jobs and the rest:
 * the rest (the SLA sweep applies every new event, one transaction each) can take many seconds under load,
 * and polls waited behind it: at 100 posts/s, a poll every ~20 s, 500 posts a time (npm run load, issue 15).
 */
function roundLoops(deps: AppDeps, isLeader: () => boolean, works: (() => Promise<void>)[]) {
  let running = false;
  const loops: RoundLoop[] = works.map((work) => ({ work, timer: undefined }));
  const runLoop = (loop: RoundLoop) => {
    clearTimeout(loop.timer);
    loop.timer = undefined;
    const round = isLeader() ? loop.work() : Promise.resolve();
    round
      .catch((error) => deps.logger.error({ err: error }, 'scheduler round failed'))
      .finally(() => {
        if (running) {
          clearTimeout(loop.timer);
          loop.timer = setTimeout(() => runLoop(loop), deps.config.pollIntervalSeconds * 1000);
        }
      });
  };
  return {
    isRunning: () => running,
    run: () => loops.forEach(runLoop),
    setRunning(value: boolean) {
      running = value;
      if (!value) for (const loop of loops) clearTimeout(loop.timer);
    },
  };
}

/** The scheduler role: decides when work is due and enqueues it; the workers do it. */
export function buildScheduler(deps: AppDeps): Scheduler {
  // SQLite is a one-machine desk whose rounds were always safe to run twice (dedupe keys, compare-and-sets):
  // no election there, so a restarted process does not wait for its own dead lease.
  const elected = deps.database.dialect === 'postgres';
  const election = new LeaderElection({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    name: SCHEDULER_LEASE,
    holder: `${hostname()}:${process.pid}:${newId()}`,
    leaseMs: deps.config.leaderLeaseSeconds * 1000,
    // A new leader runs a round at once instead of waiting for the next poll interval.
    onChange: (leader) => {
      if (leader && loops.isRunning()) loops.run();
    },
  });
  const isLeader = () => !elected || election.isLeader();
  const loops = roundLoops(deps, isLeader, [() => enqueueChannelJobs(deps), () => housekeeping(deps)]);
  return {
    async tick() {
      await enqueueChannelJobs(deps);
      await housekeeping(deps);
    },
    isLeader,
    start() {
      loops.setRunning(true);
      if (elected) election.start();
      else loops.run();
    },
    async stop() {
      loops.setRunning(false);
      await election.stop();
    },
  };
}
