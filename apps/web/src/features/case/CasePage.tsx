import { Anchor, Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { CaseDetail, Message } from '@guichet/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { isApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { CaseStatusBadge } from '../../components/CaseStatusBadge.tsx';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ContactAvatar } from '../../components/ContactAvatar.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { MessageItem } from './MessageItem.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { defaultReplyTarget } from './replyTarget.ts';

const deliveryPollMs = 5_000;

export function CasePage() {
  const { t } = useTranslation();
  const { caseId = '' } = useParams();
  const api = useApi();
  const detail = useQuery({
    queryKey: queryKeys.caseDetail(caseId),
    queryFn: ({ signal }) => api.getCase(caseId, signal),
    enabled: caseId !== '',
    // Realtime reports delivery; polling while a reply is in flight covers a dropped socket.
    refetchInterval: (query) =>
      query.state.data?.messages.some((m) => m.deliveryStatus === 'queued' || m.deliveryStatus === 'sending')
        ? deliveryPollMs
        : false,
  });
  useDocumentTitle(detail.data ? `${detail.data.case.contact.name} · ${t('app.name')}` : t('app.name'));

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/" size="sm">
        ← {t('case.back')}
      </Anchor>
      {detail.isPending ? (
        <CenteredLoader />
      ) : detail.isError ? (
        <ErrorState
          title={t('case.loadError')}
          error={detail.error}
          // Retrying a case that does not exist would only fail again.
          onRetry={isApiError(detail.error) && detail.error.status === 404 ? undefined : () => void detail.refetch()}
        />
      ) : (
        <CaseView key={caseId} detail={detail.data} />
      )}
    </Stack>
  );
}

function CaseView({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const { case: summary, messages } = detail;
  const { contact } = summary;
  const [chosenTargetId, setChosenTargetId] = useState<string | null>(null);
  // A chosen message that disappeared from the case falls back on the default rather than on nothing.
  const target: Message | null =
    messages.find((message) => message.id === chosenTargetId) ?? defaultReplyTarget(messages);

  // Open on the latest exchange, which is what the agent answers; later updates do not move the page.
  const lastMessageRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    lastMessageRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  return (
    <Stack gap="md">
      <Paper withBorder radius="md" p="md" component="header">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Group wrap="nowrap" gap="sm" miw={0}>
            <ContactAvatar contact={contact} size="lg" />
            <Box miw={0}>
              <Title order={1} size="h3" className="customer-text">
                {contact.name}
              </Title>
              {contact.handle && (
                <Text c="dimmed" size="sm" className="customer-text">
                  @{contact.handle}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {t('case.opened')} <Timestamp value={summary.openedAt} size="xs" c="dimmed" span />
              </Text>
            </Box>
          </Group>
          <CaseStatusBadge status={summary.status} />
        </Group>
      </Paper>

      <Box component="section" aria-label={t('case.conversation')}>
        {messages.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('case.noMessages')}
          </Text>
        ) : (
          <Stack component="ol" gap="sm" className="plain-list message-list">
            {messages.map((message) => (
              <MessageItem
                key={message.id}
                message={message}
                isReplyTarget={message.id === target?.id}
                onReplyTo={(chosen) => setChosenTargetId(chosen.id)}
              />
            ))}
          </Stack>
        )}
        <div ref={lastMessageRef} />
      </Box>

      <ReplyBox caseId={summary.id} target={target} />
    </Stack>
  );
}
