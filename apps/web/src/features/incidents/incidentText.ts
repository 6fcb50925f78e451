import type { IncidentTimelineEntry } from '@guichet/contracts';
import type { TFunction } from 'i18next';
import { isApiError } from '../../api/errors.ts';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { postErrorText } from '../scheduled-posts/PostEditor.tsx';

type T = TFunction;

/** The agent's words for what the server refused about an incident. */
export function incidentErrorText(t: T, error: unknown): string {
  if (isApiError(error)) {
    switch (error.code) {
      case 'incident.unknown_variables':
        return t('incidents.errors.unknownVariables');
      case 'incident.reply_too_long':
        return t('incidents.errors.replyTooLong');
      case 'incident.resolved':
        return t('incidents.errors.resolved');
      case 'incident.forbidden':
        return t('incidents.errors.forbidden');
      case 'incident.not_found':
        return t('incidents.errors.notFound');
    }
    if (error.code.startsWith('scheduled_post.') || error.code === 'channel.not_found') return postErrorText(t, error);
  }
  return t(errorMessageKey(error));
}

const labels = {
  'incident.declared': 'incidents.timeline.declared',
  'incident.case_linked': 'incidents.timeline.caseLinked',
  'incident.case_unlinked': 'incidents.timeline.caseUnlinked',
  'incident.updated': 'incidents.timeline.updated',
  'incident.resolved': 'incidents.timeline.resolved',
  'incident.reply_queued': 'incidents.timeline.replyQueued',
  'incident.reply_skipped': 'incidents.timeline.replySkipped',
  'scheduled_post.scheduled': 'incidents.timeline.statusPostScheduled',
  'scheduled_post.sent': 'incidents.timeline.statusPostSent',
  'scheduled_post.failed': 'incidents.timeline.statusPostFailed',
  'message.sent': 'incidents.timeline.replySent',
  'message.failed': 'incidents.timeline.replyFailed',
} as const;

/** One timeline line in the agent's language; an event type this build does not know reads as its code. */
export function timelineLabel(t: T, entry: IncidentTimelineEntry): string {
  const key = labels[entry.type as keyof typeof labels];
  if (!key) return entry.type;
  if (entry.type === 'incident.case_linked' && entry.detail.by === 'rule') {
    return t('incidents.timeline.caseLinkedByRule', { rule: String(entry.detail.rule ?? '') });
  }
  return t(key);
}

/** Entries that are failures, shown in red. */
export const failureTypes = new Set(['incident.reply_skipped', 'scheduled_post.failed', 'message.failed']);
