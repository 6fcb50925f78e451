import { SimpleGrid } from '@mantine/core';
import type { Report } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { DayBars } from './Charts.tsx';
import { DataTable } from './DataTable.tsx';
import { formatCount, formatDay, formatDuration, formatShare, minutesOrEmpty } from './format.ts';

const usd = (value: number | null, locale: string) =>
  value === null
    ? '–'
    : new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(value);

/** First-response SLA clocks met and breached per day: stacked bars, breached on top in red. */
export function SlaTrendChart({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const max = Math.max(1, ...report.daily.map((d) => d.slaMet + d.slaBreached));
  const height = 120;
  return (
    <DayBars days={report.daily} height={height} label={t('reports.insights.slaTrendLabel')} testId="report-sla-trend">
      {(d, x, bar) => {
        const met = (height * d.slaMet) / max;
        const breached = (height * d.slaBreached) / max;
        return (
          <g key={d.day}>
            <title>
              {t('reports.insights.slaTrendBar', {
                day: formatDay(d.day, i18n.language),
                met: d.slaMet,
                breached: d.slaBreached,
              })}
            </title>
            <rect x={x} y={height - met} width={bar} height={met} fill="var(--mantine-color-teal-6)" />
            <rect x={x} y={height - met - breached} width={bar} height={breached} fill="var(--mantine-color-red-6)" />
          </g>
        );
      }}
    </DayBars>
  );
}

/** SLA compliance per clock and priority, and its daily trend. */
export function SlaSection({ report, locale }: { report: Report; locale: string }) {
  const { t } = useTranslation();
  const rows = report.current.sla;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <DataTable
        title={t('reports.insights.slaTitle')}
        testId="report-sla"
        maxRows={12}
        filename="guichet-sla.csv"
        columns={[
          { label: t('reports.insights.metric') },
          { label: t('reports.insights.priority') },
          { label: t('reports.insights.clocks'), numeric: true },
          { label: t('reports.insights.met'), numeric: true },
          { label: t('reports.insights.breached'), numeric: true },
          { label: t('reports.insights.compliance'), numeric: true },
        ]}
        cells={rows.map((r) => [
          t(`reports.insights.metrics.${r.metric}`),
          `P${r.priority}`,
          formatCount(r.clocks, locale),
          formatCount(r.met, locale),
          formatCount(r.breached, locale),
          formatShare(r.compliance, locale),
        ])}
        csv={{
          header: ['metric', 'priority', 'clocks', 'met', 'breached', 'compliance'],
          rows: rows.map((r) => [r.metric, r.priority, r.clocks, r.met, r.breached, r.compliance]),
        }}
      />
      <DataTable
        title={t('reports.insights.slaTrend')}
        testId="report-sla-daily"
        maxRows={0}
        filename="guichet-sla-daily.csv"
        columns={[]}
        cells={[]}
        csv={{
          header: ['day', 'first_response_met', 'first_response_breached'],
          rows: report.daily.map((d) => [d.day, d.slaMet, d.slaBreached]),
        }}
      >
        <SlaTrendChart report={report} />
      </DataTable>
    </SimpleGrid>
  );
}

/** Per team, X API spend against budget, and incidents with their cases. */
export function TeamsSpendIncidents({ report, locale }: { report: Report; locale: string }) {
  const { t } = useTranslation();
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: report.timeZone,
  });
  return (
    <>
      <DataTable
        title={t('reports.insights.teams')}
        testId="report-teams"
        maxRows={20}
        filename="guichet-teams.csv"
        columns={[
          { label: t('reports.insights.team') },
          { label: t('reports.columns.opened'), numeric: true },
          { label: t('reports.insights.responseRate'), numeric: true },
          { label: t('reports.columns.medianFirstResponse'), numeric: true },
          { label: t('reports.insights.under1h'), numeric: true },
          { label: t('reports.columns.resolved'), numeric: true },
        ]}
        cells={report.teams.map((r) => [
          r.teamId ? (r.name ?? r.teamId) : t('reports.insights.noTeam'),
          formatCount(r.opened, locale),
          formatShare(r.responseRate, locale),
          formatDuration(r.medianFirstResponseMs, locale),
          formatShare(r.under1h, locale),
          formatCount(r.resolved, locale),
        ])}
        csv={{
          header: [
            'team_id',
            'team',
            'opened',
            'needing_answer',
            'answered',
            'response_rate',
            'median_first_response_min',
            'under_1h',
            'resolved',
          ],
          rows: report.teams.map((r) => [
            r.teamId,
            r.name,
            r.opened,
            r.needingAnswer,
            r.answered,
            r.responseRate,
            minutesOrEmpty(r.medianFirstResponseMs),
            r.under1h,
            r.resolved,
          ]),
        }}
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <DataTable
          title={t('reports.insights.spend')}
          testId="report-spend"
          filename="guichet-x-spend.csv"
          columns={[
            { label: t('reports.insights.channel') },
            { label: t('reports.insights.periodSpend'), numeric: true },
            { label: t('reports.insights.budgetForPeriod'), numeric: true },
            { label: t('reports.insights.shareOfBudget'), numeric: true },
            { label: t('reports.insights.monthlyBudget'), numeric: true },
          ]}
          cells={report.spend.map((r) => [
            r.label,
            usd(r.periodUsd, locale),
            r.budgetForPeriodUsd === null ? t('reports.insights.noBudget') : usd(r.budgetForPeriodUsd, locale),
            formatShare(r.shareOfBudget, locale),
            usd(r.monthlyBudgetUsd, locale),
          ])}
          csv={{
            header: [
              'channel_id',
              'channel',
              'period_usd',
              'budget_for_period_usd',
              'share_of_budget',
              'monthly_budget_usd',
            ],
            rows: report.spend.map((r) => [
              r.channelId,
              r.label,
              r.periodUsd,
              r.budgetForPeriodUsd,
              r.shareOfBudget,
              r.monthlyBudgetUsd,
            ]),
          }}
        />
        <DataTable
          title={t('reports.insights.incidents')}
          testId="report-incidents"
          filename="guichet-incidents.csv"
          columns={[
            { label: t('reports.insights.incident') },
            { label: t('reports.insights.status') },
            { label: t('reports.insights.declaredAt') },
            { label: t('reports.insights.linkedCases'), numeric: true },
            { label: t('reports.insights.answeredCases'), numeric: true },
          ]}
          cells={report.incidents.map((r) => [
            // Incident titles are typed by agents: rendered as text, never as markup.
            r.title,
            t(`reports.insights.statuses.${r.status}`),
            dateTime.format(new Date(r.declaredAt)),
            formatCount(r.linkedCases, locale),
            formatCount(r.answeredCases, locale),
          ])}
          csv={{
            header: ['incident_id', 'title', 'status', 'declared_at', 'resolved_at', 'linked_cases', 'answered_cases'],
            rows: report.incidents.map((r) => [
              r.id,
              r.title,
              r.status,
              r.declaredAt,
              r.resolvedAt,
              r.linkedCases,
              r.answeredCases,
            ]),
          }}
        />
      </SimpleGrid>
    </>
  );
}
