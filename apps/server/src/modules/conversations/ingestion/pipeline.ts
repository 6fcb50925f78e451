import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.ts';
import { retryOnConflict, type Db } from '../../../platform/db/database.ts';
import type { Metrics } from '../../../platform/metrics.ts';
import type { RealtimeBus } from '../../../platform/realtime.ts';
import type { Classifier } from '../../triage/classifier.ts';
import { workspaceClassifier } from '../../triage/triage.workspace-model.ts';
import { ingestQueueOf } from './ingest-queue.ts';
import type { IngestResult, InboundPage, PageContext } from './page.ts';
import { newGroupContext, pageResults } from './group.ts';
import { attachToCases } from './stages/cases.ts';
import { resolveContacts } from './stages/contacts.ts';
import { dropEchoesAndDuplicates } from './stages/echoes-duplicates.ts';
import { recordEventsAndCursor } from './stages/events-cursor.ts';
import { sortNoiseAndSignals } from './stages/noise-signals.ts';
import { normalise } from './stages/normalise.ts';
import { planRules } from './stages/rules.ts';
import { store } from './stages/store.ts';
import { assignRoundRobin } from './stages/round-robin.ts';
import { thread } from './stages/threading.ts';
import { triage } from './stages/triage.ts';

export type { IngestResult, InboundPage, PageSignal } from './page.ts';
export { newGroupContext, newPageContext } from './group.ts';

export interface Stage {
  name: string;
  run(ctx: PageContext): Promise<void>;
  /** Skipped once no item is left to store (the page still records its noise, signals and cursor). */
  needsItems: boolean;
}

/** The named stages, in order. Each is a short function in stages/ with its own tests. */
export const STAGES: readonly Stage[] = [
  { name: 'normalise', run: normalise, needsItems: false },
  { name: 'echoes and duplicates', run: dropEchoesAndDuplicates, needsItems: false },
  { name: 'noise and signals', run: sortNoiseAndSignals, needsItems: false },
  { name: 'contacts', run: resolveContacts, needsItems: true },
  { name: 'threading', run: thread, needsItems: true },
  { name: 'cases', run: attachToCases, needsItems: true },
  { name: 'triage', run: triage, needsItems: true },
  { name: 'rules', run: planRules, needsItems: true },
  { name: 'store', run: store, needsItems: true },
  { name: 'round-robin', run: assignRoundRobin, needsItems: true },
  { name: 'events and cursor', run: recordEventsAndCursor, needsItems: false },
];

/** Milliseconds spent per stage (and in `begin`/`commit`), summed over pages: what bench:ingest prints. */
export type StageTimings = Map<string, number>;

export interface IngestDeps {
  db: Db;
  clock: Clock;
  classifier?: Classifier | undefined;
  realtime?: RealtimeBus | undefined;
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
  timings?: StageTimings | undefined;
}

const add = (timings: StageTimings | undefined, name: string, since: number) =>
  timings?.set(name, (timings.get(name) ?? 0) + performance.now() - since);

/**
 * The one entry point of inbound work: every path (poll, filtered stream, Account Activity webhook) hands
 * its page here. Pages of one channel are committed one transaction at a time, several together when they
 * come while one runs (group commit, see ingest-queue.ts). Resolves with this page's own result.
 */
export function ingestPage(deps: IngestDeps, page: InboundPage): Promise<IngestResult> {
  return ingestQueueOf(deps.db, ingestPages).submit(deps, page);
}

/**
 * One channel's pages, in ONE transaction: their items go through the stages together, and everything —
 * the items, their cases, the rules' effects, the events and each feed's cursor — commits together or not
 * at all, so a crash at any point neither loses nor repeats anything. After commit: realtime `case.changed`
 * for each case touched, and the ingestion metric. One result per page, in order.
 */
export async function ingestPages(deps: IngestDeps, pages: InboundPage[]): Promise<IngestResult[]> {
  const { channel } = pages[0]!;
  const { timings } = deps;
  let started = performance.now();
  const now = deps.clock.now().getTime();
  // Loaded before the transaction opens (cached per process), so no transaction waits on it.
  const classifier = deps.classifier ?? (await workspaceClassifier(deps.db, channel.workspace_id)).classifier;
  // Pages the database aborted as a deadlock's victim were rolled back whole: they are stored again.
  const ctx = await retryOnConflict(() =>
    deps.db.transaction().execute(async (tx) => {
      // One transaction at a time per channel: a webhook delivery, a poll and a stream can bring one
      // customer's post and DM at the same moment, and two transactions that both see "no open case" would
      // open two. Writing the channel row takes its lock on PostgreSQL (SQLite runs one writer at a time),
      // which also holds across processes. (Not `set id = id`: SQLite would check every referencing table.)
      await tx
        .updateTable('channels')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', channel.id)
        .execute();
      add(timings, 'begin', started);
      const context = newGroupContext(tx, pages, now, classifier);
      context.timings = timings;
      for (const stage of STAGES) {
        if (stage.needsItems && context.items.length === 0) continue;
        started = performance.now();
        await stage.run(context);
        add(timings, stage.name, started);
      }
      started = performance.now();
      return context;
    }),
  );
  add(timings, 'commit', started);
  afterCommit(deps, ctx);
  return pageResults(ctx);
}

function afterCommit(deps: IngestDeps, ctx: PageContext): void {
  const { channel } = ctx;
  for (const [ruleId, error] of ctx.ruleFailures) {
    deps.logger?.warn({ ruleId, error, channelId: channel.id }, 'rule set aside for this page');
  }
  deps.metrics?.messagesIngested.labels(channel.network).inc(ctx.entries.length);
  if (!deps.realtime) return;
  const updatedAt = deps.clock.now().toISOString();
  for (const draft of ctx.drafts.values()) {
    if (draft.added > 0 || draft.status !== draft.originalStatus) {
      deps.realtime.publish(channel.workspace_id, { type: 'case.changed', caseId: draft.id, updatedAt });
    }
  }
}
