import type { AppDeps } from '../composition.ts';
import { STREAM_CHANNEL, streamChannelJob } from '../modules/channels/channel-stream.job.ts';
import { ACTIVITY_STREAM_CHANNEL, activityStreamJob } from '../modules/channels/channel-activity.job.ts';
import { POLL_CHANNEL, pollChannelJob } from '../modules/channels/channels.jobs.ts';
import { DELIVER_MESSAGE, deliverMessageJob } from '../modules/conversations/delivery/deliver-message.job.ts';
import { ENGAGE_POST, engagePostJob } from '../modules/conversations/engagement/engage-post.job.ts';
import { SEND_WELCOME_DM, sendWelcomeDmJob } from '../modules/greetings/greetings.jobs.ts';
import { PUBLISH_SCHEDULED_POST, publishScheduledPostJob } from '../modules/scheduled-posts/scheduled-posts.jobs.ts';
import { ANSWER_INCIDENT, answerIncidentJob } from '../modules/incidents/incidents.commands.ts';
import { RETRAIN_TRIAGE_MODEL, retrainTriageModelJob } from '../modules/triage/triage.jobs.ts';
import { DELIVER_OUTGOING_WEBHOOK } from '../modules/outgoing-webhooks/outgoing-webhooks.dispatch.ts';
import { deliverOutgoingWebhookJob } from '../modules/outgoing-webhooks/outgoing-webhooks.job.ts';
import type { JobWorker } from '../platform/jobs/job-queue.ts';

/** The worker role: runs queued jobs (polls, deliveries). Which job does what is declared here, in one map. */
export function buildWorker(deps: AppDeps): JobWorker {
  const pollDeps = { ...deps, dmPollIntervalMs: deps.config.dmPollIntervalSeconds * 1000 };
  return deps.jobs.createWorker(
    {
      [POLL_CHANNEL]: pollChannelJob(pollDeps),
      [STREAM_CHANNEL]: streamChannelJob(pollDeps),
      [ACTIVITY_STREAM_CHANNEL]: activityStreamJob(pollDeps),
      [DELIVER_MESSAGE]: deliverMessageJob(deps),
      [ENGAGE_POST]: engagePostJob(deps),
      [SEND_WELCOME_DM]: sendWelcomeDmJob(deps),
      [RETRAIN_TRIAGE_MODEL]: retrainTriageModelJob(deps),
      [PUBLISH_SCHEDULED_POST]: publishScheduledPostJob(deps),
      [ANSWER_INCIDENT]: answerIncidentJob(deps),
      [DELIVER_OUTGOING_WEBHOOK]: deliverOutgoingWebhookJob(deps),
    },
    deps.logger.child({ role: 'worker' }),
  );
}
