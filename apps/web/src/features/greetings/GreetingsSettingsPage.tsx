import {
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { Locale, TimeSettings, TimeSettingsResponse } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { useSession } from '../auth/session.ts';
import { useChannels } from '../channels/channelsApi.ts';
import { absenceQueryKeys, useAbsenceApi } from '../absence/absenceApi.ts';
import { absenceErrorKey } from '../absence/absenceTime.ts';

/** Texts of the status post and away message (F20), greetings and the welcome DM (F21). */
export function GreetingsSettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('greetings.title')} · ${t('app.name')}`);
  const api = useAbsenceApi();
  const settings = useQuery({
    queryKey: absenceQueryKeys.timeSettings,
    queryFn: ({ signal }) => api.timeSettings(signal),
  });
  if (settings.isPending || !settings.data) return <CenteredLoader />;
  // Not keyed on the saved values: saving keeps this form (and its "saved" notice) on screen.
  return <SettingsForm initial={settings.data} />;
}

function SettingsForm({ initial }: { initial: TimeSettingsResponse }) {
  const { t } = useTranslation();
  const api = useAbsenceApi();
  const queryClient = useQueryClient();
  const channels = useChannels();
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const [form, setForm] = useState<TimeSettings>(initial.settings);
  const save = useMutation({
    mutationFn: (settings: TimeSettings) => api.saveTimeSettings(settings),
    onSuccess: (data) => queryClient.setQueryData(absenceQueryKeys.timeSettings, data),
  });
  const set = <K extends keyof TimeSettings>(key: K, change: Partial<TimeSettings[K]>) =>
    setForm((current) => ({ ...current, [key]: { ...(current[key] as object), ...change } }));
  const applyDefaults = (language: Locale) => {
    const texts = initial.defaults[language];
    setForm((current) => ({
      language,
      absence: texts.absence,
      greetings: {
        ...current.greetings,
        openTemplate: texts.greetings.openTemplate,
        closeTemplate: texts.greetings.closeTemplate,
      },
      welcome: { ...current.welcome, template: texts.welcome.template },
    }));
  };
  const channelOptions = (channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `@${c.handle}` }));
  return (
    <Stack gap="lg" maw={860} data-testid="greetings-settings">
      <Title order={2}>{t('greetings.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('greetings.intro')}
      </Text>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          {t('greetings.language.title')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('greetings.language.help')}
        </Text>
        <Group>
          <SegmentedControl
            value={form.language}
            disabled={!canEdit}
            data={[
              { value: 'fr', label: t('greetings.language.fr') },
              { value: 'en', label: t('greetings.language.en') },
            ]}
            onChange={(value) => setForm((current) => ({ ...current, language: value as Locale }))}
          />
          <Button size="xs" variant="default" disabled={!canEdit} onClick={() => applyDefaults(form.language)}>
            {t('greetings.language.useDefaults')}
          </Button>
        </Group>
      </Paper>

      <Paper withBorder p="md">
        <Title order={4} mb="sm">
          {t('greetings.absence.title')}
        </Title>
        <Stack gap="sm">
          <TemplateField
            label={t('greetings.absence.statusPost')}
            description={t('greetings.absence.statusPostHelp', { vars: '{{returnTime}}, {{note}}' })}
            value={form.absence.statusPostTemplate}
            readOnly={!canEdit}
            maxLength={1000}
            onChange={(value) => set('absence', { statusPostTemplate: value })}
            testId="greetings-status-post"
          />
          <TemplateField
            label={t('greetings.absence.awayMessage')}
            description={t('greetings.absence.awayMessageHelp', { vars: '{{name}}, {{returnTime}}' })}
            value={form.absence.awayMessageTemplate}
            readOnly={!canEdit}
            maxLength={2000}
            onChange={(value) => set('absence', { awayMessageTemplate: value })}
          />
        </Stack>
      </Paper>

      <ToggledSection
        title={t('greetings.posts.title')}
        switchLabel={t('greetings.posts.enabled')}
        checked={form.greetings.enabled}
        disabled={!canEdit}
        onChange={(checked) => set('greetings', { enabled: checked })}
        switchTestId="greetings-enabled"
        help={t('greetings.posts.help')}
      >
        <TemplateField
          label={t('greetings.posts.open')}
          description={t('greetings.posts.openHelp', { vars: '{{date}}, {{openTime}}, {{closeTime}}' })}
          value={form.greetings.openTemplate}
          readOnly={!canEdit}
          maxLength={1000}
          onChange={(value) => set('greetings', { openTemplate: value })}
          testId="greetings-open"
        />
        <TemplateField
          label={t('greetings.posts.close')}
          description={t('greetings.posts.closeHelp', { vars: '{{date}}, {{closeTime}}, {{nextOpenTime}}' })}
          value={form.greetings.closeTemplate}
          readOnly={!canEdit}
          maxLength={1000}
          onChange={(value) => set('greetings', { closeTemplate: value })}
        />
        <MultiSelect
          label={t('greetings.posts.channels')}
          description={t('greetings.posts.channelsHelp')}
          placeholder={t('greetings.posts.allChannels')}
          data={channelOptions}
          value={form.greetings.channelIds}
          disabled={!canEdit}
          onChange={(channelIds) => set('greetings', { channelIds })}
        />
      </ToggledSection>

      <ToggledSection
        title={t('greetings.welcome.title')}
        switchLabel={t('greetings.welcome.enabled')}
        checked={form.welcome.enabled}
        disabled={!canEdit}
        onChange={(checked) => set('welcome', { enabled: checked })}
        switchTestId="welcome-enabled"
        help={t('greetings.welcome.help')}
      >
        <TemplateField
          label={t('greetings.welcome.template')}
          description={t('greetings.welcome.templateHelp', { vars: '{{name}}, {{handle}}' })}
          value={form.welcome.template}
          readOnly={!canEdit}
          maxLength={2000}
          onChange={(value) => set('welcome', { template: value })}
        />
        <NumberInput
          label={t('greetings.welcome.perHour')}
          description={t('greetings.welcome.perHourHelp')}
          value={form.welcome.perHour}
          min={1}
          max={1000}
          disabled={!canEdit}
          w={220}
          onChange={(value) => set('welcome', { perHour: typeof value === 'number' ? value : 1 })}
          data-testid="welcome-per-hour"
        />
      </ToggledSection>

      {save.error && <Alert color="red">{t(absenceErrorKey(save.error))}</Alert>}
      {save.isSuccess && !save.isPending && (
        <Alert color="green" data-testid="greetings-saved">
          {t('greetings.saved')}
        </Alert>
      )}
      {canEdit && (
        <Group>
          <Button onClick={() => save.mutate(form)} loading={save.isPending} data-testid="greetings-save">
            {t('greetings.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A settings block that can be switched on or off as a whole, with its help line and fields. */
function ToggledSection({
  title,
  switchLabel,
  checked,
  disabled,
  onChange,
  switchTestId,
  help,
  children,
}: {
  title: string;
  switchLabel: string;
  checked: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
  switchTestId: string;
  help: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{title}</Title>
        <Switch
          label={switchLabel}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.checked)}
          data-testid={switchTestId}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {help}
      </Text>
      <Stack gap="sm">{children}</Stack>
    </Paper>
  );
}

/** A message template: grows with its text, read-only for agents who may not edit settings. */
function TemplateField({
  label,
  description,
  value,
  readOnly,
  maxLength,
  onChange,
  testId,
}: {
  label: string;
  description: string;
  value: string;
  readOnly: boolean;
  maxLength: number;
  onChange: (value: string) => void;
  testId?: string;
}) {
  return (
    <Textarea
      label={label}
      description={description}
      value={value}
      readOnly={readOnly}
      autosize
      minRows={2}
      maxLength={maxLength}
      onChange={(e) => onChange(e.currentTarget.value)}
      data-testid={testId}
    />
  );
}
