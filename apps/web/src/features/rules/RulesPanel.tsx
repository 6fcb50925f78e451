import { ActionIcon, Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { RuleDraft, RuleDto } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import { rulesQueryKeys, useRulesApi } from './rulesApi.ts';
import { emptyRule } from './ruleValues.ts';

type Editing = { ruleId: string | null; draft: RuleDraft } | null;

/** The ordered rules: the first that matches runs first; a "stop" rule ends the list for that event. */
export function RulesPanel({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: rulesQueryKeys.rules, queryFn: ({ signal }) => api.list(signal) });
  const [editing, setEditing] = useState<Editing>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: rulesQueryKeys.rules });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api.reorder(ids),
    onSuccess: (data) => queryClient.setQueryData(rulesQueryKeys.rules, data),
  });
  const remove = useMutation({ mutationFn: (id: string) => api.remove(id), onSuccess: refresh });
  if (rules.isPending) return <CenteredLoader />;
  if (rules.isError) return <Alert color="red">{t(errorMessageKey(rules.error))}</Alert>;
  const list = rules.data.rules;
  const move = (index: number, by: -1 | 1) => {
    const ids = list.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    reorder.mutate(ids);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={720}>
          {t('rules.intro')}
        </Text>
        {canEdit && !editing && (
          <Button onClick={() => setEditing({ ruleId: null, draft: emptyRule() })} data-testid="rule-new">
            {t('rules.new')}
          </Button>
        )}
      </Group>
      {editing && (
        <RuleEditor
          key={editing.ruleId ?? 'new'}
          initial={editing.draft}
          ruleId={editing.ruleId}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      )}
      {(reorder.isError || remove.isError) && (
        <Alert color="red">{t(errorMessageKey(reorder.error ?? remove.error))}</Alert>
      )}
      <Paper withBorder p="md">
        <Title order={4} mb="sm">
          {t('rules.listTitle')}
        </Title>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="rules-empty">
            {t('rules.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" data-testid="rules-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>#</Table.Th>
                  <Table.Th>{t('rules.name')}</Table.Th>
                  <Table.Th>{t('rules.when')}</Table.Th>
                  <Table.Th>{t('rules.if')}</Table.Th>
                  <Table.Th>{t('rules.then')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((rule, index) => (
                  <RuleRow
                    key={rule.id}
                    rule={rule}
                    index={index}
                    last={index === list.length - 1}
                    canEdit={canEdit}
                    busy={reorder.isPending || remove.isPending}
                    onMove={(by) => move(index, by)}
                    onEdit={() => setEditing({ ruleId: rule.id, draft: rule })}
                    onDelete={() => {
                      if (window.confirm(t('rules.confirmDelete', { name: rule.name }))) remove.mutate(rule.id);
                    }}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}

function RuleRow(props: {
  rule: RuleDto;
  index: number;
  last: boolean;
  canEdit: boolean;
  busy: boolean;
  onMove: (by: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const { rule } = props;
  return (
    <Table.Tr data-testid="rule-row" opacity={rule.enabled ? 1 : 0.55}>
      <Table.Td>{props.index + 1}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {rule.name}
        </Text>
        <Group gap={4}>
          {!rule.enabled && (
            <Badge size="xs" color="gray">
              {t('rules.disabled')}
            </Badge>
          )}
          {rule.stop && (
            <Badge size="xs" color="orange" variant="light">
              {t('rules.stopsHere')}
            </Badge>
          )}
          {rule.failing && (
            <Badge size="xs" color="red" data-testid="rule-failing">
              {t('rules.failing')}
            </Badge>
          )}
        </Group>
        {rule.failing && props.canEdit && <FailingDetail failing={rule.failing} />}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t(`rules.event.${rule.event}`)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {rule.conditions.length === 0
            ? t('rules.always')
            : rule.conditions.map((c) => t(`rules.condition.${c.kind}`)).join(' · ')}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{rule.actions.map((a) => t(`rules.action.${a.kind}`)).join(' · ')}</Text>
      </Table.Td>
      <Table.Td>
        {props.canEdit && (
          <Group gap={4} wrap="nowrap" justify="flex-end">
            <ActionIcon
              variant="subtle"
              aria-label={t('rules.moveUp', { name: rule.name })}
              disabled={props.index === 0 || props.busy}
              onClick={() => props.onMove(-1)}
            >
              ↑
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              aria-label={t('rules.moveDown', { name: rule.name })}
              disabled={props.last || props.busy}
              onClick={() => props.onMove(1)}
              data-testid="rule-move-down"
            >
              ↓
            </ActionIcon>
            <Button size="xs" variant="default" onClick={props.onEdit} data-testid="rule-edit">
              {t('rules.edit')}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={props.onDelete} disabled={props.busy}>
              {t('rules.delete')}
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Why the rule is set aside at run time (the server keeps ingesting without it), for the leads who fix it. */
function FailingDetail({ failing }: { failing: NonNullable<RuleDto['failing']> }) {
  const { t, i18n } = useTranslation();
  const since = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(failing.since),
  );
  return (
    <Text size="xs" c="red" maw={360} data-testid="rule-failing-error">
      {t('rules.failingDetail', { since, count: failing.count, error: failing.error })}
    </Text>
  );
}
