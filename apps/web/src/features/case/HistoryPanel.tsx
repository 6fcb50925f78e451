import { Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import type { CaseEvent } from '@guichet/contracts';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

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
      return t('history.assigned', { name: str(p.agentName) });
    case 'case.unassigned':
      return t('history.unassigned');
    case 'case.team_changed':
      return p.teamName ? t('history.team', { name: str(p.teamName) }) : t('history.noTeam');
    case 'case.tagged':
      return t('history.tagged', { tag: str(p.tag) });
    case 'case.untagged':
      return t('history.untagged', { tag: str(p.tag) });
    case 'note.added':
      return t('history.noteAdded');
    case 'message.queued':
      return t('history.replyQueued');
    case 'message.sent':
      return t('history.replySent');
    case 'message.failed':
      return t('history.replyFailed');
    case 'message.received':
      return t('history.messageReceived');
    case 'case.conversation_linked':
      return t('history.conversationLinked');
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
    case 'message.engagement_failed':
      return t(`engagement.history.failed.${str(p.kind) === 'like' ? 'like' : 'repost'}`);
    case 'sla.breached':
      return t('sla.history.breached', { metric: t(`sla.metric.${str(p.metric) as 'first_response'}`) });
    default:
      return event.type;
  }
}

export function HistoryPanel({ events }: { events: CaseEvent[] }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label={t('history.title')} data-testid="case-history">
      <Title order={2} size="h5" mb="xs">
        {t('history.title')}
      </Title>
      {events.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('history.empty')}
        </Text>
      ) : (
        <Timeline bulletSize={10} lineWidth={2}>
          {events.map((event) => (
            <Timeline.Item key={event.id} data-testid="history-event" data-type={event.type}>
              <Stack gap={0}>
                <Text size="xs" className="customer-text">
                  {describeEvent(t, event)}
                </Text>
                {typeof event.payload.reminder === 'string' && event.payload.reminder && (
                  <Text size="xs" c="dimmed" className="customer-text">
                    {t('history.reminder', { text: event.payload.reminder })}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {event.actor.type === 'agent'
                    ? (event.actor.name ?? t('history.formerAgent'))
                    : event.actor.type === 'contact'
                      ? t('history.customer')
                      : t('history.system')}{' '}
                  · <Timestamp value={event.occurredAt} format="datetime" span size="xs" />
                </Text>
              </Stack>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}
