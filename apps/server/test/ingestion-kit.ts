import type { InboundItem } from '@guichet/connectors';
import type { DbOrTx } from '../src/platform/db/database.ts';
import type { NewRow } from '../src/platform/db/schema.ts';
import { newId } from '../src/platform/ids.ts';
import type { InboundPage, PageContext } from '../src/modules/conversations/ingestion/page.ts';
import { ingestPage, newPageContext, STAGES } from '../src/modules/conversations/ingestion/pipeline.ts';
import type { Classifier } from '../src/modules/triage/classifier.ts';
import type { Classification } from '../src/modules/triage/triage.models.ts';
import type { StorageFixture } from './factories.ts';

/** A classifier that needs no model: English complaints, and counts how often it was asked. */
export function countingClassifier(): Classifier & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    classify(text: string): Classification {
      calls.push(text);
      const outage = /panne|outage/i.test(text);
      return {
        type: outage ? 'complaint' : 'question',
        sentiment: outage ? 'negative' : 'neutral',
        language: /bonjour|panne/i.test(text) ? 'fr' : 'en',
        urgency: outage ? ['outage'] : [],
        scores: {
          type: { complaint: outage ? 1 : 0, question: outage ? 0 : 1, praise: 0, other: 0 },
          sentiment: { negative: outage ? 1 : 0, neutral: outage ? 0 : 1, positive: 0 },
          language: 1,
        },
      };
    },
  };
}

/** A fresh page context on the fixture's channel, as `ingestPage` builds it. */
export function pageContext(
  f: StorageFixture,
  tx: DbOrTx,
  items: InboundItem[],
  page: Partial<InboundPage> = {},
  classifier: Classifier = countingClassifier(),
): PageContext {
  return newPageContext(
    tx,
    { channel: f.channel, feed: 'mentions', items, ...page },
    f.clock.now().getTime(),
    classifier,
  );
}

/** The items as one mentions page of the fixture's channel, through the whole pipeline. */
export const ingestItems = (f: StorageFixture, items: InboundItem[]) =>
  ingestPage(
    { db: f.database.db, clock: f.clock, classifier: countingClassifier() },
    { channel: f.channel, feed: 'mentions', items },
  );

/** Runs the stages in pipeline order from `first` (default: the first) up to and including `last`. */
export async function runStagesThrough(ctx: PageContext, last: string, first = STAGES[0]!.name): Promise<void> {
  const from = STAGES.findIndex((s) => s.name === first);
  const to = STAGES.findIndex((s) => s.name === last);
  if (from < 0 || to < from) throw new Error(`no stages from ${first} to ${last}`);
  for (const stage of STAGES.slice(from, to + 1)) {
    if (stage.needsItems && ctx.items.length === 0) continue;
    await stage.run(ctx);
  }
}

/**
 * A rule row as the rules screen stores it, on `message.received` when the text has `word`, created by the
 * fixture's agent: stage and queue tests insert it directly (its actions may name what no longer exists).
 */
export async function wordRuleRow(
  f: StorageFixture,
  rule: { name: string; position: number; word: string; actions: unknown[] },
): Promise<NewRow<'rules'>> {
  const agentId = (await f.database.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
  const now = f.clock.now().getTime();
  return {
    id: newId(now),
    workspace_id: f.workspaceId,
    name: rule.name,
    event: 'message.received',
    conditions: JSON.stringify([{ kind: 'words', value: { any: [rule.word] } }]),
    actions: JSON.stringify({ list: rule.actions, stop: false }),
    position: rule.position,
    enabled: 1,
    created_by: agentId,
    created_at: now,
    updated_at: now,
    failing_since: null,
    last_error: null,
  };
}
