import { ActionIcon, Button, Code, Group, List, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import type { ChannelSummary } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { channelsQueryKey, useChannelsApi } from './channelsApi.ts';

/** Brand-monitoring searches of one channel (paced by its X budget); leads add and remove them. */
export function SearchesSection({ channel, canEdit }: { channel: ChannelSummary; canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey });
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const add = useMutation({
    mutationFn: () => api.addSearch(channel.id, { name, query }),
    onSuccess: () => {
      setName('');
      setQuery('');
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.deleteSearch(channel.id, id), onSuccess: refresh });

  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('channels.searches.title')}
      </Title>
      {channel.searches.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('channels.searches.empty')}
        </Text>
      ) : (
        <Stack gap={4}>
          {channel.searches.map((search) => (
            <Group key={search.id} gap="xs" wrap="nowrap" data-testid="channel-search">
              <Text size="sm" fw={600}>
                {search.name}
              </Text>
              <Code>{search.query}</Code>
              {canEdit && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('channels.searches.delete', { name: search.name })}
                  onClick={() => remove.mutate(search.id)}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {canEdit && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
        >
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput
              label={t('channels.searches.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={100}
              w={200}
              data-testid="search-name"
            />
            <TextInput
              label={t('channels.searches.query')}
              placeholder={`acme (panne OR outage) -from:${channel.handle} -is:retweet lang:fr`}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              required
              maxLength={512}
              style={{ flex: 1, minWidth: 260 }}
              data-testid="search-query"
            />
            <Button type="submit" loading={add.isPending} data-testid="search-add">
              {t('channels.searches.add')}
            </Button>
          </Group>
          {add.isError && (
            <Text size="sm" c="red" mt={4}>
              {t(errorMessageKey(add.error))}
            </Text>
          )}
        </form>
      )}
      <Text size="xs" c="dimmed" component="div">
        {t('channels.searches.help')}
        <List size="xs" mt={2}>
          <List.Item>
            <Code>acme outage</Code> — {t('channels.searches.helpAnd')}
          </List.Item>
          <List.Item>
            <Code>(panne OR outage)</Code> — {t('channels.searches.helpOr')}
          </List.Item>
          <List.Item>
            <Code>"acme box"</Code> — {t('channels.searches.helpPhrase')}
          </List.Item>
          <List.Item>
            <Code>-from:{channel.handle}</Code> <Code>-is:retweet</Code> — {t('channels.searches.helpExclude')}
          </List.Item>
          <List.Item>
            <Code>lang:fr</Code> — {t('channels.searches.helpLang')}
          </List.Item>
        </List>
      </Text>
    </Stack>
  );
}

/** Words that keep public posts out of the queue (kept on record as filtered); leads edit them. */
export function MuteWordsSection({ channel, canEdit }: { channel: ChannelSummary; canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const [words, setWords] = useState<string[]>(channel.muteWords);
  const save = useMutation({
    mutationFn: () => api.update(channel.id, { muteWords: words }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
  });
  const changed = words.join('\n') !== channel.muteWords.join('\n');
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('channels.muteWords.title')}
      </Title>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TagsInput
          description={t('channels.muteWords.help')}
          placeholder={canEdit ? t('channels.muteWords.placeholder') : undefined}
          value={words}
          onChange={setWords}
          disabled={!canEdit}
          maxTags={200}
          style={{ flex: 1, minWidth: 260 }}
          aria-label={t('channels.muteWords.title')}
          data-testid="mute-words"
        />
        {canEdit && (
          <Button onClick={() => save.mutate()} disabled={!changed} loading={save.isPending} data-testid="mute-save">
            {t('channels.save')}
          </Button>
        )}
      </Group>
      {save.isError && (
        <Text size="sm" c="red">
          {t(errorMessageKey(save.error))}
        </Text>
      )}
    </Stack>
  );
}
