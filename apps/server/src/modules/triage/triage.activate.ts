import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';

/**
 * Switches the workspace to a trained model, or back to the shipped one (`modelId` null). Ingestion reads the
 * active model per batch, so the next posts are classified by it.
 */
export async function activateModel(
  deps: { db: Db; clock: Clock },
  /** `agentId` null: the desk itself (a retrain that started by itself and won). */
  input: { workspaceId: string; agentId: string | null; modelId: string | null },
  context?: AuditContext,
): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const previous = await tx
      .selectFrom('triage_models')
      .select('id')
      .where('workspace_id', '=', input.workspaceId)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (input.modelId !== null) {
      const model = await tx
        .selectFrom('triage_models')
        .select(['id', 'status'])
        .where('id', '=', input.modelId)
        .where('workspace_id', '=', input.workspaceId)
        .executeTakeFirst();
      if (!model) throw new AppError('triage.model_not_found', 'not_found', 'No such model.');
      if (model.status !== 'ready') {
        throw new AppError('triage.model_not_ready', 'conflict', 'This model is not trained (yet): it cannot be used.');
      }
    }
    await tx
      .updateTable('triage_models')
      .set({ active: 0 })
      .where('workspace_id', '=', input.workspaceId)
      .where('active', '=', 1)
      .execute();
    if (input.modelId !== null) {
      await tx
        .updateTable('triage_models')
        .set({ active: 1, activated_at: now })
        .where('id', '=', input.modelId)
        .execute();
    }
    await recordEvents(tx, [
      {
        workspaceId: input.workspaceId,
        type: 'triage.model_activated',
        subjectId: input.modelId,
        actor: input.agentId ? { type: 'agent', id: input.agentId } : { type: 'system' },
        payload: { modelId: input.modelId, previousModelId: previous?.id ?? null },
        occurredAt: now,
      },
    ]);
    // A null model is the one shipped with the desk.
    await audit(tx, context, 'triage.model_activated', now, {
      subject: { type: 'triage_model', id: input.modelId },
      before: { modelId: previous?.id ?? null },
      after: { modelId: input.modelId },
    });
  });
}
