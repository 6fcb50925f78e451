import type { IncidentCase, IncidentDetail, IncidentReplyStatus } from '@guichet/contracts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { safeHttpUrl } from '../../components/safeUrl.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useSession } from '../auth/session.ts';
import { PostStatusBadge } from '../scheduled-posts/PostStatusBadge.tsx';
import { incidentKeys, useIncidentsApi } from './incidentsApi.ts';
import { IncidentStatusBadge } from './IncidentsPage.tsx';
import { failureTypes, incidentErrorText, timelineLabel } from './incidentText.ts';

const replyColors: Record<IncidentReplyStatus, string> = {
  none: 'gray',
  queued: 'blue',
  sending: 'yellow',
  sent: 'green',
  failed: 'red',
  skipped: 'orange',
};

/** One incident: its status post, linked cases and their answers, suggested complaints, timeline (F22). */
export function IncidentPage() {
  const { t } = useTranslation();
  const { incidentId = '' } = useParams();
  const api = useIncidentsApi();
  const queryClient = useQueryClient();
  const role = useSession().data?.agent.role;
  const canResolve = role === 'lead' || role === 'admin';
  const incident = useQuery({
    queryKey: incidentKeys.detail(incidentId),
    queryFn: ({ signal }) => api.get(incidentId, signal),
    // Deliveries of the resolution answers report per case, not per incident: follow them while they travel.
    refetchInterval: (query) =>
      query.state.data?.cases.some((c) => c.reply.status === 'queued' || c.reply.status === 'sending') ||
      query.state.data?.statusPost?.status === 'scheduled' ||
      query.state.data?.statusPost?.status === 'sending'
        ? 3_000
        : false,
  });
  const open = incident.data?.status === 'open';
  const suggestions = useQuery({
    queryKey: incidentKeys.suggestions(incidentId),
    queryFn: ({ signal }) => api.suggestions(incidentId, signal),
    enabled: open,
    // New complaints arrive all the time during an outage; no single event says "this one looks related".
    refetchInterval: 15_000,
  });
  useDocumentTitle(`${incident.data?.title ?? t('incidents.title')} · ${t('app.name')}`);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const refresh = (detail: IncidentDetail) => {
    queryClient.setQueryData(incidentKeys.detail(incidentId), detail);
    void queryClient.invalidateQueries({ queryKey: incidentKeys.all });
  };
  const link = useMutation({ mutationFn: (caseId: string) => api.link(incidentId, caseId), onSuccess: refresh });
  const linkAll = useMutation({
    mutationFn: async (caseIds: string[]) => {
      let last: IncidentDetail | null = null;
      for (const caseId of caseIds) last = await api.link(incidentId, caseId);
      return last!;
    },
    onSuccess: refresh,
  });
  const unlink = useMutation({ mutationFn: (caseId: string) => api.unlink(incidentId, caseId), onSuccess: refresh });
  const addNote = useMutation({
    mutationFn: () => api.update(incidentId, { note }),
    onSuccess: (detail) => {
      setNote('');
      refresh(detail);
    },
  });
  const resolve = useMutation({
    mutationFn: () => api.resolve(incidentId),
    onSuccess: (detail) => {
      setConfirming(false);
      refresh(detail);
    },
  });

  if (incident.isPending) return <CenteredLoader />;
  if (incident.isError) {
    return (
      <ErrorState title={t('incidents.loadError')} error={incident.error} onRetry={() => void incident.refetch()} />
    );
  }
  const detail = incident.data;
  const failure = link.error ?? linkAll.error ?? unlink.error ?? addNote.error ?? resolve.error;
  const postUrl = detail.statusPost?.url ? safeHttpUrl(detail.statusPost.url) : null;
  const suggested = suggestions.data ?? [];
  const contactOf = new Map(detail.cases.map((c) => [c.caseId, c.contact.name]));

  return (
    <Stack gap="md" data-testid="incident-page">
      <Anchor component={Link} to="/incidents" size="sm">
        {t('incidents.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={760}>
          <Group gap="xs">
            <Title order={1} size="h3" className="customer-text" data-testid="incident-heading">
              {detail.title}
            </Title>
            <IncidentStatusBadge status={detail.status} />
          </Group>
          <Group gap={4}>
            <Text size="sm" c="dimmed">
              {t('incidents.declaredBy', { name: detail.declaredBy?.name ?? t('incidents.system') })}
            </Text>
            <Timestamp value={detail.declaredAt} format="datetime" size="sm" c="dimmed" />
          </Group>
          {detail.description && (
            <Text size="sm" className="message-text">
              {detail.description}
            </Text>
          )}
          <Group gap={4}>
            <Text size="xs" c="dimmed">
              {t('incidents.fields.keywords')}
            </Text>
            {detail.keywords.map((k) => (
              <Badge key={k} size="sm" variant="outline" color="gray" tt="none">
                {k}
              </Badge>
            ))}
          </Group>
        </Stack>
        {open && canResolve && (
          <Button color="green" onClick={() => setConfirming(true)} data-testid="incident-resolve">
            {t('incidents.resolve')}
          </Button>
        )}
      </Group>
      {failure ? (
        <Alert color="red" role="alert">
          {incidentErrorText(t, failure)}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="sm">
          <Stack gap={6}>
            <Text fw={600}>{t('incidents.statusPost')}</Text>
            {detail.statusPost ? (
              <>
                <Group gap="xs">
                  <PostStatusBadge status={detail.statusPost.status} />
                  {postUrl && (
                    <Anchor href={postUrl} target="_blank" rel="noreferrer noopener" size="sm">
                      {t('scheduledPosts.viewOnX')}
                    </Anchor>
                  )}
                </Group>
                <Text size="sm" className="message-text">
                  {detail.statusPost.text}
                </Text>
                {detail.statusPost.error && (
                  <Text size="xs" c="red" className="customer-text">
                    {detail.statusPost.error}
                  </Text>
                )}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t('incidents.noStatusPost')}
              </Text>
            )}
          </Stack>
        </Paper>
        <Paper withBorder p="sm">
          <Stack gap={6}>
            <Text fw={600}>{t('incidents.resolutionReply')}</Text>
            <Text size="sm" className="message-text" data-testid="incident-resolution-text">
              {detail.resolutionText}
            </Text>
            {detail.resolvedAt && (
              <Group gap={4}>
                <Text size="xs" c="dimmed">
                  {t('incidents.resolvedBy', { name: detail.resolvedBy?.name ?? t('incidents.system') })}
                </Text>
                <Timestamp value={detail.resolvedAt} format="datetime" size="xs" c="dimmed" />
              </Group>
            )}
          </Stack>
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="sm">
        <Stack gap="xs">
          <Text fw={600}>{t('incidents.linkedCases', { count: detail.cases.length })}</Text>
          {detail.cases.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('incidents.noLinkedCases')}
            </Text>
          ) : (
            <Stack component="ul" gap={4} className="plain-list" data-testid="incident-cases">
              {detail.cases.map((c) => (
                <LinkedCaseRow
                  key={c.caseId}
                  item={c}
                  canUnlink={open}
                  onUnlink={() => unlink.mutate(c.caseId)}
                  busy={unlink.isPending}
                />
              ))}
            </Stack>
          )}
        </Stack>
      </Paper>

      {open && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={600}>{t('incidents.suggestions', { count: suggested.length })}</Text>
              {suggested.length > 1 && (
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => linkAll.mutate(suggested.map((s) => s.caseId))}
                  loading={linkAll.isPending}
                  data-testid="incident-link-all"
                >
                  {t('incidents.linkAll')}
                </Button>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {t('incidents.suggestionsHelp')}
            </Text>
            {suggested.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('incidents.noSuggestions')}
              </Text>
            ) : (
              <Stack component="ul" gap={4} className="plain-list" data-testid="incident-suggestions">
                {suggested.map((s) => (
                  <Paper key={s.caseId} component="li" withBorder p="xs" data-testid="incident-suggestion">
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <Stack gap={2} miw={0}>
                        <Group gap={6}>
                          <Text size="sm" fw={600} className="customer-text">
                            {s.contact.name}
                          </Text>
                          {s.contact.handle && (
                            <Text size="xs" c="dimmed" className="customer-text">
                              @{s.contact.handle}
                            </Text>
                          )}
                          <Timestamp value={s.receivedAt} size="xs" c="dimmed" />
                        </Group>
                        <Text size="sm" className="customer-text message-text" lineClamp={3}>
                          {s.text}
                        </Text>
                        <Group gap={4}>
                          <Text size="xs" c="dimmed">
                            {t('incidents.matched')}
                          </Text>
                          {s.matchedWords.map((w) => (
                            <Badge key={w} size="xs" variant="light" tt="none">
                              {w}
                            </Badge>
                          ))}
                        </Group>
                      </Stack>
                      <Button
                        size="xs"
                        onClick={() => link.mutate(s.caseId)}
                        loading={link.isPending && link.variables === s.caseId}
                        data-testid="incident-link"
                      >
                        {t('incidents.link')}
                      </Button>
                    </Group>
                  </Paper>
                ))}
              </Stack>
            )}
          </Stack>
        </Paper>
      )}

      <Paper withBorder p="sm">
        <Stack gap="sm">
          <Text fw={600}>{t('incidents.timelineTitle')}</Text>
          <Timeline bulletSize={14} lineWidth={2} data-testid="incident-timeline">
            {detail.timeline.map((entry) => (
              <Timeline.Item
                key={entry.id}
                color={failureTypes.has(entry.type) ? 'red' : entry.type === 'incident.resolved' ? 'green' : 'blue'}
                title={
                  <Group gap={6}>
                    <Text size="sm">{timelineLabel(t, entry)}</Text>
                    {entry.caseId && (
                      <Anchor component={Link} to={`/cases/${entry.caseId}`} size="xs" className="customer-text">
                        {contactOf.get(entry.caseId) ?? t('incidents.openCase')}
                      </Anchor>
                    )}
                  </Group>
                }
              >
                <Group gap={6}>
                  <Timestamp value={entry.at} format="datetime" size="xs" c="dimmed" />
                  {entry.actor && (
                    <Text size="xs" c="dimmed">
                      {entry.actor.name}
                    </Text>
                  )}
                </Group>
                {typeof entry.detail.note === 'string' && entry.detail.note && (
                  <Text size="sm" className="message-text">
                    {entry.detail.note}
                  </Text>
                )}
                {typeof entry.detail.detail === 'string' && failureTypes.has(entry.type) && (
                  <Text size="xs" c="red" className="customer-text">
                    {entry.detail.detail}
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
          {open && (
            <Group align="flex-end" wrap="nowrap">
              <Textarea
                label={t('incidents.addNote')}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                autosize
                minRows={1}
                maxLength={2000}
                style={{ flex: 1 }}
              />
              <Button
                variant="light"
                onClick={() => addNote.mutate()}
                disabled={!note.trim()}
                loading={addNote.isPending}
              >
                {t('incidents.saveNote')}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('incidents.resolveTitle')}>
        <Stack gap="sm">
          <Text size="sm">{t('incidents.resolveConfirm', { count: detail.cases.length })}</Text>
          <Paper withBorder p="xs">
            <Text size="sm" className="message-text">
              {detail.resolutionText}
            </Text>
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('scheduledPosts.close')}
            </Button>
            <Button
              color="green"
              onClick={() => resolve.mutate()}
              loading={resolve.isPending}
              data-testid="incident-resolve-confirm"
            >
              {t('incidents.resolveAndReply', { count: detail.cases.length })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function LinkedCaseRow({
  item,
  canUnlink,
  onUnlink,
  busy,
}: {
  item: IncidentCase;
  canUnlink: boolean;
  onUnlink: () => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const url = item.reply.url ? safeHttpUrl(item.reply.url) : null;
  return (
    <Paper component="li" withBorder p="xs" data-testid="incident-case">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} miw={0}>
          <Group gap={6}>
            <Anchor component={Link} to={`/cases/${item.caseId}`} size="sm" fw={600} className="customer-text">
              {item.contact.name}
            </Anchor>
            {item.contact.handle && (
              <Text size="xs" c="dimmed" className="customer-text">
                @{item.contact.handle}
              </Text>
            )}
            <Badge size="xs" variant="outline" color="gray">
              {item.linkedBy === 'rule'
                ? t('incidents.linkedByRule')
                : t('incidents.linkedByAgent', { name: item.linkedByAgent?.name ?? '' })}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" className="customer-text" lineClamp={2}>
            {item.preview}
          </Text>
          {item.reply.error && (
            <Text size="xs" c="red" className="customer-text">
              {item.reply.error}
            </Text>
          )}
        </Stack>
        <Group gap={6} wrap="nowrap">
          <Badge color={replyColors[item.reply.status]} variant="light" data-testid="incident-reply-status">
            {t(`incidents.reply.${item.reply.status}`)}
          </Badge>
          {url && (
            <Anchor href={url} target="_blank" rel="noreferrer noopener" size="xs">
              {t('scheduledPosts.viewOnX')}
            </Anchor>
          )}
          {canUnlink && (
            <Button size="compact-xs" variant="subtle" color="gray" onClick={onUnlink} disabled={busy}>
              {t('incidents.unlink')}
            </Button>
          )}
        </Group>
      </Group>
    </Paper>
  );
}
