import { Alert, Button, Group, Paper, Select, Stack, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import type { MacroEffects, SaveTemplateRequest, TemplateFolder } from '@guichet/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { templateVariables } from '../composer/templateRender.ts';
import { insertVariable } from './macroText.ts';

export const emptyTemplate: SaveTemplateRequest = {
  name: '',
  shortcut: '',
  language: null,
  body: '',
  folderId: null,
  effects: null,
};

/** Each variable's chip label (typed keys: a variable added to the renderer needs its label here). */
const variableLabels = {
  greeting: 'macros.variables.greeting',
  'customer.name': 'macros.variables.customer_name',
  'customer.firstName': 'macros.variables.customer_firstName',
  'customer.handle': 'macros.variables.customer_handle',
  'agent.firstName': 'macros.variables.agent_firstName',
  'agent.name': 'macros.variables.agent_name',
  'agent.initials': 'macros.variables.agent_initials',
  'helpCenter.url': 'macros.variables.helpCenter_url',
  'support.email': 'macros.variables.support_email',
  'support.phone': 'macros.variables.support_phone',
} as const satisfies Record<(typeof templateVariables)[number], string>;

const noEffects: MacroEffects = { tags: [], status: null, priority: null, assignee: null };

/** The form of one saved reply: text with clickable variables, folder, and what it does to the case. */
export function TemplateEditor({
  id,
  initial,
  folders,
  onDone,
}: {
  id: string | null;
  initial: SaveTemplateRequest;
  folders: readonly TemplateFolder[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [form, setFormState] = useState<SaveTemplateRequest>(initial);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const agents = useQuery({ queryKey: queryKeys.agents, queryFn: ({ signal }) => api.listAgents(signal) });
  const save = useMutation({
    mutationFn: (request: SaveTemplateRequest) => (id ? api.updateTemplate(id, request) : api.createTemplate(request)),
    onSuccess: onDone,
  });
  const setForm = (patch: Partial<SaveTemplateRequest>) => setFormState((current) => ({ ...current, ...patch }));
  const effects = { ...noEffects, ...(form.effects ?? {}) };
  const setEffects = (patch: Partial<MacroEffects>) => setForm({ effects: { ...effects, ...patch } });

  const addVariable = (name: string) => {
    const input = bodyRef.current;
    const next = insertVariable(form.body, name, input?.selectionStart ?? null, input?.selectionEnd ?? null);
    setForm({ body: next.text });
    requestAnimationFrame(() => {
      input?.focus();
      input?.setSelectionRange(next.cursor, next.cursor);
    });
  };

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      data-testid="template-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(form);
      }}
    >
      <Stack gap="xs">
        <Group grow wrap="wrap">
          <TextInput
            label={t('templates.name')}
            value={form.name}
            required
            maxLength={80}
            onChange={(e) => setForm({ name: e.currentTarget.value })}
            data-testid="template-name"
          />
          <TextInput
            label={t('templates.shortcut')}
            value={form.shortcut}
            required
            maxLength={30}
            onChange={(e) => setForm({ shortcut: e.currentTarget.value })}
            data-testid="template-shortcut"
          />
          <Select
            label={t('templates.language')}
            value={form.language ?? 'any'}
            data={[
              { value: 'any', label: t('templates.anyLanguage') },
              { value: 'fr', label: t('languages.fr') },
              { value: 'en', label: t('languages.en') },
            ]}
            onChange={(value) => setForm({ language: value === 'fr' || value === 'en' ? value : null })}
          />
          <Select
            label={t('macros.folder')}
            value={form.folderId ?? null}
            placeholder={t('macros.noFolder')}
            clearable
            data={folders.map((folder) => ({ value: folder.id, label: folder.name }))}
            onChange={(value) => setForm({ folderId: value })}
            data-testid="template-folder"
          />
        </Group>
        <Textarea
          ref={bodyRef}
          label={t('templates.body')}
          value={form.body}
          required
          autosize
          minRows={3}
          onChange={(e) => setForm({ body: e.currentTarget.value })}
          data-testid="template-body"
        />
        <Group gap={4} wrap="wrap" role="group" aria-label={t('macros.variablesLabel')}>
          <Text size="xs" c="dimmed" mr={4}>
            {t('macros.variablesHint')}
          </Text>
          {templateVariables.map((name) => (
            <Button
              key={name}
              size="compact-xs"
              radius="xl"
              variant="light"
              title={`{{${name}}}`}
              onClick={() => addVariable(name)}
              data-testid={`variable-${name}`}
            >
              {t(variableLabels[name])}
            </Button>
          ))}
        </Group>
        <Paper withBorder p="xs" radius="sm" bg="var(--mantine-color-gray-0)">
          <Stack gap={6}>
            <Text size="sm" fw={600}>
              {t('macros.effectsTitle')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('macros.effectsHint')}
            </Text>
            <Group grow wrap="wrap" align="flex-start">
              <TagsInput
                label={t('macros.addTags')}
                value={effects.tags}
                maxTags={10}
                onChange={(tags) => setEffects({ tags })}
                data-testid="macro-tags"
              />
              <Select
                label={t('macros.setStatus')}
                value={effects.status}
                placeholder={t('macros.unchanged')}
                clearable
                data={(['open', 'pending', 'resolved'] as const).map((value) => ({
                  value,
                  label: t(`status.${value}`),
                }))}
                onChange={(value) => setEffects({ status: (value as MacroEffects['status']) ?? null })}
                data-testid="macro-status"
              />
              <Select
                label={t('macros.setPriority')}
                value={effects.priority ? String(effects.priority) : null}
                placeholder={t('macros.unchanged')}
                clearable
                data={['1', '2', '3', '4'].map((value) => ({ value, label: t('inbox.priority', { value }) }))}
                onChange={(value) => setEffects({ priority: value ? Number(value) : null })}
                data-testid="macro-priority"
              />
              <Select
                label={t('macros.assignTo')}
                value={effects.assignee}
                placeholder={t('macros.unchanged')}
                clearable
                searchable
                data={[
                  { value: 'me', label: t('macros.assignMe') },
                  ...(agents.data?.agents ?? []).map((agent) => ({ value: agent.id, label: agent.name })),
                ]}
                onChange={(value) => setEffects({ assignee: value })}
                data-testid="macro-assignee"
              />
            </Group>
          </Stack>
        </Paper>
        {save.isError && (
          <Alert color="red" p="xs">
            {t(errorMessageKey(save.error))}
          </Alert>
        )}
        <Group gap="xs">
          <Button type="submit" size="xs" loading={save.isPending} data-testid="template-save">
            {t('templates.save')}
          </Button>
          <Button size="xs" variant="subtle" onClick={onDone}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
