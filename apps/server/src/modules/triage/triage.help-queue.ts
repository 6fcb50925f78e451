/**
 * The "help triage" queue: the recent customer posts the workspace's model is least sure about (complaint
 * score closest to the model's complaint threshold), each answered with one key; every answer is a label the
 * desk learns from at once (the adjustment) and at the next retrain.
 */
import type { HelpTriageItem, HelpTriageQueue } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { MessageType } from './triage.models.ts';
import { workspaceClassifier } from './triage.workspace-model.ts';

/** How far back "recent" reaches, and how many recent posts are weighed per request (newest first). */
const RECENT_MS = 14 * 24 * 3600 * 1000;
const SCANNED = 300;
export const QUEUE_SIZE = 20;

const iso = (ms: number) => new Date(Number(ms)).toISOString();

export async function helpTriageQueue(deps: { db: Db; clock: Clock }, workspaceId: string): Promise<HelpTriageQueue> {
  const since = deps.clock.now().getTime() - RECENT_MS;
  const recent = await deps.db
    .selectFrom('messages')
    .leftJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id as id',
      'messages.text as text',
      'messages.created_at as createdAt',
      'case_conversations.case_id as caseId',
    ])
    .where('messages.workspace_id', '=', workspaceId)
    .where('messages.direction', '=', 'inbound')
    .where('messages.created_at', '>=', since)
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(SCANNED)
    .execute();
  // A text already labelled (corrected or answered) is not asked again.
  const labelled = new Set(
    (
      await deps.db
        .selectFrom('triage_labels')
        .select('text')
        .distinct()
        .where('workspace_id', '=', workspaceId)
        .where('kind', 'in', ['type', 'complaint'])
        .execute()
    ).map((r) => r.text),
  );
  const { classifier } = await workspaceClassifier(deps.db, workspaceId);
  // Least sure = nearest the score at which this workspace's model switches to "complaint".
  const threshold = classifier.complaintThreshold ?? 0.5;
  const seen = new Set<string>();
  const items: (HelpTriageItem & { doubt: number })[] = [];
  for (const m of recent) {
    if (labelled.has(m.text) || seen.has(m.text) || m.text.trim() === '') continue;
    seen.add(m.text);
    const c = classifier.classify(m.text);
    const p = c.scores.complaint ?? (c.type === 'complaint' ? 1 : 0);
    items.push({
      messageId: m.id,
      caseId: m.caseId ?? null,
      text: m.text,
      createdAt: iso(m.createdAt),
      type: c.type,
      complaintProbability: Math.round(p * 1000) / 1000,
      doubt: Math.abs(p - threshold),
    });
  }
  items.sort((a, b) => a.doubt - b.doubt || (a.createdAt < b.createdAt ? 1 : -1));
  const answered = await deps.db
    .selectFrom('triage_labels')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('source', '=', 'help')
    .executeTakeFirstOrThrow();
  return {
    items: items.slice(0, QUEUE_SIZE).map(({ doubt: _doubt, ...item }) => item),
    answered: Number(answered.n),
  };
}

/** One answer: the post's type, recorded as a label (the complaint flag follows from it). */
export async function answerHelpTriage(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; agentId: string; messageId: string; type: MessageType },
): Promise<void> {
  const now = deps.clock.now().getTime();
  const message = await deps.db
    .selectFrom('messages')
    .leftJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id as id',
      'messages.text as text',
      'messages.type as type',
      'case_conversations.case_id as caseId',
    ])
    .where('messages.id', '=', input.messageId)
    .where('messages.workspace_id', '=', input.workspaceId)
    .where('messages.direction', '=', 'inbound')
    .executeTakeFirst();
  if (!message) throw new AppError('triage.message_not_found', 'not_found', 'No such customer message.');
  await deps.db
    .insertInto('triage_labels')
    .values({
      id: newId(now),
      workspace_id: input.workspaceId,
      case_id: message.caseId ?? null,
      message_id: message.id,
      text: message.text,
      kind: 'type',
      label: input.type,
      previous: message.type,
      agent_id: input.agentId,
      created_at: now,
      source: 'help',
    })
    .execute();
}
