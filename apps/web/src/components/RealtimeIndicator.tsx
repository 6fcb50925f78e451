import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRealtimeStatus } from '../realtime/RealtimeProvider.tsx';

const dotColor = {
  connecting: 'var(--mantine-color-gray-5)',
  live: 'var(--mantine-color-green-6)',
  reconnecting: 'var(--mantine-color-orange-6)',
} as const;

/** Tells the agent whether new cases arrive by themselves or only on the periodic refresh. */
export function RealtimeIndicator() {
  const { t } = useTranslation();
  const status = useRealtimeStatus();
  return (
    <Group gap={6} wrap="nowrap" role="status" data-realtime-status={status}>
      <span
        aria-hidden
        style={{ width: 8, height: 8, borderRadius: '50%', background: dotColor[status], flexShrink: 0 }}
      />
      <Text size="xs" c="dimmed" visibleFrom="xs">
        {t(`header.realtime.${status}`)}
      </Text>
    </Group>
  );
}
