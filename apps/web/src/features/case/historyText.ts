import type { CaseEvent } from '@guichet/contracts';
import type { TFunction } from 'i18next';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** P1…P4, or "none" for a case without priority. */
function priorityLabel(t: TFunction, value: unknown): string {
  return typeof value === 'number' && value >= 1 && value <= 4 ? t('inbox.priority', { value }) : t('history.none');
}

const triageKinds = ['type', 'priority'] as const;

/** "Type: Question → Complaint, Priority: P3 → P1" from a correction's `{ kind: { from, to } }`. */
function triageChanges(t: TFunction, payload: Record<string, unknown>): string {
  const label = (kind: (typeof triageKinds)[number], value: unknown): string => {
    if (kind === 'priority') return priorityLabel(t, typeof value === 'string' ? Number(value) : value);
    const code = str(value);
    if (kind === 'type' && ['complaint', 'question', 'praise', 'other'].includes(code))
      return t(`triage.type.${code as 'complaint'}`);
    return code || t('history.none');
  };
  return triageKinds
    .flatMap((kind) => {
      const change = payload[kind];
      if (!change || typeof change !== 'object') return [];
      const { from, to } = change as { from?: unknown; to?: unknown };
      return [
        t('history.triageChange', {
          kind: t(`history.triageKinds.${kind}`),
          from: label(kind, from),
          to: label(kind, to),
        }),
      ];
    })
    .join(', ');
}

function statusLabel(t: TFunction, value: unknown): string {
  return ['open', 'pending', 'snoozed', 'resolved'].includes(str(value))
    ? t(`status.${str(value) as 'open'}`)
    : str(value);
}

/** One sentence per event, in the agent's language; unknown event types show their code. */
export function describeEvent(t: TFunction, event: CaseEvent): string {
  const p = event.payload;
  switch (event.type) {
    case 'case.opened':
      return t('history.opened');
    case 'case.status_changed':
      return p.reason === 'snooze_due'
        ? t('history.snoozeDue')
        : p.reason === 'inbound_message'
          ? t('history.reopenedByCustomer', { to: statusLabel(t, p.to) })
          : t('history.statusChanged', { from: statusLabel(t, p.from), to: statusLabel(t, p.to) });
    case 'case.resolved':
      return t('history.resolved');
    case 'case.reopened':
      return t('history.reopened');
    case 'case.snoozed':
      return t('history.snoozed');
    case 'case.assigned':
      return p.reason === 'round_robin'
        ? t('caseStructure.history.assignedRoundRobin', { name: str(p.agentName) })
        : t('history.assigned', { name: str(p.agentName) });
    case 'case.split':
      return t('caseStructure.history.split', { count: Number(p.movedMessages ?? 0) });
    case 'case.split_from':
      return t('caseStructure.history.splitFrom', { count: Number(p.movedMessages ?? 0) });
    case 'case.merged':
      return t('caseStructure.history.merged', { count: Number(p.movedMessages ?? 0) });
    case 'case.merged_into':
      return t('caseStructure.history.mergedInto');
    case 'case.unassigned':
      return p.reason === 'agent_deactivated' ? t('history.unassignedDeactivated') : t('history.unassigned');
    case 'case.team_changed':
      return p.teamName ? t('history.team', { name: str(p.teamName) }) : t('history.noTeam');
    case 'case.tagged':
      return t('history.tagged', { tag: str(p.tag) });
    case 'case.untagged':
      return t('history.untagged', { tag: str(p.tag) });
    case 'case.macro_applied':
      return t('macros.history', { name: str(p.name) });
    case 'note.added':
      return t('history.noteAdded');
    case 'message.queued': {
      // The automatic away message (F20), not an agent's reply.
      if (p.automatic === 'away_message') return t('absence.history.awayMessage');
      // A thread's parts (F13) say which part they are.
      const thread = p.thread as { part?: unknown; of?: unknown } | undefined;
      return typeof thread?.part === 'number' && typeof thread.of === 'number'
        ? t('reply.historyThreadPart', { part: thread.part, of: thread.of })
        : t('history.replyQueued');
    }
    case 'message.sent':
      return t('history.replySent');
    case 'message.failed':
      return t('history.replyFailed');
    case 'message.received':
      return t('history.messageReceived');
    case 'case.conversation_linked':
      return t('history.conversationLinked');
    case 'survey.sent':
      return t('surveys.history.sent');
    case 'survey.answered':
      return str(p.comment)
        ? t('surveys.history.answeredWithComment', { rating: Number(p.rating), comment: str(p.comment) })
        : t('surveys.history.answered', { rating: Number(p.rating) });
    case 'survey.skipped':
      return t('surveys.history.skipped');
    case 'incident.case_linked':
      return p.by === 'rule'
        ? t('incidents.history.linkedByRule', { rule: str(p.rule) })
        : t('incidents.history.linked');
    case 'case.absence_marked': {
      // A customer wrote while the team was away (F20): the away period shows on the case.
      const kind = str(p.kind);
      return t('absence.history.marked', {
        kind: kind === 'holidays' || kind === 'incident' ? t(`absence.kinds.${kind}`) : t('absence.kinds.end_of_day'),
      });
    }
    case 'incident.case_unlinked':
      return t('incidents.history.unlinked');
    case 'incident.reply_queued':
      return t('incidents.history.replyQueued');
    case 'incident.reply_skipped':
      return t('incidents.history.replySkipped');
    case 'message.approval_requested':
      return t('approvals.history.requested');
    case 'message.approved':
      return p.edited ? t('approvals.history.approvedEdited') : t('approvals.history.approved');
    case 'message.rejected':
      return t('approvals.history.rejected', { comment: str(p.comment) });
    case 'message.engagement_requested':
      return t(`engagement.history.requested.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'message.engaged':
      return t(`engagement.history.done.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'message.engagement_approval_requested':
      return t(`engagement.history.approvalRequested.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'message.engagement_approved':
      return t(`engagement.history.approved.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'message.engagement_rejected':
      return t(`engagement.history.rejected.${str(p.kind) === 'like' ? 'like' : 'repost'}`, {
        comment: str(p.comment),
      });
    case 'message.engagement_failed':
      return t(`engagement.history.failed.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'sla.breached':
      return t('sla.history.breached', { metric: t(`sla.metric.${str(p.metric) as 'first_response'}`) });
    case 'case.priority_changed':
      // Set by a rule, or by an agent correcting the triage (F10, F11).
      return p.rule !== undefined
        ? t('history.priorityByRule', { priority: priorityLabel(t, p.priority), rule: str(p.rule) })
        : t('history.priorityChanged', { from: priorityLabel(t, p.from), to: priorityLabel(t, p.to) });
    case 'case.triage_corrected': {
      const changes = triageChanges(t, p);
      return changes ? t('history.triageCorrectedDetail', { changes }) : t('history.triageCorrected');
    }
    case 'case.sla_policy_applied':
      return t('history.slaPolicyApplied', { priority: priorityLabel(t, p.priority), rule: str(p.rule) });
    case 'case.template_suggested':
      return p.missing === true
        ? t('history.templateSuggestedMissing', { rule: str(p.rule) })
        : t('history.templateSuggested', { rule: str(p.rule) });
    case 'case.marked_spam':
      return t('history.markedSpam', { rule: str(p.rule) });
    case 'case.imported':
      return t('history.imported');
    case 'survey.answer_received':
      return t('history.surveyAnswerReceived');
    default:
      return event.type;
  }
}
