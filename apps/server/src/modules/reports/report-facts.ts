import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import { businessTimeBetween, type BusinessCalendar } from '../business-hours/business-time.ts';
import { bucketOf, bucketOfMs } from './durations.ts';

/**
 * The facts a report is made of, for the cases opened and the posts written in a span, per channel.
 * Everything in here can be added up (and subtracted): counts, and duration histograms at the fixed
 * resolution of durations.ts (6 s under 1 h, 1 min under 24 h, 1 h beyond) with the exact sum of their
 * durations. A report adds up the facts of its whole UTC days (stored in report_days) and of its partial
 * edge days, so it is exactly what one pass over the period would give.
 */
export const SLOT_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

/** A duration histogram: `c` is [bucket, count, bucket, count…], `s` the exact sum of the durations (ms). */
export interface Hist {
  s: number;
  c: number[];
}

/** Key of "no agent" / "no team" in the records below. */
export const NONE = '';

export interface ChannelFacts {
  /** Per assignee: [type, priority, team, opened, needing an answer, of those answered, resolved] */
  groups: Record<string, [string | null, number | null, string | null, number, number, number, number][]>;
  /** First response from opening, per assignee and per team. */
  firstByAgent: Record<string, Hist>;
  firstByTeam: Record<string, Hist>;
  /** First response counted in business hours (the case's team's hours, else the workspace's). */
  firstBusiness: Hist;
  resolution: Hist;
  /** Next response, attributed to the customer post that waited. */
  next: Hist;
  /** [15-minute slot since the epoch, cases opened, of those answered, …] */
  slots: number[];
  /** Per author agent: [direction, sentiment, language, posts] */
  posts: Record<string, [string, string | null, string | null, number][]>;
  /** [cases reopened at least once, of those not resolved now] */
  reopen: [number, number];
  /** SLA clocks of the cases: [slot of the case's opening, metric, priority, clocks, met, breached] */
  sla: [number, string, number, number, number, number][];
}

/** channel id → facts */
export type Facts = Record<string, ChannelFacts>;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const key = (value: unknown): string => (value === null || value === undefined ? NONE : String(value));

export function emptyChannelFacts(): ChannelFacts {
  return {
    groups: {},
    firstByAgent: {},
    firstByTeam: {},
    firstBusiness: { s: 0, c: [] },
    resolution: { s: 0, c: [] },
    next: { s: 0, c: [] },
    slots: [],
    posts: {},
    reopen: [0, 0],
    sla: [],
  };
}

function addTo(h: Hist, bucket: number, count: number, sum: number): void {
  h.c.push(bucket, count);
  h.s += sum;
}

// Literals, not parameters: SQLite binds a JavaScript number as a real, and the division must be integral.
const DAY_LITERAL = sql.lit(DAY_MS);
const SLOT_LITERAL = sql.lit(SLOT_MS);

const needsAnswer = sql`(last_inbound_at is not null and (type is null or type <> 'praise'))`;

/**
 * Computes the facts of [from, to) from the cases, posts, events and SLA clocks, per UTC day (start of the
 * day, ms → facts; days with nothing are absent). One pass per kind of fact over the whole span.
 */
