import { Badge, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { SaveTemplateRequest, Template, TemplateFolder } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useSession } from '../auth/session.ts';
import { templateFoldersKey, useMacrosApi } from './macrosApi.ts';
import { describeEffects, groupByFolder } from './macroText.ts';
import { ReplySettingsForm } from './ReplySettingsForm.tsx';
import { emptyTemplate, TemplateEditor } from './TemplateEditor.tsx';
import { FolderHeading, NewFolderForm, StarterLibraryCard } from './TemplateFolders.tsx';

/** Saved replies and macros, in folders; leads and admins edit, agents read. */
export function TemplatesPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('templates.title')} · ${t('app.name')}`);
  const api = useApi();
  const macros = useMacrosApi();
  const queryClient = useQueryClient();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: ({ signal }) => api.listTemplates(signal) });
  const folders = useQuery({ queryKey: templateFoldersKey, queryFn: ({ signal }) => macros.listFolders(signal) });
  const [editing, setEditing] = useState<{ id: string | null; form: SaveTemplateRequest } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.templates });

  if (templates.isPending || folders.isPending) return <CenteredLoader />;
  const list: Template[] = templates.data?.templates ?? [];
  const folderList: TemplateFolder[] = folders.data?.folders ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('templates.title')}
        </Title>
        {canEdit && !editing && (
          <Button size="xs" onClick={() => setEditing({ id: null, form: emptyTemplate })} data-testid="template-new">
            {t('templates.new')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('templates.intro')}
      </Text>
      {canEdit && <StarterLibraryCard prominent={list.length === 0} />}
      {canEdit && <NewFolderForm />}

      {editing && (
        <TemplateEditor
          key={editing.id ?? 'new'}
          id={editing.id}
          initial={editing.form}
          folders={folderList}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
        />
      )}

      {list.length === 0 && folderList.length === 0 ? (
        <Text c="dimmed">{t('templates.none')}</Text>
      ) : (
        groupByFolder(list, folderList).map((group) => (
          <Stack key={group.folder?.id ?? 'none'} gap="xs" data-testid="template-folder-group">
            {group.folder ? (
              <FolderHeading folder={group.folder} count={group.templates.length} canEdit={canEdit} />
            ) : (
              <Title order={2} size="h5" c="dimmed">
                {t('macros.noFolder')}
              </Title>
            )}
            <Stack component="ul" gap="xs" className="plain-list">
              {group.templates.map((template) => (
                <TemplateRow
                  key={template.id}
                  template={template}
                  folders={folderList}
                  canEdit={canEdit}
                  onEdit={() =>
                    setEditing({
                      id: template.id,
                      form: {
                        name: template.name,
                        shortcut: template.shortcut,
                        language: template.language,
                        body: template.body,
                        folderId: template.folderId,
                        effects: template.effects,
                      },
                    })
                  }
                  onChanged={refresh}
                />
              ))}
            </Stack>
          </Stack>
        ))
      )}
      <ReplySettingsForm canEdit={canEdit} />
    </Stack>
  );
}

function TemplateRow({
  template,
  folders,
  canEdit,
  onEdit,
  onChanged,
}: {
  template: Template;
  folders: readonly TemplateFolder[];
  canEdit: boolean;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const macros = useMacrosApi();
  const agents = useQuery({ queryKey: queryKeys.agents, queryFn: ({ signal }) => api.listAgents(signal) });
  const remove = useMutation({ mutationFn: () => api.deleteTemplate(template.id), onSuccess: onChanged });
  const move = useMutation({
    mutationFn: (folderId: string | null) => macros.moveTemplate(template.id, folderId),
    onSuccess: onChanged,
  });
  const effects = describeEffects(t, template.effects, (id) => agents.data?.agents.find((a) => a.id === id)?.name);
  return (
    <Paper component="li" withBorder p="sm" radius="md" data-testid="template-row" data-shortcut={template.shortcut}>
      <Group justify="space-between" wrap="wrap" align="flex-start" gap="xs">
        <Stack gap={2} miw={0} flex={1}>
          <Text fw={600} size="sm">
            /{template.shortcut} · {template.name}
          </Text>
          <Text size="xs" c="dimmed" className="message-text">
            {template.body}
          </Text>
          {effects.length > 0 && (
            <Group gap={4} mt={2} data-testid="template-effects">
              <Badge size="xs" color="violet" variant="filled">
                {t('macros.badge')}
              </Badge>
              {effects.map((effect) => (
                <Badge key={effect} size="xs" variant="light" color="violet" className="customer-text">
                  {effect}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
        {canEdit && (
          <Group gap={4} wrap="nowrap">
            <Select
              size="xs"
              w={150}
              aria-label={t('macros.moveTo', { name: template.name })}
              placeholder={t('macros.noFolder')}
              clearable
              value={template.folderId}
              data={folders.map((folder) => ({ value: folder.id, label: folder.name }))}
              onChange={(value) => move.mutate(value)}
              data-testid="template-move"
            />
            <Button size="compact-xs" variant="default" onClick={onEdit} data-testid="template-edit">
              {t('templates.edit')}
            </Button>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate()}>
              {t('templates.delete')}
            </Button>
          </Group>
        )}
      </Group>
    </Paper>
  );
}
