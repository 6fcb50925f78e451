import { Alert, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import type { CaseDetail, Message, ReplyRequest } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { newIdempotencyKey } from './idempotencyKey.ts';
import { replyLimitFor } from './replyTarget.ts';

interface ReplyBoxProps {
  caseId: string;
  /** The message answered; null lets the server pick the customer's latest public message. */
  target: Message | null;
}

export function ReplyBox({ caseId, target }: ReplyBoxProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState('');
  // One key per draft text: resubmitting it (double click, retry after a network error) creates a
  // single reply, while an edited draft is a new reply that must not be matched to the old one.
  const idempotency = useRef<{ key: string; text: string } | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const counterId = `${inputId}-counter`;

  const send = useMutation({
    mutationFn: (request: ReplyRequest) => api.sendReply(caseId, request),
    onSuccess: (message) => {
      setDraft('');
      idempotency.current = null;
      // Show the queued reply at once; the refetch and realtime then follow its delivery.
      queryClient.setQueryData<CaseDetail>(queryKeys.caseDetail(caseId), (detail) =>
        detail && !detail.messages.some((existing) => existing.id === message.id)
          ? { ...detail, messages: [...detail.messages, message] }
          : detail,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(caseId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseLists });
    },
    onSettled: () => {
      // The input was disabled while sending; give the agent their cursor back.
      requestAnimationFrame(() => inputRef.current?.focus());
    },
  });

  const text = draft.trim();
  const limit = replyLimitFor(target);
  const overLimit = text.length - limit;
  const canSend = text.length > 0 && overLimit <= 0 && !send.isPending;

  const submit = () => {
    if (!canSend) return;
    if (idempotency.current?.text !== text) idempotency.current = { key: newIdempotencyKey(), text };
    send.mutate({
      text,
      idempotencyKey: idempotency.current.key,
      ...(target ? { inReplyToMessageId: target.id } : {}),
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };

  const targetName =
    target?.author.kind === 'contact' && target.author.handle
      ? `@${target.author.handle}`
      : (target?.author.name ?? '');
  const description = !target
    ? t('reply.targetDefault')
    : target.visibility === 'direct'
      ? t('reply.targetDirect', { name: targetName })
      : t('reply.targetPublic', { name: targetName });

  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      component="form"
      onSubmit={onSubmit}
      data-reply-visibility={target?.visibility}
    >
      <Stack gap="xs">
        {send.isError && (
          <Alert color="red" title={t('reply.errorTitle')} role="alert" data-testid="reply-error">
            {t(errorMessageKey(send.error))}
          </Alert>
        )}
        <Textarea
          ref={inputRef}
          id={inputId}
          label={t('reply.label')}
          description={description}
          placeholder={t('reply.placeholder')}
          autosize
          minRows={3}
          maxRows={12}
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          disabled={send.isPending}
          // Mantine links the description by itself; the counter is added so it is read on focus too.
          aria-describedby={`${inputId}-description ${counterId}`}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          data-testid="reply-input"
          classNames={{ input: 'message-text' }}
        />
        <Group justify="space-between" gap="sm" wrap="nowrap">
          <Group gap="sm" wrap="wrap" miw={0}>
            <Text
              id={counterId}
              size="xs"
              fw={overLimit > 0 ? 700 : 400}
              c={overLimit > 0 ? 'red.7' : 'dimmed'}
              data-testid="reply-counter"
            >
              <span aria-hidden>{t('reply.counter', { count: text.length, limit })}</span>
              <span className="visually-hidden">{t('reply.counterLabel', { count: text.length, limit })}</span>
            </Text>
            {overLimit > 0 && (
              <Text size="xs" c="red.7">
                {t('reply.overLimit', { count: overLimit })}
              </Text>
            )}
            <Text size="xs" c="dimmed" visibleFrom="sm">
              {t('reply.shortcut')}
            </Text>
          </Group>
          <Button
            type="submit"
            disabled={!canSend}
            loading={send.isPending}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            data-testid="reply-send"
          >
            {t('reply.send')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
