import type { AgentReportRow, Report, ReportPeriod, VolumeRow } from '@guichet/contracts';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { bucketOf, Histogram } from './durations.ts';

/**
 * The reports (F24), from what the desk records. Definitions (also shown in the product):
 *
 * - The period's cases are those OPENED in [from, to). Response and resolution times are measured from the
 *   case's opening (when its first post reached the desk; for imported history, when it was posted).
 * - Needs an answer: the case has a customer post, and its triage type is not praise (a case's type is
 *   that of its most urgent post, so "praise" means praise only). Cases not triaged count as needing one.
 * - Response rate: needing an answer and got at least one reply, over needing an answer. A case still
 *   waiting counts as not answered.
 * - First response: the first reply that reached the network (`first_response_at`), any case that got one.
 * - Next response: for each customer post that follows a reply in the same thread, the wait until the next
 *   reply in that thread; both posts inside the period.
 * - Resolution: from opening to the (last) resolution, cases resolved now. Reopen rate: cases reopened at
 *   least once over cases resolved at least once.
 * - Volume by sentiment and language counts inbound posts of the period (those are per post); by type,
 *   priority and channel counts cases.
 */
export interface ReportRange {
  workspaceId: string;
  from: number;
  to: number;
  timeZone: string;
  channelId?: string | undefined;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

const needsAnswer = sql`(last_inbound_at is not null and (type is null or type <> 'praise'))`;

function caseScope(range: { workspaceId: string; from: number; to: number; channelId?: string | undefined }) {
  return sql`workspace_id = ${range.workspaceId} and opened_at >= ${range.from} and opened_at < ${range.to}${
    range.channelId ? sql` and channel_id = ${range.channelId}` : sql``
  }`;
}

interface CaseGroup {
  channel_id: string;
  type: string | null;
  priority: number | null;
  agent: string | null;
  opened: number;
  needing: number;
  answered_needing: number;
  resolved: number;
}

async function periodFigures(db: DbOrTx, range: ReportRange) {
  const scope = caseScope(range);
  const groups = (
    await sql<CaseGroup>`
      select channel_id, type, priority, assignee_agent_id as agent,
        count(*) as opened,
        sum(case when ${needsAnswer} then 1 else 0 end) as needing,
        sum(case when ${needsAnswer} and first_response_at is not null then 1 else 0 end) as answered_needing,
        sum(case when resolved_at is not null then 1 else 0 end) as resolved
      from cases where ${scope}
      group by channel_id, type, priority, assignee_agent_id`.execute(db)
  ).rows.map((r) => ({
    ...r,
    priority: r.priority === null ? null : Number(r.priority),
    opened: num(r.opened),
    needing: num(r.needing),
    answered_needing: num(r.answered_needing),
    resolved: num(r.resolved),
  }));

  const firstByAgent = new Map<string | null, Histogram>();
  const firstRows = await sql<{ agent: string | null; b: number; n: number; s: number }>`
    select assignee_agent_id as agent, ${bucketOf(sql`first_response_at - opened_at`)} as b,
      count(*) as n, sum(first_response_at - opened_at) as s
    from cases where ${scope} and first_response_at is not null
    group by 1, 2`.execute(db);
  for (const r of firstRows.rows) {
    let h = firstByAgent.get(r.agent);
    if (!h) firstByAgent.set(r.agent, (h = new Histogram()));
    h.add(num(r.b), num(r.n), num(r.s));
  }
  const first = new Histogram();
  for (const h of firstByAgent.values()) first.merge(h);

  const resolution = new Histogram();
  const resolutionRows = await sql<{ b: number; n: number; s: number }>`
    select ${bucketOf(sql`resolved_at - opened_at`)} as b, count(*) as n, sum(resolved_at - opened_at) as s
    from cases where ${scope} and resolved_at is not null
    group by 1`.execute(db);
  for (const r of resolutionRows.rows) resolution.add(num(r.b), num(r.n), num(r.s));

  // Reopens: few events, found by type and time (a reopen comes after the opening), joined to the cohort.
  const reopenRow = await sql<{ reopened: number; unresolved: number }>`
    select count(*) as reopened, sum(case when c.resolved_at is null then 1 else 0 end) as unresolved
    from cases c where c.id in (
      select e.case_id from events e
      where e.workspace_id = ${range.workspaceId} and e.type = 'case.reopened' and e.occurred_at >= ${range.from}
    ) and c.workspace_id = ${range.workspaceId} and c.opened_at >= ${range.from} and c.opened_at < ${range.to}${
      range.channelId ? sql` and c.channel_id = ${range.channelId}` : sql``
    }`.execute(db);
  const reopened = num(reopenRow.rows[0]?.reopened);
  const reopenedUnresolved = num(reopenRow.rows[0]?.unresolved);

  const next = await nextResponse(db, range);

  let opened = 0;
  let needing = 0;
  let answered = 0;
  let resolved = 0;
  for (const g of groups) {
    opened += g.opened;
    needing += g.needing;
    answered += g.answered_needing;
    resolved += g.resolved;
  }
  const everResolved = resolved + reopenedUnresolved;
  const period: ReportPeriod = {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    opened,
    needingAnswer: needing,
    answered,
    responseRate: needing > 0 ? answered / needing : null,
    resolved,
    reopened,
    reopenRate: everResolved > 0 ? reopened / everResolved : null,
    firstResponse: first.stats(),
    nextResponse: next.stats(),
    resolution: resolution.stats(),
    distribution: first.distribution(),
  };
  return { period, groups, firstByAgent };
}

/** Customer posts that follow a reply in the same thread, and the wait until the next reply. */
async function nextResponse(db: DbOrTx, range: ReportRange): Promise<Histogram> {
  const wait = sql`next_out - created_at`;
  // Two linear window passes: keep the rows where the thread changes hands, then each customer turn's
  // next change of hands is the reply that ended it.
  const rows = await sql<{ b: number; n: number; s: number }>`
    with m as (
      select conversation_id, direction, created_at,
        lag(direction) over (partition by conversation_id order by created_at) as previous_direction
      from messages
      where workspace_id = ${range.workspaceId} and created_at >= ${range.from} and created_at < ${range.to}
        and (direction = 'inbound' or delivery_status = 'sent')${
          range.channelId ? sql` and channel_id = ${range.channelId}` : sql``
        }
    ), turns as (
      select direction, previous_direction, created_at,
        lead(created_at) over (partition by conversation_id order by created_at) as next_out
      from m where previous_direction is null or previous_direction <> direction
    )
    select ${bucketOf(wait)} as b, count(*) as n, sum(${wait}) as s from turns
    where direction = 'inbound' and previous_direction = 'outbound' and next_out is not null
    group by 1`.execute(db);
  const h = new Histogram();
  for (const r of rows.rows) h.add(num(r.b), num(r.n), num(r.s));
  return h;
}

const SLOT = 15 * 60_000;

/** Local weekday (0 = Monday), hour and day of an instant in a time zone. */
function localParts(format: Intl.DateTimeFormat, at: number): { weekday: number; hour: number; day: string } {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = p.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '');
  return {
    weekday,
    hour: Number(parts.hour) % 24,
    day: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The whole report: the period, the one just before it of the same length, and the breakdowns. */
export async function computeReport(db: DbOrTx, range: ReportRange): Promise<Report> {
  const started = performance.now();
  const length = range.to - range.from;
  const [current, previous] = await Promise.all([
    periodFigures(db, range),
    periodFigures(db, { ...range, from: range.from - length, to: range.from }),
  ]);
  const scope = caseScope(range);

  // Heat map and daily series: cases per 15-minute slot (UTC), placed in local time here, which is right
  // for every time zone (including half-hour offsets and daylight-saving changes).
  const slots = await sql<{ slot: number; n: number; answered: number }>`
    select opened_at / ${SLOT} as slot, count(*) as n,
      sum(case when first_response_at is not null then 1 else 0 end) as answered
    from cases where ${scope}
    group by 1`.execute(db);
  const heatmap = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: range.timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days = new Map<string, { opened: number; answered: number }>();
  // Every day of the period appears, even with nothing opened.
  for (let at = range.from; at < range.to; at += 3_600_000) {
    const { day } = localParts(format, at);
    if (!days.has(day)) days.set(day, { opened: 0, answered: 0 });
  }
  for (const r of slots.rows) {
    const { weekday, hour, day } = localParts(format, num(r.slot) * SLOT);
    heatmap[weekday]![hour]! += num(r.n);
    const entry = days.get(day) ?? { opened: 0, answered: 0 };
    entry.opened += num(r.n);
    entry.answered += num(r.answered);
    days.set(day, entry);
  }

  // Inbound posts by sentiment and language, and replies per agent: one pass over the period's posts.
  const postRows = await sql<{
    direction: string;
    sentiment: string | null;
    lang: string | null;
    agent: string | null;
    n: number;
  }>`
    select direction, sentiment, lang, author_agent_id as agent, count(*) as n from messages
    where workspace_id = ${range.workspaceId} and created_at >= ${range.from} and created_at < ${range.to}${
      range.channelId ? sql` and channel_id = ${range.channelId}` : sql``
    }
    group by direction, sentiment, lang, author_agent_id`.execute(db);
  const posts = postRows.rows.filter((r) => r.direction === 'inbound');
  const replies = postRows.rows.filter((r) => r.direction === 'outbound' && r.agent !== null);

  const [agents, channels] = await Promise.all([
    db.selectFrom('agents').select(['id', 'name']).where('workspace_id', '=', range.workspaceId).execute(),
    db.selectFrom('channels').select(['id', 'name', 'handle']).where('workspace_id', '=', range.workspaceId).execute(),
  ]);
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const channelName = new Map(channels.map((c) => [c.id, `@${c.handle}`]));

  const tally = (key: (g: CaseGroup) => string, label: (k: string) => string = (k) => k): VolumeRow[] => {
    const counts = new Map<string, number>();
    for (const g of current.groups) counts.set(key(g), (counts.get(key(g)) ?? 0) + g.opened);
    return [...counts]
      .map(([k, count]) => ({ key: k, label: label(k), count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };
  const postTally = (key: (r: { sentiment: string | null; lang: string | null }) => string): VolumeRow[] => {
    const counts = new Map<string, number>();
    for (const r of posts) counts.set(key(r), (counts.get(key(r)) ?? 0) + num(r.n));
    return [...counts]
      .map(([k, count]) => ({ key: k, label: k, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };

  const agentRows = new Map<string | null, AgentReportRow>();
  const agentRow = (agentId: string | null): AgentReportRow => {
    let row = agentRows.get(agentId);
    if (!row) {
      row = {
        agentId,
        name: agentId ? (agentName.get(agentId) ?? null) : null,
        assigned: 0,
        answered: 0,
        resolved: 0,
        medianFirstResponseMs: null,
        repliesSent: 0,
      };
      agentRows.set(agentId, row);
    }
    return row;
  };
  for (const g of current.groups) {
    const row = agentRow(g.agent);
    row.assigned += g.opened;
    row.resolved += g.resolved;
  }
  for (const [agentId, h] of current.firstByAgent) {
    const row = agentRow(agentId);
    row.answered = h.total;
    row.medianFirstResponseMs = h.quantile(0.5);
  }
  for (const r of replies) agentRow(r.agent).repliesSent += num(r.n);

  return {
    timeZone: range.timeZone,
    current: current.period,
    previous: previous.period,
    volume: {
      byType: tally((g) => g.type ?? 'none'),
      bySentiment: postTally((r) => r.sentiment ?? 'none'),
      byLanguage: postTally((r) => r.lang ?? 'none'),
      byPriority: tally((g) => (g.priority === null ? 'none' : String(g.priority))),
      byChannel: tally(
        (g) => g.channel_id,
        (k) => channelName.get(k) ?? k,
      ),
    },
    heatmap,
    daily: [...days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, v]) => ({ day, opened: v.opened, answered: v.answered })),
    agents: [...agentRows.values()].sort(
      (a, b) => b.assigned - a.assigned || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'),
    ),
    computedInMs: Math.round(performance.now() - started),
  };
}
