import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type DbOrTx } from '../../../../platform/db/database.ts';
import type { NewRow } from '../../../../platform/db/schema.ts';
import type { RuleColumns } from '../../../rules/rules.effects.ts';
import { jsonParameter } from '../../../../platform/db/bulk-insert.ts';
import { insertChunked, previewOf, type CaseDraft } from '../page.ts';

/** SQLite: cases per multi-row UPDATE, at most 12 values each, far below its bound-parameter limit. */
const UPDATE_CHUNK = 200;
/**
 * PostgreSQL: cases per UPDATE, whose rows come as one JSON parameter (or, should a value not go as JSON,
 * as a VALUES list of at most 13,000 parameters, under PostgreSQL's 65,535).
 */
const JSON_UPDATE_CHUNK = 1000;
/** Case ids per locking SELECT: one bound parameter each. */
const LOCK_CHUNK = 1000;

type Rules = Map<string, RuleColumns>;

export function newCaseRow(
  workspaceId: string,
  channelId: string,
  d: CaseDraft,
  rules: RuleColumns | undefined,
  now: number,
): NewRow<'cases'> {
  return {
    id: d.id,
    workspace_id: workspaceId,
    channel_id: channelId,
    contact_id: d.contactId,
    status: rules?.spam ? 'resolved' : d.status,
    priority: rules?.priority?.value ?? d.triage?.priority ?? null,
    type: d.triage?.type ?? null,
    priority_reason: rules?.priority?.reason ?? d.triage?.reason ?? null,
    sla_priority: rules?.sla ?? null,
    lang: d.lang ?? null,
    assignee_agent_id: rules?.assignee ?? null,
    team_id: rules?.team ?? null,
    preview: previewOf(d.latestText ?? ''),
    message_count: d.added,
    opened_at: d.openedAt,
    last_message_at: d.lastMessageAt,
    last_inbound_at: d.lastInboundAt,
    first_response_at: null,
    resolved_at: rules?.spam ? now : null,
    updated_at: now,
  };
}

export async function insertCases(
  tx: DbOrTx,
  input: { workspaceId: string; channelId: string; drafts: CaseDraft[]; rules: Rules; now: number },
): Promise<void> {
  const { workspaceId, channelId, rules, now } = input;
  await insertChunked(
    tx,
    'cases',
    input.drafts.map((d) => newCaseRow(workspaceId, channelId, d, rules.get(d.id), now)),
  );
}

type Value = string | number | null;
type Column = [name: string, type: 'text' | 'bigint'];

/**
 * A column an update may write: whether this case needs it, the values it carries in `v`, and the SET
 * clauses. On SQLite cases are updated in groups that write the same columns, so a column is only named
 * where it changes: naming `status` or `priority` rewrites every index that holds them (a dozen queue indexes) and
 * fires the inbox counters' triggers, which most updates never need.
 */
interface Part {
  wanted(d: CaseDraft, rules: RuleColumns | undefined): boolean;
  columns: Column[];
  values(d: CaseDraft, rules: RuleColumns | undefined): Value[];
  sets(now: number): RawBuilder<unknown>[];
}

/** Triage only ever raises a case's priority; a lower one is for an agent or a rule to set. */
const raises = (d: CaseDraft) => d.triage !== null && (d.priority === null || d.triage.priority < d.priority);
/**
 * A rule sets a priority the case does not have yet. The same rule matching a customer's every message
 * would otherwise rewrite the same value into the eight queue indexes that hold it, on every page.
 */
const rulePriorityChanges = (d: CaseDraft, r: RuleColumns | undefined) =>
  r?.priority !== undefined && (r.priority.value !== d.priority || r.priority.reason !== d.priorityReason);

