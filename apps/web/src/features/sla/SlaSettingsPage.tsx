import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { BusinessHours, Holiday, SlaPolicy } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useSession } from '../auth/session.ts';
import { DurationInput } from './DurationInput.tsx';
import { slaQueryKeys, useSlaApi } from './slaApi.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function defaultHours(): BusinessHours {
  const day = [{ start: '09:00', end: '18:00' }];
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Paris';
  return { timeZone, week: [day, day, day, day, day, [], []], holidays: [] };
}

/** Business hours, holidays and SLA targets per priority; leads and admins edit, agents read. */
export function SlaSettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('sla.title')} · ${t('app.name')}`);
  const api = useSlaApi();
  const queryClient = useQueryClient();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const hours = useQuery({ queryKey: slaQueryKeys.hours, queryFn: ({ signal }) => api.getHours(signal) });
  const policies = useQuery({ queryKey: slaQueryKeys.policies, queryFn: ({ signal }) => api.getPolicies(signal) });
  const alerts = useQuery({ queryKey: slaQueryKeys.alerts, queryFn: ({ signal }) => api.getAlerts(signal) });
  if (hours.isPending || policies.isPending) return <CenteredLoader />;
  return (
    <Stack gap="lg" maw={980}>
      <Title order={2}>{t('sla.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('sla.intro')}
      </Text>
      {alerts.data && alerts.data.alerts.length > 0 && <AlertsPanel />}
      <HoursForm
        key={JSON.stringify(hours.data?.workspace)}
        initial={hours.data?.workspace ?? null}
        canEdit={canEdit}
        onSaved={() => void queryClient.invalidateQueries({ queryKey: slaQueryKeys.hours })}
      />
      {policies.data && (
        <PoliciesForm
          key={JSON.stringify(policies.data)}
          initial={policies.data.policies}
          canEdit={canEdit}
          onSaved={() => void queryClient.invalidateQueries({ queryKey: slaQueryKeys.policies })}
        />
      )}
    </Stack>
  );
}

function AlertsPanel() {
  const { t, i18n } = useTranslation();
  const api = useSlaApi();
  const queryClient = useQueryClient();
  const alerts = useQuery({ queryKey: slaQueryKeys.alerts, queryFn: ({ signal }) => api.getAlerts(signal) });
  const read = useMutation({
    mutationFn: () => api.markAlertsRead(),
    onSuccess: (data) => queryClient.setQueryData(slaQueryKeys.alerts, data),
  });
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const list = alerts.data?.alerts ?? [];
  return (
    <Paper withBorder p="md" data-testid="sla-alerts">
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Title order={4}>{t('sla.alerts.title')}</Title>
          {(alerts.data?.unread ?? 0) > 0 && (
            <Badge color="red" data-testid="sla-alerts-unread">
              {t('sla.alerts.unread', { count: alerts.data?.unread ?? 0 })}
            </Badge>
          )}
        </Group>
        <Button
          size="xs"
          variant="default"
          disabled={(alerts.data?.unread ?? 0) === 0}
          loading={read.isPending}
          onClick={() => read.mutate()}
        >
          {t('sla.alerts.markRead')}
        </Button>
      </Group>
      <Stack gap={6}>
        {list.slice(0, 10).map((alert) => (
          <Group key={alert.id} gap="xs" wrap="nowrap">
            <Badge size="xs" color={alert.readAt ? 'gray' : 'red'} variant="light">
              {t(`sla.metric.${alert.metric}`)}
            </Badge>
            <Anchor
              component={Link}
              to={`/cases/${encodeURIComponent(alert.caseId)}`}
              size="sm"
              className="customer-text"
            >
              {alert.contactName}
            </Anchor>
            <Text size="sm" c="dimmed" truncate="end" className="customer-text" flex={1} miw={0}>
              {alert.preview}
            </Text>
            <Text size="xs" c="dimmed">
              {t('sla.alerts.breachedAt', { at: format.format(new Date(alert.dueAt)) })}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function HoursForm(props: { initial: BusinessHours | null; canEdit: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const api = useSlaApi();
  const [form, setForm] = useState<BusinessHours>(props.initial ?? defaultHours());
  const [holiday, setHoliday] = useState<Holiday>({ date: '', name: '' });
  const save = useMutation({
    mutationFn: (hours: BusinessHours | null) => api.saveHours({ teamId: null, hours }),
    onSuccess: props.onSaved,
  });
  const setDay = (index: number, day: BusinessHours['week'][number]) =>
    setForm({ ...form, week: form.week.map((d, i) => (i === index ? day : d)) });
  const disabled = !props.canEdit;
  return (
    <Paper withBorder p="md" data-testid="sla-hours">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('sla.hours.title')}</Title>
        <Badge variant="light" color={props.initial ? 'teal' : 'orange'} data-testid="sla-hours-state">
          {props.initial ? t('sla.hours.set') : t('sla.hours.notSet')}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sla.hours.help')}
      </Text>
      {/* Unsaved, the week below is only a suggestion: say so, so it does not look in force. */}
      {!props.initial && (
        <Alert color="orange" variant="light" mb="sm" data-testid="sla-hours-draft">
          {t('sla.hours.draft')}
        </Alert>
      )}
      <TextInput
        label={t('sla.hours.timeZone')}
        value={form.timeZone}
        onChange={(e) => setForm({ ...form, timeZone: e.currentTarget.value })}
        disabled={disabled}
        maw={320}
        mb="sm"
        data-testid="sla-time-zone"
      />
      <Table withRowBorders={false} verticalSpacing={4} maw={560}>
        <Table.Tbody>
          {weekdays.map((name, index) => {
            const interval = form.week[index]?.[0];
            return (
              <Table.Tr key={name} data-testid={`sla-day-${name}`}>
                <Table.Td w={150}>
                  <Switch
                    label={t(`sla.weekday.${name}`)}
                    checked={interval !== undefined}
                    disabled={disabled}
                    onChange={(e) => setDay(index, e.currentTarget.checked ? [{ start: '09:00', end: '18:00' }] : [])}
                  />
                </Table.Td>
                <Table.Td>
                  {interval ? (
                    <Group gap="xs" wrap="nowrap">
                      <TextInput
                        size="xs"
                        w={80}
                        placeholder="09:00"
                        aria-label={t('sla.hours.opens', { day: t(`sla.weekday.${name}`) })}
                        value={interval.start}
                        disabled={disabled}
                        onChange={(e) => setDay(index, [{ ...interval, start: e.currentTarget.value }])}
                      />
                      <Text size="sm">–</Text>
                      <TextInput
                        size="xs"
                        w={80}
                        placeholder="09:00"
                        aria-label={t('sla.hours.closes', { day: t(`sla.weekday.${name}`) })}
                        value={interval.end}
                        disabled={disabled}
                        onChange={(e) => setDay(index, [{ ...interval, end: e.currentTarget.value }])}
                      />
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {t('sla.hours.closed')}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>

      <Title order={5} mt="md" mb="xs">
        {t('sla.holidays.title')}
      </Title>
      <Stack gap={4} mb="xs" data-testid="sla-holidays">
        {form.holidays.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('sla.holidays.none')}
          </Text>
        )}
        {[...form.holidays]
          .sort((a, b) => a.date.localeCompare(b.date))
          .map((h) => (
            <Group key={h.date} gap="xs">
              <Badge variant="outline" color="gray">
                {h.date}
              </Badge>
              <Text size="sm">{h.name}</Text>
              {!disabled && (
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="red"
                  aria-label={t('sla.holidays.remove', { date: h.date })}
                  onClick={() => setForm({ ...form, holidays: form.holidays.filter((x) => x.date !== h.date) })}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          ))}
      </Stack>
      {!disabled && (
        <Group gap="xs" align="flex-end">
          <TextInput
            type="date"
            size="xs"
            label={t('sla.holidays.date')}
            value={holiday.date}
            onChange={(e) => setHoliday({ ...holiday, date: e.currentTarget.value })}
            data-testid="sla-holiday-date"
          />
          <TextInput
            size="xs"
            label={t('sla.holidays.name')}
            value={holiday.name}
            onChange={(e) => setHoliday({ ...holiday, name: e.currentTarget.value })}
            data-testid="sla-holiday-name"
          />
          <Button
            size="xs"
            variant="default"
            disabled={!/^\d{4}-\d{2}-\d{2}$/.test(holiday.date)}
            onClick={() => {
              setForm({
                ...form,
                holidays: [...form.holidays.filter((h) => h.date !== holiday.date), holiday],
              });
              setHoliday({ date: '', name: '' });
            }}
            data-testid="sla-holiday-add"
          >
            {t('sla.holidays.add')}
          </Button>
        </Group>
      )}
      {save.isError && (
        <Alert color="red" mt="sm">
          {t(errorMessageKey(save.error))}
        </Alert>
      )}
      {!disabled && (
        <Group mt="md">
          <Button onClick={() => save.mutate(form)} loading={save.isPending} data-testid="sla-hours-save">
            {t('sla.hours.save')}
          </Button>
          {props.initial && (
            <Button variant="subtle" color="gray" onClick={() => save.mutate(null)}>
              {t('sla.hours.clear')}
            </Button>
          )}
        </Group>
      )}
    </Paper>
  );
}

function PoliciesForm(props: { initial: SlaPolicy[]; canEdit: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const api = useSlaApi();
  const [rows, setRows] = useState<SlaPolicy[]>(props.initial);
  const save = useMutation({ mutationFn: () => api.savePolicies({ policies: rows }), onSuccess: props.onSaved });
  const set = (priority: number, patch: Partial<SlaPolicy>) =>
    setRows(rows.map((row) => (row.priority === priority ? { ...row, ...patch } : row)));
  const disabled = !props.canEdit;
  return (
    <Paper withBorder p="md" data-testid="sla-policies">
      <Title order={4} mb="xs">
        {t('sla.policies.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sla.policies.help')}
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sla.policies.priority')}</Table.Th>
              <Table.Th>{t('sla.metric.first_response')}</Table.Th>
              <Table.Th>{t('sla.metric.next_response')}</Table.Th>
              <Table.Th>{t('sla.metric.resolution')}</Table.Th>
              <Table.Th>{t('sla.policies.businessHours')}</Table.Th>
              <Table.Th>{t('sla.policies.pauseWhenPending')}</Table.Th>
              <Table.Th>{t('sla.policies.pauseDuringAbsence')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.priority} data-testid={`sla-policy-${row.priority}`}>
                <Table.Td>
                  <Badge color={row.priority <= 2 ? 'red' : 'gray'} variant="light">
                    P{row.priority}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <DurationInput
                    label={`P${row.priority} ${t('sla.metric.first_response')}`}
                    minutes={row.firstResponseMinutes}
                    disabled={disabled}
                    onChange={(value) => set(row.priority, { firstResponseMinutes: value ?? row.firstResponseMinutes })}
                  />
                </Table.Td>
                <Table.Td>
                  <DurationInput
                    label={`P${row.priority} ${t('sla.metric.next_response')}`}
                    minutes={row.nextResponseMinutes}
                    disabled={disabled}
                    placeholder={t('sla.policies.none')}
                    onChange={(value) => set(row.priority, { nextResponseMinutes: value })}
                  />
                </Table.Td>
                <Table.Td>
                  <DurationInput
                    label={`P${row.priority} ${t('sla.metric.resolution')}`}
                    minutes={row.resolutionMinutes}
                    disabled={disabled}
                    placeholder={t('sla.policies.none')}
                    onChange={(value) => set(row.priority, { resolutionMinutes: value })}
                  />
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`P${row.priority} ${t('sla.policies.businessHours')}`}
                    checked={row.businessHours}
                    disabled={disabled}
                    onChange={(e) => set(row.priority, { businessHours: e.currentTarget.checked })}
                  />
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`P${row.priority} ${t('sla.policies.pauseWhenPending')}`}
                    checked={row.pauseWhenPending}
                    disabled={disabled}
                    onChange={(e) => set(row.priority, { pauseWhenPending: e.currentTarget.checked })}
                  />
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`P${row.priority} ${t('sla.policies.pauseDuringAbsence')}`}
                    checked={row.pauseDuringAbsence}
                    disabled={disabled}
                    onChange={(e) => set(row.priority, { pauseDuringAbsence: e.currentTarget.checked })}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {save.isError && (
        <Alert color="red" mt="sm">
          {t(errorMessageKey(save.error))}
        </Alert>
      )}
      {!disabled && (
        <Group mt="md">
          <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="sla-policies-save">
            {t('sla.policies.save')}
          </Button>
          {save.isSuccess && (
            <Text size="sm" c="teal">
              {t('sla.saved')}
            </Text>
          )}
        </Group>
      )}
    </Paper>
  );
}
