import {
  addNoteRequestSchema,
  addTagRequestSchema,
  apiErrorSchema,
  assignRequestSchema,
  bulkRequestSchema,
  bulkResultSchema,
  caseDetailSchema,
  caseListQuerySchema,
  caseListSchema,
  caseSummarySchema,
  changeStatusRequestSchema,
  messageSchema,
  noteSchema,
  queueOverviewSchema,
  replyRequestSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { DatabaseHandle, Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { ChannelConnectors } from '../channels/channel-connectors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { directReplyBlocked } from './cases.reply-guard.ts';
import { planRefusedKinds } from '../conversations/engagement/engagement.repository.ts';
import { listCaseMessagePage, MESSAGE_PAGE } from './cases.messages.ts';
import { replyToCase, type ReplyDeps } from './cases.commands.ts';
import { countComplaints, countSlaViewCases, countViews } from './cases.counters.ts';
import { applyMacro, planMacro } from '../templates/templates.macros.ts';
import { findCaseRow, findCaseSummary, listCaseHistory, listCases, listNotes } from './cases.repository.ts';
import {
  addCaseNote,
  addCaseTag,
  assignCase,
  bulkUpdateCases,
  changeCaseStatus,
  removeCaseTag,
} from './cases.workflow.ts';

async function canSendDirect(
  deps: { db: Db; connectors?: ChannelConnectors | undefined },
  channelId: string,
): Promise<boolean> {
  const channel = await deps.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  if (!channel || !deps.connectors) return false;
  try {
    const connector = deps.connectors.get(channel);
    return connector.capabilities.directMessages && Boolean(connector.sendDirectMessage);
  } catch {
    return false;
  }
}

async function directReplyState(
  deps: { db: Db; connectors?: ChannelConnectors | undefined },
  caseRow: { id: string; channel_id: string; contact_id: string },
) {
  const directReplyAvailable = await canSendDirect(deps, caseRow.channel_id);
  return {
    directReplyAvailable,
    directReplyBlocked: directReplyAvailable ? await directReplyBlocked(deps.db, caseRow) : ('plan' as const),
  };
}

async function latestMessages(db: Db, caseRow: Parameters<typeof listCaseMessagePage>[1]) {
  const page = await listCaseMessagePage(db, caseRow, { limit: MESSAGE_PAGE });
  return { messages: page.messages, olderMessagesCursor: page.olderCursor };
}

const caseParams = z.object({ caseId: z.string().min(1).max(100) });
const caseTagParams = caseParams.extend({ tagId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 404: apiErrorSchema };

export function registerCaseRoutes(
  app: HttpApp,
  deps: ReplyDeps & {
    db: Db;
    connectors?: ChannelConnectors | undefined;
    database: Pick<DatabaseHandle, 'dialect'>;
  },
): void {
  const summaryOf = async (workspaceId: string, caseId: string) => {
    const summary = await findCaseSummary(deps.db, workspaceId, caseId);
    if (!summary) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
    return summary;
  };

  app.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases of a view, filtered, searched and sorted (newest activity or priority then age)',
        querystring: caseListQuerySchema,
        // 400 search.too_short: fewer than three characters to search.
        response: { 200: caseListSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId, agentId } = requireAuth(request);
      return listCases(deps.db, workspaceId, {
        ...request.query,
        agentId,
        now: deps.clock.now().getTime(),
        dialect: deps.database.dialect,
      });
    },
  );

  app.get(
    '/api/cases/overview',
    {
      schema: {
        tags: ['cases'],
        summary: 'How many cases each view holds, and the channels to filter by',
        response: { 200: queueOverviewSchema },
      },
    },
    async (request) => {
      const { workspaceId, agentId } = requireAuth(request);
      // Independent reads: side by side on PostgreSQL's pool (SQLite runs them one after the other anyway).
      const [channels, sla, counts, complaints] = await Promise.all([
        deps.db
          .selectFrom('channels')
          .select(['id', 'name', 'handle', 'network'])
          .where('workspace_id', '=', workspaceId)
          .orderBy('name')
          .execute(),
        countSlaViewCases(deps.db, workspaceId, deps.clock.now().getTime()),
        countViews(deps.db, workspaceId, agentId),
        countComplaints(deps.db, workspaceId),
      ]);
      return { counts: { ...counts, ...sla, complaints }, channels };
    },
  );

  app.post(
    '/api/cases/bulk',
    {
      schema: {
        tags: ['cases'],
        summary: 'Assign, tag or resolve several cases at once',
        body: bulkRequestSchema,
        response: { 200: bulkResultSchema, 400: apiErrorSchema },
      },
    },
    async (request) => ({
      updated: await bulkUpdateCases(deps, requireAuth(request), request.body.caseIds, request.body.action),
    }),
  );

  app.get(
    '/api/cases/:caseId',
    {
      schema: {
        tags: ['cases'],
        summary: 'A case with its messages, internal notes and history',
        params: caseParams,
        response: { 200: caseDetailSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const caseRow = await findCaseRow(deps.db, workspaceId, request.params.caseId);
      const summary = caseRow ? await findCaseSummary(deps.db, workspaceId, caseRow.id) : null;
      if (!caseRow || !summary) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
      return {
        case: summary,
        // The latest page only: a long thread's earlier messages are read as the agent scrolls up.
        ...(await latestMessages(deps.db, caseRow)),
        mergedIntoCaseId: caseRow.merged_into_case_id,
        splitFromCaseId: caseRow.split_from_case_id,
        notes: await listNotes(deps.db, { caseId: caseRow.id }),
        history: await listCaseHistory(deps.db, caseRow.id),
        // Whether the channel can send this customer a DM (the composer's "reply by DM" needs it), and why not.
        ...(await directReplyState(deps, caseRow)),
        // Like or repost that X refused on this channel's plan: not offered again.
        engagementRefused: await planRefusedKinds(deps.db, caseRow.channel_id),
      };
    },
  );

  app.post(
    '/api/cases/:caseId/replies',
    {
      schema: {
        tags: ['cases'],
        summary:
          'Queue a reply to the case; 409 reply.already_answered unless confirm is true; 422 reply.personal_data ' +
          'unless confirmPersonalData is true (403 for trainees)',
        params: caseParams,
        body: replyRequestSchema,
        response: {
          202: messageSchema,
          400: apiErrorSchema,
          403: apiErrorSchema,
          404: apiErrorSchema,
          409: apiErrorSchema,
          422: apiErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      // A macro is checked before anything is queued, and applied once per reply (its idempotency key).
      const macro = request.body.macroId ? await planMacro(deps.db, session, request.body.macroId) : null;
      // The override is audited: who confirmed it, from where.
      const context = request.body.confirmPersonalData ? await auditContextOf(deps.db, request) : undefined;
      const message = await replyToCase(deps, session, request.params.caseId, request.body, context);
      if (macro) {
        const key = `reply:${request.body.idempotencyKey ?? message.id}`;
        await applyMacro(deps, session, request.params.caseId, macro, key, await auditContextOf(deps.db, request));
      }
      return reply.status(202).send(message);
    },
  );

  app.post(
    '/api/cases/:caseId/status',
    {
      schema: {
        tags: ['cases'],
        summary: 'Open, set pending, snooze until a date (with a reminder) or resolve the case',
        params: caseParams,
        body: changeStatusRequestSchema,
        response: { 200: caseSummarySchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await changeCaseStatus(deps, session, request.params.caseId, request.body);
      return summaryOf(session.workspaceId, request.params.caseId);
    },
  );

  app.post(
    '/api/cases/:caseId/assignment',
    {
      schema: {
        tags: ['cases'],
        summary: 'Assign the case to an agent and/or a team (null unassigns)',
        params: caseParams,
        body: assignRequestSchema,
        response: { 200: caseSummarySchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await assignCase(deps, session, request.params.caseId, request.body);
      return summaryOf(session.workspaceId, request.params.caseId);
    },
  );

  app.post(
    '/api/cases/:caseId/tags',
    {
      schema: {
        tags: ['cases'],
        summary: 'Tag the case, creating the tag if it is new',
        params: caseParams,
        body: addTagRequestSchema,
        response: { 200: caseSummarySchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await addCaseTag(deps, session, request.params.caseId, request.body.name);
      return summaryOf(session.workspaceId, request.params.caseId);
    },
  );

  app.delete(
    '/api/cases/:caseId/tags/:tagId',
    {
      schema: {
        tags: ['cases'],
        summary: 'Remove a tag from the case',
        params: caseTagParams,
        response: { 200: caseSummarySchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await removeCaseTag(deps, session, request.params.caseId, request.params.tagId);
      return summaryOf(session.workspaceId, request.params.caseId);
    },
  );

  app.post(
    '/api/cases/:caseId/notes',
    {
      schema: {
        tags: ['cases'],
        summary: 'Add an internal note to the case (never sent to the customer)',
        params: caseParams,
        body: addNoteRequestSchema,
        response: { 201: noteSchema, ...errors },
      },
    },
    async (request, reply) => {
      const note = await addCaseNote(deps, requireAuth(request), request.params.caseId, request.body.body);
      return reply.status(201).send(note);
    },
  );
}
