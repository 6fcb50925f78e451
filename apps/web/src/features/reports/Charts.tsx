import { Box, Text } from '@mantine/core';
import type { Report } from '@guichet/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount, formatDay } from './format.ts';

/** Horizontal bars, one per response-time bucket, with the count and share written on each. */
export function DistributionChart({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const rows = report.current.distribution;
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const max = Math.max(1, ...rows.map((r) => r.count));
  const barHeight = 26;
  const labelWidth = 120;
  const width = 560;
  const height = rows.length * (barHeight + 6);
  return (
    <svg
      role="img"
      aria-label={t('reports.charts.distributionLabel')}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width, display: 'block' }}
      data-testid="report-distribution"
    >
      {rows.map((row, i) => {
        const y = i * (barHeight + 6);
        const barWidth = ((width - labelWidth - 110) * row.count) / max;
        const share = total > 0 ? Math.round((row.count / total) * 1000) / 10 : 0;
        const fast = row.bucket === 'lt5m' || row.bucket === 'lt15m';
        const slow = row.bucket === 'lt24h' || row.bucket === 'gte24h';
        return (
          <g key={row.bucket}>
            <text x={0} y={y + barHeight / 2 + 5} fontSize={13} fill="currentColor">
              {t(`reports.buckets.${row.bucket}`)}
            </text>
            <rect
              x={labelWidth}
              y={y}
              width={Math.max(barWidth, row.count > 0 ? 2 : 0)}
              height={barHeight}
              rx={3}
              fill={
                fast
                  ? 'var(--mantine-color-teal-6)'
                  : slow
                    ? 'var(--mantine-color-red-6)'
                    : 'var(--mantine-color-blue-6)'
              }
            />
            <text x={labelWidth + barWidth + 6} y={y + barHeight / 2 + 5} fontSize={13} fill="currentColor">
              {`${formatCount(row.count, i18n.language)} (${new Intl.NumberFormat(i18n.language).format(share)} %)`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Cases opened by weekday × hour, as a table whose cells are shaded by volume and show their count. */
export function HeatMap({ report }: { report: Report }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...report.heatmap.flat());
  return (
    <Box style={{ overflowX: 'auto' }}>
      <WeekHourTable
        caption={t('reports.charts.heatmapLabel', { timeZone: report.timeZone })}
        rows={report.heatmap}
        testId="report-heatmap"
      >
        {(count, hour, day) => {
          const level = count / max;
          return (
            <td
              key={hour}
              title={`${day} ${hour}:00 — ${count}`}
              style={{
                background: count === 0 ? 'transparent' : `rgba(34, 139, 230, ${0.12 + level * 0.88})`,
                color: level > 0.55 ? 'white' : 'inherit',
              }}
            >
              {count > 0 ? count : ''}
            </td>
          );
        }}
      </WeekHourTable>
      <Text size="xs" c="dimmed" mt={4}>
        {t('reports.charts.heatmapNote', { timeZone: report.timeZone })}
      </Text>
    </Box>
  );
}

/**
 * A weekday × hour grid (Monday first, hours 0–23 as columns). `children` renders one `<td>` per hour;
 * `weekday` indexes `rows` and `day` is its translated name.
 */
export function WeekHourTable<V>({
  caption,
  rows,
  testId,
  children,
}: {
  caption: string;
  rows: V[][];
  testId?: string;
  children: (value: V, hour: number, day: string, weekday: number) => ReactNode;
}) {
  const { t } = useTranslation();
  const days = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((d) => t(`reports.weekdays.${d}`));
  return (
    <table className="report-heatmap" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="report-heatmap-corner" />
          {/* Every third hour labelled: 24 labels do not fit a half-width card. */}
          {Array.from({ length: 24 }, (_, hour) => (
            <th key={hour} scope="col" aria-label={String(hour)}>
              {hour % 3 === 0 ? hour : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, weekday) => (
          <tr key={weekday}>
            <th scope="row">{days[weekday]}</th>
            {row.map((value, hour) => children(value, hour, days[weekday]!, weekday))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Cases opened per day, the answered part darker, with the numbers on hover and in the table below. */
export function DailyChart({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const max = Math.max(1, ...report.daily.map((d) => d.opened));
  const height = 140;
  return (
    <DayBars days={report.daily} height={height} label={t('reports.charts.dailyLabel')}>
      {(d, x, bar) => {
        const h = (height * d.opened) / max;
        const a = (height * d.answered) / max;
        return (
          <g key={d.day}>
            <title>
              {t('reports.charts.dailyBar', {
                day: formatDay(d.day, i18n.language),
                opened: d.opened,
                answered: d.answered,
              })}
            </title>
            <rect x={x} y={height - h} width={bar} height={h} fill="var(--mantine-color-blue-2)" />
            <rect x={x} y={height - a} width={bar} height={a} fill="var(--mantine-color-blue-7)" />
          </g>
        );
      }}
    </DayBars>
  );
}

/**
 * One bar slot per day across a fixed-width canvas, the first and last day written under it.
 * `children` draws the day's bars at `x`, `bar` wide, growing up from `height`.
 */
export function DayBars<D extends { day: string }>({
  days,
  height,
  label,
  testId,
  children,
}: {
  days: D[];
  height: number;
  label: string;
  testId?: string;
  children: (day: D, x: number, bar: number) => ReactNode;
}) {
  const { i18n } = useTranslation();
  const width = 720;
  const step = width / Math.max(1, days.length);
  const bar = Math.max(1, step * 0.75);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height + 18}`}
      width="100%"
      style={{ display: 'block' }}
      data-testid={testId}
    >
      {days.map((d, i) => children(d, i * step, bar))}
      <text x={0} y={height + 14} fontSize={11} fill="currentColor">
        {days[0] ? formatDay(days[0].day, i18n.language) : ''}
      </text>
      <text x={width} y={height + 14} fontSize={11} textAnchor="end" fill="currentColor">
        {days.length > 0 ? formatDay(days[days.length - 1]!.day, i18n.language) : ''}
      </text>
    </svg>
  );
}
