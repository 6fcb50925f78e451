import type { InboundItem } from '@guichet/connectors';
import type { Classifier } from '../../triage/classifier.ts';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { IngestResult, InboundPage, PageContext } from './page.ts';

/** A group's context before the first stage (the test kit builds one the same way). */
export function newGroupContext(
  tx: DbOrTx,
  pages: readonly InboundPage[],
  now: number,
  classifier: Classifier,
): PageContext {
  const pageOf = new Map<InboundItem, number>();
  const items: InboundItem[] = [];
  pages.forEach((page, index) => {
    for (const item of page.items) {
      // The same object handed in twice (one post in two pages) is copied: each occurrence keeps its page.
      const own = pageOf.has(item) ? { ...item } : item;
      pageOf.set(own, index);
      items.push(own);
    }
  });
  return {
    tx,
    pages,
    channel: pages[0]!.channel,
    now,
    classifier,
    pageOf,
    items,
    duplicates: [],
    echoes: [],
    filtered: [],
    identities: new Map(),
    conversations: new Map(),
    newConversations: [],
    messageIdByExternal: new Map(),
    drafts: new Map(),
    newLinks: [],
    entries: [],
    ruleEffects: [],
    ruleFailures: new Map(),
    rulesRecovered: [],
    events: [],
  };
}

/** A single page's context (the test kit's stage tests). */
export const newPageContext = (tx: DbOrTx, page: InboundPage, now: number, classifier: Classifier) =>
  newGroupContext(tx, [page], now, classifier);

/**
 * Each page's own result, out of the context its group shared: every item (stored, duplicate, echo,
 * filtered) counts for the page it came in, a case for each page whose items touched it, a rule effect for
 * the page of the message it acted on. A rule set aside was set aside for the whole transaction: every page
 * that had messages for the rules reports it.
 */
export function pageResults(ctx: PageContext): IngestResult[] {
  const results: IngestResult[] = ctx.pages.map(() => ({
    stored: 0,
    duplicates: 0,
    echoes: 0,
    filtered: 0,
    changedCaseIds: [],
    ruleEffects: 0,
    failingRules: [],
  }));
  const resultOf = (item: InboundItem) => results[ctx.pageOf.get(item)!]!;
  for (const item of ctx.duplicates) resultOf(item).duplicates += 1;
  for (const item of ctx.echoes) resultOf(item).echoes += 1;
  for (const { item } of ctx.filtered) resultOf(item).filtered += 1;

  const pagesOfCase = new Map<string, Set<IngestResult>>();
  const resultOfMessage = new Map<string, IngestResult>();
  for (const entry of ctx.entries) {
    const result = resultOf(entry.item);
    result.stored += 1;
    resultOfMessage.set(entry.messageId, result);
    const pages = pagesOfCase.get(entry.draft.id) ?? new Set();
    pagesOfCase.set(entry.draft.id, pages.add(result));
  }
  // In the drafts' order, as when a page went alone: each case its messages touched (added to, or reopened).
  for (const draft of ctx.drafts.values()) {
    for (const result of pagesOfCase.get(draft.id) ?? []) result.changedCaseIds.push(draft.id);
  }
  for (const effect of ctx.ruleEffects) {
    if (!ctx.ruleFailures.has(effect.ruleId)) resultOfMessage.get(effect.messageId)!.ruleEffects += 1;
  }
  const failingRules = [...ctx.ruleFailures].map(([ruleId, error]) => ({ ruleId, error }));
  for (const result of results) if (result.stored > 0) result.failingRules = failingRules;
  return results;
}
