import { Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import type { CaseStatus, CaseSummary, ChangeStatusRequest } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useDirectory } from '../inbox/InboxPage.tsx';
import { noteOwnChange, undoableStatus } from '../alerts/undo.ts';
import { useUndoToast } from '../alerts/UndoToast.tsx';

/** `YYYY-MM-DDTHH:mm` in the browser's zone, what a datetime-local input reads and writes. */
function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function tomorrowAtNine(): Date {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  date.setHours(9, 0, 0, 0);
  return date;
}

/** Shared by the case screen's buttons and its keyboard shortcuts. */
export function useCaseMutations(caseId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = (summary?: CaseSummary) => {
    if (summary) {
      queryClient.setQueryData(queryKeys.caseDetail(caseId), (detail: { case: CaseSummary } | undefined) =>
        detail ? { ...detail, case: summary } : detail,
      );
    }
    void queryClient.invalidateQueries({ queryKey: queryKeys.cases });
  };
  const showUndo = useUndoToast();
  // The case as it was before the change, for the toast's Undo.
  const before = () => {
    noteOwnChange(caseId);
    return queryClient.getQueryData<{ case: CaseSummary }>(queryKeys.caseDetail(caseId))?.case;
  };
  const status = useMutation({
    mutationFn: (request: ChangeStatusRequest) => api.changeStatus(caseId, request),
    onMutate: before,
    onSuccess: (summary, request, previous) => {
      refresh(summary);
      const action = undoableStatus(request);
      if (action && previous) showUndo(action, previous);
    },
  });
  const assign = useMutation({
    mutationFn: (request: { agentId?: string | null; teamId?: string | null }) => api.assign(caseId, request),
    onMutate: before,
    onSuccess: (summary, _request, previous) => {
      refresh(summary);
      if (previous) showUndo('assigned', previous);
    },
  });
  const addTag = useMutation({
    mutationFn: (name: string) => api.addCaseTag(caseId, name),
    onSuccess: (summary) => {
      refresh(summary);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
    },
  });
  const removeTag = useMutation({
    mutationFn: (tagId: string) => api.removeCaseTag(caseId, tagId),
    onSuccess: refresh,
  });
  return { status, assign, addTag, removeTag };
}

