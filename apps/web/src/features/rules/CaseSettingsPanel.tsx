import { Alert, Button, Group, NumberInput, Paper, Radio, Stack, Switch, Text } from '@mantine/core';
import type { CaseSettings } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { caseSettingsQueryKey, useCaseSettingsApi } from './caseSettingsApi.ts';

/** How cases are assigned and reopened; leads and admins edit (the server enforces it), agents read. */
export function CaseSettingsPanel({ canEdit }: { canEdit: boolean }) {
  const api = useCaseSettingsApi();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: caseSettingsQueryKey, queryFn: ({ signal }) => api.get(signal) });
  // Here, not in the form: the form is re-created from the saved value, and "Saved" must outlive that.
  const save = useMutation({
    mutationFn: (next: CaseSettings) => api.save(next),
    onSuccess: (saved) => queryClient.setQueryData(caseSettingsQueryKey, saved),
  });
  if (!settings.data) return <CenteredLoader />;
  // Keyed on the stored value so a save elsewhere resets the draft.
  return <CaseSettingsForm key={JSON.stringify(settings.data)} stored={settings.data} canEdit={canEdit} save={save} />;
}

function CaseSettingsForm({
  stored,
  canEdit,
  save,
}: {
  stored: CaseSettings;
  canEdit: boolean;
  save: UseMutationResult<CaseSettings, Error, CaseSettings>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<CaseSettings>(stored);
  const changed = JSON.stringify(draft) !== JSON.stringify(stored);

  return (
    <Paper withBorder p="md" radius="md" maw={760}>
      <Stack gap="md">
        <Switch
          checked={draft.assignOnReply}
          disabled={!canEdit}
          onChange={(event) => setDraft({ ...draft, assignOnReply: event.currentTarget.checked })}
          label={t('caseSettings.assignOnReply')}
          description={t('caseSettings.assignOnReplyHelp')}
          data-testid="case-settings-assign-on-reply"
        />
        <Radio.Group
          value={draft.afterResolved}
          onChange={(value) => setDraft({ ...draft, afterResolved: value as CaseSettings['afterResolved'] })}
          label={t('caseSettings.afterResolved')}
          description={t('caseSettings.afterResolvedHelp')}
        >
          <Stack gap={6} mt="xs">
            <Radio value="reopen" disabled={!canEdit} label={t('caseSettings.reopen')} />
            <Radio
              value="new_case"
              disabled={!canEdit}
              label={t('caseSettings.newCase')}
              data-testid="case-settings-new-case"
            />
          </Stack>
        </Radio.Group>
        <NumberInput
          value={draft.newCaseAfterSilenceHours ?? ''}
          disabled={!canEdit}
          min={1}
          max={8760}
          allowDecimal={false}
          maw={360}
          onChange={(value) =>
            setDraft({ ...draft, newCaseAfterSilenceHours: typeof value === 'number' && value >= 1 ? value : null })
          }
          label={t('caseSettings.silence')}
          description={t('caseSettings.silenceHelp')}
          placeholder={t('caseSettings.silenceHours')}
          aria-label={t('caseSettings.silenceHours')}
          data-testid="case-settings-silence"
        />
        <Switch
          checked={draft.roundRobin}
          disabled={!canEdit}
          onChange={(event) => setDraft({ ...draft, roundRobin: event.currentTarget.checked })}
          label={t('caseSettings.roundRobin')}
          description={t('caseSettings.roundRobinHelp')}
          data-testid="case-settings-round-robin"
        />
        {save.isError && <Alert color="red">{t(errorMessageKey(save.error))}</Alert>}
        {canEdit && (
          <Group gap="sm">
            <Button
              onClick={() => save.mutate(draft)}
              disabled={!changed}
              loading={save.isPending}
              data-testid="case-settings-save"
            >
              {t('caseSettings.save')}
            </Button>
            {save.isSuccess && !changed && (
              <Text size="sm" c="green" data-testid="case-settings-saved">
                {t('caseSettings.saved')}
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
