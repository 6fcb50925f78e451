import { Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import type { ContactProfile } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { CaseStatusBadge } from '../../components/CaseStatusBadge.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { NotesPanel } from './NotesPanel.tsx';

/** Who the customer is: profile, every case, notes and tags about them (F9). */
export function ContactPanel({ contactId, currentCaseId }: { contactId: string; currentCaseId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const contact = useQuery({
    queryKey: queryKeys.contact(contactId),
    queryFn: ({ signal }) => api.getContact(contactId, signal),
  });
  const update = (profile?: ContactProfile) => {
    if (profile) queryClient.setQueryData(queryKeys.contact(contactId), profile);
    void queryClient.invalidateQueries({ queryKey: queryKeys.contact(contactId) });
  };
  const addTag = useMutation({
    mutationFn: (name: string) => api.addContactTag(contactId, name),
    onSuccess: (profile) => {
      update(profile);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
    },
  });
  const removeTag = useMutation({
    mutationFn: (tagId: string) => api.removeContactTag(contactId, tagId),
    onSuccess: update,
  });
  const [tagName, setTagName] = useState('');

  if (contact.isPending) return <Skeleton height={160} radius="md" />;
  if (contact.isError) return null;
  const profile = contact.data;
  const numbers = new Intl.NumberFormat(currentLanguage());

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        radius="md"
        p="sm"
        component="section"
        aria-label={t('contact.title')}
        data-testid="contact-panel"
      >
        <Stack gap="xs">
          <Title order={2} size="h5">
            {t('contact.title')}
          </Title>
          {profile.identities.map((identity) => (
            <Stack key={`${identity.network}:${identity.handle}`} gap={2} data-testid="contact-identity">
              <Group gap={6} wrap="wrap">
                <Text fw={600} size="sm" className="customer-text">
                  {identity.name}
                </Text>
                <Text size="sm" c="dimmed" className="customer-text">
                  @{identity.handle}
                </Text>
                {identity.verified && (
                  <Badge size="xs" color="blue" variant="light">
                    {t('contact.verified')}
                  </Badge>
                )}
              </Group>
              {identity.bio && (
                <Text size="xs" className="customer-text message-text" data-testid="contact-bio">
                  {identity.bio}
                </Text>
              )}
              {identity.followersCount !== null && (
                <Text size="xs" c="dimmed">
                  {t('contact.followers', {
                    count: identity.followersCount,
                    formatted: numbers.format(identity.followersCount),
                  })}
                </Text>
              )}
            </Stack>
          ))}

          <Group gap={4} wrap="wrap" data-testid="contact-tags">
            {profile.tags.map((tag) => (
              <Badge
                key={tag.id}
                variant="light"
                color="teal"
                className="customer-text"
                rightSection={
                  <button
                    type="button"
                    className="tag-remove"
                    aria-label={t('caseControls.removeTag', { name: tag.name })}
                    onClick={() => removeTag.mutate(tag.id)}
                  >
                    ×
                  </button>
                }
              >
                {tag.name}
              </Badge>
            ))}
          </Group>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (tagName.trim()) addTag.mutate(tagName.trim(), { onSuccess: () => setTagName('') });
            }}
          >
            <Group gap={4} wrap="nowrap">
              <TextInput
                size="xs"
                flex={1}
                aria-label={t('contact.addTag')}
                placeholder={t('contact.addTagPlaceholder')}
                value={tagName}
                maxLength={40}
                onChange={(event) => setTagName(event.currentTarget.value)}
                data-testid="contact-tag-input"
              />
              <Button size="xs" type="submit" variant="default" disabled={!tagName.trim()}>
                {t('caseControls.addTag')}
              </Button>
            </Group>
          </form>

          <Text size="xs" fw={500}>
            {t('contact.cases', { count: profile.cases.length })}
          </Text>
          <Stack component="ul" gap={4} className="plain-list" data-testid="contact-cases">
            {profile.cases.map((item) => (
              <Group component="li" key={item.id} gap={6} wrap="nowrap">
                <CaseStatusBadge status={item.status} />
                {item.id === currentCaseId ? (
                  <Text size="xs" truncate="end" miw={0} flex={1} fw={600}>
                    {t('contact.thisCase')}
                  </Text>
                ) : (
                  <Anchor
                    component={Link}
                    to={`/cases/${encodeURIComponent(item.id)}`}
                    size="xs"
                    truncate="end"
                    miw={0}
                    flex={1}
                  >
                    {item.preview || t('inbox.noPreview')}
                  </Anchor>
                )}
                <Timestamp value={item.lastMessageAt} size="xs" c="dimmed" style={{ flexShrink: 0 }} />
              </Group>
            ))}
          </Stack>
        </Stack>
      </Paper>
      <NotesPanel
        title={t('contact.notes')}
        notes={profile.notes}
        onAdd={async (body) => {
          await api.addContactNote(contactId, body);
          update();
        }}
        testId="contact-notes"
      />
    </Stack>
  );
}