export function CaseControls({ summary }: { summary: CaseSummary }) {
  const { t } = useTranslation();
  const { agents, teams, tags } = useDirectory();
  const mutations = useCaseMutations(summary.id);
  const [snoozing, setSnoozing] = useState(false);
  const [until, setUntil] = useState(() => toLocalInput(tomorrowAtNine()));
  const [reminder, setReminder] = useState('');
  const [tagName, setTagName] = useState('');
  const error = [mutations.status, mutations.assign, mutations.addTag, mutations.removeTag].find(
    (m) => m.isError,
  )?.error;

  const setStatus = (status: CaseStatus) => mutations.status.mutate({ status });
  const snooze = () => {
    const date = new Date(until);
    if (Number.isNaN(date.getTime())) return;
    mutations.status.mutate(
      { status: 'snoozed', snoozeUntil: date.toISOString(), ...(reminder.trim() ? { reminder: reminder.trim() } : {}) },
      { onSuccess: () => setSnoozing(false) },
    );
  };
  const otherStatuses = (['open', 'pending', 'resolved'] as const).filter((status) => status !== summary.status);

  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-labelledby="case-controls-title">
      <Stack gap="sm">
        <Title order={2} size="h5" id="case-controls-title">
          {t('caseControls.title')}
        </Title>
        <Group gap="xs" wrap="wrap">
          {otherStatuses.map((status) => (
            <Button
              key={status}
              size="xs"
              variant={status === 'resolved' ? 'filled' : 'default'}
              color={status === 'resolved' ? 'green' : undefined}
              onClick={() => setStatus(status)}
              loading={mutations.status.isPending && mutations.status.variables?.status === status}
              data-testid={`status-${status}`}
              aria-keyshortcuts={status === 'resolved' ? 'e' : undefined}
            >
              {t(`caseControls.setStatus.${status}`)}
            </Button>
          ))}
          <Button size="xs" variant="default" onClick={() => setSnoozing((open) => !open)} data-testid="status-snooze">
            {t('caseControls.snooze')}
          </Button>
        </Group>
        {summary.snooze && (
          <Text size="sm" data-testid="snooze-info">
            {t('caseControls.snoozedUntil')} <Timestamp value={summary.snooze.until} format="datetime" span size="sm" />
            {summary.snooze.reminder && (
              <Text span size="sm" c="dimmed" className="customer-text">
                {' '}
                — {summary.snooze.reminder}
              </Text>
            )}
          </Text>
        )}
        {snoozing && (
          <Stack gap="xs" data-testid="snooze-form">
            <TextInput
              type="datetime-local"
              size="xs"
              label={t('caseControls.snoozeUntil')}
              value={until}
              min={toLocalInput(new Date())}
              onChange={(event) => setUntil(event.currentTarget.value)}
            />
            <Textarea
              size="xs"
              label={t('caseControls.reminder')}
              placeholder={t('caseControls.reminderPlaceholder')}
              value={reminder}
              maxLength={500}
              onChange={(event) => setReminder(event.currentTarget.value)}
            />
            <Group gap="xs">
              <Button size="xs" onClick={snooze} loading={mutations.status.isPending} data-testid="snooze-confirm">
                {t('caseControls.snoozeConfirm')}
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setSnoozing(false)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        )}

        <Select
          size="xs"
          label={t('caseControls.assignee')}
          placeholder={t('caseControls.nobody')}
          clearable
          searchable
          value={summary.assignee?.id ?? null}
          data={agents.map((agent) => ({ value: agent.id, label: agent.name }))}
          onChange={(value) => mutations.assign.mutate({ agentId: value })}
          data-testid="assignee-picker"
        />
        {teams.length > 0 && (
          <Select
            size="xs"
            label={t('caseControls.team')}
            placeholder={t('caseControls.noTeam')}
            clearable
            value={summary.team?.id ?? null}
            data={teams.map((team) => ({ value: team.id, label: team.name }))}
            onChange={(value) => mutations.assign.mutate({ teamId: value })}
          />
        )}

        <Stack gap={4}>
          <Text size="xs" fw={500}>
            {t('caseControls.tags')}
          </Text>
          <Group gap={4} wrap="wrap" data-testid="case-tags">
            {summary.tags.length === 0 && (
              <Text size="xs" c="dimmed">
                {t('caseControls.noTags')}
              </Text>
            )}
            {summary.tags.map((tag) => (
              <Badge
                key={tag.id}
                variant="light"
                color="grape"
                className="customer-text"
                rightSection={
                  <button
                    type="button"
                    className="tag-remove"
                    aria-label={t('caseControls.removeTag', { name: tag.name })}
                    onClick={() => mutations.removeTag.mutate(tag.id)}
                  >
                    ×
                  </button>
                }
              >
                {tag.name}
              </Badge>
            ))}
          </Group>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (!tagName.trim()) return;
              mutations.addTag.mutate(tagName.trim(), { onSuccess: () => setTagName('') });
            }}
          >
            <Group gap={4} wrap="nowrap">
              <TextInput
                size="xs"
                flex={1}
                aria-label={t('caseControls.addTag')}
                placeholder={t('caseControls.addTagPlaceholder')}
                value={tagName}
                maxLength={40}
                onChange={(event) => setTagName(event.currentTarget.value)}
                list="known-tags"
                data-testid="tag-input"
              />
              <datalist id="known-tags">
                {tags.map((tag) => (
                  <option key={tag.id} value={tag.name} />
                ))}
              </datalist>
              <Button size="xs" type="submit" variant="default" disabled={!tagName.trim()}>
                {t('caseControls.addTag')}
              </Button>
            </Group>
          </form>
        </Stack>
        {error && (
          <Text size="xs" c="red.7" role="alert">
            {t(errorMessageKey(error))}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
