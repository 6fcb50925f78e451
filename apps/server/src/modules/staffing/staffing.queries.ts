import type { StaffingForecast } from '@guichet/contracts';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import { isOpenAt } from '../business-hours/business-time.ts';
import { readSlaPolicies } from '../sla/sla.policies.ts';
import { agentsNeeded } from './erlang-c.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SLOT = 15 * MIN;
/** Replies further apart than this are two work sessions, not one case handled in between. */
const SESSION_GAP_MS = 30 * MIN;
const DEFAULT_HANDLE_MS = 6 * MIN;
/** Fewer timed replies than this and the measure says little: the default handling time is used. */
const MIN_SAMPLE = 20;

export interface StaffingRequest {
  workspaceId: string;
  /** The clock's now: the history is the `weeks` full weeks of whole UTC days before today. */
  now: number;
  timeZone: string;
  weeks: number;
  targetShare: number;
  targetMinutes?: number | undefined;
  handleMinutes?: number | undefined;
}

/** Local weekday (0 = Monday) and hour of an instant. */
function localSlot(format: Intl.DateTimeFormat, at: number): [number, number] {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = p.value;
  return [['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? ''), Number(parts.hour) % 24];
}

/**
 * The handling time per case, measured from the agents' reply cadence: within a work session (replies less
 * than 30 minutes apart) the time between two replies is the time the second one took; the mean of those,
 * times the replies per case, is the time a case takes. No presence tracking is needed, and idle time
 * between sessions never counts.
 */
async function measuredHandleTime(db: DbOrTx, workspaceId: string, from: number, to: number) {
  const rows = await sql<{ agent: string; at: number; conversation: string }>`
    select author_agent_id as agent, created_at as at, conversation_id as conversation from messages
    where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to}
      and direction = 'outbound' and delivery_status = 'sent' and author_agent_id is not null`.execute(db);
  const byAgent = new Map<string, number[]>();
  const conversations = new Set<string>();
  for (const r of rows.rows) {
    let list = byAgent.get(r.agent);
    if (!list) byAgent.set(r.agent, (list = []));
    list.push(Number(r.at));
    conversations.add(`${r.agent}|${r.conversation}`);
  }
  let gaps = 0;
  let total = 0;
  for (const list of byAgent.values()) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) {
      const gap = list[i]! - list[i - 1]!;
      if (gap > 0 && gap <= SESSION_GAP_MS) {
        gaps += 1;
        total += gap;
      }
    }
  }
  if (gaps < MIN_SAMPLE || conversations.size === 0)
    return { handleMs: DEFAULT_HANDLE_MS, sample: gaps, measured: false };
  const repliesPerCase = rows.rows.length / conversations.size;
  return { handleMs: Math.round((total / gaps) * repliesPerCase), sample: gaps, measured: true };
}

/** Agents needed per hour of the week (Erlang C) beside the agents the rota has then. */
export async function staffingForecast(db: DbOrTx, request: StaffingRequest): Promise<StaffingForecast> {
  const to = Math.floor(request.now / DAY) * DAY;
  const from = to - request.weeks * 7 * DAY;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: request.timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const grid = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));

  const arrivals = grid();
  const slots = await sql<{ slot: number; n: number }>`
    select opened_at / ${sql.lit(SLOT)} as slot, count(*) as n from cases
    where workspace_id = ${request.workspaceId} and opened_at >= ${from} and opened_at < ${to}
    group by 1`.execute(db);
  for (const r of slots.rows) {
    const [weekday, hour] = localSlot(format, Math.floor(Number(r.slot)) * SLOT);
    arrivals[weekday]![hour]! += Number(r.n) / request.weeks;
  }

  const measured = await measuredHandleTime(db, request.workspaceId, from, to);
  const handleMs = request.handleMinutes !== undefined ? request.handleMinutes * MIN : measured.handleMs;
  const policies = await readSlaPolicies(db, request.workspaceId);
  const targetMs = (request.targetMinutes ?? policies.find((p) => p.priority === 3)?.firstResponseMinutes ?? 60) * MIN;
  const needed = arrivals.map((row) => row.map((rate) => agentsNeeded(rate, handleMs, targetMs, request.targetShare)));

  // The rota: the workspace's agents during its business hours (sampled over the last week, so daylight
  // saving and holidays of that week apply), or all of them around the clock without business hours.
  const agents = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', request.workspaceId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  const staff = Number(agents?.n ?? 0);
  const calendar = await calendarFor(db, request.workspaceId, null);
  const rota = grid();
  for (let at = to - 7 * DAY; at < to; at += HOUR) {
    const [weekday, hour] = localSlot(format, at);
    rota[weekday]![hour] = isOpenAt(calendar, at + 30 * MIN) ? staff : 0;
  }

  return {
    timeZone: request.timeZone,
    weeks: request.weeks,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    targetShare: request.targetShare,
    targetMs,
    handleMs,
    handleSource: request.handleMinutes !== undefined ? 'given' : measured.measured ? 'measured' : 'default',
    handleSample: measured.sample,
    arrivals: arrivals.map((row) => row.map((v) => Math.round(v * 100) / 100)),
    needed,
    rota,
    rotaSource: calendar ? 'business_hours' : 'around_the_clock',
  };
}
