import { Alert, Anchor, Button, Group, Paper, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { SurveySettings, SurveySettingsResponse } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useSession } from '../auth/session.ts';
import { surveyQueryKeys, useSurveysApi } from './surveysApi.ts';

/** The satisfaction survey (F25): the switch and the question, in French and English. */
export function SurveySettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('surveys.title')} · ${t('app.name')}`);
  const api = useSurveysApi();
  const settings = useQuery({ queryKey: surveyQueryKeys.settings, queryFn: ({ signal }) => api.settings(signal) });
  if (settings.isPending || !settings.data) return <CenteredLoader />;
  return <SettingsForm initial={settings.data} />;
}

function SettingsForm({ initial }: { initial: SurveySettingsResponse }) {
  const { t } = useTranslation();
  const api = useSurveysApi();
  const queryClient = useQueryClient();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const [form, setForm] = useState<SurveySettings>(initial.settings);
  const save = useMutation({
    mutationFn: (settings: SurveySettings) => api.save(settings),
    onSuccess: (data) => queryClient.setQueryData(surveyQueryKeys.settings, data),
  });
  const template = (language: 'fr' | 'en') => (
    <Textarea
      label={t(`surveys.template.${language}`)}
      // The help shows the {{name}} variable itself, not a value for it.
      description={t('surveys.templateHelp', { name: '{{name}}' })}
      autosize
      minRows={3}
      maxLength={1000}
      disabled={!canEdit}
      value={form.templates[language]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setForm((current) => ({ ...current, templates: { ...current.templates, [language]: value } }));
      }}
      data-testid={`survey-template-${language}`}
    />
  );
  return (
    <Stack gap="md" maw={760}>
      <div>
        <Title order={1} size="h2">
          {t('surveys.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('surveys.intro')}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Switch
            checked={form.enabled}
            disabled={!canEdit}
            onChange={(e) => {
              const enabled = e.currentTarget.checked;
              setForm((current) => ({ ...current, enabled }));
            }}
            label={t('surveys.enabled')}
            description={t('surveys.enabledHelp')}
            data-testid="survey-enabled"
          />
          {template('fr')}
          {template('en')}
          {!canEdit && (
            <Text size="sm" c="dimmed">
              {t('surveys.readOnly')}
            </Text>
          )}
          {save.isError && (
            <Alert color="red" title={t('surveys.saveFailed')}>
              {t('surveys.saveFailedBody')}
            </Alert>
          )}
          {save.isSuccess && !save.isPending && (
            <Text size="sm" c="teal" data-testid="survey-saved">
              {t('surveys.saved')}
            </Text>
          )}
          <Group justify="space-between">
            <Anchor component={Link} to="/reports" size="sm">
              {t('surveys.seeReports')}
            </Anchor>
            <Group gap="xs">
              <Button
                variant="default"
                disabled={!canEdit}
                onClick={() => setForm((current) => ({ ...current, templates: initial.defaults }))}
              >
                {t('surveys.useDefaults')}
              </Button>
              <Button
                disabled={!canEdit}
                loading={save.isPending}
                onClick={() => save.mutate(form)}
                data-testid="survey-save"
              >
                {t('surveys.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
