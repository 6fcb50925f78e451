import { Button, Group, Paper, ScrollArea, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadCsv, toCsv } from './csv.ts';

export interface Column {
  label: string;
  /** Numbers are right-aligned. */
  numeric?: boolean;
}

/**
 * A titled table with its CSV export. `cells` is what the reader sees; `csv` the same rows as raw values
 * (minutes as numbers, shares as 0–1), so a spreadsheet can compute on them.
 */
export function DataTable({
  title,
  columns,
  cells,
  csv,
  filename,
  testId,
  maxRows = 10,
  children,
}: {
  title: string;
  columns: Column[];
  cells: ReactNode[][];
  csv: { header: string[]; rows: (string | number | null)[][] };
  filename: string;
  testId?: string;
  /** Rows shown; the CSV always has them all. */
  maxRows?: number;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" className="report-block" data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={3} size="h4">
          {title}
        </Title>
        <Button
          size="compact-xs"
          variant="default"
          className="no-print"
          onClick={() => downloadCsv(filename, toCsv(csv.header, csv.rows))}
          aria-label={t('reports.exportCsvOf', { table: title })}
        >
          {t('reports.exportCsv')}
        </Button>
      </Group>
      {children}
      {columns.length === 0 ? null : cells.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('reports.noData')}
        </Text>
      ) : maxRows === 0 ? (
        <Text size="xs" c="dimmed" mt={4}>
          {t('reports.moreInCsv', { count: cells.length })}
        </Text>
      ) : (
        <ScrollArea>
          <Table striped withTableBorder={false} fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c.label} ta={c.numeric ? 'right' : 'left'}>
                    {c.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cells.slice(0, maxRows).map((row, i) => (
                <Table.Tr key={i}>
                  {row.map((cell, j) => (
                    <Table.Td key={j} ta={columns[j]?.numeric ? 'right' : 'left'}>
                      {cell}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {cells.length > maxRows && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('reports.moreInCsv', { count: cells.length - maxRows })}
            </Text>
          )}
        </ScrollArea>
      )}
    </Paper>
  );
}
