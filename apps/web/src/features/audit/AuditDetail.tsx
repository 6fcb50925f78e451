import type { AuditEntry } from '@guichet/contracts';
import { Code, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { auditDiff } from './auditDiff.ts';

/** Long values (a saved reply's text) are cut in the table; the whole line is in the CSV export. */
const MAX_SHOWN = 400;
const cut = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);

/** An audit line opened: what changed (before → after, field by field), and the line's other facts. */
export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const rows = auditDiff(entry.before, entry.after);
  const details = Object.entries(entry.details ?? {});
  return (
    <Stack gap="xs" p="xs" data-testid="audit-detail">
      {entry.subject?.id && (
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            {t('audit.subjectId')}
          </Text>
          <Code fz="xs">{entry.subject.id}</Code>
        </Group>
      )}
      {rows.length > 0 ? (
        <Table withTableBorder withColumnBorders fz="sm" data-testid="audit-diff">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="22%">{t('audit.diff.field')}</Table.Th>
              <Table.Th w="39%">{t('audit.diff.before')}</Table.Th>
              <Table.Th w="39%">{t('audit.diff.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.path} data-testid="audit-diff-row" data-field={row.path}>
                <Table.Td>
                  <Code fz="xs">{row.path}</Code>
                </Table.Td>
                <Table.Td bg={row.before === null ? undefined : 'var(--mantine-color-red-light)'}>
                  <Text size="sm" className="customer-text" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {row.before === null ? '—' : cut(row.before)}
                  </Text>
                </Table.Td>
                <Table.Td bg={row.after === null ? undefined : 'var(--mantine-color-green-light)'}>
                  <Text size="sm" className="customer-text" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {row.after === null ? '—' : cut(row.after)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          {t('audit.diff.none')}
        </Text>
      )}
      {details.length > 0 && (
        <Stack gap={2}>
          <Text size="xs" fw={600}>
            {t('audit.details')}
          </Text>
          {details.map(([key, value]) => (
            <Group key={key} gap={6} wrap="nowrap" align="flex-start">
              <Code fz="xs">{key}</Code>
              <Text size="sm" className="customer-text" style={{ wordBreak: 'break-word' }}>
                {cut(typeof value === 'string' ? value : JSON.stringify(value))}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
