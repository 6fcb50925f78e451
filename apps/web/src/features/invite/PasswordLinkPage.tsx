import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { NewPasswordFields, newPasswordProblems } from '../../components/NewPasswordFields.tsx';
import { PublicPageFrame } from '../../components/PublicPageFrame.tsx';
import { endSession, startSession } from '../auth/session.ts';
import { teamErrorKey, useTeamApi } from '../team/teamApi.ts';

/**
 * Where a one-time link lands (no session needed): an invitee chooses their first password, or an agent
 * whose password an admin reset chooses a new one. Either way they are signed in and sent to the inbox.
 */
export function PasswordLinkPage({ kind }: { kind: 'invite' | 'reset' }) {
  const { t } = useTranslation();
  useDocumentTitle(`${t(`invite.${kind}.title`)} · ${t('app.name')}`);
  const { token = '' } = useParams<{ token: string }>();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  // Not under `cases`: nobody is signed in yet, and the link's answer must not outlive this page.
  const link = useQuery({
    queryKey: ['password-link', token],
    queryFn: ({ signal }) => api.link(token, signal),
    retry: false,
    staleTime: Infinity,
  });
  const accept = useMutation({
    mutationFn: () => api.acceptLink(token, password),
    onSuccess: (session) => {
      queryClient.removeQueries({ queryKey: ['password-link'] });
      // Whoever was signed in on this browser before is not any more: none of their data stays.
      endSession(queryClient);
      startSession(queryClient, session);
      void navigate('/', { replace: true });
    },
  });
  const { tooShort, mismatch } = newPasswordProblems(password, confirm);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!tooShort && !mismatch && !accept.isPending) accept.mutate();
  };

  let body;
  if (link.isPending) body = <CenteredLoader />;
  else if (link.isError) {
    body = (
      <Stack data-testid="password-link-invalid">
        <Alert color="orange" title={t('invite.invalidTitle')}>
          {t(teamErrorKey(link.error))}
        </Alert>
        <Anchor component={Link} to="/sign-in">
          {t('invite.toSignIn')}
        </Anchor>
      </Stack>
    );
  } else {
    const info = link.data;
    const copy = info.kind;
    body = (
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h3">
            {t(`invite.${copy}.heading`, { name: info.name })}
          </Title>
          <Text size="sm" c="dimmed">
            {t(`invite.${copy}.intro`, { email: info.email, workspace: info.workspaceName })}
          </Text>
          {accept.isError && (
            <Alert color="red" role="alert">
              {t(teamErrorKey(accept.error))}
            </Alert>
          )}
          <NewPasswordFields
            label={t('invite.password')}
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            showErrors={tried}
            testIds={{ password: 'link-password', confirm: 'link-password-confirm' }}
            autoFocus
          />
          <Button type="submit" loading={accept.isPending} data-testid="link-submit">
            {t(`invite.${copy}.submit`)}
          </Button>
        </Stack>
      </form>
    );
  }

  return <PublicPageFrame width={460}>{body}</PublicPageFrame>;
}
