import type { ScheduledPost } from '@guichet/contracts';
import { Alert, Anchor, Badge, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isApiError } from '../../api/errors.ts';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { safeHttpUrl } from '../../components/safeUrl.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { channelsQueryKey, useChannelsApi } from '../channels/channelsApi.ts';
import { publicLength, publicLimit } from '../composer/xLength.ts';
import { fromLocalInput, toLocalInput } from './calendarGrid.ts';
import { scheduledPostKeys, useScheduledPostsApi } from './scheduledPostsApi.ts';
import { PostStatusBadge } from './PostStatusBadge.tsx';

type T = TFunction;

/** The agent's words for what the server refused; the server's codes for scheduled posts, then the generic ones. */
export function postErrorText(t: T, error: unknown): string {
  if (isApiError(error)) {
    switch (error.code) {
      case 'scheduled_post.too_long':
        return t('scheduledPosts.errors.tooLong');
      case 'scheduled_post.empty':
        return t('scheduledPosts.errors.empty');
      case 'scheduled_post.not_editable':
        return t('scheduledPosts.errors.notEditable');
      case 'scheduled_post.invalid_time':
        return t('scheduledPosts.errors.invalidTime');
      case 'scheduled_post.forbidden':
        return t('scheduledPosts.errors.forbidden');
      case 'channel.not_found':
        return t('scheduledPosts.errors.noChannel');
    }
  }
  return t(errorMessageKey(error));
}

export function formatDateTime(value: string | Date): string {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'full', timeStyle: 'short' }).format(new Date(value));
}

/**
 * Composes a new post or edits one not yet sending; a post already sending, sent, failed or cancelled is shown
 * read-only with what happened (link on X, reason of the failure) and what can still be done.
 */
export function PostEditor({
  post,
  initialDate,
  onClose,
}: {
  post: ScheduledPost | null;
  initialDate: Date | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useScheduledPostsApi();
  const channelsApi = useChannelsApi();
  const queryClient = useQueryClient();
  const channels = useQuery({ queryKey: channelsQueryKey, queryFn: ({ signal }) => channelsApi.list(signal) });
  const editable = post === null || post.status === 'scheduled';
  const [text, setText] = useState(post?.text ?? '');
  const [channelId, setChannelId] = useState<string | null>(post?.channel.id ?? null);
  const [when, setWhen] = useState(toLocalInput(post ? new Date(post.publishAt) : (initialDate ?? new Date())));
  const chosenChannel = channelId ?? channels.data?.channels[0]?.id ?? null;
  const length = publicLength(text);
  const publishAt = fromLocalInput(when);
  const tooLong = length > publicLimit;

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: scheduledPostKeys.all });
    onClose();
  };
  const save = useMutation({
    mutationFn: () => {
      const body = { channelId: chosenChannel ?? '', text, publishAt: publishAt!.toISOString() };
      return post ? api.update(post.id, body) : api.create(body);
    },
    onSuccess: done,
  });
  const cancel = useMutation({ mutationFn: () => api.cancel(post!.id), onSuccess: done });
  const retry = useMutation({ mutationFn: () => api.retry(post!.id), onSuccess: done });
  const failure = save.error ?? cancel.error ?? retry.error;
  const title =
    post === null
      ? t('scheduledPosts.newTitle')
      : editable
        ? t('scheduledPosts.editTitle')
        : t('scheduledPosts.detailsTitle');
  const url = post?.url ? safeHttpUrl(post.url) : null;

  return (
    <Modal opened onClose={onClose} title={title} size="lg" data-testid="post-editor">
      <Stack gap="sm">
        {post && (
          <Group gap="xs">
            <PostStatusBadge status={post.status} />
            <Badge variant="outline" color="gray">
              {t(`scheduledPosts.origin.${post.origin}`)}
            </Badge>
          </Group>
        )}
        {editable ? (
          <>
            <Select
              label={t('scheduledPosts.channel')}
              data={(channels.data?.channels ?? []).map((c) => ({ value: c.id, label: `${c.name} (@${c.handle})` }))}
              value={chosenChannel}
              onChange={setChannelId}
              allowDeselect={false}
              data-testid="post-channel"
            />
            <Textarea
              label={t('scheduledPosts.text')}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={4}
              maxRows={10}
              data-testid="post-text"
              error={tooLong ? t('scheduledPosts.errors.tooLong') : undefined}
            />
            <Text size="xs" c={tooLong ? 'red' : 'dimmed'} ta="right" data-testid="post-length">
              {t('scheduledPosts.length', { count: length, limit: publicLimit })}
            </Text>
            <TextInput
              type="datetime-local"
              label={t('scheduledPosts.publishAt')}
              description={t('scheduledPosts.publishAtHelp', {
                timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
              })}
              value={when}
              onChange={(e) => setWhen(e.currentTarget.value)}
              data-testid="post-when"
              error={publishAt ? undefined : t('scheduledPosts.errors.invalidTime')}
            />
          </>
        ) : (
          <Stack gap={6}>
            <Text size="sm" className="message-text" data-testid="post-text-readonly">
              {post?.text}
            </Text>
            <Text size="sm" c="dimmed">
              {t('scheduledPosts.plannedFor', { when: formatDateTime(post!.publishAt) })}
            </Text>
            {post?.sentAt && (
              <Text size="sm">{t('scheduledPosts.sentAtLabel', { when: formatDateTime(post.sentAt) })}</Text>
            )}
            {url && (
              <Anchor href={url} target="_blank" rel="noreferrer noopener" size="sm" data-testid="post-x-link">
                {t('scheduledPosts.viewOnX')}
              </Anchor>
            )}
            {post?.status === 'failed' && post.error && (
              <Alert color="red" title={t('scheduledPosts.failedTitle')}>
                <Text size="sm" className="customer-text">
                  {post.error}
                </Text>
              </Alert>
            )}
          </Stack>
        )}
        {failure ? (
          <Alert color="red" role="alert" data-testid="post-error">
            {postErrorText(t, failure)}
          </Alert>
        ) : null}
        <Group justify="space-between">
          <Group gap="xs">
            {post && editable && (
              <Button
                variant="light"
                color="red"
                onClick={() => cancel.mutate()}
                loading={cancel.isPending}
                data-testid="post-cancel"
              >
                {t('scheduledPosts.cancelPost')}
              </Button>
            )}
            {post?.status === 'failed' && (
              <Button variant="light" onClick={() => retry.mutate()} loading={retry.isPending} data-testid="post-retry">
                {t('scheduledPosts.retry')}
              </Button>
            )}
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('scheduledPosts.close')}
            </Button>
            {editable && (
              <Button
                onClick={() => save.mutate()}
                loading={save.isPending}
                disabled={!text.trim() || tooLong || !publishAt || !chosenChannel}
                data-testid="post-save"
              >
                {post ? t('scheduledPosts.save') : t('scheduledPosts.schedule')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
