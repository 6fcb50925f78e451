import { parseChannelSettings } from '../../../channels/channel-settings.ts';
import { upsertIdentities } from '../../../contacts/contacts.repository.ts';
import type { EventRecord } from '../../../events/events.repository.ts';
import { filteredEvents, sortOutNoise } from '../noise.ts';
import type { PageContext } from '../page.ts';

/**
 * Stage 3 — noise and signals: reposts, tag-only posts and the channel's mute words (F4) are no work; they
 * stay on record as events (reposts of our posts are praise signals). Signals that came with the page
 * (webhooks: new followers, likes) are recorded too, a follower becoming a known contact: every page's.
 */
export async function sortNoiseAndSignals(ctx: PageContext): Promise<void> {
  const { channel, now } = ctx;
  const { work, filtered } = sortOutNoise(ctx.items, parseChannelSettings(channel.settings).muteWords);
  ctx.items = work;
  ctx.filtered = filtered;
  ctx.events.push(...(await filteredEvents(ctx.tx, channel, filtered, now)));

  const signals = ctx.pages.flatMap((page) => page.signals ?? []);
  const accounts = signals.flatMap((s) => (s.kind === 'followed' ? [s.account] : []));
  const identities = accounts.length
    ? await upsertIdentities(ctx.tx, {
        workspaceId: channel.workspace_id,
        network: channel.network,
        accounts,
        now,
      })
    : new Map();
  for (const signal of signals) {
    const base = { workspaceId: channel.workspace_id, occurredAt: now };
    if (signal.kind === 'followed') {
      const contactId: string | null = identities.get(signal.account.externalId)?.contactId ?? null;
      ctx.events.push({
        ...base,
        type: 'contact.followed',
        subjectId: contactId,
        actor: { type: 'contact', id: contactId },
        payload: { channelId: channel.id, handle: signal.account.handle },
      } satisfies EventRecord);
    } else {
      ctx.events.push({
        ...base,
        type: 'signal.liked',
        subjectId: signal.postId,
        actor: { type: 'system' },
        payload: { channelId: channel.id, by: signal.by, postId: signal.postId },
      } satisfies EventRecord);
    }
  }
}
