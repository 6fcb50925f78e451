import { accountChecklistSchema, type ChecklistItem } from '@guichet/contracts';
import { Alert, Badge, Button, Group, Paper, Progress, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';
import { BioWriterModal } from './BioWriterModal.tsx';

/** Under `cases` so that sign-out forgets it; not refreshed on its own (each look is an X user read). */
const checklistKey = (channelId: string) => ['cases', 'channels', channelId, 'checklist'] as const;

function useChecklist(channelId: string) {
  const queryClient = useQueryClient();
  const http = useMemo(() => new HttpClient({ onUnauthorized: () => endSession(queryClient) }), [queryClient]);
  return useQuery({
    queryKey: checklistKey(channelId),
    queryFn: ({ signal }) =>
      http.json('GET', `/api/channels/${encodeURIComponent(channelId)}/checklist`, accountChecklistSchema, { signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

const STATE_COLOR = { ok: 'green', todo: 'orange', unknown: 'gray' } as const;
const STATE_MARK = { ok: '✓', todo: '!', unknown: '?' } as const;

/**
 * The set-up checklist of a connected X account (F30): each item read from the profile X returns, with
 * what to do about it. Leads and admins see it on the Channels screen.
 */
export function AccountChecklistPanel({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  const checklist = useChecklist(channelId);
  const [writing, setWriting] = useState(false);
  if (checklist.isPending) {
    return (
      <Text size="sm" c="dimmed">
        {t('accountChecklist.loading')}
      </Text>
    );
  }
  if (checklist.isError) {
    return (
      <Alert color="gray" title={t('accountChecklist.title')} data-testid="account-checklist-error">
        <Text size="sm">{t('accountChecklist.unavailable')}</Text>
        <Text size="xs" c="dimmed">
          {t(errorMessageKey(checklist.error))}
        </Text>
      </Alert>
    );
  }
  const data = checklist.data;
  const done = data.items.filter((item) => item.state === 'ok').length;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="account-checklist">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={3} size="h5">
            {t('accountChecklist.title')}
          </Title>
          <Group gap="xs">
            <Text size="sm" c="dimmed" data-testid="account-checklist-progress">
              {t('accountChecklist.progress', { done, total: data.items.length })}
            </Text>
            <Button size="xs" variant="light" onClick={() => setWriting(true)} data-testid="account-checklist-bio">
              {t('accountChecklist.writeBio')}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              loading={checklist.isFetching}
              onClick={() => void checklist.refetch()}
              data-testid="account-checklist-refresh"
            >
              {t('accountChecklist.refresh')}
            </Button>
          </Group>
        </Group>
        <Progress value={(done / data.items.length) * 100} size="sm" color="green" />
        <Text size="xs" c="dimmed">
          {t('accountChecklist.intro')}
        </Text>
        {data.items.map((item) => (
          <ChecklistRow key={item.id} item={item} />
        ))}
      </Stack>
      {writing && <BioWriterModal checklist={data} onClose={() => setWriting(false)} />}
    </Paper>
  );
}

function ChecklistRow({ item }: { item: ChecklistItem }) {
  const { t } = useTranslation();
  const advice = adviceKeys(item);
  return (
    <Group
      gap="sm"
      align="flex-start"
      wrap="nowrap"
      data-testid="account-checklist-item"
      data-item={item.id}
      data-state={item.state}
    >
      <ThemeIcon color={STATE_COLOR[item.state]} variant="light" radius="xl" size="md" aria-hidden>
        {STATE_MARK[item.state]}
      </ThemeIcon>
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {t(`accountChecklist.items.${item.id}.title`)}
          </Text>
          <Badge size="xs" variant="light" color={STATE_COLOR[item.state]}>
            {t(`accountChecklist.states.${item.state}`)}
          </Badge>
        </Group>
        {advice.map((key) => (
          <Text key={key} size="sm" c="dimmed">
            {t(key as never)}
          </Text>
        ))}
        {item.found && item.id !== 'bio' && item.id !== 'pinnedPost' && (
          <Text size="xs" c="dimmed" className="customer-text">
            {t('accountChecklist.found', { value: item.found })}
          </Text>
        )}
        {item.found && (item.id === 'bio' || item.id === 'pinnedPost') && (
          <Text size="xs" c="dimmed" fs="italic" className="customer-text" lineClamp={3}>
            « {item.found} »
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/** The advice that fits the item: why it is fine, or what is missing and how to fix it. */
function adviceKeys(item: ChecklistItem): string[] {
  const base = `accountChecklist.items.${item.id}`;
  if (item.state === 'ok') {
    return [`${base}.ok`, ...item.missing.map((missing) => `${base}.missing.${missing}`)];
  }
  if (item.state === 'unknown') return [`${base}.unknown`];
  return item.missing.map((missing) => `${base}.missing.${missing}`);
}
