import type {
  AgentReportRow,
  IncidentReportRow,
  Report,
  ReportPeriod,
  SlaReportRow,
  SpendReportRow,
  TeamReportRow,
  VolumeRow,
} from '@guichet/contracts';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { Histogram } from './durations.ts';
import { DAY_MS, NONE, SLOT_MS, type Hist } from './report-facts.ts';
import { satisfactionReport } from '../surveys/surveys.queries.ts';
import { factsForRange, type SignedFacts } from './report-rollups.ts';

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
 *   In business hours: only the open time of the case's team's hours (else the workspace's) is counted.
 * - Next response: each customer post of the period whose previous post in the thread was a reply that
 *   reached the network, and the wait until the brand's next reply (posts still waiting are not counted).
 * - Resolution: from opening to the (last) resolution, cases resolved now. Reopen rate: cases reopened at
 *   least once over cases resolved at least once.
 * - SLA compliance: clocks of the period's cases stopped in time, over those stopped in time or breached.
 * - Volume by sentiment and language counts inbound posts of the period (those are per post); by type,
 *   priority and channel counts cases.
 *
 * Figures are added up from per-day facts (report-facts.ts; whole days stored by report-rollups.ts).
 */
export interface ReportRange {
  workspaceId: string;
  from: number;
  to: number;
  timeZone: string;
  channelId?: string | undefined;
  /** false: compute everything from the source tables, without the stored days (for tests). */
  rollups?: boolean;
}

interface CaseGroup {
  channel_id: string;
  type: string | null;
  priority: number | null;
  agent: string | null;
  team: string | null;
  opened: number;
  needing: number;
  answered_needing: number;
  resolved: number;
}

/** Adds up the facts of a period (less the hours taken away), for one channel or all. */
function addUp(all: SignedFacts[], channelId: string | undefined) {
  const groups = new Map<string, CaseGroup>();
  const firstByAgent = new Map<string | null, Histogram>();
  const firstByTeam = new Map<string | null, Histogram>();
  const first = new Histogram();
  const firstBusiness = new Histogram();
  const resolution = new Histogram();
  const next = new Histogram();
  const slots = new Map<number, [number, number]>();
  const postCounts = new Map<string, number>();
  const sla = new Map<string, [number, number, number]>();
  /** First-response clocks per slot: [met, breached] */
  const slaSlots = new Map<number, [number, number]>();
  let reopened = 0;
  let reopenedUnresolved = 0;
  const orNull = (k: string) => (k === NONE ? null : k);
  const addHist = (target: Histogram, h: Hist, sign: number) => {
    for (let i = 0; i < h.c.length; i += 2) target.add(h.c[i]!, sign * h.c[i + 1]!);
    target.sum += sign * h.s;
  };
  const histogramOf = (map: Map<string | null, Histogram>, key: string | null) => {
    let h = map.get(key);
    if (!h) map.set(key, (h = new Histogram()));
    return h;
  };
  for (const { facts, sign } of all) {
    for (const [channel, f] of Object.entries(facts)) {
      if (channelId && channel !== channelId) continue;
      for (const [agentKey, rows] of Object.entries(f.groups)) {
        const agent = orNull(agentKey);
        for (const [type, priority, team, opened, needing, answered, resolved] of rows) {
          const key = JSON.stringify([channel, type, priority, agent, team]);
          let g = groups.get(key);
          if (!g) {
            g = {
              channel_id: channel,
              type,
              priority,
              agent,
              team,
              opened: 0,
              needing: 0,
              answered_needing: 0,
              resolved: 0,
            };
            groups.set(key, g);
          }
          g.opened += sign * opened;
          g.needing += sign * needing;
          g.answered_needing += sign * answered;
          g.resolved += sign * resolved;
        }
      }
      for (const [agentKey, h] of Object.entries(f.firstByAgent)) {
        addHist(histogramOf(firstByAgent, orNull(agentKey)), h, sign);
        addHist(first, h, sign);
      }
      for (const [teamKey, h] of Object.entries(f.firstByTeam))
        addHist(histogramOf(firstByTeam, orNull(teamKey)), h, sign);
      addHist(firstBusiness, f.firstBusiness, sign);
      addHist(resolution, f.resolution, sign);
      addHist(next, f.next, sign);
      for (let i = 0; i < f.slots.length; i += 3) {
        const slot = f.slots[i]!;
        const entry = slots.get(slot) ?? [0, 0];
        entry[0] += sign * f.slots[i + 1]!;
        entry[1] += sign * f.slots[i + 2]!;
        slots.set(slot, entry);
      }
      for (const [agentKey, rows] of Object.entries(f.posts)) {
        for (const [direction, sentiment, lang, n] of rows) {
          const key = JSON.stringify([direction, sentiment, lang, orNull(agentKey)]);
          postCounts.set(key, (postCounts.get(key) ?? 0) + sign * n);
        }
      }
      reopened += sign * f.reopen[0];
      reopenedUnresolved += sign * f.reopen[1];
      for (const [slot, metric, priority, clocks, met, breached] of f.sla) {
        const key = `${metric}|${priority}`;
        const entry = sla.get(key) ?? [0, 0, 0];
        entry[0] += sign * clocks;
        entry[1] += sign * met;
        entry[2] += sign * breached;
        sla.set(key, entry);
        if (metric === 'first_response') {
          const day = slaSlots.get(slot) ?? [0, 0];
          day[0] += sign * met;
          day[1] += sign * breached;
          slaSlots.set(slot, day);
        }
      }
    }
  }
  // What was taken away leaves empty entries behind: drop them, as one pass over the period has none.
  const posts = [...postCounts]
    .filter(([, n]) => n !== 0)
    .map(([key, n]) => {
      const [direction, sentiment, lang, agent] = JSON.parse(key) as [
        string,
        string | null,
        string | null,
        string | null,
      ];
      return { direction, sentiment, lang, agent, n };
    });
  const dropEmpty = (map: Map<string | null, Histogram>) => {
    for (const [k, h] of map) if (h.total === 0) map.delete(k);
  };
  dropEmpty(firstByAgent);
  dropEmpty(firstByTeam);
  for (const [k, v] of sla) if (v[0] === 0) sla.delete(k);
  for (const [k, v] of slots) if (v[0] === 0) slots.delete(k);
  for (const [k, v] of slaSlots) if (v[0] === 0 && v[1] === 0) slaSlots.delete(k);
  return {
    groups: [...groups.values()].filter((g) => g.opened !== 0),
    firstByAgent,
    firstByTeam,
    first,
    firstBusiness,
    resolution,
    next,
    slots,
    posts,
    sla,
    slaSlots,
    reopened,
    reopenedUnresolved,
  };
}

type Totals = ReturnType<typeof addUp>;

function periodOf(range: { from: number; to: number }, t: Totals): ReportPeriod {
  let opened = 0;
  let needing = 0;
  let answered = 0;
  let resolved = 0;
  for (const g of t.groups) {
    opened += g.opened;
    needing += g.needing;
    answered += g.answered_needing;
    resolved += g.resolved;
  }
  const everResolved = resolved + t.reopenedUnresolved;
  const sla: SlaReportRow[] = [...t.sla]
    .map(([key, [clocks, met, breached]]) => {
      const [metric, priority] = key.split('|') as [SlaReportRow['metric'], string];
      return {
        metric,
        priority: Number(priority),
        clocks,
        met,
        breached,
        compliance: met + breached > 0 ? met / (met + breached) : null,
      };
    })
    .sort((a, b) => a.metric.localeCompare(b.metric) || a.priority - b.priority);
  const firstClocks = sla.filter((r) => r.metric === 'first_response');
  const decidedMet = firstClocks.reduce((s, r) => s + r.met, 0);
  const decided = decidedMet + firstClocks.reduce((s, r) => s + r.breached, 0);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    opened,
    needingAnswer: needing,
    answered,
    responseRate: needing > 0 ? answered / needing : null,
    resolved,
    reopened: t.reopened,
    reopenRate: everResolved > 0 ? t.reopened / everResolved : null,
    firstResponse: t.first.stats(),
    nextResponse: t.next.stats(),
    resolution: t.resolution.stats(),
    distribution: t.first.distribution(),
    firstResponseBusiness: t.firstBusiness.stats(),
    sla,
    slaCompliance: decided > 0 ? decidedMet / decided : null,
  };
}

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

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A month's budget spread over an average month (365.25 / 12 days). */
const AVERAGE_MONTH_MS = (365.25 / 12) * DAY_MS;

