import { Alert, Button, Group, Paper, Stack, TextInput, Title } from '@mantine/core';
import type { ReplySettings } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';

/** Time zone, help-centre link, support e-mail and phone that saved replies fill in; leads and admins edit. */
export function ReplySettingsForm({ canEdit }: { canEdit: boolean }) {
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
