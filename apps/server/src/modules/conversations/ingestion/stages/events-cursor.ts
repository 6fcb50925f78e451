import { writeCursor } from '../../../channels/channels.repository.ts';
import { recordEvents } from '../../../events/events.repository.ts';
import { clearRulesFailing, markRuleFailing } from '../../../rules/rules.repository.ts';
import type { PageContext } from '../page.ts';

/**
 * Stage 10 — events and cursor: the page's events in the order the stages produced them (noise and
 * signals; each case opened, linked or reopened before the message that caused it; what the rules did),
 * the rules' health (set aside → failing with the error, clean again → cleared), and each feed's cursor:
 * all in the pages' transaction, so a crash never skips or repeats a page.
 */
export async function recordEventsAndCursor(ctx: PageContext): Promise<void> {
  const { tx, channel, now } = ctx;
  await recordEvents(tx, ctx.events);
  for (const [ruleId, error] of ctx.ruleFailures) await markRuleFailing(tx, ruleId, error, now);
  await clearRulesFailing(tx, ctx.rulesRecovered);
  // Pages of one feed come in submission order: the last one's cursor is where the feed stands.
  const cursors = new Map<string, string | null>();
  for (const page of ctx.pages) if (page.nextCursor !== undefined) cursors.set(page.feed, page.nextCursor);
  for (const [feed, cursor] of cursors) await writeCursor(tx, channel.id, feed, cursor, now);
}
