import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import type { CaseDetail, Message } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { queryKeys } from '../../api/queryKeys.ts';
import { WindowedList } from '../../components/WindowedList.tsx';
import { useCaseStructureApi } from './caseStructureApi.ts';
import { MessageItem } from './MessageItem.tsx';
import { StructureError } from './StructureError.tsx';

const byTimeThenId = (a: Message, b: Message) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * The case's messages as loaded so far: the latest page from the case detail (refreshed as things happen,
 * its versions of a message win) and the earlier pages read as the agent scrolls up.
 */
export function useCaseMessages(detail: CaseDetail) {
  const api = useCaseStructureApi();
  const [older, setOlder] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null>(detail.olderMessagesCursor ?? null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const busy = useRef(false);
  const latest = detail.messages;
  const messages = useMemo(() => {
    const byId = new Map<string, Message>();
    for (const message of older) byId.set(message.id, message);
    for (const message of latest) byId.set(message.id, message);
    return [...byId.values()].sort(byTimeThenId);
  }, [older, latest]);
  const loadOlder = useCallback(() => {
    if (!cursor || busy.current) return;
    busy.current = true;
    setLoading(true);
    api
      .olderMessages(detail.case.id, cursor)
      .then((page) => {
        setOlder((current) => [...page.messages, ...current]);
        setCursor(page.olderCursor);
        setFailed(false);
      })
      .catch(() => setFailed(true))
      .finally(() => {
        busy.current = false;
        setLoading(false);
      });
  }, [api, cursor, detail.case.id]);
  return { messages, loadOlder, hasOlder: cursor !== null, loading, failed };
}

interface CaseThreadProps {
  detail: CaseDetail;
  thread: ReturnType<typeof useCaseMessages>;
  targetId: string | null;
  onReplyTo: (message: Message) => void;
}

/** The conversation, windowed: a 2,000-message case keeps a few dozen in the page; split from any message. */
export function CaseThread({ detail, thread, targetId, onReplyTo }: CaseThreadProps) {
  const { t } = useTranslation();
  const [splitAt, setSplitAt] = useState<Message | null>(null);
  const { messages } = thread;
  const firstId = messages[0]?.id;
  // The case's first message is known once no earlier page is left.
  const atStart = !thread.hasOlder;
  const renderItem = useCallback(
    (message: Message, measure: (element: HTMLElement | null) => void) => (
      <MessageItem
        message={message}
        isReplyTarget={message.id === targetId}
        onReplyTo={onReplyTo}
        caseId={detail.case.id}
        itemRef={measure}
        // The first message cannot start a new case: the old one would be empty.
        onSplitHere={detail.mergedIntoCaseId || (atStart && message.id === firstId) ? undefined : setSplitAt}
      />
    ),
    [targetId, onReplyTo, detail.case.id, detail.mergedIntoCaseId, atStart, firstId],
  );
  const getKey = useCallback((message: Message) => message.id, []);

  if (messages.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="lg">
        {t('case.noMessages')}
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Group justify="center" mih={24} data-testid="thread-top">
        {thread.loading ? (
          <Group gap={6}>
            <Loader size="xs" />
            <Text size="xs" c="dimmed">
              {t('caseStructure.loadingOlder')}
            </Text>
          </Group>
        ) : thread.hasOlder ? (
          <Button size="compact-xs" variant="subtle" onClick={thread.loadOlder} data-testid="load-older">
            {thread.failed ? t('caseStructure.retryOlder') : t('caseStructure.loadOlder')}
          </Button>
        ) : (
          <Text size="xs" c="dimmed" data-testid="thread-start">
            {t('caseStructure.startOfCase')}
          </Text>
        )}
      </Group>
      <WindowedList
        items={messages}
        getKey={getKey}
        renderItem={renderItem}
        estimate={140}
        gap={8}
        onReachTop={thread.loadOlder}
        className="plain-list message-list"
        height="min(70vh, calc(100vh - 330px))"
        label={t('case.conversation')}
        testId="message-scroller"
      />
      <SplitDialog caseId={detail.case.id} message={splitAt} messages={messages} onClose={() => setSplitAt(null)} />
    </Stack>
  );
}

function SplitDialog(props: { caseId: string; message: Message | null; messages: Message[]; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useCaseStructureApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const split = useMutation({
    mutationFn: (atMessageId: string) => api.split(props.caseId, atMessageId),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.cases });
      props.onClose();
      void navigate(`/cases/${result.case.id}`);
    },
  });
  const { message } = props;
  const index = message ? props.messages.findIndex((m) => m.id === message.id) : -1;
  const count = index < 0 ? 0 : props.messages.length - index;
  return (
    <Modal opened={message !== null} onClose={props.onClose} title={t('caseStructure.splitTitle')} centered>
      <Stack gap="sm">
        <Text size="sm">{t('caseStructure.splitBody', { count })}</Text>
        {split.isError && <StructureError error={split.error} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose}>
            {t('caseStructure.cancel')}
          </Button>
          <Button
            onClick={() => message && split.mutate(message.id)}
            loading={split.isPending}
            data-testid="split-confirm"
          >
            {t('caseStructure.splitConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
