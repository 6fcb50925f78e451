import { Anchor, Box, Group, NumberInput, Paper, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { StaffingForecast } from '@guichet/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState.tsx';
import { WeekHourTable } from '../reports/Charts.tsx';
import { formatDuration } from '../reports/format.ts';
import '../reports/reports.css';
import { useStaffingApi } from './staffingApi.ts';

const browserTimeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

/** Staffing forecast (F26): agents needed per hour of the week (Erlang C) beside the current rota. */
export function StaffingPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(`${t('staffing.title')} · ${t('app.name')}`);
  const api = useStaffingApi();
  const [share, setShare] = useState('0.8');
  const [handle, setHandle] = useState<number | ''>('');
  const query = {
    weeks: 4,
    targetShare: Number(share),
    handleMinutes: handle === '' ? undefined : handle,
    timeZone: browserTimeZone(),
  };
  const forecast = useQuery({
    queryKey: ['reports', 'staffing', query],
    queryFn: ({ signal }) => api.forecast(query, signal),
    placeholderData: keepPreviousData,
  });
  const locale = i18n.language;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t('staffing.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('staffing.intro')}
          </Text>
        </div>
        <Anchor component={Link} to="/reports" size="sm">
          {t('staffing.backToReports')}
        </Anchor>
      </Group>
      <Group gap="md" align="flex-end">
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('staffing.targetShare')}
          </Text>
          <SegmentedControl
            size="xs"
            value={share}
            onChange={setShare}
            data={['0.8', '0.9', '0.95'].map((v) => ({ value: v, label: `${Math.round(Number(v) * 100)} %` }))}
            data-testid="staffing-share"
          />
        </div>
        <NumberInput
          size="xs"
          w={220}
          label={t('staffing.handleOverride')}
          placeholder={t('staffing.handleMeasured')}
          min={0.5}
          max={240}
          step={0.5}
          value={handle}
          onChange={(value) => setHandle(typeof value === 'number' ? value : '')}
        />
      </Group>
      {forecast.isError && !forecast.data ? (
        <ErrorState title={t('staffing.loadFailed')} error={forecast.error} onRetry={() => void forecast.refetch()} />
      ) : !forecast.data ? (
        <Skeleton h={360} radius="md" />
      ) : (
        <Forecast data={forecast.data} locale={locale} />
      )}
    </Stack>
  );
}

function Forecast({ data, locale }: { data: StaffingForecast; locale: string }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...data.needed.flat());
  const short = data.needed.flatMap((row, d) => row.map((n, h) => n - data.rota[d]![h]!)).filter((gap) => gap > 0);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md" data-testid="staffing-summary">
        <Text size="sm">
          {t('staffing.summary', {
            share: Math.round(data.targetShare * 100),
            target: formatDuration(data.targetMs, locale),
            handle: formatDuration(data.handleMs, locale),
            weeks: data.weeks,
            from: dateFormat.format(new Date(data.from)),
            to: dateFormat.format(new Date(Date.parse(data.to) - 1)),
          })}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          {t(`staffing.handleSource.${data.handleSource}`, { count: data.handleSample })} ·{' '}
          {t(`staffing.rotaSource.${data.rotaSource}`)}
        </Text>
        <Text size="sm" mt={6} fw={600} c={short.length > 0 ? 'red' : 'teal'}>
          {short.length > 0 ? t('staffing.shortHours', { count: short.length }) : t('staffing.noShortHours')}
        </Text>
      </Paper>
      <Paper withBorder p="md" radius="md" data-testid="staffing-heatmap">
        <Title order={3} size="h4" mb="xs">
          {t('staffing.heatmapTitle')}
        </Title>
        <Box style={{ overflowX: 'auto' }}>
          <WeekHourTable caption={t('staffing.heatmapLabel', { timeZone: data.timeZone })} rows={data.needed}>
            {(needed, hour, day, weekday) => {
              const rota = data.rota[weekday]![hour]!;
              const level = needed / max;
              const missing = needed > rota;
              return (
                <td
                  key={hour}
                  title={t('staffing.cell', {
                    day,
                    hour,
                    needed,
                    rota,
                    arrivals: data.arrivals[weekday]![hour]!,
                  })}
                  style={{
                    background: needed === 0 ? 'transparent' : `rgba(34, 139, 230, ${0.12 + level * 0.7})`,
                    outline: missing ? '2px solid var(--mantine-color-red-6)' : undefined,
                    outlineOffset: -2,
                    color: level > 0.6 ? 'white' : 'inherit',
                  }}
                >
                  {needed > 0 || rota > 0 ? `${needed}/${rota}` : ''}
                </td>
              );
            }}
          </WeekHourTable>
        </Box>
        <Text size="xs" c="dimmed" mt={4}>
          {t('staffing.legend', { timeZone: data.timeZone })}
        </Text>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Text size="sm">
          <b>{t('staffing.howTerm')}</b> — {t('staffing.how')}
        </Text>
      </Paper>
    </Stack>
  );
}