/** X API spend of the period's UTC days per channel, against each channel's monthly budget. */
async function spendAgainstBudget(
  db: DbOrTx,
  range: ReportRange,
  channels: { id: string; handle: string; settings: string }[],
): Promise<SpendReportRow[]> {
  const ids = channels.filter((c) => !range.channelId || c.id === range.channelId).map((c) => c.id);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('channel_usage')
    .select(['channel_id', (eb) => eb.fn.sum<number>('cost_micros').as('micros')])
    .where('channel_id', 'in', ids)
    .where('day', '>=', utcDay(range.from))
    .where('day', '<=', utcDay(range.to - 1))
    .groupBy('channel_id')
    .execute();
  const spent = new Map(rows.map((r) => [r.channel_id, num(r.micros) / 1_000_000]));
  return channels
    .filter((c) => ids.includes(c.id))
    .map((c) => {
      let budget: number | null = null;
      try {
        const value = (JSON.parse(c.settings) as { monthlyBudgetUsd?: unknown }).monthlyBudgetUsd;
        budget = typeof value === 'number' && value >= 0 ? value : null;
      } catch {
        budget = null;
      }
      const periodUsd = spent.get(c.id) ?? 0;
      const budgetForPeriodUsd =
        budget === null ? null : Math.round(((budget * (range.to - range.from)) / AVERAGE_MONTH_MS) * 100) / 100;
      return {
        channelId: c.id,
        label: `@${c.handle}`,
        periodUsd,
        monthlyBudgetUsd: budget,
        budgetForPeriodUsd,
        shareOfBudget: budgetForPeriodUsd ? periodUsd / budgetForPeriodUsd : null,
      };
    });
}

