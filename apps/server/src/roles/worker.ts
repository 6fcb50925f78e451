import type { AppDeps } from '../composition.ts';
import { STREAM_CHANNEL, streamChannelJob } from '../modules/channels/channel-stream.job.ts';
import { POLL_CHANNEL, pollChannelJob } from '../modules/channels/channels.jobs.ts';
import { DELIVER_MESSAGE, deliverMessageJob } from '../modules/conversations/delivery/deliver-message.job.ts';
import { ENGAGE_POST, engagePostJob } from '../modules/conversations/engagement/engage-post.job.ts';
import type { JobWorker } from '../platform/jobs/job-queue.ts';

/** The worker role: runs queued jobs (polls, deliveries). Which job does what is declared here, in one map. */
export function buildWorker(deps: AppDeps): JobWorker {
  const pollDeps = { ...deps, dmPollIntervalMs: deps.config.dmPollIntervalSeconds * 1000 };
  return deps.jobs.createWorker(
    {
      [POLL_CHANNEL]: pollChannelJob(pollDeps),
      [STREAM_CHANNEL]: streamChannelJob(pollDeps),
      [DELIVER_MESSAGE]: deliverMessageJob(deps),
      [ENGAGE_POST]: engagePostJob(deps),
    },
    deps.logger.child({ role: 'worker' }),
  );
}
