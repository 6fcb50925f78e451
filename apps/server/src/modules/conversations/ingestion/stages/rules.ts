import { planPageRules, type RuleMessage } from '../../../rules/rules.plan.ts';
import { listRules } from '../../../rules/rules.repository.ts';
import { rulesWithMissingReferences } from '../../../rules/rules.validation.ts';
import type { PageContext } from '../page.ts';

/**
 * Stage 8 — rules: the workspace's rules (F11) evaluated in memory for every message (`message.received`)
 * and every case this page opened (`case.opened`), following the events their actions cause. The effects
 * are written by the store stage, in this same transaction. A rule that names something deleted since it
 * was saved, or whose stored values no longer hold (a time zone this runtime does not know), is set aside
 * for the page and reported; the others run as if it did not exist. Survey ratings run no rules.
 */
export async function planRules(ctx: PageContext): Promise<void> {
  const rules = (await listRules(ctx.tx, ctx.channel.workspace_id)).filter((r) => r.enabled);
  if (rules.length === 0) return;
  const broken = await rulesWithMissingReferences(ctx.tx, ctx.channel.workspace_id, rules);
  const messages: RuleMessage[] = [];
  for (const entry of ctx.entries) {
    if (entry.surveyAnswer) continue;
    messages.push({
      messageId: entry.messageId,
      caseId: entry.draft.id,
      opensCase: entry.opensCase,
      createdAt: entry.item.createdAt.getTime(),
      context: {
        text: entry.item.text,
        classification: entry.classification!,
        priority: entry.decision!.priority,
        channelId: ctx.channel.id,
        visibility: entry.item.visibility,
        author: { followers: entry.item.author.followersCount ?? null, verified: entry.item.author.verified ?? false },
      },
    });
  }
  const plan = planPageRules(rules, messages, new Date(ctx.now), broken);
  ctx.ruleEffects = plan.effects;
  for (const [ruleId, error] of plan.failures) ctx.ruleFailures.set(ruleId, error);
  const clean = new Set(plan.clean);
  ctx.rulesRecovered = rules.filter((r) => r.failing && clean.has(r.id)).map((r) => r.id);
}
