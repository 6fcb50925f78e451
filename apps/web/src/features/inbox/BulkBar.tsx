import { Button, Group, Paper, Select, Text, TextInput } from '@mantine/core';
import type { BulkAction } from '@guichet/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session.ts';
import { useDirectory } from './useDirectory.ts';

/** Actions on the selected cases: assign, tag, resolve. */
export function BulkBar({
  selectedIds,
  run,
  onClear,
}: {
  selectedIds: string[];
  run: (input: { caseIds: string[]; action: BulkAction }) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const session = useSession().data;
  const directory = useDirectory();
  const [bulkTag, setBulkTag] = useState('');
  return (
    <Paper withBorder p="xs" radius="md" data-testid="bulk-bar">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {t('inbox.bulk.selected', { count: selectedIds.length })}
        </Text>
        {session && (
          <Button
            size="xs"
            variant="default"
            onClick={() => run({ caseIds: selectedIds, action: { type: 'assign', agentId: session.agent.id } })}
          >
            {t('inbox.bulk.assignToMe')}
          </Button>
        )}
        <Select
          size="xs"
          w={170}
          aria-label={t('inbox.bulk.assignTo')}
          placeholder={t('inbox.bulk.assignTo')}
          data={directory.agents.map((agent) => ({ value: agent.id, label: agent.name }))}
          value={null}
          onChange={(value) => value && run({ caseIds: selectedIds, action: { type: 'assign', agentId: value } })}
        />
        <Group gap={4} wrap="nowrap">
          <TextInput
            size="xs"
            w={130}
            aria-label={t('inbox.bulk.tagName')}
            placeholder={t('inbox.bulk.tagName')}
            value={bulkTag}
            onChange={(event) => setBulkTag(event.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="default"
            disabled={!bulkTag.trim()}
            onClick={() => {
              run({ caseIds: selectedIds, action: { type: 'tag', name: bulkTag.trim() } });
              setBulkTag('');
            }}
          >
            {t('inbox.bulk.tag')}
          </Button>
        </Group>
        <Button
          size="xs"
          color="green"
          onClick={() => run({ caseIds: selectedIds, action: { type: 'resolve' } })}
          data-testid="bulk-resolve"
        >
          {t('inbox.bulk.resolve')}
        </Button>
        <Button size="xs" variant="subtle" onClick={onClear}>
          {t('inbox.bulk.clear')}
        </Button>
      </Group>
    </Paper>
  );
}
