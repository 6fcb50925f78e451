import {
  engagementSchema,
  outgoingMediaSchema,
  pendingApprovalListSchema,
  type OutgoingMedia,
  type ApproveRequest,
  type Engagement,
  type EngagementKind,
  type PendingApprovalList,
} from '@guichet/contracts';
import {
  agentListSchema,
  bulkResultSchema,
  caseSummarySchema,
  contactProfileSchema,
  noteSchema,
  queueOverviewSchema,
  replySettingsSchema,
  tagListSchema,
  teamListSchema,
  templateListSchema,
  templateSchema,
  type AgentList,
  type AssignRequest,
  type BulkRequest,
  type BulkResult,
  type CaseSort,
  type CaseSummary,
  type CaseView,
  type ChangeStatusRequest,
  type ContactProfile,
  type Note,
  type PresenceState,
  type QueueOverview,
  type ReplySettings,
  type SaveTemplateRequest,
  type TagList,
  type TeamList,
  type Template,
  type TemplateList,
  caseDetailSchema,
  caseListSchema,
  messageSchema,
  sessionInfoSchema,
  type CaseDetail,
  type CaseList,
  type CaseStatus,
  type Message,
  type ReplyRequest,
  type SessionInfo,
  type SignInRequest,
} from '@guichet/contracts';
import { reportSchema, type Report, type ReportQuery } from '@guichet/contracts';
import { isApiError } from './errors.ts';
import type { HttpClient } from './http.ts';

export interface CaseListParams {
  view?: CaseView | undefined;
  status?: CaseStatus | undefined;
  assigneeId?: string | undefined;
  tagId?: string | undefined;
  channelId?: string | undefined;
  teamId?: string | undefined;
  /** Comma-separated lists: `complaint,question`, `1,2`, `fr,en`. */
  type?: string | undefined;
  priority?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
  /** Latest activity in [from, to), ISO-8601 instants. */
  from?: string | undefined;
  to?: string | undefined;
  sort?: CaseSort | undefined;
  limit?: number;
  cursor?: string | undefined;
}

const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;
const contactPath = (contactId: string) => `/api/contacts/${encodeURIComponent(contactId)}`;

