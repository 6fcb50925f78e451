import { ActionIcon, Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import type { TemplateFolder } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { templateFoldersKey, useMacrosApi } from './macrosApi.ts';

function useRefreshTemplates() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: templateFoldersKey });
    void queryClient.invalidateQueries({ queryKey: queryKeys.templates });
  };
}

/** A new folder's name, typed and added. */
export function NewFolderForm() {
  const { t } = useTranslation();
  const api = useMacrosApi();
  const refresh = useRefreshTemplates();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (value: string) => api.createFolder(value),
    onSuccess: () => {
      setName('');
      refresh();
    },
  });
  return (
    <Stack gap={4}>
      <Group
        gap="xs"
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) create.mutate(name.trim());
        }}
      >
        <TextInput
          size="xs"
          aria-label={t('macros.newFolderName')}
          placeholder={t('macros.newFolderName')}
          value={name}
          maxLength={60}
          onChange={(event) => setName(event.currentTarget.value)}
          data-testid="folder-name"
        />
        <Button type="submit" size="xs" variant="default" disabled={!name.trim()} loading={create.isPending}>
          {t('macros.createFolder')}
        </Button>
      </Group>
      {create.isError && (
        <Text size="xs" c="red.7" role="alert">
          {t(errorMessageKey(create.error))}
        </Text>
      )}
    </Stack>
  );
}

/** A folder's title, with rename and delete for leads; deleting keeps its replies, outside any folder. */
export function FolderHeading({ folder, count, canEdit }: { folder: TemplateFolder; count: number; canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useMacrosApi();
  const refresh = useRefreshTemplates();
  const [renaming, setRenaming] = useState<string | null>(null);
  const rename = useMutation({
    mutationFn: (name: string) => api.renameFolder(folder.id, name),
    onSuccess: () => {
      setRenaming(null);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => api.deleteFolder(folder.id), onSuccess: refresh });
  if (renaming !== null) {
    return (
      <Group
        gap="xs"
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (renaming.trim()) rename.mutate(renaming.trim());
        }}
      >
        <TextInput
          size="xs"
          aria-label={t('macros.folderName')}
          value={renaming}
          maxLength={60}
          onChange={(event) => setRenaming(event.currentTarget.value)}
          data-testid="folder-rename-input"
          autoFocus
        />
        <Button type="submit" size="xs" loading={rename.isPending}>
          {t('templates.save')}
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setRenaming(null)}>
          {t('common.cancel')}
        </Button>
        {rename.isError && (
          <Text size="xs" c="red.7" role="alert">
            {t(errorMessageKey(rename.error))}
          </Text>
        )}
      </Group>
    );
  }
  return (
    <Group gap="xs" justify="space-between" wrap="nowrap">
      <Title order={2} size="h5" data-testid="folder-title" className="customer-text">
        {folder.name}{' '}
        <Text span size="xs" c="dimmed" fw={400}>
          {t('macros.folderCount', { count })}
        </Text>
      </Title>
      {canEdit && (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => setRenaming(folder.name)}
            data-testid="folder-rename"
          >
            {t('macros.renameFolder')}
          </Button>
          <ActionIcon
            size="sm"
            variant="subtle"
            color="red"
            aria-label={t('macros.deleteFolder', { name: folder.name })}
            onClick={() => remove.mutate()}
            data-testid="folder-delete"
          >
            ×
          </ActionIcon>
        </Group>
      )}
    </Group>
  );
}

/** The starter library (fr and en): one click adds what is missing, so a second click adds nothing. */
export function StarterLibraryCard({ prominent }: { prominent: boolean }) {
  const { t } = useTranslation();
  const api = useMacrosApi();
  const refresh = useRefreshTemplates();
  const load = useMutation({
    mutationFn: () => api.importStarterLibrary(t('macros.starter.folderName')),
    onSuccess: refresh,
  });
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid="starter-library"
      bg={prominent ? 'var(--mantine-color-blue-0)' : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={2} maw={560}>
            <Text fw={600} size="sm">
              {t('macros.starter.title')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('macros.starter.body')}
            </Text>
          </Stack>
          <Button
            size="xs"
            variant={prominent ? 'filled' : 'default'}
            loading={load.isPending}
            onClick={() => load.mutate()}
            data-testid="starter-import"
          >
            {t('macros.starter.import')}
          </Button>
        </Group>
        {load.data && (
          <Alert color={load.data.added > 0 ? 'green' : 'gray'} p="xs" data-testid="starter-result">
            {load.data.added > 0
              ? t('macros.starter.added', { count: load.data.added })
              : t('macros.starter.nothingNew')}
          </Alert>
        )}
        {load.isError && (
          <Alert color="red" p="xs">
            {t(errorMessageKey(load.error))}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
