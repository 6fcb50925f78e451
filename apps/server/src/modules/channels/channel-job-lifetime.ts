import type { Row } from '../../platform/db/schema.ts';
import type { JobContext } from '../../platform/jobs/job-queue.ts';
import { findChannel } from './channels.repository.ts';
import type { PollDeps } from './channels.jobs.ts';

/** How often a running stream checks whether its channel was paused or its settings changed. */
const RECHECK_MS = 15_000;

/**
 * How long a channel's long-held connection (filtered stream, activity stream) lives: until the worker stops,
 * or the channel is paused, removed or its settings change — then the job ends and the scheduler starts a new
 * one with the new settings.
 */
export function untilChannelChanges(deps: PollDeps, channel: Row<'channels'>, context: JobContext): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearInterval(recheck);
      resolve();
    };
    context.signal.addEventListener('abort', done, { once: true });
    const recheck = setInterval(() => {
      findChannel(deps.db, channel.id)
        .then((now) => {
          if (!now || now.status === 'paused' || now.updated_at !== channel.updated_at) done();
        })
        .catch(() => undefined);
    }, RECHECK_MS);
    if (context.signal.aborted) done();
  });
}
