import type { AuditEntry } from '@guichet/contracts';
import { ActionIcon, Badge, Button, Code, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { parseDateInput } from '../reports/format.ts';
import { auditCsvPath, auditQueryKey, useAuditApi, type AuditFilters } from './auditApi.ts';
import { AuditDetail } from './AuditDetail.tsx';
import { AUDIT_AREAS, AUDIT_SUBJECTS, useAuditText } from './auditText.ts';

interface FilterForm {
  area: string | null;
  actor: string;
  subjectType: string | null;
  /** `YYYY-MM-DD`, local days. */
  from: string;
  to: string;
}

const emptyForm: FilterForm = { area: null, actor: '', subjectType: null, from: '', to: '' };

/** The form as the API's filters: days become the start of `from` and the end of `to`, in local time. */
function toFilters(form: FilterForm): AuditFilters {
  const from = parseDateInput(form.from);
  const to = parseDateInput(form.to);
  return {
    action: form.area ?? undefined,
    actor: form.actor.trim() || undefined,
    subjectType: form.subjectType ?? undefined,
    from: from?.toISOString(),
    to: to ? new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1, 0, 0, 0, -1).toISOString() : undefined,
  };
}

/** The audit trail (F28): who changed what, when and from where; filtered, read page by page, exported. */
export function AuditLogPanel() {
  const { t } = useTranslation();
  const api = useAuditApi();
  const [form, setForm] = useState<FilterForm>(emptyForm);
  // Typing an email asks the server once the typing pauses, not at every key.
  const [actor] = useDebouncedValue(form.actor, 300);
  const filters = toFilters({ ...form, actor });
  const pages = useInfiniteQuery({
    queryKey: auditQueryKey(filters),
    queryFn: ({ pageParam, signal }) => api.page(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const update = (patch: Partial<FilterForm>) => setForm((current) => ({ ...current, ...patch }));

  return (
    <Stack gap="md" data-testid="audit-panel">
      <Text size="sm" c="dimmed" maw={760}>
        {t('audit.intro')}
      </Text>
      <AuditFiltersBar
        form={form}
        onChange={update}
        onReset={() => setForm(emptyForm)}
        csvPath={auditCsvPath(filters)}
      />
      {pages.isPending ? (
        <CenteredLoader />
      ) : pages.isError ? (
        <ErrorState title={t('audit.loadError')} error={pages.error} onRetry={() => void pages.refetch()} />
      ) : (
        <AuditTable entries={pages.data.pages.flatMap((page) => page.entries)} />
      )}
      {pages.hasNextPage && (
        <Group justify="center">
          <Button
            variant="light"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
            data-testid="audit-more"
          >
            {t('audit.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function AuditFiltersBar({
  form,
  onChange,
  onReset,
  csvPath,
}: {
  form: FilterForm;
  onChange: (patch: Partial<FilterForm>) => void;
  onReset: () => void;
  csvPath: string;
}) {
  const { t } = useTranslation();
  const { subjectLabel } = useAuditText();
  return (
    <Paper withBorder p="sm" radius="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          size="xs"
          w={190}
          label={t('audit.filters.area')}
          placeholder={t('audit.filters.any')}
          data={AUDIT_AREAS.map((area) => ({ value: area, label: t(`audit.areas.${area}`) }))}
          value={form.area}
          onChange={(area) => onChange({ area })}
          clearable
          data-testid="audit-filter-area"
        />
        <TextInput
          size="xs"
          w={200}
          label={t('audit.filters.actor')}
          placeholder={t('audit.filters.actorHint')}
          value={form.actor}
          onChange={(event) => onChange({ actor: event.currentTarget.value })}
          data-testid="audit-filter-actor"
        />
        <Select
          size="xs"
          w={170}
          label={t('audit.filters.subject')}
          placeholder={t('audit.filters.any')}
          data={AUDIT_SUBJECTS.map((type) => ({ value: type, label: subjectLabel(type) }))}
          value={form.subjectType}
          onChange={(subjectType) => onChange({ subjectType })}
          clearable
          data-testid="audit-filter-subject"
        />
        <TextInput
          size="xs"
          type="date"
          label={t('audit.filters.from')}
          value={form.from}
          onChange={(event) => onChange({ from: event.currentTarget.value })}
          data-testid="audit-filter-from"
        />
        <TextInput
          size="xs"
          type="date"
          label={t('audit.filters.to')}
          value={form.to}
          onChange={(event) => onChange({ to: event.currentTarget.value })}
          data-testid="audit-filter-to"
        />
        <Button size="xs" variant="subtle" onClick={onReset}>
          {t('audit.filters.reset')}
        </Button>
        <Button size="xs" component="a" href={csvPath} download variant="light" ml="auto" data-testid="audit-export">
          {t('audit.export')}
        </Button>
      </Group>
    </Paper>
  );
}

const actorColor: Record<AuditEntry['actor']['type'], string> = {
  agent: 'blue',
  system: 'grape',
  api_token: 'teal',
  anonymous: 'gray',
};

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useTranslation();
  const { actionLabel, subjectLabel } = useAuditText();
  const [open, setOpen] = useState<string | null>(null);
  if (entries.length === 0) {
    return (
      <Paper withBorder p="lg" data-testid="audit-empty">
        <Text c="dimmed" ta="center">
          {t('audit.empty')}
        </Text>
      </Paper>
    );
  }
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.columns.when')}</Table.Th>
            <Table.Th>{t('audit.columns.action')}</Table.Th>
            <Table.Th>{t('audit.columns.actor')}</Table.Th>
            <Table.Th>{t('audit.columns.subject')}</Table.Th>
            <Table.Th>{t('audit.columns.ip')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => {
            const expanded = open === entry.id;
            return (
              <Fragment key={entry.id}>
                <Table.Tr data-testid="audit-row" data-action={entry.action}>
                  <Table.Td>
                    <Timestamp value={entry.occurredAt} format="datetime" size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {actionLabel(entry.action)}
                    </Text>
                    <Code fz="xs">{entry.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge size="xs" variant="light" color={actorColor[entry.actor.type]}>
                        {t(`audit.actorTypes.${entry.actor.type}`)}
                      </Badge>
                      <Text size="sm" className="customer-text">
                        {entry.actor.label ?? '—'}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {entry.subject ? (
                      <Text size="sm">{subjectLabel(entry.subject.type)}</Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {entry.ip ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <ActionIcon
                      variant="subtle"
                      onClick={() => setOpen(expanded ? null : entry.id)}
                      aria-expanded={expanded}
                      aria-label={expanded ? t('audit.hide') : t('audit.show')}
                      data-testid="audit-toggle"
                    >
                      {expanded ? '▾' : '▸'}
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <AuditDetail entry={entry} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
