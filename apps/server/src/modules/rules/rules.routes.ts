import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { sharedClassifier, type Classifier } from '../triage/classifier.ts';
import { decidePriority } from '../triage/priority.ts';
import { getPriorityPolicy, savePriorityPolicy } from '../triage/triage.repository.ts';
import { priorityPolicySchema } from '../triage/triage.models.ts';
import { createRule, deleteRule, reorderRules, updateRule } from './rules.commands.ts';
import { assertNoLoop, planRules } from './rules.engine.ts';
import { ruleInputSchema, RULE_EVENTS } from './rules.models.ts';
import { listRules } from './rules.repository.ts';

const ruleParams = z.object({ ruleId: z.string().min(1).max(100) });
const sampleSchema = z.object({
  text: z.string().min(1).max(4000),
  followers: z.number().int().min(0).optional(),
  verified: z.boolean().optional(),
  channelId: z.string().default(''),
  visibility: z.enum(['public', 'direct']).default('public'),
  event: z.enum(RULE_EVENTS).optional(),
});
const LEADS = ['admin', 'lead'] as const;

/**
 * Rules (F11) and the priority mapping (F10): every agent reads them; leads and admins edit them.
 * `POST /api/rules/test` tries a draft rule on a sample post before it is saved.
 */
export function registerRuleRoutes(app: HttpApp, deps: { db: Db; clock: Clock; classifier?: Classifier }): void {
  const classifier = () => (deps.classifier ? Promise.resolve(deps.classifier) : sharedClassifier());

  app.get('/api/rules', { schema: { tags: ['rules'], summary: 'The workspace rules, in order' } }, async (request) => ({
    rules: await listRules(deps.db, requireAuth(request).workspaceId),
  }));

  app.post(
    '/api/rules',
    { schema: { tags: ['rules'], summary: 'Create a rule, last in order (leads and admins)', body: ruleInputSchema } },
    async (request, reply) => {
      const session = requireRole(request, [...LEADS]);
      const rule = await createRule(deps, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        rule: request.body,
      });
      return reply.code(201).send(rule);
    },
  );

  app.put(
    '/api/rules/:ruleId',
    {
      schema: {
        tags: ['rules'],
        summary: 'Replace a rule (leads and admins)',
        params: ruleParams,
        body: ruleInputSchema,
      },
    },
    async (request) => {
      const session = requireRole(request, [...LEADS]);
      return updateRule(deps, { workspaceId: session.workspaceId, ruleId: request.params.ruleId, rule: request.body });
    },
  );

  app.delete(
    '/api/rules/:ruleId',
    { schema: { tags: ['rules'], summary: 'Delete a rule (leads and admins)', params: ruleParams } },
    async (request, reply) => {
      const session = requireRole(request, [...LEADS]);
      await deleteRule(deps.db, session.workspaceId, request.params.ruleId);
      return reply.code(204).send();
    },
  );

  app.put(
    '/api/rules-order',
    {
      schema: {
        tags: ['rules'],
        summary: 'Set the order rules run in (leads and admins)',
        body: z.object({ ids: z.array(z.string().min(1)).max(500) }),
      },
    },
    async (request) => {
      const session = requireRole(request, [...LEADS]);
      await reorderRules(deps.db, session.workspaceId, request.body.ids, deps.clock.now().getTime());
      return { rules: await listRules(deps.db, session.workspaceId) };
    },
  );

  app.post(
    '/api/rules/test',
    {
      schema: {
        tags: ['rules'],
        summary: 'Try a draft rule on a sample post, before saving it: triage, match, actions, loop check',
        body: z.object({ rule: ruleInputSchema, sample: sampleSchema }),
      },
    },
    async (request) => {
      const session = requireRole(request, [...LEADS]);
      const { rule, sample } = request.body;
      const classification = (await classifier()).classify(sample.text);
      const policy = await getPriorityPolicy(deps.db, session.workspaceId);
      const decision = decidePriority(
        classification,
        { followers: sample.followers, verified: sample.verified },
        policy,
      );
      let loop: string | null = null;
      try {
        assertNoLoop(rule, await listRules(deps.db, session.workspaceId));
      } catch (error) {
        loop = error instanceof Error ? error.message : String(error);
      }
      const plan = planRules([{ ...rule, id: 'draft', position: 0 }], {
        event: sample.event ?? rule.event,
        text: sample.text,
        classification,
        priority: decision.priority,
        channelId: sample.channelId,
        visibility: sample.visibility,
        author: { followers: sample.followers ?? null, verified: sample.verified ?? false },
        now: deps.clock.now(),
      });
      return {
        classification,
        priority: decision,
        matches: plan.matched.length > 0,
        actions: plan.matched[0]?.actions ?? [],
        loop,
      };
    },
  );

  app.get(
    '/api/triage/priority-policy',
    {
      schema: { tags: ['triage'], summary: 'The priority mapping (points per type, sentiment, cue, customer signal)' },
    },
    async (request) => ({ policy: await getPriorityPolicy(deps.db, requireAuth(request).workspaceId) }),
  );

  app.put(
    '/api/triage/priority-policy',
    {
      schema: {
        tags: ['triage'],
        summary: 'Replace the priority mapping (leads and admins)',
        body: priorityPolicySchema,
      },
    },
    async (request) => {
      const session = requireRole(request, [...LEADS]);
      await savePriorityPolicy(deps.db, {
        workspaceId: session.workspaceId,
        policy: request.body,
        agentId: session.agentId,
        now: deps.clock.now().getTime(),
      });
      return { policy: request.body };
    },
  );

  app.post(
    '/api/triage/classify',
    { schema: { tags: ['triage'], summary: 'Triage one post with the workspace policy', body: sampleSchema } },
    async (request) => {
      const session = requireAuth(request);
      const classification = (await classifier()).classify(request.body.text);
      const policy = await getPriorityPolicy(deps.db, session.workspaceId);
      const { followers, verified } = request.body;
      return { classification, priority: decidePriority(classification, { followers, verified }, policy) };
    },
  );
}
