import { samplePostSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import type { Classifier } from '../triage/classifier.ts';
import { cuePatterns, URGENCY_CUES, workspaceCueMatcher } from '../triage/cues.ts';
import { DEFAULT_PRIORITY_POLICY, decidePriority } from '../triage/priority.ts';
import { getPriorityPolicy, savePriorityPolicy } from '../triage/triage.repository.ts';
import { priorityPolicySchema } from '../triage/triage.models.ts';
import { workspaceClassifier } from '../triage/triage.workspace-model.ts';
import { createRule, deleteRule, reorderRules, updateRule } from './rules.commands.ts';
import { assertNoLoop, conditionResults } from './rules.engine.ts';
import { ruleInputSchema, RULE_EVENTS } from './rules.models.ts';
import { listRules } from './rules.repository.ts';

const ruleParams = z.object({ ruleId: z.string().min(1).max(100) });
const caseParams = z.object({ caseId: z.string().min(1).max(100) });
const sampleSchema = samplePostSchema.extend({ event: z.enum(RULE_EVENTS).optional() });
const LEADS = ['admin', 'lead'] as const;

/**
 * Rules (F11) and the priority mapping (F10): every agent reads them; leads and admins edit them.
 * `POST /api/rules/test` tries a draft rule on a sample post before it is saved.
 */
export function registerRuleRoutes(app: HttpApp, deps: { db: Db; clock: Clock; classifier?: Classifier }): void {
  // The workspace's own model and cue words: a sample is triaged exactly as ingestion would triage it.
  const classifier = async (workspaceId: string) =>
    deps.classifier ?? (await workspaceClassifier(deps.db, workspaceId)).classifier;

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
        audit: await auditContextOf(deps.db, request),
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
      return updateRule(deps, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        ruleId: request.params.ruleId,
        rule: request.body,
        audit: await auditContextOf(deps.db, request),
      });
    },
  );

  app.delete(
    '/api/rules/:ruleId',
    { schema: { tags: ['rules'], summary: 'Delete a rule (leads and admins)', params: ruleParams } },
    async (request, reply) => {
      const session = requireRole(request, [...LEADS]);
      await deleteRule(deps.db, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        ruleId: request.params.ruleId,
        now: deps.clock.now().getTime(),
        audit: await auditContextOf(deps.db, request),
      });
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
      await reorderRules(deps.db, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        ids: request.body.ids,
        now: deps.clock.now().getTime(),
        audit: await auditContextOf(deps.db, request),
      });
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
      const classification = (await classifier(session.workspaceId)).classify(sample.text);
      const policy = await getPriorityPolicy(deps.db, session.workspaceId);
      const decision = decidePriority(
        classification,
        { followers: sample.followers, verified: sample.verified, repeatContact: sample.repeatContact },
        policy,
      );
      let loop: string | null = null;
      try {
        assertNoLoop(rule, await listRules(deps.db, session.workspaceId));
      } catch (error) {
        loop = error instanceof Error ? error.message : String(error);
      }
      const event = sample.event ?? rule.event;
      const conditions = conditionResults(rule, {
        event,
        text: sample.text,
        classification,
        priority: decision.priority,
        channelId: sample.channelId,
        visibility: sample.visibility,
        author: { followers: sample.followers ?? null, verified: sample.verified ?? false },
        now: deps.clock.now(),
      });
      const eventMismatch = event !== rule.event;
      const matches = !eventMismatch && conditions.every((c) => c.matched);
      return {
        classification,
        priority: decision,
        matches,
        conditions,
        actions: matches ? rule.actions : [],
        loop,
        eventMismatch,
      };
    },
  );

  app.get(
    '/api/triage/priority-policy',
    {
      schema: { tags: ['triage'], summary: 'The priority mapping (points per type, sentiment, cue, customer signal)' },
    },
    async (request) => ({
      policy: await getPriorityPolicy(deps.db, requireAuth(request).workspaceId),
      cues: URGENCY_CUES.map((cue) => ({ id: cue.id, patterns: cuePatterns(cue) })),
      defaults: DEFAULT_PRIORITY_POLICY,
    }),
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
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await audit(tx, context, 'triage.priority_policy_changed', now, {
          subject: { type: 'workspace', id: session.workspaceId },
          before: await getPriorityPolicy(tx, session.workspaceId),
          after: request.body,
        });
        await savePriorityPolicy(tx, {
          workspaceId: session.workspaceId,
          policy: request.body,
          agentId: session.agentId,
          now,
        });
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'triage.priority_policy_changed',
            actor: { type: 'agent', id: session.agentId },
            payload: { policy: request.body },
            occurredAt: now,
          },
        ]);
      });
      return { policy: request.body };
    },
  );

  app.post(
    '/api/triage/classify',
    {
      schema: {
        tags: ['triage'],
        summary: 'Triage one post with the workspace policy, or with a draft policy before it is saved',
        body: sampleSchema.extend({ policy: priorityPolicySchema.optional() }),
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const draft = request.body.policy;
      let model: Classifier;
      if (deps.classifier) model = deps.classifier;
      else {
        const workspace = await workspaceClassifier(deps.db, session.workspaceId);
        // A draft's cue words replace the saved ones, exactly as they would once saved.
        model = draft ? workspace.model.withExtraCues(workspaceCueMatcher(draft.words)) : workspace.classifier;
      }
      const classification = model.classify(request.body.text);
      const policy = draft ?? (await getPriorityPolicy(deps.db, session.workspaceId));
      const { followers, verified, repeatContact } = request.body;
      return {
        classification,
        priority: decidePriority(classification, { followers, verified, repeatContact }, policy),
      };
    },
  );

  app.get(
    '/api/cases/:caseId/template-suggestions',
    {
      schema: {
        tags: ['rules'],
        summary: 'Saved replies that rules suggested for this case, oldest suggestion first',
        params: caseParams,
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const rows = await deps.db
        .selectFrom('case_template_suggestions')
        .innerJoin('templates', 'templates.id', 'case_template_suggestions.template_id')
        .innerJoin('cases', 'cases.id', 'case_template_suggestions.case_id')
        .leftJoin('rules', 'rules.id', 'case_template_suggestions.rule_id')
        .select([
          'templates.id as id',
          'templates.name as name',
          'templates.shortcut as shortcut',
          'templates.body as body',
          'templates.language as language',
          'rules.name as rule',
        ])
        .where('case_template_suggestions.case_id', '=', request.params.caseId)
        .where('cases.workspace_id', '=', session.workspaceId)
        .orderBy('case_template_suggestions.created_at', 'asc')
        .orderBy('templates.name', 'asc')
        .execute();
      return { templates: rows };
    },
  );
}
