import { Badge, Button, CloseButton, Group, Menu, Text } from '@mantine/core';
import type { Template } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { newIdempotencyKey } from '../case/idempotencyKey.ts';
import { useMacrosApi } from './macrosApi.ts';
import { describeEffects } from './macroText.ts';

/**
 * Macros in the composer: the macro attached to the draft (inserted with `/`), whose effects the server
 * applies with the reply, and a menu that applies a macro's effects alone, without replying.
 */
export function MacroBar({
  caseId,
  attached,
  onDetach,
}: {
  caseId: string;
  attached: Template | null;
  onDetach: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const macros = useMacrosApi();
  const queryClient = useQueryClient();
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: ({ signal }) => api.listTemplates(signal) });
  const agents = useQuery({ queryKey: queryKeys.agents, queryFn: ({ signal }) => api.listAgents(signal) });
  const agentName = (id: string) => agents.data?.agents.find((agent) => agent.id === id)?.name;
  const withEffects = (templates.data?.templates ?? []).filter((template) => template.effects);
  // One key per click: a double click on the same item is one application (the server keeps the key).
  const apply = useMutation({
    mutationFn: (templateId: string) => macros.applyMacro(caseId, templateId, newIdempotencyKey()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(caseId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.cases });
    },
  });
  if (!attached && withEffects.length === 0) return null;
  return (
    <Group gap="xs" wrap="wrap" justify="space-between" data-testid="macro-bar">
      {attached ? (
        <Group gap={4} wrap="wrap" miw={0} data-testid="macro-attached">
          <Text size="xs" fw={600}>
            {t('macros.onSend', { name: attached.name })}
          </Text>
          {describeEffects(t, attached.effects, agentName).map((effect) => (
            <Badge key={effect} size="xs" variant="light" color="violet" className="customer-text">
              {effect}
            </Badge>
          ))}
          <CloseButton size="xs" aria-label={t('macros.detach')} onClick={onDetach} data-testid="macro-detach" />
        </Group>
      ) : (
        <span />
      )}
      {withEffects.length > 0 && (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="compact-xs" variant="default" loading={apply.isPending} data-testid="macro-menu">
              {t('macros.applyMenu')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('macros.applyHint')}</Menu.Label>
            {withEffects.map((template) => (
              <Menu.Item key={template.id} onClick={() => apply.mutate(template.id)} data-testid="macro-apply">
                <Text size="xs" fw={600}>
                  {template.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {describeEffects(t, template.effects, agentName).join(' · ')}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
      {apply.isError && (
        <Text size="xs" c="red.7" role="alert" w="100%">
          {t(errorMessageKey(apply.error))}
        </Text>
      )}
    </Group>
  );
}
