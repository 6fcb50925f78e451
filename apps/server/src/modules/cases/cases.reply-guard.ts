import { personalDataKinds, type PersonalDataKind } from '@guichet/contracts';
import { sql } from 'kysely';
import { dialectOf, type DbOrTx, type Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { recordEvents } from '../events/events.repository.ts';
import { readReplySettings } from '../templates/templates.repository.ts';
import { readCaseSettings } from '../workspace/workspace.settings.ts';

/**
 * The personal-data guard (issue 13): a public reply carrying the customer's e-mail, phone, postal address or
 * card number is refused unless the agent explicitly confirms; a trainee never can. The brand's own e-mail and
 * phone (reply settings) are allowed. Returns the kinds found, so a confirmed override can be recorded.
 */
export async function checkPersonalData(
  db: DbOrTx,
  session: Pick<AuthenticatedSession, 'workspaceId' | 'role'>,
  text: string,
  confirmed: boolean,
): Promise<PersonalDataKind[]> {
  const settings = await readReplySettings(db, session.workspaceId);
  const kinds = personalDataKinds(text, settings);
  if (kinds.length === 0) return [];
  const trainee = session.role === 'trainee';
  if (confirmed && trainee) {
    throw new AppError(
      'reply.personal_data_trainee',
      'forbidden',
      'A trainee cannot publish personal data; move the conversation to direct messages.',
      { kinds },
    );
  }
  if (!confirmed) {
    throw new AppError(
      'reply.personal_data',
      'unprocessable',
      'This public reply contains personal data; reply by DM, or send again with confirmPersonalData: true.',
      { kinds, canOverride: !trainee },
    );
  }
  return kinds;
}

/**
 * Records a confirmed override in the reply's transaction: an audit line and an event naming who, which case
 * and which kinds of data, never the data itself.
 */
export async function recordPersonalDataOverride(
  tx: Tx,
  context: AuditContext | undefined,
  override: { workspaceId: string; agentId: string; caseId: string; messageId: string; kinds: PersonalDataKind[] },
  at: number,
): Promise<void> {
  await audit(tx, context, 'reply.personal_data_override', at, {
    subject: { type: 'case', id: override.caseId },
    details: { kinds: override.kinds, messageId: override.messageId },
  });
  await recordEvents(tx, [
    {
      workspaceId: override.workspaceId,
      type: 'reply.personal_data_override',
      caseId: override.caseId,
      subjectId: override.messageId,
      actor: { type: 'agent', id: override.agentId },
      payload: { kinds: override.kinds },
      occurredAt: at,
    },
  ]);
}

/** Who a reply assigns an unassigned case to: the replier, when the workspace assigns on reply. */
export interface ReplierAssignment {
  workspaceId: string;
  caseId: string;
  agentId: string;
  agentName: string;
  actorId: string;
}

/**
 * The reads of assign-on-reply (the workspace setting, the replier's name), apart from the write, so a
 * reply does them before it writes the case row: what runs after that write holds the row's lock.
 */
export async function replierAssignment(
  db: DbOrTx,
  reply: { workspaceId: string; caseId: string; agentId: string; actorId: string },
): Promise<ReplierAssignment | null> {
  if (!(await readCaseSettings(db, reply.workspaceId)).assignOnReply) return null;
  const agent = await db.selectFrom('agents').select('name').where('id', '=', reply.agentId).executeTakeFirst();
  return agent ? { ...reply, agentName: agent.name } : null;
}

/**
 * The write of assign-on-reply: a compare-and-set on "still unassigned" (an assignment made meanwhile wins),
 * with its event. Returns whether the case was assigned.
 */
export async function assignToReplier(tx: Tx, assignment: ReplierAssignment, at: number): Promise<boolean> {
  const updated = await tx
    .updateTable('cases')
    .set({ assignee_agent_id: assignment.agentId, updated_at: at })
    .where('id', '=', assignment.caseId)
    .where('assignee_agent_id', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await recordEvents(tx, [
    {
      workspaceId: assignment.workspaceId,
      type: 'case.assigned',
      caseId: assignment.caseId,
      subjectId: assignment.agentId,
      actor: { type: 'agent', id: assignment.actorId },
      payload: { agentId: assignment.agentId, agentName: assignment.agentName, reason: 'reply' },
      occurredAt: at,
    },
  ]);
  return true;
}

/**
 * Replying to an unassigned case makes it the replier's (workspace setting `assignOnReply`, on by default), in
 * the reply's transaction so reports credit the replier.
 */
export async function assignOnReply(
  tx: Tx,
  reply: { workspaceId: string; caseId: string; agentId: string; actorId: string },
  at: number,
): Promise<void> {
  const assignment = await replierAssignment(tx, reply);
  if (assignment) await assignToReplier(tx, assignment, at);
}

/** Advisory lock space of the per-case reply lock (two 32-bit keys: this, and the case id's hash). */
const REPLY_LOCK_SPACE = 0x7265_706c; // "repl"

/**
 * Serialises the replies and approvals of one case, so the clash and idempotency checks that follow see a
 * reply committed a moment ago. On PostgreSQL a transaction-scoped advisory lock on the case, NOT the case
 * row: ingestion updates case rows in big pages, and a reply holding a row through its checks and inserts
 * made pages wait on replies and replies on pages (issue 15: pool timeouts under load). The reply writes
 * its case row last, so it holds that row only for its commit. SQLite has one writer: writing the row
 * first takes the database's write lock before anything is read, as before.
 */
export async function lockCaseReplies(tx: Tx, caseId: string, now: number): Promise<void> {
  if (dialectOf(tx) === 'postgres') {
    await sql`select pg_advisory_xact_lock(${REPLY_LOCK_SPACE}, hashtext(${caseId}))`.execute(tx);
  } else {
    await tx.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute();
  }
}

/**
 * Why this case cannot be answered by DM although the channel sends DMs: X refused our last DM to this
 * customer (they do not accept DMs), or the customer never wrote to us privately in this case (a DM answers
 * one of theirs). Null when a DM is possible.
 */
export async function directReplyBlocked(
  db: DbOrTx,
  caseRow: { id: string; contact_id: string },
): Promise<'not_accepted' | 'no_history' | null> {
  const latest = await db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select(['messages.direction', 'messages.delivery_error'])
    .where('case_conversations.case_id', '=', caseRow.id)
    .where('messages.visibility', '=', 'direct')
    .where((eb) =>
      eb.or([eb('messages.direction', '=', 'inbound'), eb('messages.delivery_status', 'in', ['sent', 'failed'])]),
    )
    .orderBy('messages.created_at', 'desc')
    .limit(20)
    .execute();
  if (latest.find((m) => m.direction === 'outbound')?.delivery_error === 'x.dm_not_allowed') return 'not_accepted';
  return latest.some((m) => m.direction === 'inbound') ? null : 'no_history';
}

/** Another agent's reply to the same message this recently makes a second reply need confirming. */
export const COLLISION_WINDOW_MS = 5 * 60_000;

/**
 * Two agents must not answer the same post: a recent or still-travelling reply by someone else wins.
 * Runs inside the reply's transaction, after the case row is locked.
 */
export async function refuseIfAnswered(
  tx: Tx,
  session: Pick<AuthenticatedSession, 'agentId'>,
  answeredId: string,
  now: number,
): Promise<void> {
  const rival = await tx
    .selectFrom('messages')
    .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
    .select(['messages.id', 'messages.created_at', 'messages.delivery_status', 'agents.name'])
    .where('messages.in_reply_to_message_id', '=', answeredId)
    .where('messages.direction', '=', 'outbound')
    .where('messages.author_agent_id', '!=', session.agentId)
    .where((eb) =>
      eb.or([
        // A trainee's reply waiting for approval is on its way too (F17).
        eb('messages.delivery_status', 'in', ['queued', 'sending', 'pending_approval']),
        eb.and([
          eb('messages.created_at', '>=', now - COLLISION_WINDOW_MS),
          eb('messages.delivery_status', 'not in', ['failed', 'rejected']),
        ]),
      ]),
    )
    .orderBy('messages.created_at', 'desc')
    .executeTakeFirst();
  if (rival) {
    throw alreadyAnswered(rival, 'already answered this message; send again with confirm: true to reply anyway.');
  }
}

/** 409 reply.already_answered: who answered, which message, when; the sentence says what to do. */
export function alreadyAnswered(
  rival: { id: string; created_at: number; name: string | null },
  sentence: string,
): AppError {
  return new AppError('reply.already_answered', 'conflict', `${rival.name ?? 'Another agent'} ${sentence}`, {
    agentName: rival.name,
    messageId: rival.id,
    at: new Date(rival.created_at).toISOString(),
  });
}