/** Incidents declared before the period's end and not resolved before its start, with their cases. */
async function incidentsOf(db: DbOrTx, range: ReportRange): Promise<IncidentReportRow[]> {
  const rows = await sql<Record<string, unknown>>`
    select i.id, i.title, i.status, i.declared_at, i.resolved_at,
      count(c.id) as linked, sum(case when c.first_response_at is not null then 1 else 0 end) as answered
    from incidents i
      left join incident_cases ic on ic.incident_id = i.id
      left join cases c on c.id = ic.case_id${range.channelId ? sql` and c.channel_id = ${range.channelId}` : sql``}
    where i.workspace_id = ${range.workspaceId} and i.declared_at < ${range.to}
      and (i.resolved_at is null or i.resolved_at >= ${range.from})
    group by i.id, i.title, i.status, i.declared_at, i.resolved_at
    order by i.declared_at desc
    limit 200`.execute(db);
  return rows.rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    status: r.status === 'resolved' ? 'resolved' : 'open',
    declaredAt: new Date(num(r.declared_at)).toISOString(),
    resolvedAt:
      r.resolved_at === null || r.resolved_at === undefined ? null : new Date(num(r.resolved_at)).toISOString(),
    linkedCases: num(r.linked),
    answeredCases: num(r.answered),
  }));
}

