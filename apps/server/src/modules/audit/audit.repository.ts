import type { DbOrTx } from '../../platform/db/database.ts';
import type { AuditLogTable } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';

/** Who did it: an agent (session), an API token, the desk itself, or nobody known (a failed sign-in). */
export interface AuditActor {
  type: AuditLogTable['actor_type'];
  id?: string | null;
  /** Email or token name, kept as it was at the time. */
  label?: string | null;
}

export interface AuditEntry {
  workspaceId: string | null;
  action: string;
  actor: AuditActor;
  subject?: { type: string; id?: string | null } | undefined;
  ip?: string | null | undefined;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown> | undefined;
  occurredAt: number;
}

/** Keys whose values never reach the audit trail, at any depth: it is read by admins and exported as CSV. */
// `private` alone would also hide settings such as a webhook's `allowPrivate`: only private keys are secrets.
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|cookie|api[_-]?key|private[_-]?key/i;

/** A copy of `value` with every secret-looking field replaced, so a before/after can be stored as is. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] =
        SECRET_KEY.test(key) && v !== null && v !== undefined && v !== '' ? '[redacted]' : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(redactSecrets(value));
}

/**
 * Writes audit lines, in the caller's transaction when it has one: a change and its audit line commit
 * together, or neither does.
 */
export async function recordAudit(db: DbOrTx, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  for (let i = 0; i < list.length; i += 200) {
    await db
      .insertInto('audit_log')
      .values(
        list.slice(i, i + 200).map((e) => ({
          id: newId(e.occurredAt),
          workspace_id: e.workspaceId,
          action: e.action,
          actor_type: e.actor.type,
          actor_id: e.actor.id ?? null,
          actor_label: e.actor.label ?? null,
          subject_type: e.subject?.type ?? null,
          subject_id: e.subject?.id ?? null,
          ip: e.ip ?? null,
          before: json(e.before),
          after: json(e.after),
          details: e.details ? json(e.details) : null,
          occurred_at: e.occurredAt,
        })),
      )
      .execute();
  }
}
