import { toCsv, type AuditEntry, type AuditList } from '@guichet/contracts';
import { sql, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  subjectType?: string | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  to?: number | undefined;
}

/** `%` and `_` typed in a filter are literal characters, not wildcards. */
function escapeLike(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Opaque to clients: the last line's time and id, so the next page starts strictly after it. */
export function encodeCursor(row: { occurred_at: number; id: string }): string {
  return Buffer.from(`${Number(row.occurred_at)}:${row.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([0-9a-f-]{1,64})$/.exec(text);
  if (!match) throw new AppError('audit.invalid_cursor', 'invalid', 'This page cursor is not valid.');
  return { at: Number(match[1]), id: match[2]! };
}

function toEntry(row: Row<'audit_log'>): AuditEntry {
  return {
    id: row.id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    subject: row.subject_type ? { type: row.subject_type, id: row.subject_id } : null,
    ip: row.ip,
    before: parseJson<unknown>(row.before, null),
    after: parseJson<unknown>(row.after, null),
    details: parseJson<Record<string, unknown> | null>(row.details, null),
  };
}

/** A workspace's audit lines, newest first, one keyset page at a time (the time index serves every filter). */
export async function listAudit(
  db: DbOrTx,
  workspaceId: string,
  filter: AuditFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<AuditList> {
  let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.action) {
    const action = filter.action.toLowerCase();
    // `template` matches `template.created`; `template.updated` matches itself.
    query = query.where((eb) =>
      eb.or([eb('action', '=', action), sql<SqlBool>`action like ${`${escapeLike(action)}%`} escape '\\'`]),
    );
  }
  if (filter.actor) {
    const actor = filter.actor;
    query = query.where((eb) =>
      eb.or([
        eb('actor_id', '=', actor),
        sql<SqlBool>`lower(actor_label) like ${`%${escapeLike(actor)}%`} escape '\\'`,
      ]),
    );
  }
  if (filter.subjectType) query = query.where('subject_type', '=', filter.subjectType);
  if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('occurred_at', '<=', filter.to);
  if (page.cursor) {
    const after = decodeCursor(page.cursor);
    query = query.where((eb) =>
      eb.or([eb('occurred_at', '<', after.at), eb.and([eb('occurred_at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  const rows = await query
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    entries: shown.map(toEntry),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
  };
}

/** Most lines one CSV export carries: a year of a busy desk's settings changes and sign-ins. */
export const AUDIT_EXPORT_LIMIT = 50_000;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The filtered lines as CSV, newest first; cells that look like formulas are neutralised by toCsv. */
export async function exportAuditCsv(db: DbOrTx, workspaceId: string, filter: AuditFilter): Promise<string> {
  const rows: (string | number | null)[][] = [];
  let cursor: string | undefined;
  while (rows.length < AUDIT_EXPORT_LIMIT) {
    const page = await listAudit(db, workspaceId, filter, { limit: 1000, cursor });
    for (const entry of page.entries) {
      rows.push([
        entry.occurredAt,
        entry.action,
        entry.actor.type,
        entry.actor.label,
        entry.actor.id,
        entry.subject?.type ?? null,
        entry.subject?.id ?? null,
        entry.ip,
        json(entry.before),
        json(entry.after),
        json(entry.details),
      ]);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return toCsv(
    [
      'occurred_at',
      'action',
      'actor_type',
      'actor',
      'actor_id',
      'subject_type',
      'subject_id',
      'ip',
      'before',
      'after',
      'details',
    ],
    rows.slice(0, AUDIT_EXPORT_LIMIT),
  );
}
