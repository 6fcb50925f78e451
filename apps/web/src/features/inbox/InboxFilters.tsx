import { Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { caseStatusSchema, messageTypeSchema, type ChannelRef } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { filterLanguages, type InboxFilterState } from './inboxParams.ts';
import { useDirectory } from './useDirectory.ts';

function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The queue's filters; each change is written to the address (`setParam`), which the list reads. */
export function InboxFilters({
  filters,
  channels,
  setParam,
}: {
  filters: InboxFilterState;
  channels: readonly ChannelRef[];
  setParam: (key: string, value: string | null | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const directory = useDirectory();
  return (
    <Group gap="xs" wrap="wrap" align="flex-end">
      <FilterSelect
        label={t('inbox.filters.status')}
        width={140}
        value={filters.status}
        data={caseStatusSchema.options.map((value) => ({ value, label: t(`status.${value}`) }))}
        onChange={(value) => setParam('status', value)}
        testId="filter-status"
      />
      <FilterSelect
        label={t('inbox.filters.assignee')}
        width={170}
        searchable
        value={filters.assigneeId}
        data={directory.agents.map((agent) => ({ value: agent.id, label: agent.name }))}
        onChange={(value) => setParam('assignee', value)}
      />
      <FilterSelect
        label={t('inbox.filters.tag')}
        width={150}
        searchable
        value={filters.tagId}
        data={directory.tags.map((tag) => ({ value: tag.id, label: tag.name }))}
        onChange={(value) => setParam('tag', value)}
        testId="filter-tag"
      />
      <FilterSelect
        label={t('inbox.filters.type')}
        width={140}
        value={filters.type}
        data={messageTypeSchema.options.map((value) => ({ value, label: t(`triage.type.${value}`) }))}
        onChange={(value) => setParam('type', value)}
        testId="filter-type"
      />
      <MultiSelect
        size="xs"
        miw={140}
        maw={220}
        aria-label={t('inbox.filters.priority')}
        placeholder={filters.priorities.length > 0 ? undefined : t('inbox.filters.priority')}
        clearable
        value={filters.priorities}
        data={['1', '2', '3', '4'].map((value) => ({ value, label: t('inbox.priority', { value }) }))}
        onChange={(values) => setParam('priority', [...values].sort().join(','))}
        data-testid="filter-priority"
      />
      <FilterSelect
        label={t('inbox.filters.language')}
        width={150}
        searchable
        value={filters.language}
        data={filterLanguages.map((code) => ({ value: code, label: languageName(code, i18n.language) }))}
        onChange={(value) => setParam('language', value)}
        testId="filter-language"
      />
      {directory.teams.length > 0 && (
        <FilterSelect
          label={t('inbox.filters.team')}
          width={160}
          searchable
          value={filters.teamId}
          data={directory.teams.map((team) => ({ value: team.id, label: team.name }))}
          onChange={(value) => setParam('team', value)}
          testId="filter-team"
        />
      )}
      {channels.length > 1 && (
        <FilterSelect
          label={t('inbox.filters.channel')}
          width={170}
          value={filters.channelId}
          data={channels.map((channel) => ({ value: channel.id, label: `@${channel.handle}` }))}
          onChange={(value) => setParam('channel', value)}
        />
      )}
      <Group gap={4} wrap="nowrap" role="group" aria-label={t('inboxRows.dateRange')}>
        <TextInput
          type="date"
          size="xs"
          w={140}
          aria-label={t('inboxRows.fromDay')}
          title={t('inboxRows.fromDay')}
          value={filters.fromDay ?? ''}
          max={filters.toDay}
          onChange={(event) => setParam('from', event.currentTarget.value)}
          data-testid="filter-from"
        />
        <TextInput
          type="date"
          size="xs"
          w={140}
          aria-label={t('inboxRows.toDay')}
          title={t('inboxRows.toDay')}
          value={filters.toDay ?? ''}
          min={filters.fromDay}
          onChange={(event) => setParam('to', event.currentTarget.value)}
          data-testid="filter-to"
        />
      </Group>
    </Group>
  );
}

/** One compact, clearable filter of the case list; its name is both placeholder and accessible label. */
function FilterSelect({
  label,
  width,
  searchable,
  value,
  data,
  onChange,
  testId,
}: {
  label: string;
  width: number;
  searchable?: boolean;
  value: string | undefined;
  data: { value: string; label: string }[];
  onChange: (value: string | null) => void;
  testId?: string;
}) {
  return (
    <Select
      size="xs"
      w={width}
      aria-label={label}
      placeholder={label}
      clearable
      searchable={searchable}
      value={value ?? null}
      data={data}
      onChange={onChange}
      data-testid={testId}
    />
  );
}
