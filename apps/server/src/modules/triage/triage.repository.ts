import type { DbOrTx } from '../../platform/db/database.ts';
import { DEFAULT_PRIORITY_POLICY } from './priority.ts';
import { correctionSetFromLabels, type CorrectionSet } from './triage.labels.ts';
import { priorityPolicySchema, type PriorityPolicy } from './triage.models.ts';

/** The workspace's priority mapping, or the default one. A stored policy that no longer parses falls back too. */
export async function getPriorityPolicy(db: DbOrTx, workspaceId: string): Promise<PriorityPolicy> {
  const row = await db
    .selectFrom('priority_policies')
    .select('policy')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return DEFAULT_PRIORITY_POLICY;
  const parsed = priorityPolicySchema.safeParse(JSON.parse(row.policy));
  return parsed.success ? parsed.data : DEFAULT_PRIORITY_POLICY;
}

export async function savePriorityPolicy(
  db: DbOrTx,
  input: { workspaceId: string; policy: PriorityPolicy; agentId: string; now: number },
): Promise<void> {
  const policy = JSON.stringify(input.policy);
  await db
    .insertInto('priority_policies')
    .values({ workspace_id: input.workspaceId, policy, updated_by: input.agentId, updated_at: input.now })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ policy, updated_by: input.agentId, updated_at: input.now }),
    )
    .execute();
}

/** The workspace's labels (oldest first), as the desk and the offline tools both learn from them. */
export async function loadCorrections(db: DbOrTx, workspaceId: string): Promise<CorrectionSet> {
  const rows = await db
    .selectFrom('triage_labels')
    .select(['text', 'kind', 'label'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return correctionSetFromLabels(rows);
}
