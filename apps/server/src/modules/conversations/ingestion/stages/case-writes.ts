import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../../../platform/db/database.ts';
import type { NewRow } from '../../../../platform/db/schema.ts';
import { insertChunked, type CaseDraft } from '../page.ts';

/** Cases per multi-row UPDATE: 9 values each, far below both databases' bound-parameter limits. */
const UPDATE_CHUNK = 200;

export function newCaseRow(workspaceId: string, channelId: string, d: CaseDraft, now: number): NewRow<'cases'> {
  return {
    id: d.id,
    workspace_id: workspaceId,
    channel_id: channelId,
    contact_id: d.contactId,
    status: d.status,
    priority: d.triage?.priority ?? null,
    type: d.triage?.type ?? null,
    priority_reason: d.triage?.reason ?? null,
    lang: d.lang ?? null,
    assignee_agent_id: null,
    team_id: null,
    preview: d.preview,
    message_count: d.added,
    opened_at: d.openedAt,
    last_message_at: d.lastMessageAt,
    last_inbound_at: d.lastInboundAt,
    first_response_at: null,
    resolved_at: null,
    updated_at: now,
  };
}

export async function insertCases(
  tx: DbOrTx,
  workspaceId: string,
  channelId: string,
  drafts: CaseDraft[],
  now: number,
): Promise<void> {
  await insertChunked(
    tx,
    'cases',
    drafts.map((d) => newCaseRow(workspaceId, channelId, d, now)),
  );
}

/** Triage only ever raises a case's priority; a lower one is for an agent or a rule to set. */
function raisesPriority(d: CaseDraft): boolean {
  return d.triage !== null && (d.priority === null || d.triage.priority < d.priority);
}

/**
 * What an update of this case writes besides the message counters. Cases are updated in groups of the same
 * shape, so a column is only named where it changes: naming `status` or `priority` rewrites every index
 * that holds them (a dozen queue indexes), which most updates never need.
 */
function shapeOf(d: CaseDraft) {
  return {
    reopened: d.status !== d.originalStatus,
    raised: raisesPriority(d),
    lang: d.storedLang === null && d.lang !== undefined,
  };
}
type Shape = ReturnType<typeof shapeOf>;

const text = (value: string | null) => sql`cast(${value} as text)`;
const int = (value: number | null) => sql`cast(${value} as bigint)`;

function updateStatement(shape: Shape, drafts: CaseDraft[], now: number): RawBuilder<unknown> {
  const columns = ['id', 'added', 'preview', 'last_message_at', 'last_inbound_at'];
  if (shape.raised) columns.push('priority', 'type', 'priority_reason');
  if (shape.lang) columns.push('lang');
  const rows = drafts.map((d) => {
    const values = [text(d.id), int(d.added), text(d.preview || null), int(d.lastMessageAt), int(d.lastInboundAt)];
    if (shape.raised) values.push(int(d.triage!.priority), text(d.triage!.type), text(d.triage!.reason));
    if (shape.lang) values.push(text(d.lang ?? null));
    return sql`(${sql.join(values)})`;
  });
  const sets = [
    sql`message_count = cases.message_count + v.added`,
    sql`preview = coalesce(v.preview, cases.preview)`,
    // Posts can arrive out of order: the latest activity stays the latest.
    sql`last_message_at = case when cases.last_message_at > v.last_message_at then cases.last_message_at else v.last_message_at end`,
    sql`last_inbound_at = case when cases.last_inbound_at > v.last_inbound_at then cases.last_inbound_at else v.last_inbound_at end`,
    sql`updated_at = ${int(now)}`,
  ];
  if (shape.reopened) sets.push(sql`status = 'open'`, sql`resolved_at = null`);
  if (shape.raised) sets.push(sql`priority = v.priority`, sql`type = v.type`, sql`priority_reason = v.priority_reason`);
  if (shape.lang) sets.push(sql`lang = v.lang`);
  return sql`with v(${sql.raw(columns.join(', '))}) as (values ${sql.join(rows)})
    update cases set ${sql.join(sets)} from v where cases.id = v.id`;
}

/**
 * Touched cases written back in a few multi-row UPDATEs (`with v(…) as (values …) update … from v`, the same
 * statement on SQLite and PostgreSQL) rather than one statement per case.
 */
export async function updateCases(tx: DbOrTx, drafts: CaseDraft[], now: number): Promise<void> {
  const groups = new Map<string, { shape: Shape; drafts: CaseDraft[] }>();
  for (const d of drafts) {
    const shape = shapeOf(d);
    const key = `${+shape.reopened}${+shape.raised}${+shape.lang}`;
    const group = groups.get(key) ?? { shape, drafts: [] };
    group.drafts.push(d);
    groups.set(key, group);
  }
  for (const { shape, drafts: group } of groups.values()) {
    for (let i = 0; i < group.length; i += UPDATE_CHUNK) {
      await updateStatement(shape, group.slice(i, i + UPDATE_CHUNK), now).execute(tx);
    }
  }
}
