import { Button, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import type { Note } from '@guichet/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { Timestamp } from '../../components/Timestamp.tsx';

interface NotesPanelProps {
  title: string;
  notes: Note[];
  onAdd: (body: string) => Promise<unknown>;
  testId: string;
}

/** Internal notes: for agents only, never sent. */
export function NotesPanel({ title, notes, onAdd, testId }: NotesPanelProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const add = useMutation({ mutationFn: onAdd, onSuccess: () => setDraft('') });
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      component="section"
      aria-label={title}
      data-testid={testId}
      className="notes-panel"
    >
      <Stack gap="xs">
        <Title order={2} size="h5">
          {title}
        </Title>
        <Text size="xs" c="dimmed">
          {t('notes.hint')}
        </Text>
        {notes.length > 0 && (
          <Stack component="ul" gap={6} className="plain-list">
            {notes.map((note) => (
              <li key={note.id} data-testid="note">
                <Text size="sm" className="customer-text message-text">
                  {note.body}
                </Text>
                <Text size="xs" c="dimmed">
                  {note.author.name} · <Timestamp value={note.createdAt} format="datetime" span size="xs" />
                </Text>
              </li>
            ))}
          </Stack>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.trim()) add.mutate(draft.trim());
          }}
        >
          <Stack gap={4}>
            <Textarea
              size="xs"
              autosize
              minRows={2}
              aria-label={t('notes.label')}
              placeholder={t('notes.placeholder')}
              value={draft}
              maxLength={5000}
              onChange={(event) => setDraft(event.currentTarget.value)}
              data-testid={`${testId}-input`}
            />
            <Button
              size="xs"
              type="submit"
              variant="light"
              color="yellow"
              disabled={!draft.trim()}
              loading={add.isPending}
            >
              {t('notes.add')}
            </Button>
            {add.isError && (
              <Text size="xs" c="red.7" role="alert">
                {t(errorMessageKey(add.error))}
              </Text>
            )}
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
