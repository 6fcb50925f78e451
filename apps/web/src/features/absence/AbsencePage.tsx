import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { AbsenceKind, AbsencePeriod, AbsenceStatus } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { formatFullDateTime } from '../../i18n/relativeTime.ts';
import { useSession } from '../auth/session.ts';
import { useChannels } from '../channels/channelsApi.ts';
import { absenceQueryKeys, useAbsenceApi, useAbsenceOverview } from './absenceApi.ts';
import { absenceErrorKey, fromLocalInput, nextMorning, toLocalInput } from './absenceTime.ts';

const kinds: AbsenceKind[] = ['end_of_day', 'holidays', 'incident'];
const statusColor: Record<AbsenceStatus, string> = {
  planned: 'blue',
  active: 'violet',
  ended: 'gray',
  cancelled: 'gray',
};

/** Away periods (F20): what is under way and planned; leads and admins plan, start and end them. */
export function AbsencePage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('absence.title')} · ${t('app.name')}`);
  const overview = useAbsenceOverview();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  if (overview.isPending) return <CenteredLoader />;
  const periods = overview.data?.periods ?? [];
  return (
    <Stack gap="lg" maw={980}>
      <Group justify="space-between">
        <Title order={2}>{t('absence.title')}</Title>
        <Button component={Link} to="/greetings" variant="default" size="xs" data-testid="absence-texts-link">
          {t('absence.textsLink')}
        </Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('absence.intro')}
      </Text>
      {overview.data?.active ? (
        <ActivePanel period={overview.data.active} canEdit={canEdit} />
      ) : (
        <Alert color="green" variant="light" data-testid="absence-none">
          {t('absence.noneActive')}
        </Alert>
      )}
      {canEdit && <PlanForm />}
      <Paper withBorder p="md">
        <Title order={4} mb="sm">
          {t('absence.list.title')}
        </Title>
        {periods.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('absence.list.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" data-testid="absence-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('absence.list.kind')}</Table.Th>
                  <Table.Th>{t('absence.list.from')}</Table.Th>
                  <Table.Th>{t('absence.list.until')}</Table.Th>
                  <Table.Th>{t('absence.list.status')}</Table.Th>
                  <Table.Th>{t('absence.list.answered')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {periods.map((period) => (
                  <PeriodRow key={period.id} period={period} canEdit={canEdit} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}

const when = (iso: string) => formatFullDateTime(new Date(iso), currentLanguage());

function useAbsenceAction() {
  const api = useAbsenceApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'start' | 'end' }) =>
      action === 'start' ? api.startNow(id) : api.end(id),
    onSuccess: (data) => queryClient.setQueryData(absenceQueryKeys.overview, data),
  });
}

function ActivePanel({ period, canEdit }: { period: AbsencePeriod; canEdit: boolean }) {
  const { t } = useTranslation();
  const action = useAbsenceAction();
  return (
    <Paper withBorder p="md" data-testid="absence-active">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Badge color="violet">{t(`absence.kinds.${period.kind}` as const)}</Badge>
            <Text fw={600}>{t('absence.activeUntil', { until: when(period.endsAt) })}</Text>
          </Group>
          {period.note && (
            <Text size="sm" className="customer-text">
              {period.note}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {t('absence.activeCounts', { count: period.answered, cases: period.cases })}
          </Text>
        </Stack>
        {canEdit && (
          <Button
            color="violet"
            loading={action.isPending}
            onClick={() => action.mutate({ id: period.id, action: 'end' })}
            data-testid="absence-end-now"
          >
            {t('absence.endNow')}
          </Button>
        )}
      </Group>
      {action.error && (
        <Alert color="red" mt="sm">
          {t(absenceErrorKey(action.error))}
        </Alert>
      )}
    </Paper>
  );
}

function PeriodRow({ period, canEdit }: { period: AbsencePeriod; canEdit: boolean }) {
  const { t } = useTranslation();
  const action = useAbsenceAction();
  return (
    <Table.Tr data-testid="absence-row">
      <Table.Td>
        <Text size="sm">{t(`absence.kinds.${period.kind}` as const)}</Text>
        {period.note && (
          <Text size="xs" c="dimmed" className="customer-text" lineClamp={2}>
            {period.note}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{when(period.startedAt ?? period.startsAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{when(period.endedAt ?? period.endsAt)}</Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Badge color={statusColor[period.status]} variant="light" miw="max-content">
          {t(`absence.status.${period.status}` as const)}
        </Badge>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{t('absence.list.answeredCount', { count: period.answered })}</Text>
      </Table.Td>
      <Table.Td>
        {canEdit && period.status === 'planned' && (
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              variant="light"
              loading={action.isPending}
              onClick={() => action.mutate({ id: period.id, action: 'start' })}
              data-testid="absence-start-now"
            >
              {t('absence.startNow')}
            </Button>
            <Button
              size="xs"
              variant="default"
              loading={action.isPending}
              onClick={() => action.mutate({ id: period.id, action: 'end' })}
            >
              {t('absence.cancel')}
            </Button>
          </Group>
        )}
        {action.error && (
          <Text size="xs" c="red">
            {t(absenceErrorKey(action.error))}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function PlanForm() {
  const { t } = useTranslation();
  const api = useAbsenceApi();
  const queryClient = useQueryClient();
  const channels = useChannels();
  const [kind, setKind] = useState<AbsenceKind>('end_of_day');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState(() => toLocalInput(nextMorning(new Date())));
  const [note, setNote] = useState('');
  const [channelId, setChannelId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (now: boolean) => {
      const end = fromLocalInput(endsAt);
      const start = now ? null : fromLocalInput(startsAt);
      return api.create({
        kind,
        ...(start ? { startsAt: start.toISOString() } : {}),
        endsAt: end ? end.toISOString() : endsAt,
        note: note.trim() ? note : null,
        ...(channelId === null ? {} : { channelId: channelId === 'none' ? null : channelId }),
      });
    },
    onSuccess: (data) => {
      queryClient.setQueryData(absenceQueryKeys.overview, data);
      setNote('');
      setStartsAt('');
    },
  });
  const channelOptions = [
    ...(channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `@${c.handle}` })),
    { value: 'none', label: t('absence.form.noPost') },
  ];
  const endMissing = fromLocalInput(endsAt) === null;
  return (
    <Paper withBorder p="md" data-testid="absence-plan">
      <Title order={4} mb="sm">
        {t('absence.form.title')}
      </Title>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <Select
            label={t('absence.form.kind')}
            data={kinds.map((value) => ({ value, label: t(`absence.kinds.${value}` as const) }))}
            value={kind}
            allowDeselect={false}
            onChange={(value) => value && setKind(value as AbsenceKind)}
            data-testid="absence-kind"
          />
          <Select
            label={t('absence.form.channel')}
            description={t('absence.form.channelHelp')}
            data={channelOptions}
            value={channelId ?? channelOptions[0]?.value ?? null}
            allowDeselect={false}
            onChange={setChannelId}
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            type="datetime-local"
            label={t('absence.form.startsAt')}
            description={t('absence.form.startsAtHelp')}
            value={startsAt}
            min={toLocalInput(new Date())}
            onChange={(event) => setStartsAt(event.currentTarget.value)}
            data-testid="absence-starts-at"
          />
          <TextInput
            type="datetime-local"
            label={t('absence.form.endsAt')}
            description={t('absence.form.endsAtHelp')}
            value={endsAt}
            required
            min={toLocalInput(new Date())}
            onChange={(event) => setEndsAt(event.currentTarget.value)}
            data-testid="absence-ends-at"
          />
        </Group>
        <Textarea
          label={t('absence.form.note')}
          description={t('absence.form.noteHelp')}
          value={note}
          maxLength={500}
          autosize
          minRows={2}
          onChange={(event) => setNote(event.currentTarget.value)}
          data-testid="absence-note"
        />
        {create.error && <Alert color="red">{t(absenceErrorKey(create.error))}</Alert>}
        <Group>
          <Button
            color="violet"
            disabled={endMissing}
            loading={create.isPending && create.variables === true}
            onClick={() => create.mutate(true)}
            data-testid="absence-start"
          >
            {t('absence.form.startNow')}
          </Button>
          <Button
            variant="default"
            disabled={endMissing || fromLocalInput(startsAt) === null}
            loading={create.isPending && create.variables === false}
            onClick={() => create.mutate(false)}
            data-testid="absence-schedule"
          >
            {t('absence.form.plan')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