const PARTS: Part[] = [
  {
    wanted: () => true,
    columns: [
      ['id', 'text'],
      ['added', 'bigint'],
      ['preview', 'text'],
      ['last_message_at', 'bigint'],
      ['last_inbound_at', 'bigint'],
    ],
    values: (d) => [d.id, d.added, previewOf(d.latestText ?? '') || null, d.lastMessageAt, d.lastInboundAt],
    sets: () => [
      sql`message_count = cases.message_count + v.added`,
      sql`preview = coalesce(v.preview, cases.preview)`,
      // Posts can arrive out of order: the latest activity stays the latest.
      sql`last_message_at = case when cases.last_message_at > v.last_message_at then cases.last_message_at else v.last_message_at end`,
      sql`last_inbound_at = case when cases.last_inbound_at > v.last_inbound_at then cases.last_inbound_at else v.last_inbound_at end`,
    ],
  },
  {
    // Reopened by the message, unless a rule marks it spam (which resolves it).
    wanted: (d, r) => d.status !== d.originalStatus && !r?.spam,
    columns: [],
    values: () => [],
    sets: () => [sql`status = 'open'`, sql`resolved_at = null`],
  },
  {
    wanted: (d, r) => r?.spam === true,
    columns: [],
    values: () => [],
    sets: (now) => [sql`status = 'resolved'`, sql`resolved_at = ${now}`],
  },
  {
    wanted: (d, r) => raises(d) || rulePriorityChanges(d, r),
    columns: [
      ['priority', 'bigint'],
      ['priority_reason', 'text'],
    ],
    values: (d, r) => [
      r?.priority?.value ?? (raises(d) ? d.triage!.priority : null),
      r?.priority?.reason ?? (raises(d) ? d.triage!.reason : null),
    ],
    sets: () => [
      sql`priority = coalesce(v.priority, cases.priority)`,
      sql`priority_reason = coalesce(v.priority_reason, cases.priority_reason)`,
    ],
  },
  {
    wanted: (d) => raises(d),
    columns: [['type', 'text']],
    values: (d) => [d.triage!.type],
    sets: () => [sql`type = v.type`],
  },
  {
    wanted: (d) => d.storedLang === null && d.lang !== undefined,
    columns: [['lang', 'text']],
    values: (d) => [d.lang ?? null],
    sets: () => [sql`lang = v.lang`],
  },
  {
    wanted: (d, r) => r?.assignee !== undefined,
    columns: [['assignee_agent_id', 'text']],
    values: (d, r) => [r!.assignee!],
    sets: () => [sql`assignee_agent_id = v.assignee_agent_id`],
  },
  {
    wanted: (d, r) => r?.team !== undefined,
    columns: [['team_id', 'text']],
    values: (d, r) => [r!.team!],
    sets: () => [sql`team_id = v.team_id`],
  },
  {
    wanted: (d, r) => r?.sla !== undefined,
    columns: [['sla_priority', 'bigint']],
    values: (d, r) => [r!.sla!],
    sets: () => [sql`sla_priority = v.sla_priority`],
  },
];

/**
 * One multi-row UPDATE. The first row of `values` carries casts: PostgreSQL types a VALUES column from its
 * rows (untyped parameters would be text) and SQLite takes a CTE column's affinity from its first row; the
 * other rows are bare parameters, which keeps building the statement cheap.
 */
function updateStatement(columns: Column[], rows: Value[][], sets: RawBuilder<unknown>[]): RawBuilder<unknown> {
  const tuples = rows.map((values, index) => {
    if (index > 0) return sql`(${sql.join(values)})`;
    return sql`(${sql.join(values.map((v, i) => sql`cast(${v} as ${sql.raw(columns[i]![1])})`))})`;
  });
  return sql`with v(${sql.raw(columns.map((c) => c[0]).join(', '))}) as (values ${sql.join(tuples)})
    update cases set ${sql.join(sets)} from v where cases.id = v.id`;
}

/**
 * PostgreSQL: the same UPDATE with its rows as one JSON parameter (`json_to_recordset`, typed by the column
 * list), which binds one value instead of thousands, as bulk-insert.ts does for inserts; null when a value
 * cannot go as JSON (the VALUES form takes it).
 */
function jsonUpdateStatement(
  columns: Column[],
  rows: Value[][],
  sets: RawBuilder<unknown>[],
): RawBuilder<unknown> | null {
  const names = columns.map((c) => c[0]);
  const objects = rows.map((values) => {
    const row: Record<string, Value> = {};
    for (let i = 0; i < names.length; i += 1) row[names[i]!] = values[i]!;
    return row;
  });
  const json = jsonParameter(objects, names);
  if (json === null) return null;
  const typed = sql.raw(columns.map(([name, type]) => `${name} ${type}`).join(', '));
  return sql`with v as (select * from json_to_recordset(${json}::json) as v(${typed}))
    update cases set ${sql.join(sets)} from v where cases.id = v.id`;
}

