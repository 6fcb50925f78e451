import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from '../../platform/db/database.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { recordAudit, type AuditActor, type AuditEntry } from './audit.repository.ts';

/** Who is changing something, from where: everything an audit line needs besides the change itself. */
export interface AuditContext {
  workspaceId: string;
  actor: AuditActor;
  ip: string | null;
}

export interface AuditChange {
  subject?: { type: string; id?: string | null } | undefined;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown> | undefined;
}

/**
 * The signed-in agent behind a request, labelled with their email as it is now (the line must still read
 * after the agent is renamed or removed), or the API token it came with, and the client address Fastify
 * resolved.
 */
export async function auditContextOf(db: DbOrTx, request: FastifyRequest): Promise<AuditContext> {
  const session = requireAuth(request);
  const token = request.apiToken;
  if (token) {
    return {
      workspaceId: session.workspaceId,
      actor: { type: 'api_token', id: token.id, label: token.name },
      ip: request.ip || null,
    };
  }
  const agent = await db.selectFrom('agents').select('email').where('id', '=', session.agentId).executeTakeFirst();
  return {
    workspaceId: session.workspaceId,
    actor: { type: 'agent', id: session.agentId, label: agent?.email ?? null },
    ip: request.ip || null,
  };
}

/** The desk itself acting (a webhook switched off after failures): no person, no address. */
export function systemAuditContext(workspaceId: string): AuditContext {
  return { workspaceId, actor: { type: 'system', label: 'guichet' }, ip: null };
}

export function auditEntry(
  context: AuditContext,
  action: string,
  occurredAt: number,
  change: AuditChange = {},
): AuditEntry {
  return {
    workspaceId: context.workspaceId,
    action,
    actor: context.actor,
    ip: context.ip,
    subject: change.subject,
    before: change.before,
    after: change.after,
    details: change.details,
    occurredAt,
  };
}

/**
 * Records one audit line in the caller's transaction (pass the transaction that makes the change), or
 * nothing when there is no context (a command run by the CLI or a test without a request).
 */
export async function audit(
  tx: DbOrTx,
  context: AuditContext | undefined,
  action: string,
  occurredAt: number,
  change: AuditChange = {},
): Promise<void> {
  if (!context) return;
  await recordAudit(tx, auditEntry(context, action, occurredAt, change));
}
