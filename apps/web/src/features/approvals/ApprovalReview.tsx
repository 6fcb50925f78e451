import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import type { Message } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { isApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { DecisionError, RejectComment, RejectConfirmButtons } from './ReviewControls.tsx';

interface ApprovalReviewProps {
  messageId: string;
  caseId: string;
  text: string;
}

type Mode = 'idle' | 'editing' | 'rejecting';

/** Approve (as written or edited) or reject with a comment: a lead's decision on a trainee's reply (F17). */
export function ApprovalReview({ messageId, caseId, text }: ApprovalReviewProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('idle');
  const [edited, setEdited] = useState(text);
  const [comment, setComment] = useState('');

  const refresh = (message?: Message) => {
    if (message) {
      queryClient.setQueryData(queryKeys.caseDetail(caseId), (detail: { messages: Message[] } | undefined) =>
        detail ? { ...detail, messages: detail.messages.map((m) => (m.id === message.id ? message : m)) } : detail,
      );
    }
    void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(caseId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.overview });
  };
  const approve = useMutation({
    mutationFn: (confirm: boolean) =>
      api.approveReply(messageId, {
        ...(mode === 'editing' && edited.trim() !== text ? { text: edited.trim() } : {}),
        ...(confirm ? { confirm: true } : {}),
      }),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: () => api.rejectReply(messageId, comment.trim()),
    onSuccess: refresh,
  });
  const error = approve.error ?? reject.error;
  const collision =
    isApiError(approve.error) && approve.error.code === 'reply.already_answered'
      ? (approve.error.details as { agentName?: string | null } | undefined)
      : undefined;
  const busy = approve.isPending || reject.isPending;

  return (
    <Stack gap={6} data-testid="approval-review">
      {mode === 'editing' && (
        <Textarea
          label={t('approvals.editLabel')}
          value={edited}
          onChange={(event) => setEdited(event.currentTarget.value)}
          autosize
          minRows={2}
          data-testid="approval-edit-input"
          classNames={{ input: 'message-text' }}
        />
      )}
      {mode === 'rejecting' && <RejectComment value={comment} onChange={setComment} testId="approval-comment-input" />}
      {collision ? (
        <Alert color="orange" p="xs" role="alert" data-testid="approval-collision">
          <Stack gap={6}>
            <Text size="xs">{t('approvals.collision', { name: collision.agentName ?? t('reply.anotherAgent') })}</Text>
            <Group gap="xs">
              <Button size="compact-xs" color="orange" onClick={() => approve.mutate(true)} loading={busy}>
                {t('approvals.approveAnyway')}
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => approve.reset()}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        error && <DecisionError error={error} testId="approval-error" />
      )}
      <Group gap="xs" wrap="wrap">
        {mode === 'rejecting' ? (
          <RejectConfirmButtons
            label={t('approvals.rejectConfirm')}
            comment={comment}
            rejecting={reject.isPending}
            busy={busy}
            onConfirm={() => reject.mutate()}
            onCancel={() => setMode('idle')}
            testId="approval-reject-confirm"
          />
        ) : (
          <>
            <Button
              size="compact-sm"
              color="green"
              loading={approve.isPending}
              disabled={busy || (mode === 'editing' && edited.trim() === '')}
              onClick={() => approve.mutate(false)}
              data-testid="approval-approve"
            >
              {mode === 'editing' ? t('approvals.approveEdited') : t('approvals.approve')}
            </Button>
            {mode === 'idle' ? (
              <Button
                size="compact-sm"
                variant="light"
                onClick={() => setMode('editing')}
                disabled={busy}
                data-testid="approval-edit"
              >
                {t('approvals.edit')}
              </Button>
            ) : (
              <Button size="compact-sm" variant="default" onClick={() => setMode('idle')} disabled={busy}>
                {t('approvals.cancelEdit')}
              </Button>
            )}
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              onClick={() => setMode('rejecting')}
              disabled={busy}
              data-testid="approval-reject"
            >
              {t('approvals.reject')}
            </Button>
          </>
        )}
      </Group>
    </Stack>
  );
}
