import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NewPasswordFields, newPasswordProblems } from '../../components/NewPasswordFields.tsx';
import { teamErrorKey, teamQueryKeys, useTeamApi } from '../team/teamApi.ts';

/** A new password, with the current one as proof; the agent's other sessions end (this one stays). */
export function ChangePasswordForm() {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const change = useMutation({
    mutationFn: () => api.changePassword({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
      setTried(false);
      void queryClient.invalidateQueries({ queryKey: teamQueryKeys.sessions });
    },
  });
  const { tooShort, mismatch } = newPasswordProblems(next, confirm);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (current && !tooShort && !mismatch && !change.isPending) change.mutate();
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack gap="md">
          <Title order={3}>{t('profile.password.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('profile.password.help')}
          </Text>
          <PasswordInput
            label={t('profile.password.current')}
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            data-testid="password-current"
          />
          <NewPasswordFields
            label={t('profile.password.new')}
            password={next}
            confirm={confirm}
            onPassword={setNext}
            onConfirm={setConfirm}
            showErrors={tried}
            testIds={{ password: 'password-new', confirm: 'password-confirm' }}
          />
          {change.isError && (
            <Alert color="red" role="alert" data-testid="password-error">
              {t(teamErrorKey(change.error))}
            </Alert>
          )}
          {change.isSuccess && (
            <Alert color="green" data-testid="password-changed">
              {t('profile.password.changed', { count: change.data.signedOut })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending} data-testid="password-submit">
              {t('profile.password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
