import type { CaseSummary, CaseStatus, Message } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function caseSummaryQuery(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('cases')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .innerJoin('channels', 'channels.id', 'cases.channel_id')
    .leftJoin('identities', (join) =>
      join.onRef('identities.contact_id', '=', 'cases.contact_id').onRef('identities.network', '=', 'channels.network'),
    )
    .select([
      'cases.id as id',
      'cases.status as status',
      'cases.priority as priority',
      'cases.preview as preview',
      'cases.opened_at as openedAt',
      'cases.last_message_at as lastMessageAt',
      'cases.message_count as messageCount',
      'contacts.id as contactId',
      'contacts.name as contactName',
      'identities.handle as handle',
      'identities.network as network',
      'identities.avatar_url as avatarUrl',
    ])
    .where('cases.workspace_id', '=', workspaceId);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof caseSummaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(row: SummaryRow): CaseSummary {
  return {
    id: row.id,
    status: row.status,
    priority: row.priority,
    preview: row.preview,
    openedAt: iso(row.openedAt),
    lastMessageAt: iso(row.lastMessageAt),
    messageCount: row.messageCount,
    contact: {
      id: row.contactId,
      name: row.contactName,
      handle: row.handle,
      network: row.network,
      avatarUrl: row.avatarUrl,
    },
  };
}

export function encodeCaseCursor(row: { lastMessageAt: string; id: string }): string {
  return Buffer.from(`${Date.parse(row.lastMessageAt)}:${row.id}`).toString('base64url');
}

function decodeCaseCursor(cursor: string): { at: number; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const ms = Number(at);
  return Number.isFinite(ms) && id ? { at: ms, id } : null;
}

/** Newest activity first, keyset-paginated on (last_message_at, id) so pages stay stable as cases arrive. */
export async function listCases(
  db: DbOrTx,
  workspaceId: string,
  query: { status?: CaseStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ cases: CaseSummary[]; nextCursor: string | null }> {
  let q = caseSummaryQuery(db, workspaceId);
  if (query.status) q = q.where('cases.status', '=', query.status);
  const after = query.cursor ? decodeCaseCursor(query.cursor) : null;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('cases.last_message_at', '<', after.at),
        eb.and([eb('cases.last_message_at', '=', after.at), eb('cases.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('cases.last_message_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const cases = rows.slice(0, query.limit).map(toSummary);
  const last = cases[cases.length - 1];
  return { cases, nextCursor: rows.length > query.limit && last ? encodeCaseCursor(last) : null };
}

export async function findCaseSummary(db: DbOrTx, workspaceId: string, caseId: string): Promise<CaseSummary | null> {
  const row = await caseSummaryQuery(db, workspaceId).where('cases.id', '=', caseId).executeTakeFirst();
  return row ? toSummary(row) : null;
}

export function findCaseRow(db: DbOrTx, workspaceId: string, caseId: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', caseId)
    .executeTakeFirst();
}

function messageQuery(db: DbOrTx) {
  return db
    .selectFrom('messages')
    .leftJoin('identities', 'identities.id', 'messages.author_identity_id')
    .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
    .select([
      'messages.id as id',
      'messages.conversation_id as conversationId',
      'messages.direction as direction',
      'messages.visibility as visibility',
      'messages.text as text',
      'messages.created_at as createdAt',
      'messages.external_id as externalId',
      'messages.url as url',
      'messages.in_reply_to_message_id as inReplyToMessageId',
      'messages.delivery_status as deliveryStatus',
      'messages.delivery_error as deliveryError',
      'identities.contact_id as authorContactId',
      'identities.name as authorName',
      'identities.handle as authorHandle',
      'agents.id as agentId',
      'agents.name as agentName',
    ]);
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messageQuery>['executeTakeFirstOrThrow']>>;

function toMessage(row: MessageRow, caseContactId: string): Message {
  const author: Message['author'] =
    row.direction === 'outbound' || !row.authorContactId
      ? { kind: 'agent', agentId: row.agentId, name: row.agentName ?? '' }
      : {
          kind: 'contact',
          contactId: row.authorContactId,
          name: row.authorName ?? row.authorHandle ?? '',
          handle: row.authorHandle,
          isCaseContact: row.authorContactId === caseContactId,
        };
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    visibility: row.visibility,
    text: row.text,
    author,
    createdAt: iso(row.createdAt),
    externalId: row.externalId,
    externalUrl: row.url,
    inReplyToMessageId: row.inReplyToMessageId,
    deliveryStatus: row.deliveryStatus,
    deliveryError: row.deliveryError,
  };
}

/** Every message of every conversation of the case, in the order they happened. */
export async function listCaseMessages(db: DbOrTx, caseRow: Row<'cases'>): Promise<Message[]> {
  const rows = await messageQuery(db)
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .where('case_conversations.case_id', '=', caseRow.id)
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .execute();
  return rows.map((row) => toMessage(row, caseRow.contact_id));
}

export async function findMessage(db: DbOrTx, messageId: string, caseContactId: string): Promise<Message | null> {
  const row = await messageQuery(db).where('messages.id', '=', messageId).executeTakeFirst();
  return row ? toMessage(row, caseContactId) : null;
}
