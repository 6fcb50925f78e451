import { Alert, Button, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { SignInRequest } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { PublicPageFrame } from '../../components/PublicPageFrame.tsx';
import { startSession, useSession } from './session.ts';

/** Where to go after signing in: the page that asked for it, never another origin. */
function returnPath(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = state.from;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/sign-in')) {
      return from;
    }
  }
  return '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('signIn.title')} · ${t('app.name')}`);
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const target = returnPath(location.state);

  const signIn = useMutation({
    mutationFn: (request: SignInRequest) => api.signIn(request),
    onSuccess: (info) => {
      startSession(queryClient, info);
      void navigate(target, { replace: true });
    },
  });

  if (session.isPending) return <CenteredLoader />;
  if (session.data) return <Navigate to={target} replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (signIn.isPending) return;
    signIn.mutate({ email: email.trim(), password });
  };

  return (
    <PublicPageFrame width={420}>
      <form onSubmit={onSubmit}>
        <Stack>
          <Title order={2} size="h3">
            {t('signIn.title')}
          </Title>
          {signIn.isError && (
            <Alert color="red" title={t('signIn.errorTitle')} role="alert">
              {t(errorMessageKey(signIn.error))}
            </Alert>
          )}
          <TextInput
            label={t('signIn.email')}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            autoFocus
          />
          <PasswordInput
            label={t('signIn.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Button type="submit" loading={signIn.isPending}>
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
    </PublicPageFrame>
  );
}
