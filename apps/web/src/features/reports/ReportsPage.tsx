import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { PUBLISHED_BENCHMARKS, type Report, type ReportPeriod, type VolumeRow } from '@guichet/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { DailyChart, DistributionChart, HeatMap } from './Charts.tsx';
import { DataTable } from './DataTable.tsx';
import { SlaSection, TeamsSpendIncidents } from './Insights.tsx';
import { SatisfactionSection } from './Satisfaction.tsx';
import {
  dateInputValue,
  formatCount,
  formatDuration,
  formatShare,
  minutesOrEmpty,
  parseDateInput,
  presetRange,
} from './format.ts';
import './reports.css';

const browserTimeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

type MetricKind = 'share' | 'duration' | 'count';

type HeadlineId =
  | 'responseRate'
  | 'firstResponseMedian'
  | 'under1h'
  | 'under15m'
  | 'firstResponseP90'
  | 'nextResponseMedian'
  | 'resolutionMedian'
  | 'reopenRate'
  | 'opened'
  | 'firstResponseBusinessMedian'
  | 'slaCompliance';

interface Headline {
  id: HeadlineId;
  kind: MetricKind;
  value: (p: ReportPeriod) => number | null;
  /** Which way is better (null: neither, e.g. volume). */
  better: 'higher' | 'lower' | null;
  benchmark?: string;
}

/** Reports (F24): the team's numbers for a period, beside the previous one and the published benchmarks. */
export function ReportsPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(`${t('reports.title')} · ${t('app.name')}`);
  const api = useApi();
  const locale = i18n.language;
  const [params, setParams] = useSearchParams();
  const preset = (['week', 'month', 'quarter', 'custom'] as const).find((p) => p === params.get('range')) ?? 'month';
  const [customFrom, setCustomFrom] = useState(params.get('from') ?? '');
  const [customTo, setCustomTo] = useState(params.get('to') ?? '');

  const range = useMemo(() => {
    if (preset === 'custom') {
      const from = parseDateInput(params.get('from') ?? '');
      const to = parseDateInput(params.get('to') ?? '');
      if (from && to && to >= from) return { from, to: new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1) };
      return presetRange('month', new Date());
    }
    return presetRange(preset, new Date());
  }, [preset, params]);
  const timeZone = browserTimeZone();
  const query = { from: range.from.toISOString(), to: range.to.toISOString(), timeZone };
  const report = useQuery({
    queryKey: ['reports', query],
    queryFn: ({ signal }) => api.getReport(query, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

  const setPreset = (value: string) => {
    const next = new URLSearchParams(params);
    next.set('range', value);
    if (value === 'custom') {
      const from = customFrom || dateInputValue(range.from);
      const to = customTo || dateInputValue(new Date(range.to.getTime() - 86_400_000));
      setCustomFrom(from);
      setCustomTo(to);
      next.set('from', from);
      next.set('to', to);
    } else {
      next.delete('from');
      next.delete('to');
    }
    setParams(next, { replace: true });
  };
  const applyCustom = () => {
    const next = new URLSearchParams(params);
    next.set('range', 'custom');
    next.set('from', customFrom);
    next.set('to', customTo);
    setParams(next, { replace: true });
  };
  const printWeekly = () => {
    setParams(new URLSearchParams({ range: 'week' }), { replace: true });
    // Let the week's figures render before the print dialog takes the page.
    const waitThenPrint = (tries: number) =>
      setTimeout(() => {
        if (document.querySelector('[data-report-range="week"]') || tries <= 0) window.print();
        else waitThenPrint(tries - 1);
      }, 300);
    waitThenPrint(20);
  };

  const lastDay = new Date(range.to.getTime() - 1);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const periodLabel = `${dateFormat.format(range.from)} – ${dateFormat.format(lastDay)}`;

  return (
    <Stack gap="md" data-report-range={report.data && !report.isPlaceholderData ? preset : undefined}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {preset === 'week' ? t('reports.weeklyTitle') : t('reports.title')}
          </Title>
          <Text size="sm" c="dimmed" data-testid="report-period">
            {periodLabel} · {t('reports.comparedWithPrevious')}
          </Text>
        </div>
        <Group gap="xs" className="no-print" align="flex-end">
          <SegmentedControl
            size="xs"
            value={preset}
            onChange={setPreset}
            aria-label={t('reports.range')}
            data={[
              { value: 'week', label: t('reports.presets.week') },
              { value: 'month', label: t('reports.presets.month') },
              { value: 'quarter', label: t('reports.presets.quarter') },
              { value: 'custom', label: t('reports.presets.custom') },
            ]}
          />
          <Button size="xs" variant="default" component={Link} to="/staffing" data-testid="report-staffing">
            {t('staffing.open')}
          </Button>
          <Button size="xs" variant="default" onClick={printWeekly} data-testid="report-print">
            {t('reports.printWeekly')}
          </Button>
        </Group>
      </Group>
      {preset === 'custom' && (
        <Group
          gap="xs"
          align="flex-end"
          className="no-print"
          component="form"
          onSubmit={(event) => {
            event.preventDefault();
            applyCustom();
          }}
        >
          <TextInput
            type="date"
            size="xs"
            label={t('reports.from')}
            value={customFrom}
            onChange={(e) => setCustomFrom(e.currentTarget.value)}
          />
          <TextInput
            type="date"
            size="xs"
            label={t('reports.to')}
            value={customTo}
            onChange={(e) => setCustomTo(e.currentTarget.value)}
          />
          <Button size="xs" type="submit">
            {t('reports.apply')}
          </Button>
        </Group>
      )}

      {report.isError && !report.data ? (
        <ErrorState title={t('reports.loadFailed')} error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} h={110} radius="md" />
          ))}
        </SimpleGrid>
      ) : (
        <ReportBody report={report.data} locale={locale} periodLabel={periodLabel} />
      )}
    </Stack>
  );
}

