import { Button, Group, Loader, Text, Tooltip } from '@mantine/core';
import type { CaseDetail, Engagement, EngagementKind, Message } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { useSession } from '../auth/session.ts';

type FailureKey = 'engagement.planRefused.like' | 'engagement.planRefused.repost' | 'engagement.postGone' | null;

/** X's reason codes an agent can act on, in their language (null: show X's own words). */
function failureKey(kind: EngagementKind, error: string | null): FailureKey {
  const reason = error?.split(':', 1)[0] ?? '';
  if (reason === 'x.like_not_allowed' || reason === 'x.repost_not_allowed') return `engagement.planRefused.${kind}`;
  if (reason === 'x.target_unavailable') return 'engagement.postGone';
  return null;
}

/** Like and repost a customer's public post from the case (F16): once each, through the outbox. */
export function EngagementActions({ message, caseId }: { message: Message; caseId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const engage = useMutation({
    mutationFn: (kind: EngagementKind) => api.engage(message.id, kind),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(caseId) }),
  });
  const byKind = (kind: EngagementKind): Engagement | undefined => message.engagements.find((e) => e.kind === kind);
  // What X refused on this channel's plan is not offered (the case screen has loaded the case's detail).
  const refused = queryClient.getQueryData<CaseDetail>(queryKeys.caseDetail(caseId))?.engagementRefused ?? [];
  const planRefused = (kind: EngagementKind, state: Engagement | undefined) =>
    failureKey(kind, state?.error ?? null) === `engagement.planRefused.${kind}` ||
    (refused.includes(kind) && (!state || state.status === 'failed'));
  // A trainee's like or repost waits for a lead, as their replies do (F17).
  const trainee = useSession().data?.agent.role === 'trainee';
  const failureText = (kind: EngagementKind, error: string | null) => {
    const key = failureKey(kind, error);
    return key ? t(key) : t('engagement.failedWithReason', { reason: error ?? '' });
  };

  return (
    <Group gap={6} wrap="wrap" data-testid="engagement-actions">
      {(['like', 'repost'] as const).map((kind) => {
        const state = byKind(kind);
        const working = state?.status === 'queued' || state?.status === 'sending';
        // A trainee's request waiting for a lead: asking again would change nothing.
        const waiting = state?.status === 'pending_approval' && trainee;
        if (planRefused(kind, state)) {
          // No button, no "retry": X would refuse again. Said once, on the post that was tried.
          return state?.status === 'failed' ? (
            <Text key={kind} size="xs" c="dimmed" data-testid={`engagement-${kind}-refused`}>
              {t(`engagement.planRefused.${kind}`)}
            </Text>
          ) : null;
        }
        if (state?.status === 'done') {
          return (
            <Text key={kind} size="xs" c="green.8" fw={600} data-testid={`engagement-${kind}`} data-status="done">
              {t(`engagement.done.${kind}`)}
            </Text>
          );
        }
        return (
          <Group
            key={kind}
            gap={4}
            wrap="wrap"
            data-testid={`engagement-${kind}`}
            data-status={state?.status ?? 'none'}
          >
            <Tooltip
              label={
                trainee
                  ? `${t(`engagement.hint.${kind}`)} ${t(`engagement.traineeHint.${kind}`)}`
                  : t(`engagement.hint.${kind}`)
              }
              withArrow
            >
              <Button
                size="compact-xs"
                variant="subtle"
                color={kind === 'like' ? 'pink' : 'teal'}
                disabled={working || waiting || (engage.isPending && engage.variables === kind)}
                onClick={() => engage.mutate(kind)}
                data-testid={`engage-${kind}`}
              >
                {state?.status === 'failed'
                  ? t(`engagement.retry.${kind}`)
                  : state?.status === 'rejected'
                    ? t(`engagement.askAgain.${kind}`)
                    : t(`engagement.action.${kind}`)}
              </Button>
            </Tooltip>
            {working && (
              <>
                <Loader size={10} />
                <Text size="xs" c="dimmed">
                  {t('engagement.working')}
                </Text>
              </>
            )}
            {state?.status === 'failed' && (
              <Text size="xs" c="red.7" w="100%" className="customer-text" data-testid={`engagement-${kind}-error`}>
                {failureText(kind, state.error)}
              </Text>
            )}
            {state?.status === 'pending_approval' && (
              <Text size="xs" c="orange.8" data-testid={`engagement-${kind}-waiting`}>
                {t(`engagement.waiting.${kind}`)}
              </Text>
            )}
            {state?.status === 'rejected' && (
              <Text size="xs" c="red.7" w="100%" className="customer-text" data-testid={`engagement-${kind}-rejected`}>
                {t('engagement.rejected', {
                  name: state.decidedBy?.name ?? t('history.formerAgent'),
                  comment: state.comment ?? '',
                })}
              </Text>
            )}
          </Group>
        );
      })}
      {engage.isError && (
        <Text size="xs" c="red.7" role="alert">
          {t(errorMessageKey(engage.error))}
        </Text>
      )}
    </Group>
  );
}
