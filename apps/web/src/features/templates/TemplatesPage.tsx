import { Alert, Button, Code, Group, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReplySettings, SaveTemplateRequest, Template } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useSession } from '../auth/session.ts';
import { templateVariables } from '../composer/templateRender.ts';

const empty: SaveTemplateRequest = { name: '', shortcut: '', language: null, body: '' };

/** Saved replies and what they fill in; leads and admins edit, agents read. */
export function TemplatesPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('templates.title')} · ${t('app.name')}`);
  const api = useApi();
  const queryClient = useQueryClient();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: ({ signal }) => api.listTemplates(signal) });
  const [editing, setEditing] = useState<{ id: string | null; form: SaveTemplateRequest } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.templates });
  const save = useMutation({
    mutationFn: (input: { id: string | null; form: SaveTemplateRequest }) =>
      input.id ? api.updateTemplate(input.id, input.form) : api.createTemplate(input.form),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.deleteTemplate(id), onSuccess: refresh });

  if (templates.isPending) return <CenteredLoader />;
  const list: Template[] = templates.data?.templates ?? [];
  const form = editing?.form;
  const setForm = (patch: Partial<SaveTemplateRequest>) =>
    setEditing((current) => (current ? { ...current, form: { ...current.form, ...patch } } : current));

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('templates.title')}
        </Title>
        {canEdit && !editing && (
          <Button size="xs" onClick={() => setEditing({ id: null, form: empty })} data-testid="template-new">
            {t('templates.new')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('templates.intro')}
      </Text>

      {editing && form && (
        <Paper
          withBorder
          p="md"
          radius="md"
          component="form"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(editing);
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
            </Group>
            <Textarea
              label={t('templates.body')}
              value={form.body}
              required
              autosize
              minRows={3}
              onChange={(e) => setForm({ body: e.currentTarget.value })}
              data-testid="template-body"
            />
            <Text size="xs" c="dimmed">
              {t('templates.variables')}{' '}
              {templateVariables.map((name) => (
                <Code key={name} mr={4}>{`{{${name}}}`}</Code>
              ))}
            </Text>
            {save.isError && (
              <Alert color="red" p="xs">
                {t(errorMessageKey(save.error))}
              </Alert>
            )}
            <Group gap="xs">
              <Button type="submit" size="xs" loading={save.isPending} data-testid="template-save">
                {t('templates.save')}
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}

      {list.length === 0 ? (
        <Text c="dimmed">{t('templates.none')}</Text>
      ) : (
        <Stack component="ul" gap="xs" className="plain-list">
          {list.map((template) => (
            <Paper component="li" key={template.id} withBorder p="sm" radius="md" data-testid="template-row">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={2} miw={0}>
                  <Text fw={600} size="sm">
                    /{template.shortcut} · {template.name}
                  </Text>
                  <Text size="xs" c="dimmed" className="message-text">
                    {template.body}
                  </Text>
                </Stack>
                {canEdit && (
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() =>
                        setEditing({
                          id: template.id,
                          form: {
                            name: template.name,
                            shortcut: template.shortcut,
                            language: template.language,
                            body: template.body,
                          },
                        })
                      }
                    >
                      {t('templates.edit')}
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(template.id)}>
                      {t('templates.delete')}
                    </Button>
                  </Group>
                )}
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      <ReplySettingsForm canEdit={canEdit} />
    </Stack>
  );
}

function ReplySettingsForm({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: queryKeys.replySettings,
    queryFn: ({ signal }) => api.getReplySettings(signal),
  });
  const [draft, setDraft] = useState<ReplySettings | null>(null);
  const save = useMutation({
    mutationFn: (value: ReplySettings) => api.saveReplySettings(value),
    onSuccess: (value) => {
      queryClient.setQueryData(queryKeys.replySettings, value);
      setDraft(null);
    },
  });
  if (!settings.data) return null;
  const value = draft ?? settings.data;
  const set = (patch: Partial<ReplySettings>) => setDraft({ ...value, ...patch });
  const text = (v: string) => (v.trim() ? v.trim() : null);
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(value);
      }}
    >
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('templates.settingsTitle')}
        </Title>
        <Group grow wrap="wrap">
          <TextInput
            label={t('templates.timeZone')}
            value={value.timeZone}
            disabled={!canEdit}
            onChange={(e) => set({ timeZone: e.currentTarget.value })}
          />
          <TextInput
            label={t('templates.helpCenterUrl')}
            value={value.helpCenterUrl ?? ''}
            disabled={!canEdit}
            onChange={(e) => set({ helpCenterUrl: text(e.currentTarget.value) })}
          />
        </Group>
        <Group grow wrap="wrap">
          <TextInput
            label={t('templates.supportEmail')}
            value={value.supportEmail ?? ''}
            disabled={!canEdit}
            onChange={(e) => set({ supportEmail: text(e.currentTarget.value) })}
          />
          <TextInput
            label={t('templates.supportPhone')}
            value={value.supportPhone ?? ''}
            disabled={!canEdit}
            onChange={(e) => set({ supportPhone: text(e.currentTarget.value) })}
          />
        </Group>
        {save.isError && (
          <Alert color="red" p="xs">
            {t(errorMessageKey(save.error))}
          </Alert>
        )}
        {canEdit && (
          <Button type="submit" size="xs" w="fit-content" disabled={!draft} loading={save.isPending}>
            {t('templates.saveSettings')}
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
