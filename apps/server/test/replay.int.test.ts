import { createManualScheduler, sharedPath, startReplay } from '@guichet/x-sandbox';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './test-app.ts';

/**
 * The 5,000-post Customer Support on Twitter slice (read from ../shared at test time; non-commercial data
 * never enters the repository) played into the sandbox at 60×, and the desk taking in every post addressed
 * to the brand that stands for ours, through the filtered stream, with polling as the safety net.
 */
describe('replay of a real support history', () => {
  it(
    'plays the TWCS slice and the desk ingests every post addressed to the brand once',
    { timeout: 120_000 },
    async () => {
      const app = await createTestApp({ env: { GUICHET_STREAMING: 'true', GUICHET_POLL_INTERVAL: '3600' } });
      try {
        const sandbox = app.deps.sandbox!.instance;
        await app.scheduler.tick();
        app.worker.start();
        await expect
          .poll(async () => (await app.deps.db.selectFrom('jobs').select('name').execute()).map((j) => j.name), {
            timeout: 5000,
          })
          .toEqual(['stream-channel']);
        await new Promise((resolve) => setTimeout(resolve, 300));

        const scheduler = createManualScheduler();
        const replay = startReplay(sandbox, {
          file: sharedPath('data', 'twcs', 'twcs_head5000.csv'),
          brandUsername: 'acme_sav',
          speed: 60,
          ourReplies: false,
          scheduler,
        });
        // Virtual time at 60×: the whole slice, in chunks, letting the desk keep up between them.
        while (!replay.progress().done) {
          scheduler.advance(60_000);
          await new Promise((resolve) => setImmediate(resolve));
        }
        const progress = replay.progress();
        expect(progress.total).toBeGreaterThan(1000);

        const brand = sandbox.findUser('acme_sav')!;
        const addressed = sandbox
          .listTweets()
          .filter(
            (t) => t.authorId !== brand.id && t.entities.mentions.some((m) => m.username.toLowerCase() === 'acme_sav'),
          )
          .map((t) => t.id);
        expect(addressed.length).toBeGreaterThan(100);

        const takenIn = async () => {
          const stored = (
            await app.deps.db.selectFrom('messages').select('external_id').where('direction', '=', 'inbound').execute()
          ).map((m) => m.external_id!);
          const filtered = (
            await app.deps.db
              .selectFrom('events')
              .select('subject_id')
              .where('type', 'in', ['inbound.filtered', 'signal.reposted'])
              .execute()
          ).map((e) => e.subject_id!);
          return { stored, filtered };
        };
        await expect
          .poll(
            async () => {
              const { stored, filtered } = await takenIn();
              return stored.length + filtered.length;
            },
            { timeout: 60_000, interval: 250 },
          )
          .toBe(addressed.length);
        const { stored, filtered } = await takenIn();
        expect(new Set(stored).size).toBe(stored.length);
        expect([...stored, ...filtered].sort()).toEqual([...addressed].sort());
        console.log(
          `replay: ${progress.posted} posts played (brand ${replay.ourBrand} as @acme_sav), ${addressed.length} addressed to the brand, ` +
            `${stored.length} became messages, ${filtered.length} filtered as noise`,
        );
      } finally {
        await app.worker.stop();
        await app.close();
      }
    },
  );
});