function groupStatement(parts: Part[], drafts: CaseDraft[], rules: Rules, now: number): RawBuilder<unknown> {
  return updateStatement(
    parts.flatMap((p) => p.columns),
    drafts.map((d) => parts.flatMap((p) => p.values(d, rules.get(d.id)))),
    [sql`updated_at = ${now}`, ...parts.flatMap((p) => p.sets(now))],
  );
}

const [ACTIVITY, REOPEN, SPAM, ...VALUED] = PARTS as [Part, Part, Part, ...Part[]];
const MERGED_COLUMNS: Column[] = [...ACTIVITY.columns, ['status_to', 'text'], ...VALUED.flatMap((p) => p.columns)];

/**
 * PostgreSQL: every touched case in one statement (per chunk), each column kept where its case does not
 * change it (null → `coalesce` with the stored value). Every inbound post moves `last_message_at`, so
 * PostgreSQL writes the row's new version into every index on `cases` whichever columns the statement
 * names: the groups saved nothing there, and cost a round trip and a plan each. The counters' triggers
 * test old against new values, so naming `status` or `assignee_agent_id` unchanged adds nothing either.
 */
function mergedStatement(drafts: CaseDraft[], rules: Rules, now: number): RawBuilder<unknown> {
  const rows = drafts.map((d) => {
    const r = rules.get(d.id);
    const status = SPAM.wanted(d, r) ? 'resolved' : REOPEN.wanted(d, r) ? 'open' : null;
    const valued = VALUED.flatMap((p) => (p.wanted(d, r) ? p.values(d, r) : p.columns.map(() => null)));
    return [...ACTIVITY.values(d, r), status, ...valued];
  });
  const keep = (column: string) => sql.raw(`${column} = coalesce(v.${column}, cases.${column})`);
  const sets = [
    sql`updated_at = ${now}`,
    ...ACTIVITY.sets(now),
    sql`status = coalesce(v.status_to, cases.status)`,
    sql`resolved_at = case v.status_to when 'open' then null when 'resolved' then ${now} else cases.resolved_at end`,
    ...VALUED.flatMap((p) => p.columns.map(([column]) => keep(column))),
  ];
  return jsonUpdateStatement(MERGED_COLUMNS, rows, sets) ?? updateStatement(MERGED_COLUMNS, rows, sets);
}

/**
 * PostgreSQL: the page's existing cases locked in one statement, in id order, before the updates (whose
 * groups and joins would lock them in no set order). Anything else that locks several cases in id order
 * then waits for the page, or the page for it, and neither can hold one case the other waits for while
 * waiting for another: no deadlock. SQLite has one writer.
 */
async function lockInIdOrder(tx: DbOrTx, sorted: CaseDraft[]): Promise<void> {
  if (sorted.length < 2 || dialectOf(tx) !== 'postgres') return;
  for (let i = 0; i < sorted.length; i += LOCK_CHUNK) {
    const ids = sorted.slice(i, i + LOCK_CHUNK).map((d) => d.id);
    await tx.selectFrom('cases').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
  }
}

/**
 * Touched cases written back in multi-row UPDATEs (`with v(…) as (values …) update … from v`) rather than one
 * statement per case, with the rules' columns: on SQLite one per group of cases writing the same columns,
 * on PostgreSQL one for all (mergedStatement).
 */
export async function updateCases(
  tx: DbOrTx,
  input: { drafts: CaseDraft[]; rules: Rules; now: number },
): Promise<void> {
  const drafts = [...input.drafts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await lockInIdOrder(tx, drafts);
  if (dialectOf(tx) === 'postgres') {
    for (let i = 0; i < drafts.length; i += JSON_UPDATE_CHUNK) {
      await mergedStatement(drafts.slice(i, i + JSON_UPDATE_CHUNK), input.rules, input.now).execute(tx);
    }
    return;
  }
  const groups = new Map<string, { parts: Part[]; drafts: CaseDraft[] }>();
  for (const d of drafts) {
    const rules = input.rules.get(d.id);
    const parts = PARTS.filter((p) => p.wanted(d, rules));
    const key = parts.map((p) => PARTS.indexOf(p)).join(',');
    const group = groups.get(key) ?? { parts, drafts: [] };
    group.drafts.push(d);
    groups.set(key, group);
  }
  for (const { parts, drafts } of groups.values()) {
    for (let i = 0; i < drafts.length; i += UPDATE_CHUNK) {
      await groupStatement(parts, drafts.slice(i, i + UPDATE_CHUNK), input.rules, input.now).execute(tx);
    }
  }
}
