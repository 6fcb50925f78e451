import type {
  CaseIncidents,
  IncidentCase,
  IncidentDetail,
  IncidentReplyStatus,
  IncidentSuggestion,
  IncidentSummary,
  IncidentTimelineEntry,
} from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { findScheduledPost } from '../scheduled-posts/scheduled-posts.queries.ts';
import { matchIncident, matchMessage, SUGGESTION_LOOKBACK_MS } from './incidents.matching.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export async function findIncidentRow(db: DbOrTx, workspaceId: string, id: string): Promise<Row<'incidents'>> {
  const row = await db
    .selectFrom('incidents')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw new AppError('incident.not_found', 'not_found', 'This incident does not exist.');
  return row;
}

/** A case's customer messages, latest first: what incident matching looks at. */
export function latestCustomerMessages(db: DbOrTx, caseId: string, limit: number) {
  return db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select(['messages.text', 'messages.created_at'])
    .where('case_conversations.case_id', '=', caseId)
    .where('messages.direction', '=', 'inbound')
    .orderBy('messages.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Incidents, open ones first, then the most recent; with their linked and answered counts. */
export async function listIncidents(db: DbOrTx, workspaceId: string): Promise<IncidentSummary[]> {
  const rows = await db
    .selectFrom('incidents')
    .select(['id', 'title', 'status', 'declared_at', 'resolved_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('status')
    .orderBy('declared_at', 'desc')
    .limit(200)
    .execute();
  if (rows.length === 0) return [];
  const counts = await db
    .selectFrom('incident_cases')
    .leftJoin('messages', 'messages.id', 'incident_cases.reply_message_id')
    .select((eb) => [
      'incident_cases.incident_id as incidentId',
      eb.fn.countAll<number>().as('linked'),
      eb.fn.sum<number>(eb.case().when('messages.delivery_status', '=', 'sent').then(1).else(0).end()).as('sent'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.or([eb('messages.delivery_status', '=', 'failed'), eb('incident_cases.reply_error', 'is not', null)]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('failed'),
    ])
    .where(
      'incident_cases.incident_id',
      'in',
      rows.map((r) => r.id),
    )
    .groupBy('incident_cases.incident_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.incidentId, c]));
  return rows.map((row) => {
    const c = byId.get(row.id);
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      declaredAt: iso(row.declared_at),
      resolvedAt: row.resolved_at === null ? null : iso(row.resolved_at),
      linkedCount: Number(c?.linked ?? 0),
      repliesSent: Number(c?.sent ?? 0),
      repliesFailed: Number(c?.failed ?? 0),
    };
  });
}

function replyStatus(link: { reply_message_id: string | null; reply_error: string | null }, delivery: string | null) {
  if (link.reply_error) return 'skipped' satisfies IncidentReplyStatus;
  if (!link.reply_message_id) return 'none' satisfies IncidentReplyStatus;
  if (delivery === 'sent' || delivery === 'failed' || delivery === 'sending') return delivery;
  return 'queued' satisfies IncidentReplyStatus;
}

async function linkedCases(db: DbOrTx, incidentId: string): Promise<IncidentCase[]> {
  const rows = await db
    .selectFrom('incident_cases')
    .innerJoin('cases', 'cases.id', 'incident_cases.case_id')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .innerJoin('channels', 'channels.id', 'cases.channel_id')
    .leftJoin('identities', (join) =>
      join.onRef('identities.contact_id', '=', 'cases.contact_id').onRef('identities.network', '=', 'channels.network'),
    )
    .leftJoin('agents', 'agents.id', 'incident_cases.linked_by_agent_id')
    .leftJoin('messages', 'messages.id', 'incident_cases.reply_message_id')
    .select([
      'incident_cases.case_id',
      'incident_cases.linked_by',
      'incident_cases.linked_by_agent_id',
      'incident_cases.linked_at',
      'incident_cases.reply_message_id',
      'incident_cases.reply_error',
      'cases.preview',
      'cases.status as caseStatus',
      'contacts.name as contactName',
      'identities.handle as handle',
      'agents.name as agentName',
      'messages.delivery_status as deliveryStatus',
      'messages.delivery_error as deliveryError',
      'messages.url as replyUrl',
    ])
    .where('incident_cases.incident_id', '=', incidentId)
    .orderBy('incident_cases.linked_at')
    .orderBy('incident_cases.case_id')
    .execute();
  return rows.map((row) => ({
    caseId: row.case_id,
    preview: row.preview,
    caseStatus: row.caseStatus,
    contact: { name: row.contactName, handle: row.handle },
    linkedBy: row.linked_by,
    linkedByAgent: row.linked_by_agent_id && row.agentName ? { id: row.linked_by_agent_id, name: row.agentName } : null,
    linkedAt: iso(row.linked_at),
    reply: {
      status: replyStatus(row, row.deliveryStatus),
      messageId: row.reply_message_id,
      url: row.replyUrl,
      error: row.reply_error ?? row.deliveryError,
    },
  }));
}

/**
 * The incident's story from the events log: its own events (declared, links, updates, resolved, replies
 * queued or skipped), its status post's, and the delivery outcome of each resolution reply.
 */
async function timeline(db: DbOrTx, incident: Row<'incidents'>): Promise<IncidentTimelineEntry[]> {
  const replyIds = (
    await db
      .selectFrom('incident_cases')
      .select('reply_message_id')
      .where('incident_id', '=', incident.id)
      .where('reply_message_id', 'is not', null)
      .execute()
  ).map((r) => r.reply_message_id!);
  const rows = await db
    .selectFrom('events')
    .leftJoin('agents', 'agents.id', 'events.actor_id')
    .select([
      'events.id',
      'events.type',
      'events.occurred_at',
      'events.case_id',
      'events.payload',
      'events.actor_type',
      'events.actor_id',
      'agents.name as agentName',
    ])
    .where('events.workspace_id', '=', incident.workspace_id)
    .where((eb) => {
      const ors = [eb('events.subject_id', '=', incident.id)];
      if (incident.status_post_id) {
        ors.push(
          eb.and([
            eb('events.subject_id', '=', incident.status_post_id),
            eb('events.type', 'in', ['scheduled_post.scheduled', 'scheduled_post.sent', 'scheduled_post.failed']),
          ]),
        );
      }
      if (replyIds.length > 0) {
        ors.push(
          eb.and([
            eb('events.subject_id', 'in', replyIds),
            eb('events.type', 'in', ['message.sent', 'message.failed']),
          ]),
        );
      }
      return eb.or(ors);
    })
    .orderBy('events.occurred_at')
    .orderBy('events.id')
    .limit(2_000)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    at: iso(row.occurred_at),
    actor: row.actor_type === 'agent' && row.actor_id ? { id: row.actor_id, name: row.agentName ?? '' } : null,
    caseId: row.case_id,
    detail: parseJson<Record<string, unknown>>(row.payload, {}),
  }));
}

export async function getIncident(db: DbOrTx, workspaceId: string, id: string): Promise<IncidentDetail> {
  const row = await findIncidentRow(db, workspaceId, id);
  const agentIds = [row.declared_by_agent_id, row.resolved_by_agent_id].filter((v): v is string => v !== null);
  const agents =
    agentIds.length > 0
      ? await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', agentIds).execute()
      : [];
  const agent = (id: string | null) => {
    const found = id ? agents.find((a) => a.id === id) : undefined;
    return found ? { id: found.id, name: found.name } : null;
  };
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    keywords: parseJson<string[]>(row.keywords, []),
    status: row.status,
    resolutionText: row.resolution_text,
    statusPost: row.status_post_id ? await findScheduledPost(db, workspaceId, row.status_post_id) : null,
    declaredBy: agent(row.declared_by_agent_id),
    declaredAt: iso(row.declared_at),
    resolvedBy: agent(row.resolved_by_agent_id),
    resolvedAt: row.resolved_at === null ? null : iso(row.resolved_at),
    cases: await linkedCases(db, row.id),
    timeline: await timeline(db, row),
  };
}

/** How many recent customer messages a suggestion scan reads at most. */
const SUGGESTION_SCAN = 2_000;

/**
 * Complaints that look like this incident: customer messages since shortly before its declaration, on cases
 * not yet resolved nor linked, sharing its keywords. Best first, one entry per case (its best message).
 */
export async function suggestCases(
  db: DbOrTx,
  workspaceId: string,
  incidentId: string,
  limit = 50,
): Promise<IncidentSuggestion[]> {
  const incident = await db
    .selectFrom('incidents')
    .select(['id', 'keywords', 'declared_at', 'status'])
    .where('id', '=', incidentId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!incident) throw new AppError('incident.not_found', 'not_found', 'This incident does not exist.');
  if (incident.status !== 'open') return [];
  const keywords = parseJson<string[]>(incident.keywords, []);
  const messages = await db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .innerJoin('cases', 'cases.id', 'case_conversations.case_id')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .leftJoin('identities', 'identities.id', 'messages.author_identity_id')
    .leftJoin('incident_cases', (join) =>
      join.onRef('incident_cases.case_id', '=', 'cases.id').on('incident_cases.incident_id', '=', incidentId),
    )
    .select([
      'cases.id as caseId',
      'messages.text',
      'messages.created_at',
      'contacts.name as contactName',
      'identities.handle as handle',
    ])
    .where('messages.workspace_id', '=', workspaceId)
    .where('messages.direction', '=', 'inbound')
    .where('messages.created_at', '>=', incident.declared_at - SUGGESTION_LOOKBACK_MS)
    .where('cases.status', '!=', 'resolved')
    .where('incident_cases.case_id', 'is', null)
    .orderBy('messages.created_at', 'desc')
    .limit(SUGGESTION_SCAN)
    .execute();
  const best = new Map<string, IncidentSuggestion>();
  for (const message of messages) {
    const match = matchMessage(keywords, { text: message.text, at: message.created_at }, incident.declared_at);
    if (!match) continue;
    const current = best.get(message.caseId);
    if (current && current.score >= match.score) continue;
    best.set(message.caseId, {
      caseId: message.caseId,
      contact: { name: message.contactName, handle: message.handle },
      text: message.text,
      receivedAt: iso(message.created_at),
      matchedWords: match.matchedWords,
      score: match.score,
    });
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || b.receivedAt.localeCompare(a.receivedAt))
    .slice(0, limit);
}

/** For a case: the incidents it belongs to (banner) and the open ones its messages look like (suggestion). */
export async function caseIncidents(db: DbOrTx, workspaceId: string, caseId: string): Promise<CaseIncidents> {
  const found = await db
    .selectFrom('cases')
    .select('id')
    .where('id', '=', caseId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!found) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
  const linked = await db
    .selectFrom('incident_cases')
    .innerJoin('incidents', 'incidents.id', 'incident_cases.incident_id')
    .select(['incidents.id', 'incidents.title', 'incidents.status'])
    .where('incident_cases.case_id', '=', caseId)
    .orderBy('incidents.declared_at', 'desc')
    .execute();
  const linkedIds = new Set(linked.map((l) => l.id));
  const open = (
    await db
      .selectFrom('incidents')
      .select(['id', 'title', 'keywords', 'declared_at'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'open')
      .execute()
  ).filter((i) => !linkedIds.has(i.id));
  const suggested: CaseIncidents['suggested'] = [];
  if (open.length > 0) {
    const messages = await latestCustomerMessages(db, caseId, 20);
    for (const incident of open) {
      let best: { matchedWords: string[]; score: number } | null = null;
      for (const message of messages) {
        const match = matchIncident(incident, message);
        if (match && (!best || match.score > best.score)) best = match;
      }
      if (best) suggested.push({ id: incident.id, title: incident.title, ...best });
    }
    suggested.sort((a, b) => b.score - a.score);
  }
  const suggestedIds = new Set(suggested.map((s) => s.id));
  const otherOpen = open.filter((i) => !suggestedIds.has(i.id)).map((i) => ({ id: i.id, title: i.title }));
  return { linked, suggested, otherOpen };
}
