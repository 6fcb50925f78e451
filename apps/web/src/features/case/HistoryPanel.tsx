import { Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import type { CaseEvent } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';
import { describeEvent } from './historyText.ts';

export { describeEvent };

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
