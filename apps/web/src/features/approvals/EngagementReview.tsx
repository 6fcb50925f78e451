import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import type { PendingEngagement } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { DecisionError, RejectComment, RejectConfirmButtons } from './ReviewControls.tsx';

/** One trainee's like or repost waiting for a lead (F16, F17): the post, who asked, approve or reject. */
export function EngagementReview({ item }: { item: PendingEngagement }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState('');
  const refresh = () => {
    if (item.caseId) void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(item.caseId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.overview });
  };
  const approve = useMutation({ mutationFn: () => api.approveEngagement(item.id), onSuccess: refresh });
  const reject = useMutation({
    mutationFn: () => api.rejectEngagement(item.id, comment.trim()),
    onSuccess: refresh,
  });
  const error = approve.error ?? reject.error;
  const busy = approve.isPending || reject.isPending;
  const asker = item.requestedBy?.name ?? t('history.formerAgent');

  return (
    <Paper component="li" withBorder radius="md" p="sm" data-testid="engagement-approval-item" data-kind={item.kind}>
      <Stack gap={6}>
        <Group gap={6} wrap="wrap">
          <Badge size="sm" variant="light" color={item.kind === 'like' ? 'pink' : 'teal'}>
            {t(`engagement.action.${item.kind}`)}
          </Badge>
          <Text size="sm" fw={600}>
            {t(`engagement.review.asked.${item.kind}`, { name: asker })}
          </Text>
          {item.caseId && (
            <Anchor component={Link} to={`/cases/${item.caseId}`} size="xs">
              {t('approvals.openCase')}
            </Anchor>
          )}
        </Group>
        <Paper bg="gray.0" p="xs" radius="sm">
          <Text size="xs" c="dimmed" className="customer-text">
            {item.post.name}
            {item.post.handle ? ` @${item.post.handle}` : ''}
          </Text>
          {/* Customer text: rendered as text, never as HTML. */}
          <Text size="sm" className="customer-text message-text" data-testid="engagement-approval-post">
            {item.post.text}
          </Text>
        </Paper>
        <Text size="xs" c="dimmed">
          <Timestamp value={item.requestedAt} format="datetime" span size="xs" c="dimmed" />
        </Text>
        {rejecting && <RejectComment value={comment} onChange={setComment} testId="engagement-approval-comment" />}
        {error && <DecisionError error={error} testId="engagement-approval-error" />}
        <Group gap="xs" wrap="wrap">
          {rejecting ? (
            <RejectConfirmButtons
              label={t('engagement.review.rejectConfirm')}
              comment={comment}
              rejecting={reject.isPending}
              busy={busy}
              onConfirm={() => reject.mutate()}
              onCancel={() => setRejecting(false)}
              testId="engagement-approval-reject-confirm"
            />
          ) : (
            <>
              <Button
                size="compact-sm"
                color="green"
                loading={approve.isPending}
                disabled={busy}
                onClick={() => approve.mutate()}
                data-testid="engagement-approval-approve"
              >
                {t(`engagement.review.approve.${item.kind}`)}
              </Button>
              <Button
                size="compact-sm"
                variant="light"
                color="red"
                onClick={() => setRejecting(true)}
                disabled={busy}
                data-testid="engagement-approval-reject"
              >
                {t('engagement.review.reject')}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