export async function computeDailyFacts(
  db: DbOrTx,
  workspaceId: string,
  from: number,
  to: number,
): Promise<Map<number, Facts>> {
  const byDay = new Map<number, Facts>();
  const of = (dayNumber: unknown, channelId: unknown): ChannelFacts => {
    const day = Math.floor(num(dayNumber)) * DAY_MS;
    let facts = byDay.get(day);
    if (!facts) byDay.set(day, (facts = {}));
    return (facts[String(channelId)] ??= emptyChannelFacts());
  };
  const openedDay = sql`opened_at / ${DAY_LITERAL}`;
  const scope = sql`workspace_id = ${workspaceId} and opened_at >= ${from} and opened_at < ${to}`;

  const groups = await sql<Record<string, unknown>>`
    select ${openedDay} as d, channel_id, type, priority, assignee_agent_id as agent, team_id as team,
      count(*) as opened,
      sum(case when ${needsAnswer} then 1 else 0 end) as needing,
      sum(case when ${needsAnswer} and first_response_at is not null then 1 else 0 end) as answered,
      sum(case when resolved_at is not null then 1 else 0 end) as resolved
    from cases where ${scope}
    group by 1, channel_id, type, priority, assignee_agent_id, team_id`.execute(db);
  for (const r of groups.rows) {
    const f = of(r.d, r.channel_id);
    (f.groups[key(r.agent)] ??= []).push([
      (r.type as string | null) ?? null,
      numOrNull(r.priority),
      (r.team as string | null) ?? null,
      num(r.opened),
      num(r.needing),
      num(r.answered),
      num(r.resolved),
    ]);
  }

  const firstHistogram = (by: 'assignee_agent_id' | 'team_id') => sql<Record<string, unknown>>`
    select ${openedDay} as d, channel_id, ${sql.ref(by)} as k,
      ${bucketOf(sql`first_response_at - opened_at`)} as b, count(*) as n, sum(first_response_at - opened_at) as s
    from cases where ${scope} and first_response_at is not null
    group by 1, channel_id, ${sql.ref(by)}, 4`;
  for (const r of (await firstHistogram('assignee_agent_id').execute(db)).rows) {
    addTo((of(r.d, r.channel_id).firstByAgent[key(r.k)] ??= { s: 0, c: [] }), num(r.b), num(r.n), num(r.s));
  }
  for (const r of (await firstHistogram('team_id').execute(db)).rows) {
    addTo((of(r.d, r.channel_id).firstByTeam[key(r.k)] ??= { s: 0, c: [] }), num(r.b), num(r.n), num(r.s));
  }

  // Business time needs the calendar arithmetic of business-time.ts, so it is counted here rather than in
  // SQL. Without any business hours it is the clock time: the histogram is the one just read.
  const hours = await db
    .selectFrom('business_hours')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (num(hours?.n) === 0) {
    for (const facts of byDay.values()) {
      for (const f of Object.values(facts)) {
        for (const h of Object.values(f.firstByAgent)) {
          f.firstBusiness.c.push(...h.c);
          f.firstBusiness.s += h.s;
        }
      }
    }
  } else {
    const answered = await db
      .selectFrom('cases')
      .select(['channel_id', 'team_id', 'opened_at', 'first_response_at'])
      .where('workspace_id', '=', workspaceId)
      .where('opened_at', '>=', from)
      .where('opened_at', '<', to)
      .where('first_response_at', 'is not', null)
      .execute();
    const calendars = new Map<string | null, BusinessCalendar | null>();
    for (const r of answered) {
      const team = r.team_id ?? null;
      if (!calendars.has(team)) calendars.set(team, await calendarFor(db, workspaceId, team));
      const ms = businessTimeBetween(calendars.get(team)!, num(r.opened_at), num(r.first_response_at));
      addTo(of(num(r.opened_at) / DAY_MS, r.channel_id).firstBusiness, bucketOfMs(ms), 1, ms);
    }
  }

  const resolution = await sql<Record<string, unknown>>`
    select ${openedDay} as d, channel_id, ${bucketOf(sql`resolved_at - opened_at`)} as b, count(*) as n,
      sum(resolved_at - opened_at) as s
    from cases where ${scope} and resolved_at is not null
    group by 1, channel_id, 3`.execute(db);
  for (const r of resolution.rows) addTo(of(r.d, r.channel_id).resolution, num(r.b), num(r.n), num(r.s));

  // A customer post starts a wait when the post before it in the thread (received, or a reply that reached
  // the network) was the brand's; the wait ends at the brand's next reply. Two index lookups per post.
  const next = await sql<Record<string, unknown>>`
    select created_at / ${DAY_LITERAL} as d, channel_id, ${bucketOf(sql`next_out - created_at`)} as b, count(*) as n,
      sum(next_out - created_at) as s
    from (
      select m.channel_id, m.created_at,
        (select p.direction from messages p
          where p.conversation_id = m.conversation_id and p.created_at < m.created_at
            and (p.direction = 'inbound' or p.delivery_status = 'sent')
          order by p.created_at desc limit 1) as previous_direction,
        (select min(o.created_at) from messages o
          where o.conversation_id = m.conversation_id and o.created_at > m.created_at
            and o.direction = 'outbound' and o.delivery_status = 'sent') as next_out
      from messages m
      where m.workspace_id = ${workspaceId} and m.created_at >= ${from} and m.created_at < ${to}
        and m.direction = 'inbound'
    ) waits
    where previous_direction = 'outbound' and next_out is not null
    group by 1, channel_id, 3`.execute(db);
  for (const r of next.rows) addTo(of(r.d, r.channel_id).next, num(r.b), num(r.n), num(r.s));

  const slots = await sql<Record<string, unknown>>`
    select channel_id, opened_at / ${SLOT_LITERAL} as slot, count(*) as n,
      sum(case when first_response_at is not null then 1 else 0 end) as answered
    from cases where ${scope}
    group by channel_id, 2`.execute(db);
  for (const r of slots.rows) {
    const slot = Math.floor(num(r.slot));
    of((slot * SLOT_MS) / DAY_MS, r.channel_id).slots.push(slot, num(r.n), num(r.answered));
  }

  const posts = await sql<Record<string, unknown>>`
    select created_at / ${DAY_LITERAL} as d, channel_id, direction, sentiment, lang, author_agent_id as agent,
      count(*) as n
    from messages
    where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to}
    group by 1, channel_id, direction, sentiment, lang, author_agent_id`.execute(db);
  for (const r of posts.rows) {
    (of(r.d, r.channel_id).posts[key(r.agent)] ??= []).push([
      String(r.direction),
      (r.sentiment as string | null) ?? null,
      (r.lang as string | null) ?? null,
      num(r.n),
    ]);
  }

  // A reopen always follows the opening, so "reopened at least once" needs no time bound on the event.
  const reopen = await sql<Record<string, unknown>>`
    select ${openedDay} as d, channel_id, count(*) as reopened,
      sum(case when resolved_at is null then 1 else 0 end) as unresolved
    from cases c where c.workspace_id = ${workspaceId} and c.opened_at >= ${from} and c.opened_at < ${to}
      and exists (select 1 from events e where e.case_id = c.id and e.type = 'case.reopened')
    group by 1, channel_id`.execute(db);
  for (const r of reopen.rows) of(r.d, r.channel_id).reopen = [num(r.reopened), num(r.unresolved)];

  // Met: stopped before its due time; breached: went past it (even if stopped since). Running clocks not
  // yet due are neither.
  const sla = await sql<Record<string, unknown>>`
    select c.channel_id, c.opened_at / ${SLOT_LITERAL} as slot, k.metric, k.priority, count(*) as n,
      sum(case when k.stopped_at is not null and k.breached_at is null then 1 else 0 end) as met,
      sum(case when k.breached_at is not null then 1 else 0 end) as breached
    from sla_clocks k join cases c on c.id = k.case_id
    where c.workspace_id = ${workspaceId} and c.opened_at >= ${from} and c.opened_at < ${to}
    group by c.channel_id, 2, k.metric, k.priority`.execute(db);
  for (const r of sla.rows) {
    const slot = Math.floor(num(r.slot));
    of((slot * SLOT_MS) / DAY_MS, r.channel_id).sla.push([
      slot,
      String(r.metric),
      num(r.priority),
      num(r.n),
      num(r.met),
      num(r.breached),
    ]);
  }
  return byDay;
}
