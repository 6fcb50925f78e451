import type { DbOrTx } from '../../platform/db/database.ts';
import { computeDailyFacts, DAY_MS, type Facts } from './report-facts.ts';

/**
 * Report roll-ups: the facts of each whole UTC day, stored once in report_days and kept exact through the
 * event log, which every change writes in its own transaction. Before a report is read, the events since the
 * watermark name the cases and posts that changed; the days those cases were opened and those posts were
 * written are dropped, and computed again from the source when next read. A day is stored only once the
 * event log has moved past its end (by the margin), so a day still being written is always read directly.
 *
 * The margin: a transaction that records an event at time t and commits a little later is still seen, as
 * each refresh rereads the last MARGIN_MS of events (dropping a day twice costs one recomputation).
 */
const MARGIN_MS = 10 * 60_000;
const CHUNK = 500;

/** Stamp of the business hours the business-time figures of a stored day were counted with. */
async function hoursVersion(db: DbOrTx, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('business_hours')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('latest')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}:${Number(row?.latest ?? 0)}`;
}

/** Applies the events recorded since the last refresh; returns how far the event log goes. */
export async function refreshRollups(db: DbOrTx, workspaceId: string): Promise<number> {
  const state = await db
    .selectFrom('report_rollup_state')
    .select('events_after')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!state) {
    // Nothing stored yet, so nothing can be stale: start from the end of the log.
    const latest = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('occurred_at').as('latest'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    const mark = Number(latest?.latest ?? 0);
    await db
      .insertInto('report_rollup_state')
      .values({ workspace_id: workspaceId, events_after: mark })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    return mark;
  }
  const after = Number(state.events_after);
  const events = await db
    .selectFrom('events')
    .select(['case_id', 'subject_id', 'occurred_at'])
    .where('workspace_id', '=', workspaceId)
    .where('occurred_at', '>', after - MARGIN_MS)
    .execute();
  if (events.length === 0) return after;

  const caseIds = [...new Set(events.map((e) => e.case_id).filter((id): id is string => id !== null))];
  const subjectIds = [...new Set(events.map((e) => e.subject_id).filter((id): id is string => id !== null))];
  const days = new Set<number>();
  const dayOf = (at: unknown) => Math.floor(Number(at) / DAY_MS) * DAY_MS;
  for (let i = 0; i < caseIds.length; i += CHUNK) {
    const chunk = caseIds.slice(i, i + CHUNK);
    const opened = await db.selectFrom('cases').select('opened_at').where('id', 'in', chunk).execute();
    for (const r of opened) days.add(dayOf(r.opened_at));
    // The case's posts: a reply changes the next-response wait of the customer post before it.
    const posts = await db
      .selectFrom('case_conversations')
      .innerJoin('messages', 'messages.conversation_id', 'case_conversations.conversation_id')
      .select('messages.created_at')
      .where('case_conversations.case_id', 'in', chunk)
      .execute();
    for (const r of posts) days.add(dayOf(r.created_at));
  }
  for (let i = 0; i < subjectIds.length; i += CHUNK) {
    const posts = await db
      .selectFrom('messages')
      .select('created_at')
      .where('id', 'in', subjectIds.slice(i, i + CHUNK))
      .execute();
    for (const r of posts) days.add(dayOf(r.created_at));
  }
  const stale = [...days];
  for (let i = 0; i < stale.length; i += CHUNK) {
    await db
      .deleteFrom('report_days')
      .where('workspace_id', '=', workspaceId)
      .where('day', 'in', stale.slice(i, i + CHUNK))
      .execute();
  }
  const mark = Math.max(after, ...events.map((e) => Number(e.occurred_at)));
  await db
    .updateTable('report_rollup_state')
    .set({ events_after: mark })
    .where('workspace_id', '=', workspaceId)
    .execute();
  return mark;
}

/** Facts to add (sign 1) or take away (sign −1). */
export interface SignedFacts {
  facts: Facts;
  sign: 1 | -1;
}

/**
 * The facts of [from, to). Whole days come from report_days (computed and stored when missing). A partial
 * day at either end is computed directly when it covers at most half the day, else it is the stored day
 * less the hours outside the period, so no more than 12 hours are ever read from the source per end.
 * Days the event log has not moved past yet are computed directly. `rollups: false` computes everything
 * directly (tests and the benchmark compare the two).
 */
export async function factsForRange(
  db: DbOrTx,
  workspaceId: string,
  from: number,
  to: number,
  options: { rollups?: boolean } = {},
): Promise<SignedFacts[]> {
  const direct = async (a: number, b: number, sign: 1 | -1): Promise<SignedFacts[]> =>
    [...(await computeDailyFacts(db, workspaceId, a, b)).values()].map((facts) => ({ facts, sign }));
  if (options.rollups === false) return direct(from, to, 1);
  const logEnd = await refreshRollups(db, workspaceId);
  const storableEnd = Math.floor((logEnd - MARGIN_MS) / DAY_MS) * DAY_MS;

  const days: number[] = [];
  const spans: [number, number, 1 | -1][] = [];
  const span = (a: number, b: number, sign: 1 | -1) => {
    const last = spans[spans.length - 1];
    if (last && last[1] === a && last[2] === sign) last[1] = b;
    else spans.push([a, b, sign]);
  };
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const a = Math.max(from, day);
    const b = Math.min(to, day + DAY_MS);
    if (day + DAY_MS > storableEnd || (b - a < DAY_MS && b - a <= DAY_MS / 2)) {
      span(a, b, 1);
      continue;
    }
    days.push(day);
    if (a > day) span(day, a, -1);
    if (b < day + DAY_MS) span(b, day + DAY_MS, -1);
  }

  const out: SignedFacts[] = [];
  for (const [a, b, sign] of spans) out.push(...(await direct(a, b, sign)));
  if (days.length === 0) return out;

  const version = await hoursVersion(db, workspaceId);
  const stored = await db
    .selectFrom('report_days')
    .select(['day', 'facts', 'hours_version'])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', days[0]!)
    .where('day', '<=', days[days.length - 1]!)
    .execute();
  const wanted = new Set(days);
  const have = new Set<number>();
  for (const row of stored) {
    const day = Number(row.day);
    if (row.hours_version !== version || !wanted.has(day)) continue;
    have.add(day);
    out.push({ facts: JSON.parse(row.facts) as Facts, sign: 1 });
  }
  // Missing days, computed run by run (one pass per run, not per day) and stored, empty days included.
  const missing = days.filter((day) => !have.has(day));
  let i = 0;
  while (i < missing.length) {
    let j = i + 1;
    while (j < missing.length && missing[j] === missing[j - 1]! + DAY_MS) j++;
    const runStart = missing[i]!;
    const runEnd = missing[j - 1]! + DAY_MS;
    const computed = await computeDailyFacts(db, workspaceId, runStart, runEnd);
    const rows: { workspace_id: string; day: number; facts: string; hours_version: string; computed_at: number }[] = [];
    for (let day = runStart; day < runEnd; day += DAY_MS) {
      const facts = computed.get(day) ?? {};
      out.push({ facts, sign: 1 });
      // The event log's end when computed (no wall clock here: it only tells how fresh the row was).
      rows.push({
        workspace_id: workspaceId,
        day,
        facts: JSON.stringify(facts),
        hours_version: version,
        computed_at: logEnd,
      });
    }
    for (let k = 0; k < rows.length; k += 100) {
      await db
        .insertInto('report_days')
        .values(rows.slice(k, k + 100))
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'day']).doUpdateSet((eb) => ({
            facts: eb.ref('excluded.facts'),
            hours_version: eb.ref('excluded.hours_version'),
            computed_at: eb.ref('excluded.computed_at'),
          })),
        )
        .execute();
    }
    i = j;
  }
  return out;
}