/** The whole report: the period, the one just before it of the same length, and the breakdowns. */
export async function computeReport(db: DbOrTx, range: ReportRange): Promise<Report> {
  const started = performance.now();
  const length = range.to - range.from;
  const options = { rollups: range.rollups ?? true };
  const currentFacts = await factsForRange(db, range.workspaceId, range.from, range.to, options);
  const previousFacts = await factsForRange(db, range.workspaceId, range.from - length, range.from, options);
  const current = addUp(currentFacts, range.channelId);
  const previous = addUp(previousFacts, range.channelId);

  // Heat map and daily series: cases per 15-minute slot (UTC), placed in local time here, which is right
  // for every time zone (including half-hour offsets and daylight-saving changes).
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
  const days = new Map<string, { opened: number; answered: number; slaMet: number; slaBreached: number }>();
  const dayEntry = (day: string) => {
    let entry = days.get(day);
    if (!entry) days.set(day, (entry = { opened: 0, answered: 0, slaMet: 0, slaBreached: 0 }));
    return entry;
  };
  // Every day of the period appears, even with nothing opened.
  for (let at = range.from; at < range.to; at += 3_600_000) dayEntry(localParts(format, at).day);
  for (const [slot, [n, answered]] of current.slots) {
    const { weekday, hour, day } = localParts(format, slot * SLOT_MS);
    heatmap[weekday]![hour]! += n;
    const entry = dayEntry(day);
    entry.opened += n;
    entry.answered += answered;
  }
  for (const [slot, [met, breached]] of current.slaSlots) {
    const entry = dayEntry(localParts(format, slot * SLOT_MS).day);
    entry.slaMet += met;
    entry.slaBreached += breached;
  }

  const posts = current.posts.filter((r) => r.direction === 'inbound');
  const replies = current.posts.filter((r) => r.direction === 'outbound' && r.agent !== null);

  const [agents, channels, teams] = await Promise.all([
    db.selectFrom('agents').select(['id', 'name']).where('workspace_id', '=', range.workspaceId).execute(),
    db
      .selectFrom('channels')
      .select(['id', 'name', 'handle', 'settings'])
      .where('workspace_id', '=', range.workspaceId)
      .execute(),
    db.selectFrom('teams').select(['id', 'name']).where('workspace_id', '=', range.workspaceId).execute(),
  ]);
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const channelName = new Map(channels.map((c) => [c.id, `@${c.handle}`]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));

  const tally = (key: (g: CaseGroup) => string, label: (k: string) => string = (k) => k): VolumeRow[] => {
    const counts = new Map<string, number>();
    for (const g of current.groups) counts.set(key(g), (counts.get(key(g)) ?? 0) + g.opened);
    return [...counts]
      .map(([k, count]) => ({ key: k, label: label(k), count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };
  const postTally = (key: (r: { sentiment: string | null; lang: string | null }) => string): VolumeRow[] => {
    const counts = new Map<string, number>();
    for (const r of posts) counts.set(key(r), (counts.get(key(r)) ?? 0) + r.n);
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
  for (const r of replies) agentRow(r.agent).repliesSent += r.n;

  const teamRows = new Map<string | null, TeamReportRow>();
  for (const g of current.groups) {
    let row = teamRows.get(g.team);
    if (!row) {
      row = {
        teamId: g.team,
        name: g.team ? (teamName.get(g.team) ?? null) : null,
        opened: 0,
        needingAnswer: 0,
        answered: 0,
        responseRate: null,
        resolved: 0,
        medianFirstResponseMs: null,
        under1h: null,
      };
      teamRows.set(g.team, row);
    }
    row.opened += g.opened;
    row.needingAnswer += g.needing;
    row.answered += g.answered_needing;
    row.resolved += g.resolved;
  }
  for (const row of teamRows.values()) {
    row.responseRate = row.needingAnswer > 0 ? row.answered / row.needingAnswer : null;
    const h = current.firstByTeam.get(row.teamId);
    row.medianFirstResponseMs = h ? h.quantile(0.5) : null;
    row.under1h = h ? h.shareUnder(3_600_000) : null;
  }

  const [spend, incidents, satisfaction, previousSatisfaction] = await Promise.all([
    spendAgainstBudget(db, range, channels),
    incidentsOf(db, range),
    satisfactionReport(db, range),
    satisfactionReport(db, { ...range, from: range.from - length, to: range.from }),
  ]);

  return {
    timeZone: range.timeZone,
    current: periodOf(range, current),
    previous: periodOf({ from: range.from - length, to: range.from }, previous),
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
    daily: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v })),
    agents: [...agentRows.values()].sort(
      (a, b) => b.assigned - a.assigned || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'),
    ),
    teams: [...teamRows.values()].sort(
      (a, b) => b.opened - a.opened || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'),
    ),
    spend,
    incidents,
    satisfaction,
    previousSatisfaction,
    computedInMs: Math.round(performance.now() - started),
  };
}
