import { Anchor, Avatar, Box, Grid, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDocumentTitle, useHotkeys } from '@mantine/hooks';
import type { CaseDetail, Message } from '@guichet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { isApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { CaseStatusBadge } from '../../components/CaseStatusBadge.tsx';
import { SlaBadge } from '../sla/SlaBadge.tsx';
import { AbsenceCaseBadge } from '../absence/AbsenceCaseBadge.tsx';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ContactAvatar } from '../../components/ContactAvatar.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useCasePresence } from '../../realtime/RealtimeProvider.tsx';
import { useSession } from '../auth/session.ts';
import { CaseControls, useCaseMutations } from './CaseControls.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { CaseMergeButton } from './CaseMergeButton.tsx';
import { CaseThread, useCaseMessages } from './CaseThread.tsx';
import { StructureBanner } from './StructureBanner.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { TriageCorrection } from '../triage/TriageCorrection.tsx';
import { CaseIncidentBanner } from '../incidents/CaseIncidentBanner.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { defaultReplyTarget, recentCustomerMessages } from './replyTarget.ts';

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
        // A split or merge changes which messages the case holds: the thread's loaded pages start over.
        <CaseView key={`${caseId}:${structureMarks(detail.data)}`} detail={detail.data} />
      )}
    </Stack>
  );
}

function structureMarks(detail: CaseDetail): number {
  return detail.history.filter((e) => e.type.startsWith('case.split') || e.type.startsWith('case.merge')).length;
}

/** Who else is on this case right now (F8). */
function PresenceBar({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const session = useSession().data;
  const others = useCasePresence(caseId, session?.agent.id);
  if (others.length === 0) return null;
  const typing = others.filter((entry) => entry.state === 'typing');
  return (
    <Paper withBorder radius="md" p="xs" bg="yellow.0" data-testid="presence-bar" role="status">
      <Group gap="xs" wrap="wrap">
        <Avatar.Group spacing="xs">
          {others.map((entry) => (
            <Tooltip key={entry.agentId} label={entry.name}>
              <Avatar size="sm" color={entry.state === 'typing' ? 'orange' : 'blue'} name={entry.name} />
            </Tooltip>
          ))}
        </Avatar.Group>
        <Text size="sm">
          {typing.length > 0
            ? t('presence.typing', { names: typing.map((entry) => entry.name).join(', ') })
            : t('presence.viewing', { names: others.map((entry) => entry.name).join(', ') })}
        </Text>
      </Group>
    </Paper>
  );
}

function CaseView({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const session = useSession().data;
  const { case: summary } = detail;
  const { contact } = summary;
  const thread = useCaseMessages(detail);
  const { messages } = thread;
  const [chosenTargetId, setChosenTargetId] = useState<string | null>(null);
  // A chosen message that disappeared from the case falls back on the default rather than on nothing.
  const target: Message | null =
    messages.find((message) => message.id === chosenTargetId) ?? defaultReplyTarget(messages);
  const latestDirect = [...messages].reverse().find((m) => m.direction === 'inbound' && m.visibility === 'direct');
  const replyInputRef = useRef<HTMLTextAreaElement>(null);
  const mutations = useCaseMutations(summary.id);

  // r: reply; e: resolve; a: assign to me. (Ctrl/⌘+Enter sends from the composer; ? opens the sheet.)
  useHotkeys([
    [
      'r',
      () => {
        replyInputRef.current?.focus();
      },
    ],
    ['e', () => summary.status !== 'resolved' && mutations.status.mutate({ status: 'resolved' })],
    ['a', () => session && mutations.assign.mutate({ agentId: session.agent.id })],
  ]);

  const replyTo = useCallback((chosen: Message) => setChosenTargetId(chosen.id), []);

  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
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
                    {summary.assignee && ` · ${t('case.assignedTo', { name: summary.assignee.name })}`}
                  </Text>
                </Box>
              </Group>
              <CaseStatusBadge status={summary.status} />
              {!detail.mergedIntoCaseId && <CaseMergeButton summary={summary} />}
              <SlaBadge sla={summary.sla} size="sm" />
              <AbsenceCaseBadge history={detail.history} />
            </Group>
          </Paper>

          <StructureBanner detail={detail} />
          <PresenceBar caseId={summary.id} />
          <CaseIncidentBanner caseId={summary.id} />

          <Box component="section" aria-label={t('case.conversation')}>
            <CaseThread detail={detail} thread={thread} targetId={target?.id ?? null} onReplyTo={replyTo} />
          </Box>

          {/* Sticky: however long the thread, the composer stays within reach. */}
          <Box className="sticky-composer" data-testid="composer-dock">
            <ReplyBox
              caseId={summary.id}
              target={target}
              customer={{ name: contact.name, handle: contact.handle }}
              directReplyAvailable={detail.directReplyAvailable}
              directReplyBlocked={detail.directReplyBlocked ?? null}
              onMoveToDm={latestDirect ? () => setChosenTargetId(latestDirect.id) : undefined}
              candidates={recentCustomerMessages(messages)}
              targetPinned={chosenTargetId !== null && target?.id === chosenTargetId}
              onChooseTarget={setChosenTargetId}
              inputRef={replyInputRef}
            />
          </Box>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="md">
          <CaseControls summary={summary} />
          <TriageCorrection caseId={summary.id} />
          <NotesPanel
            title={t('notes.caseTitle')}
            notes={detail.notes}
            onAdd={async (body) => {
              await api.addCaseNote(summary.id, body);
              await queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(summary.id) });
            }}
            testId="case-notes"
          />
          <ContactPanel contactId={contact.id} currentCaseId={summary.id} />
          <HistoryPanel events={detail.history} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
