import { macroEffectsSchema, noMacroEffects, type ApplyMacroResult, type MacroEffects } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import {
  assignment,
  changeCases,
  resolveAssignee,
  statusChange,
  tagging,
  type CaseChange,
  type WorkflowDeps,
} from '../cases/cases.workflow.ts';

/**
 * Macros: a saved reply's effects on the case (tags, status, priority, assignee). Applied by the server in
 * one transaction with the case events each change records (the case history shows them) and one audit
 * line, once per (case, key): the key is the reply's idempotency key or the client's key for an explicit
 * "apply", so a retried request or a double click changes nothing twice.
 */

type EventList = Awaited<ReturnType<CaseChange>>;

/** Effects stored as JSON; anything unreadable is treated as none rather than failing the reply. */
export function parseEffects(text: string | null): MacroEffects | null {
  if (!text) return null;
  try {
    const parsed = macroEffectsSchema.safeParse(JSON.parse(text));
    return parsed.success && !noMacroEffects(parsed.data) ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What a macro will do, resolved (the template exists, its assignee is an active agent) before anything changes. */
export interface MacroPlan {
  templateId: string;
  name: string;
  effects: MacroEffects;
  assignee: Awaited<ReturnType<typeof resolveAssignee>> | null;
}

/**
 * Reads and checks a macro; null when the saved reply has no effects (a plain saved reply). Called before a
 * reply is queued, so a macro naming a removed agent refuses the reply instead of half-applying later.
 */
export async function planMacro(
  db: DbOrTx,
  session: AuthenticatedSession,
  templateId: string,
): Promise<MacroPlan | null> {
  const template = await db
    .selectFrom('templates')
    .select(['id', 'name', 'effects'])
    .where('workspace_id', '=', session.workspaceId)
    .where('id', '=', templateId)
    .executeTakeFirst();
  if (!template) throw new AppError('template.not_found', 'not_found', 'This saved reply does not exist.');
  const effects = parseEffects(template.effects);
  if (!effects) return null;
  const agentId = effects.assignee === 'me' ? session.agentId : effects.assignee;
  const assignee = agentId ? await resolveAssignee(db, session.workspaceId, { agentId }) : null;
  return { templateId: template.id, name: template.name, effects, assignee };
}

/** Claims (case, key); false when that key already applied a macro to this case. */
async function claim(
  tx: DbOrTx,
  plan: MacroPlan,
  session: AuthenticatedSession,
  caseId: string,
  key: string,
  now: number,
) {
  const result = await tx
    .insertInto('macro_applications')
    .values({
      case_id: caseId,
      application_key: key,
      workspace_id: session.workspaceId,
      template_id: plan.templateId,
      agent_id: session.agentId,
      applied_at: now,
    })
    .onConflict((oc) => oc.columns(['case_id', 'application_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

function priorityChange(priority: number): CaseChange {
  return async (tx, row) => {
    if (row.priority === priority) return [];
    await tx.updateTable('cases').set({ priority }).where('id', '=', row.id).execute();
    return [{ type: 'case.priority_changed', payload: { from: row.priority, to: priority, by: 'macro' } }];
  };
}

/** The effects' changes in a fixed order; each one records its own events and skips what is already so. */
function effectChanges(plan: MacroPlan, session: AuthenticatedSession, clockNow: number) {
  const { effects } = plan;
  const changes: { kind: ApplyMacroResult['changes'][number]; change: CaseChange }[] = [];
  for (const name of effects.tags) changes.push({ kind: 'tags', change: tagging(session.workspaceId, name) });
  if (effects.priority !== null) changes.push({ kind: 'priority', change: priorityChange(effects.priority) });
  if (plan.assignee) changes.push({ kind: 'assignee', change: assignment(plan.assignee) });
  // Last: resolving is what the agent sees as "done", after every other change is in.
  if (effects.status !== null)
    changes.push({ kind: 'status', change: statusChange({ status: effects.status }, clockNow) });
  return changes;
}

/** Applies a planned macro to a case once per key; audited through `context`. */
export async function applyMacro(
  deps: WorkflowDeps,
  session: AuthenticatedSession,
  caseId: string,
  plan: MacroPlan,
  key: string,
  context: AuditContext,
): Promise<ApplyMacroResult> {
  const result: ApplyMacroResult = { applied: false, changes: [] };
  const changes = effectChanges(plan, session, deps.clock.now().getTime());
  await changeCases(
    deps,
    session.workspaceId,
    { type: 'agent', id: session.agentId },
    [caseId],
    async (tx, row, now) => {
      if (!(await claim(tx, plan, session, row.id, key, now))) return [];
      result.applied = true;
      const events: EventList = [];
      for (const { kind, change } of changes) {
        // Each change reads the row as it now is (an earlier change may have moved it).
        const current = await tx.selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
        const recorded = await change(tx, current, now);
        if (recorded.length > 0 && !result.changes.includes(kind)) result.changes.push(kind);
        events.push(...recorded);
      }
      events.unshift({
        type: 'case.macro_applied',
        subjectId: plan.templateId,
        payload: { templateId: plan.templateId, name: plan.name, changes: result.changes },
      });
      await audit(tx, context, 'macro.applied', now, {
        subject: { type: 'case', id: row.id },
        after: { templateId: plan.templateId, name: plan.name, effects: plan.effects, changes: result.changes },
      });
      return events;
    },
  );
  return result;
}
