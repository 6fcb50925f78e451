import { Button, Group, Loader, Text, Tooltip } from '@mantine/core';
import type { Engagement, EngagementKind, Message } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';

/** X's reason codes an agent can act on, in their language; others show X's own words. */
function failureText(t: ReturnType<typeof useTranslation>['t'], kind: EngagementKind, error: string | null): string {
  const reason = error?.split(':', 1)[0] ?? '';
  if (reason === 'x.like_not_allowed' || reason === 'x.repost_not_allowed') return t(`engagement.planRefused.${kind}`);
  if (reason === 'x.target_unavailable') return t('engagement.postGone');
  return t('engagement.failedWithReason', { reason: error ?? '' });
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

  return (
    <Group gap={6} wrap="wrap" data-testid="engagement-actions">
      {(['like', 'repost'] as const).map((kind) => {
        const state = byKind(kind);
        const working = state?.status === 'queued' || state?.status === 'sending';
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
            <Tooltip label={t(`engagement.hint.${kind}`)} withArrow>
              <Button
                size="compact-xs"
                variant="subtle"
                color={kind === 'like' ? 'pink' : 'teal'}
                disabled={working || (engage.isPending && engage.variables === kind)}
                onClick={() => engage.mutate(kind)}
                data-testid={`engage-${kind}`}
              >
                {state?.status === 'failed' ? t(`engagement.retry.${kind}`) : t(`engagement.action.${kind}`)}
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
                {failureText(t, kind, state.error)}
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