function ReportBody({ report, locale, periodLabel }: { report: Report; locale: string; periodLabel: string }) {
  const { t } = useTranslation();
  const { current, previous } = report;
  const headlines: Headline[] = [
    {
      id: 'responseRate',
      kind: 'share',
      value: (p) => p.responseRate,
      better: 'higher',
      benchmark: t('reports.benchmarks.answered', { share: formatShare(PUBLISHED_BENCHMARKS.answeredShare, locale) }),
    },
    {
      id: 'firstResponseMedian',
      kind: 'duration',
      value: (p) => p.firstResponse.medianMs,
      better: 'lower',
      benchmark: t('reports.benchmarks.average', {
        duration: formatDuration(PUBLISHED_BENCHMARKS.averageResponseMs, locale),
      }),
    },
    {
      id: 'under1h',
      kind: 'share',
      value: (p) => p.firstResponse.under1h,
      better: 'higher',
      benchmark: t('reports.benchmarks.expectation'),
    },
    {
      id: 'under15m',
      kind: 'share',
      value: (p) => p.firstResponse.under15m,
      better: 'higher',
      benchmark: t('reports.benchmarks.bestInClass'),
    },
    { id: 'firstResponseP90', kind: 'duration', value: (p) => p.firstResponse.p90Ms, better: 'lower' },
    { id: 'nextResponseMedian', kind: 'duration', value: (p) => p.nextResponse.medianMs, better: 'lower' },
    { id: 'resolutionMedian', kind: 'duration', value: (p) => p.resolution.medianMs, better: 'lower' },
    { id: 'reopenRate', kind: 'share', value: (p) => p.reopenRate, better: 'lower' },
    { id: 'opened', kind: 'count', value: (p) => p.opened, better: null },
    {
      id: 'firstResponseBusinessMedian',
      kind: 'duration',
      value: (p) => p.firstResponseBusiness.medianMs,
      better: 'lower',
    },
    { id: 'slaCompliance', kind: 'share', value: (p) => p.slaCompliance, better: 'higher' },
  ];
  const show = (kind: MetricKind, value: number | null) =>
    kind === 'share'
      ? formatShare(value, locale)
      : kind === 'duration'
        ? formatDuration(value, locale)
        : value === null
          ? '–'
          : formatCount(value, locale);
  const delta = (h: Headline) => {
    const now = h.value(current);
    const before = h.value(previous);
    if (now === null || before === null) return { text: t('reports.noComparison'), tone: undefined };
    const diff = now - before;
    const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
    const size = Math.abs(diff);
    const text =
      h.kind === 'share'
        ? t('reports.deltaPoints', {
            value: `${sign}${new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(size * 100)}`,
          })
        : `${sign}${h.kind === 'duration' ? formatDuration(size, locale) : formatCount(size, locale)}`;
    const improved = h.better === null || diff === 0 ? null : diff > 0 === (h.better === 'higher');
    return {
      text: t('reports.vsPrevious', { delta: text }),
      tone: improved === null ? undefined : improved ? 'report-delta-good' : 'report-delta-bad',
    };
  };

  const volumeCsv = (rows: VolumeRow[]) => ({
    header: ['key', 'label', 'count'],
    rows: rows.map((r) => [r.key, r.label, r.count]),
  });
  const volumeLabel = (group: 'type' | 'sentiment' | 'priority', key: string) =>
    key === 'none' ? t('reports.unknown') : t(`reports.values.${group}.${key}`, { defaultValue: key });
  const volumeTable = (
    id: string,
    title: string,
    rows: VolumeRow[],
    label: (key: string, row: VolumeRow) => string,
  ) => {
    const total = rows.reduce((s, r) => s + r.count, 0);
    return (
      <DataTable
        key={id}
        title={title}
        testId={`report-volume-${id}`}
        filename={`guichet-volume-${id}.csv`}
        columns={[
          { label: t('reports.columns.value') },
          { label: t('reports.columns.count'), numeric: true },
          { label: '%', numeric: true },
        ]}
        cells={rows.map((r) => [
          label(r.key, r),
          formatCount(r.count, locale),
          formatShare(total ? r.count / total : null, locale),
        ])}
        csv={volumeCsv(rows)}
      />
    );
  };

  return (
    <Stack gap="md">
      <Text className="print-only" size="sm">
        {t('app.name')} — {periodLabel}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="sm" data-testid="report-headlines">
        {headlines.map((h) => {
          const d = delta(h);
          return (
            <Paper key={h.id} withBorder p="sm" radius="md" className="report-block" data-testid={`headline-${h.id}`}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                {t(`reports.headlines.${h.id}`)}
              </Text>
              <Text fz={26} fw={700} lh={1.3}>
                {show(h.kind, h.value(current))}
              </Text>
              <Text size="xs" className={d.tone}>
                {d.text}
              </Text>
              {h.benchmark && (
                <Text size="xs" c="dimmed" mt={2}>
                  {h.benchmark}
                </Text>
              )}
            </Paper>
          );
        })}
      </SimpleGrid>
      {current.opened === 0 && (
        <Alert color="gray" title={t('reports.emptyTitle')}>
          {t('reports.emptyBody')}
        </Alert>
      )}

      <DataTable
        title={t('reports.tables.summary')}
        testId="report-summary"
        maxRows={20}
        filename="guichet-summary.csv"
        columns={[
          { label: t('reports.columns.metric') },
          { label: t('reports.columns.current'), numeric: true },
          { label: t('reports.columns.previous'), numeric: true },
        ]}
        cells={headlines.map((h) => [
          t(`reports.headlines.${h.id}`),
          show(h.kind, h.value(current)),
          show(h.kind, h.value(previous)),
        ])}
        csv={{
          header: ['metric', 'current', 'previous', 'unit'],
          rows: headlines.map((h) => {
            const raw = (p: ReportPeriod) => {
              const v = h.value(p);
              return h.kind === 'duration' ? minutesOrEmpty(v) : v;
            };
            return [
              h.id,
              raw(current),
              raw(previous),
              h.kind === 'duration' ? 'minutes' : h.kind === 'share' ? 'share' : 'cases',
            ];
          }),
        }}
      />

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <DataTable
          title={t('reports.tables.distribution')}
          testId="report-distribution-table"
          filename="guichet-first-response-distribution.csv"
          columns={[
            { label: t('reports.columns.firstResponse') },
            { label: t('reports.columns.cases'), numeric: true },
          ]}
          cells={current.distribution.map((d) => [t(`reports.buckets.${d.bucket}`), formatCount(d.count, locale)])}
          csv={{ header: ['bucket', 'cases'], rows: current.distribution.map((d) => [d.bucket, d.count]) }}
        >
          <DistributionChart report={report} />
        </DataTable>
        <DataTable
          title={t('reports.tables.heatmap')}
          testId="report-heatmap-table"
          filename="guichet-volume-by-hour.csv"
          columns={[]}
          cells={[]}
          csv={{
            header: ['weekday', ...Array.from({ length: 24 }, (_, h) => String(h))],
            rows: report.heatmap.map((row, i) => [['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i]!, ...row]),
          }}
        >
          <HeatMap report={report} />
        </DataTable>
      </SimpleGrid>

      <SlaSection report={report} locale={locale} />

      <DataTable
        title={t('reports.tables.agents')}
        testId="report-agents"
        maxRows={50}
        filename="guichet-agents.csv"
        columns={[
          { label: t('reports.columns.agent') },
          { label: t('reports.columns.assigned'), numeric: true },
          { label: t('reports.columns.answered'), numeric: true },
          { label: t('reports.columns.medianFirstResponse'), numeric: true },
          { label: t('reports.columns.resolved'), numeric: true },
          { label: t('reports.columns.repliesSent'), numeric: true },
        ]}
        cells={report.agents.map((a) => [
          a.agentId ? (a.name ?? a.agentId) : t('reports.unassigned'),
          formatCount(a.assigned, locale),
          formatCount(a.answered, locale),
          formatDuration(a.medianFirstResponseMs, locale),
          formatCount(a.resolved, locale),
          formatCount(a.repliesSent, locale),
        ])}
        csv={{
          header: [
            'agent_id',
            'agent',
            'assigned',
            'answered',
            'median_first_response_min',
            'resolved',
            'replies_sent',
          ],
          rows: report.agents.map((a) => [
            a.agentId,
            a.name,
            a.assigned,
            a.answered,
            minutesOrEmpty(a.medianFirstResponseMs),
            a.resolved,
            a.repliesSent,
          ]),
        }}
      />

      <SatisfactionSection report={report} locale={locale} />

      <TeamsSpendIncidents report={report} locale={locale} />

      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {volumeTable('type', t('reports.tables.byType'), report.volume.byType, (k) => volumeLabel('type', k))}
        {volumeTable('sentiment', t('reports.tables.bySentiment'), report.volume.bySentiment, (k) =>
          volumeLabel('sentiment', k),
        )}
        {volumeTable('priority', t('reports.tables.byPriority'), report.volume.byPriority, (k) =>
          k === 'none' ? t('reports.unknown') : `P${k}`,
        )}
        {volumeTable('language', t('reports.tables.byLanguage'), report.volume.byLanguage, (k) =>
          k === 'none' ? t('reports.unknown') : languageName(k, locale),
        )}
        {volumeTable('channel', t('reports.tables.byChannel'), report.volume.byChannel, (_k, r) => r.label)}
      </SimpleGrid>

      <DataTable
        title={t('reports.tables.daily')}
        testId="report-daily"
        maxRows={0}
        filename="guichet-daily.csv"
        columns={[
          { label: t('reports.columns.day') },
          { label: t('reports.columns.opened'), numeric: true },
          { label: t('reports.columns.answered'), numeric: true },
        ]}
        cells={report.daily.map((d) => [d.day, formatCount(d.opened, locale), formatCount(d.answered, locale)])}
        csv={{
          header: ['day', 'opened', 'answered', 'first_response_sla_met', 'first_response_sla_breached'],
          rows: report.daily.map((d) => [d.day, d.opened, d.answered, d.slaMet, d.slaBreached]),
        }}
      >
        <DailyChart report={report} />
      </DataTable>

      <Paper withBorder p="md" radius="md" className="report-block" data-testid="report-definitions">
        <Title order={3} size="h4" mb="xs">
          {t('reports.definitions.title')}
        </Title>
        <Stack gap={6}>
          {(
            [
              'period',
              'needsAnswer',
              'responseRate',
              'firstResponse',
              'nextResponse',
              'resolution',
              'reopen',
              'volume',
              'precision',
              'imported',
              'benchmarks',
            ] as const
          ).map((key) => (
            <Text size="sm" key={key}>
              <b>{t(`reports.definitions.${key}Term`)}</b> — {t(`reports.definitions.${key}`)}
            </Text>
          ))}
          {(['sla', 'satisfaction', 'teams', 'spend', 'incidents', 'storage'] as const).map((key) => (
            <Text size="sm" key={key}>
              <b>{t(`reports.insights.definitions.${key}Term`)}</b> — {t(`reports.insights.definitions.${key}`)}
            </Text>
          ))}
          <Text size="xs" c="dimmed">
            {t('reports.computedIn', { ms: report.computedInMs })} ·{' '}
            <Anchor size="xs" href="/api/openapi.json" target="_blank" rel="noreferrer">
              API
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}

function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