/** The server's endpoints, typed with the shared contracts. */
export function createGuichetApi(http: HttpClient) {
  return {
    /** The current session, or null when nobody is signed in. */
    async getSession(signal?: AbortSignal): Promise<SessionInfo | null> {
      try {
        return await http.json('GET', '/api/auth/session', sessionInfoSchema, { signal, allowUnauthorized: true });
      } catch (error) {
        if (isApiError(error) && error.status === 401) return null;
        throw error;
      }
    },

    signIn(request: SignInRequest): Promise<SessionInfo> {
      return http.json('POST', '/api/auth/sign-in', sessionInfoSchema, { body: request, allowUnauthorized: true });
    },

    signOut(): Promise<void> {
      return http.empty('POST', '/api/auth/sign-out', { allowUnauthorized: true });
    },

    listCases(params: CaseListParams, signal?: AbortSignal): Promise<CaseList> {
      const query = new URLSearchParams();
      const keys = [
        'view',
        'status',
        'assigneeId',
        'tagId',
        'channelId',
        'teamId',
        'type',
        'priority',
        'language',
      ] as const;
      for (const key of [...keys, 'q', 'from', 'to', 'sort'] as const) {
        const value = params[key];
        if (value) query.set(key, value);
      }
      if (params.limit !== undefined) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      const search = query.toString();
      return http.json('GET', search ? `/api/cases?${search}` : '/api/cases', caseListSchema, { signal });
    },

    getCase(caseId: string, signal?: AbortSignal): Promise<CaseDetail> {
      return http.json('GET', `/api/cases/${encodeURIComponent(caseId)}`, caseDetailSchema, { signal });
    },

    /** A picture for the composer (base64 in JSON); its id then goes in the reply's `mediaIds`. */
    uploadReplyImage(contentType: string, data: string): Promise<OutgoingMedia> {
      return http.json('POST', '/api/media/uploads', outgoingMediaSchema, { body: { contentType, data } });
    },

    discardReplyImage(mediaId: string): Promise<void> {
      return http.empty('DELETE', `/api/media/uploads/${encodeURIComponent(mediaId)}`);
    },

    sendReply(caseId: string, request: ReplyRequest): Promise<Message> {
      return http.json('POST', `/api/cases/${encodeURIComponent(caseId)}/replies`, messageSchema, { body: request });
    },

    getQueueOverview(signal?: AbortSignal): Promise<QueueOverview> {
      return http.json('GET', '/api/cases/overview', queueOverviewSchema, { signal });
    },

    changeStatus(caseId: string, request: ChangeStatusRequest): Promise<CaseSummary> {
      return http.json('POST', `${casePath(caseId)}/status`, caseSummarySchema, { body: request });
    },

    assign(caseId: string, request: AssignRequest): Promise<CaseSummary> {
      return http.json('POST', `${casePath(caseId)}/assignment`, caseSummarySchema, { body: request });
    },

    addCaseTag(caseId: string, name: string): Promise<CaseSummary> {
      return http.json('POST', `${casePath(caseId)}/tags`, caseSummarySchema, { body: { name } });
    },

    removeCaseTag(caseId: string, tagId: string): Promise<CaseSummary> {
      return http.json('DELETE', `${casePath(caseId)}/tags/${encodeURIComponent(tagId)}`, caseSummarySchema);
    },

    addCaseNote(caseId: string, body: string): Promise<Note> {
      return http.json('POST', `${casePath(caseId)}/notes`, noteSchema, { body: { body } });
    },

    bulk(request: BulkRequest): Promise<BulkResult> {
      return http.json('POST', '/api/cases/bulk', bulkResultSchema, { body: request });
    },

    presence(caseId: string, state: PresenceState): Promise<void> {
      return http.empty('POST', `${casePath(caseId)}/presence`, { body: { state } });
    },

    listAgents(signal?: AbortSignal): Promise<AgentList> {
      return http.json('GET', '/api/agents', agentListSchema, { signal });
    },

    listTeams(signal?: AbortSignal): Promise<TeamList> {
      return http.json('GET', '/api/teams', teamListSchema, { signal });
    },

    listTags(signal?: AbortSignal): Promise<TagList> {
      return http.json('GET', '/api/tags', tagListSchema, { signal });
    },

    getContact(contactId: string, signal?: AbortSignal): Promise<ContactProfile> {
      return http.json('GET', contactPath(contactId), contactProfileSchema, { signal });
    },

    addContactNote(contactId: string, body: string): Promise<Note> {
      return http.json('POST', `${contactPath(contactId)}/notes`, noteSchema, { body: { body } });
    },

    addContactTag(contactId: string, name: string): Promise<ContactProfile> {
      return http.json('POST', `${contactPath(contactId)}/tags`, contactProfileSchema, { body: { name } });
    },

    removeContactTag(contactId: string, tagId: string): Promise<ContactProfile> {
      return http.json('DELETE', `${contactPath(contactId)}/tags/${encodeURIComponent(tagId)}`, contactProfileSchema);
    },

    listTemplates(signal?: AbortSignal): Promise<TemplateList> {
      return http.json('GET', '/api/templates', templateListSchema, { signal });
    },

    createTemplate(request: SaveTemplateRequest): Promise<Template> {
      return http.json('POST', '/api/templates', templateSchema, { body: request });
    },

    updateTemplate(templateId: string, request: SaveTemplateRequest): Promise<Template> {
      return http.json('PUT', `/api/templates/${encodeURIComponent(templateId)}`, templateSchema, { body: request });
    },

    deleteTemplate(templateId: string): Promise<void> {
      return http.empty('DELETE', `/api/templates/${encodeURIComponent(templateId)}`);
    },

    getReplySettings(signal?: AbortSignal): Promise<ReplySettings> {
      return http.json('GET', '/api/reply-settings', replySettingsSchema, { signal });
    },

    saveReplySettings(settings: ReplySettings): Promise<ReplySettings> {
      return http.json('PUT', '/api/reply-settings', replySettingsSchema, { body: settings });
    },

    listApprovals(signal?: AbortSignal): Promise<PendingApprovalList> {
      return http.json('GET', '/api/approvals', pendingApprovalListSchema, { signal });
    },

    approveReply(messageId: string, request: ApproveRequest): Promise<Message> {
      return http.json('POST', `/api/approvals/${encodeURIComponent(messageId)}/approve`, messageSchema, {
        body: request,
      });
    },

    rejectReply(messageId: string, comment: string): Promise<Message> {
      return http.json('POST', `/api/approvals/${encodeURIComponent(messageId)}/reject`, messageSchema, {
        body: { comment },
      });
    },

    engage(messageId: string, kind: EngagementKind): Promise<Engagement> {
      return http.json('POST', `/api/messages/${encodeURIComponent(messageId)}/engagements`, engagementSchema, {
        body: { kind },
      });
    },

    approveEngagement(engagementId: string): Promise<Engagement> {
      return http.json('POST', `/api/engagements/${encodeURIComponent(engagementId)}/approve`, engagementSchema);
    },

    rejectEngagement(engagementId: string, comment: string): Promise<Engagement> {
      return http.json('POST', `/api/engagements/${encodeURIComponent(engagementId)}/reject`, engagementSchema, {
        body: { comment },
      });
    },

    getReport(query: ReportQuery, signal?: AbortSignal): Promise<Report> {
      const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
      return http.json('GET', `/api/reports?${search.toString()}`, reportSchema, { signal });
    },
  };
}

export type GuichetApi = ReturnType<typeof createGuichetApi>;
