import { Anchor, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { Report } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from './DataTable.tsx';
import { formatCount, formatShare } from './format.ts';

/** Satisfaction survey answers (F25): mean rating, CSAT, response rate, ratings and the latest comments. */
export function SatisfactionSection({ report, locale }: { report: Report; locale: string }) {
  const { t } = useTranslation();
  const s = report.satisfaction;
  const before = report.previousSatisfaction;
  const rating = (value: number | null) =>
    value === null
      ? '–'
      : `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)} / 5`;
  const max = Math.max(1, ...s.distribution.map((d) => d.count));
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: report.timeZone,
  });
  const cards = [
    { id: 'average', value: rating(s.average), previous: rating(before.average) },
    {
      id: 'satisfied',
      value: formatShare(s.satisfiedShare, locale),
      previous: formatShare(before.satisfiedShare, locale),
    },
    {
      id: 'responseRate',
      value: formatShare(s.responseRate, locale),
      previous: formatShare(before.responseRate, locale),
      detail: t('surveys.report.answeredOfSent', {
        answered: formatCount(s.answered, locale),
        sent: formatCount(s.sent, locale),
      }),
    },
  ] as const;
  return (
    <Paper withBorder p="md" radius="md" className="report-block" data-testid="report-satisfaction">
      <Group justify="space-between" mb="xs">
        <Text fw={700} size="lg">
          {t('surveys.report.title')}
        </Text>
        <Anchor component={Link} to="/surveys" size="sm" className="no-print">
          {t('surveys.report.settings')}
        </Anchor>
      </Group>
      {s.sent === 0 ? (
        <Text size="sm" c="dimmed">
          {t('surveys.report.none')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Stack gap="sm">
            <SimpleGrid cols={3} spacing="xs">
              {cards.map((c) => (
                <div key={c.id} data-testid={`satisfaction-${c.id}`}>
                  <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                    {t(`surveys.report.${c.id}`)}
                  </Text>
                  <Text fz={24} fw={700} lh={1.3}>
                    {c.value}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {'detail' in c ? c.detail : t('surveys.report.previous', { value: c.previous })}
                  </Text>
                </div>
              ))}
            </SimpleGrid>
            <svg
              role="img"
              aria-label={t('surveys.report.distributionLabel')}
              viewBox="0 0 400 130"
              width="100%"
              style={{ maxWidth: 400, display: 'block' }}
              data-testid="satisfaction-distribution"
            >
              {s.distribution.map((d, i) => {
                const width = (300 * d.count) / max;
                const y = (4 - i) * 26;
                return (
                  <g key={d.rating}>
                    <text x={0} y={y + 17} fontSize={13} fill="currentColor">
                      {'★'.repeat(d.rating)}
                    </text>
                    <rect
                      x={70}
                      y={y + 3}
                      width={Math.max(width, d.count > 0 ? 2 : 0)}
                      height={20}
                      rx={3}
                      fill={
                        d.rating >= 4
                          ? 'var(--mantine-color-teal-6)'
                          : d.rating === 3
                            ? 'var(--mantine-color-yellow-6)'
                            : 'var(--mantine-color-red-6)'
                      }
                    />
                    <text x={76 + width} y={y + 18} fontSize={12} fill="currentColor">
                      {formatCount(d.count, locale)}
                    </text>
                  </g>
                );
              })}
            </svg>
          </Stack>
          <DataTable
            title={t('surveys.report.comments')}
            testId="satisfaction-comments"
            filename="guichet-satisfaction-comments.csv"
            columns={[
              { label: t('surveys.report.rating'), numeric: true },
              { label: t('surveys.report.comment') },
              { label: t('surveys.report.at') },
            ]}
            // Customers' words: rendered as text, never as markup.
            cells={s.comments.map((c) => [`${c.rating} / 5`, c.comment, dateTime.format(new Date(c.at))])}
            csv={{
              header: ['case_id', 'rating', 'comment', 'answered_at'],
              rows: s.comments.map((c) => [c.caseId, c.rating, c.comment, c.at]),
            }}
          />
        </SimpleGrid>
      )}
    </Paper>
  );
}
