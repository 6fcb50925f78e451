import {
  notificationPrefsSchema,
  type Locale,
  type NotificationPrefs,
  type Profile,
  type UpdateProfileRequest,
} from '@guichet/contracts';
import { Alert, Button, Checkbox, Group, Paper, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/queryKeys.ts';
import { switchLanguage } from '../../i18n/index.ts';
import { supportedLanguages } from '../../i18n/languages.ts';
import { DesktopPermission } from '../alerts/DesktopPermission.tsx';
import { initialsSignature } from '../composer/templateRender.ts';
import { teamErrorKey, teamQueryKeys, useTeamApi } from '../team/teamApi.ts';

const desktopChoices = ['newP1', 'breaches', 'approvals', 'assignedToMe'] as const;

/** Every IANA zone this browser knows, for the time zone picker. */
function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/** The agent's own settings: name, signature, language, time zone and notification choices. */
export function ProfileForm({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<UpdateProfileRequest>({
    name: profile.name,
    initials: profile.initials,
    locale: profile.locale,
    timeZone: profile.timeZone,
    notifications: profile.notifications,
  });
  const zones = useMemo(() => {
    const known = timeZones();
    return draft.timeZone && !known.includes(draft.timeZone) ? [draft.timeZone, ...known] : known;
  }, [draft.timeZone]);
  const save = useMutation({
    mutationFn: () => api.saveProfile({ ...draft, name: draft.name.trim(), initials: draft.initials?.trim() || null }),
    onSuccess: (saved) => {
      queryClient.setQueryData(teamQueryKeys.profile, saved);
      // The header's name and the language come from the session.
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      if (saved.locale) void switchLanguage(saved.locale);
    },
  });
  const set = <K extends keyof UpdateProfileRequest>(key: K, value: UpdateProfileRequest[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const setNotification = (key: keyof NotificationPrefs, value: boolean) =>
    set('notifications', notificationPrefsSchema.parse({ ...draft.notifications, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!save.isPending) save.mutate();
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack gap="md">
          <Title order={3}>{t('profile.details.title')}</Title>
          <Text size="sm" c="dimmed" className="customer-text">
            {t('profile.details.account', { email: profile.email, role: t(`team.roles.${profile.role}`) })}
          </Text>
          <TextInput
            label={t('profile.fields.name')}
            required
            maxLength={80}
            value={draft.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            data-testid="profile-name"
          />
          <TextInput
            label={t('profile.fields.initials')}
            description={t('profile.fields.initialsHelp', {
              variable: '{{agent.initials}}',
              example: initialsSignature(draft.name) || '^JD',
            })}
            placeholder={initialsSignature(draft.name)}
            maxLength={8}
            value={draft.initials ?? ''}
            onChange={(event) => set('initials', event.currentTarget.value || null)}
            data-testid="profile-initials"
          />
          <Group grow align="flex-start">
            <Select
              label={t('profile.fields.language')}
              data={[
                { value: 'browser', label: t('profile.fields.languageBrowser') },
                ...supportedLanguages.map((language) => ({ value: language, label: t(`languages.${language}`) })),
              ]}
              value={draft.locale ?? 'browser'}
              onChange={(value) => set('locale', value === 'fr' || value === 'en' ? (value as Locale) : null)}
              allowDeselect={false}
              data-testid="profile-language"
            />
            <Select
              label={t('profile.fields.timeZone')}
              placeholder={t('profile.fields.timeZoneWorkspace')}
              data={zones}
              value={draft.timeZone}
              onChange={(value) => set('timeZone', value)}
              searchable
              clearable
              limit={50}
              data-testid="profile-time-zone"
            />
          </Group>
          <Stack gap={6}>
            <Text fw={600} size="sm">
              {t('profile.notifications.title')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('profile.notifications.help')}
            </Text>
            <DesktopPermission />
            {desktopChoices.map((key) => (
              <Checkbox
                key={key}
                label={t(`profile.notifications.${key}`)}
                checked={draft.notifications[key]}
                onChange={(event) => setNotification(key, event.currentTarget.checked)}
                data-testid={`profile-notify-${key}`}
              />
            ))}
            <Switch
              label={t('profile.notifications.sound')}
              checked={draft.notifications.sound}
              onChange={(event) => setNotification('sound', event.currentTarget.checked)}
              data-testid="profile-notify-sound"
            />
          </Stack>
          {save.isError && (
            <Alert color="red" role="alert">
              {t(teamErrorKey(save.error))}
            </Alert>
          )}
          {save.isSuccess && !save.isPending && (
            <Alert color="green" data-testid="profile-saved">
              {t('profile.details.saved')}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} data-testid="profile-save">
              {t('profile.details.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
