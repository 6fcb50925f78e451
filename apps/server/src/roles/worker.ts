import type { AppDeps } from '../composition.ts';
import { POLL_CHANNEL, pollChannelJob } from '../modules/channels/channels.jobs.ts';
import { DELIVER_MESSAGE, deliverMessageJob } from '../modules/conversations/delivery/deliver-message.job.ts';
import type { JobWorker } from '../platform/jobs/job-queue.ts';

/** The worker role: runs queued jobs (polls, deliveries). Which job does what is declared here, in one map. */
export function buildWorker(deps: AppDeps): JobWorker {
  return deps.jobs.createWorker(
    {
      [POLL_CHANNEL]: pollChannelJob({ ...deps, dmPollIntervalMs: deps.config.dmPollIntervalSeconds * 1000 }),
      [DELIVER_MESSAGE]: deliverMessageJob(deps),
    },
    deps.logger.child({ role: 'worker' }),
  );
}
