import type { IncidentStatus } from '@guichet/contracts';
import { incidentReplyVariables } from '@guichet/contracts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { channelsQueryKey, useChannelsApi } from '../channels/channelsApi.ts';
import { publicLength, publicLimit } from '../composer/xLength.ts';
import { incidentKeys, useIncidentsApi } from './incidentsApi.ts';
import { incidentErrorText } from './incidentText.ts';

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={status === 'open' ? 'red' : 'green'} variant="light" data-testid="incident-status">
      {t(`incidents.status.${status}`)}
    </Badge>
  );
}

/** Outages and known issues (F22): open ones first. */
export function IncidentsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('incidents.title')} · ${t('app.name')}`);
  const api = useIncidentsApi();
  const [declaring, setDeclaring] = useState(false);
  const incidents = useQuery({ queryKey: incidentKeys.list, queryFn: ({ signal }) => api.list(signal) });
  if (incidents.isPending) return <CenteredLoader />;
  if (incidents.isError) {
    return (
      <ErrorState title={t('incidents.loadError')} error={incidents.error} onRetry={() => void incidents.refetch()} />
    );
  }
  const list = incidents.data.incidents;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={1} size="h3">
            {t('incidents.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('incidents.intro')}
          </Text>
        </Stack>
        <Button color="red" onClick={() => setDeclaring(true)} data-testid="incident-declare">
          {t('incidents.declare')}
        </Button>
      </Group>
      {list.length === 0 ? (
        <Paper withBorder p="lg" data-testid="incidents-empty">
          <Text c="dimmed" ta="center">
            {t('incidents.empty')}
          </Text>
        </Paper>
      ) : (
        <Stack component="ul" gap="xs" className="plain-list">
          {list.map((incident) => (
            <Paper key={incident.id} component="li" withBorder p="sm" data-testid="incident-row">
              <Group justify="space-between" wrap="wrap">
                <Stack gap={2}>
                  <Group gap="xs">
                    <Anchor component={Link} to={`/incidents/${incident.id}`} fw={600} className="customer-text">
                      {incident.title}
                    </Anchor>
                    <IncidentStatusBadge status={incident.status} />
                  </Group>
                  <Group gap={4}>
                    <Text size="xs" c="dimmed">
                      {t('incidents.declaredAt')}
                    </Text>
                    <Timestamp value={incident.declaredAt} format="datetime" size="xs" c="dimmed" />
                  </Group>
                </Stack>
                <Group gap="md">
                  <Text size="sm">{t('incidents.linkedCount', { count: incident.linkedCount })}</Text>
                  {incident.status === 'resolved' && (
                    <Text size="sm" c={incident.repliesFailed > 0 ? 'red' : 'dimmed'}>
                      {t('incidents.repliesSummary', { sent: incident.repliesSent, failed: incident.repliesFailed })}
                    </Text>
                  )}
                </Group>
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      {declaring && <DeclareIncidentModal onClose={() => setDeclaring(false)} />}
    </Stack>
  );
}

function DeclareIncidentModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const api = useIncidentsApi();
  const guichet = useApi();
  const channelsApi = useChannelsApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const channels = useQuery({ queryKey: channelsQueryKey, queryFn: ({ signal }) => channelsApi.list(signal) });
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: ({ signal }) => guichet.listTemplates(signal) });
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [keywords, setKeywords] = useState<string[]>([]);
  const [withPost, setWithPost] = useState(true);
  const [channelId, setChannelId] = useState<string | null>(null);
  const [postText, setPostText] = useState('');
  const [replyText, setReplyText] = useState('');
  const chosenChannel = channelId ?? channels.data?.channels[0]?.id ?? null;
  const templateOptions = (templates.data?.templates ?? []).map((x) => ({
    value: x.id,
    label: `/${x.shortcut} — ${x.name}`,
  }));
  const bodyOf = (id: string | null) => templates.data?.templates.find((x) => x.id === id)?.body ?? null;
  const postLength = publicLength(postText);
  const postUnfilled = /\{\{[^}]*\}\}/.test(postText);

  const declare = useMutation({
    mutationFn: () =>
      api.declare({
        title,
        description,
        keywords,
        statusPost: withPost && chosenChannel ? { channelId: chosenChannel, text: postText } : null,
        resolutionText: replyText,
      }),
    onSuccess: (incident) => {
      void queryClient.invalidateQueries({ queryKey: incidentKeys.all });
      onClose();
      void navigate(`/incidents/${incident.id}`);
    },
  });
  const postInvalid = withPost && (!postText.trim() || postLength > publicLimit || postUnfilled || !chosenChannel);

  return (
    <Modal opened onClose={onClose} title={t('incidents.declareTitle')} size="lg">
      <Stack gap="sm">
        <TextInput
          label={t('incidents.fields.title')}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          maxLength={200}
          required
          data-testid="incident-title"
        />
        <Textarea
          label={t('incidents.fields.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
          data-testid="incident-description"
        />
        <TagsInput
          label={t('incidents.fields.keywords')}
          description={t('incidents.fields.keywordsHelp')}
          value={keywords}
          onChange={setKeywords}
          maxTags={30}
          data-testid="incident-keywords"
        />
        <Checkbox
          label={t('incidents.fields.withStatusPost')}
          checked={withPost}
          onChange={(e) => setWithPost(e.currentTarget.checked)}
        />
        {withPost && (
          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Group grow>
                <Select
                  label={t('scheduledPosts.channel')}
                  data={(channels.data?.channels ?? []).map((c) => ({
                    value: c.id,
                    label: `${c.name} (@${c.handle})`,
                  }))}
                  value={chosenChannel}
                  onChange={setChannelId}
                  allowDeselect={false}
                />
                <Select
                  label={t('incidents.fields.fromTemplate')}
                  data={templateOptions}
                  value={null}
                  onChange={(id) => setPostText(bodyOf(id) ?? postText)}
                  nothingFoundMessage={t('incidents.noTemplates')}
                  data-testid="incident-post-template"
                />
              </Group>
              <Textarea
                label={t('incidents.fields.statusPost')}
                value={postText}
                onChange={(e) => setPostText(e.currentTarget.value)}
                autosize
                minRows={3}
                data-testid="incident-post-text"
                error={
                  postLength > publicLimit
                    ? t('scheduledPosts.errors.tooLong')
                    : postUnfilled
                      ? t('incidents.errors.postVariables')
                      : undefined
                }
              />
              <Text size="xs" c={postLength > publicLimit ? 'red' : 'dimmed'} ta="right">
                {t('scheduledPosts.length', { count: postLength, limit: publicLimit })}
              </Text>
            </Stack>
          </Paper>
        )}
        <Select
          label={t('incidents.fields.replyTemplate')}
          data={templateOptions}
          value={null}
          onChange={(id) => setReplyText(bodyOf(id) ?? replyText)}
          nothingFoundMessage={t('incidents.noTemplates')}
        />
        <Textarea
          label={t('incidents.fields.resolutionText')}
          description={t('incidents.fields.resolutionHelp', {
            variables: incidentReplyVariables.map((v) => `{{${v}}}`).join(' '),
          })}
          value={replyText}
          onChange={(e) => setReplyText(e.currentTarget.value)}
          autosize
          minRows={3}
          required
          data-testid="incident-reply-text"
        />
        {declare.error ? (
          <Alert color="red" role="alert" data-testid="incident-error">
            {incidentErrorText(t, declare.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('scheduledPosts.close')}
          </Button>
          <Button
            color="red"
            onClick={() => declare.mutate()}
            loading={declare.isPending}
            disabled={!title.trim() || !replyText.trim() || postInvalid}
            data-testid="incident-declare-submit"
          >
            {t('incidents.declare')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
