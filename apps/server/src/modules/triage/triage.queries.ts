import { existsSync } from 'node:fs';
import {
  modelMetricsSchema,
  triageModelSchema,
  type TriageLabel,
  type TriageModel,
  type TriageModels,
} from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { correctionSplit } from './triage.training.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function parseJson<T>(text: string | null, parse: (value: unknown) => T): T | null {
  if (text === null) return null;
  try {
    return parse(JSON.parse(text));
  } catch {
    return null;
  }
}

function modelFromRow(row: Row<'triage_models'> & { requester: string | null }): TriageModel {
  return {
    id: row.id,
    status: row.status,
    active: Number(row.active) === 1,
    trigger: row.trigger === 'nightly' || row.trigger === 'corrections' ? row.trigger : 'lead',
    sentimentRetrained: row.sentiment_sha256 !== null,
    sha256: row.sha256,
    bytes: row.bytes === null ? null : Number(row.bytes),
    training: parseJson(row.training, (v) => triageModelSchema.shape.training.parse(v)),
    metrics: parseJson(row.metrics, (v) => modelMetricsSchema.parse(v)),
    error: row.error,
    requestedBy: row.requester,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    activatedAt: iso(row.activated_at),
    fileMissing: row.status === 'ready' && (!row.file || !existsSync(row.file)),
  };
}

/** The retrain screen: models newest first, which one classifies, and the labels agents gave so far. */
export async function listTriageModels(db: DbOrTx, workspaceId: string): Promise<TriageModels> {
  const rows = await db
    .selectFrom('triage_models')
    .leftJoin('agents', 'agents.id', 'triage_models.requested_by')
    .selectAll('triage_models')
    .select('agents.name as requester')
    .where('triage_models.workspace_id', '=', workspaceId)
    .orderBy('triage_models.created_at', 'desc')
    .orderBy('triage_models.id', 'desc')
    .limit(20)
    .execute();
  const models = rows.map(modelFromRow);
  const active = await db
    .selectFrom('triage_models')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('active', '=', 1)
    .executeTakeFirst();
  const counts = await db
    .selectFrom('triage_labels')
    .select(['kind', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('kind')
    .execute();
  const texts = await db
    .selectFrom('triage_labels')
    .select('text')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .execute();
  const recent = await db
    .selectFrom('triage_labels')
    .leftJoin('agents', 'agents.id', 'triage_labels.agent_id')
    .select([
      'triage_labels.id as id',
      'triage_labels.case_id as caseId',
      'triage_labels.text as text',
      'triage_labels.kind as kind',
      'triage_labels.label as label',
      'triage_labels.previous as previous',
      'triage_labels.created_at as createdAt',
      'triage_labels.source as source',
      'agents.name as agentName',
    ])
    .where('triage_labels.workspace_id', '=', workspaceId)
    .orderBy('triage_labels.created_at', 'desc')
    .orderBy('triage_labels.id', 'desc')
    .limit(20)
    .execute();
  const count = (kind: string) => Number(counts.find((c) => c.kind === kind)?.n ?? 0);
  return {
    activeModelId: active?.id ?? null,
    models,
    labels: {
      type: count('type'),
      priority: count('priority'),
      heldOut: texts.filter((t) => correctionSplit(t.text) === 'heldout').length,
      recent: recent.map((r): TriageLabel => ({
        id: r.id,
        caseId: r.caseId,
        text: r.text,
        kind: r.kind,
        label: r.label,
        previous: r.previous,
        agentName: r.agentName,
        createdAt: iso(r.createdAt)!,
        split: correctionSplit(r.text),
        source: r.source === 'help' ? 'help' : 'correction',
      })),
    },
  };
}
