import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { ApprovalReview } from './ApprovalReview.tsx';
import { EngagementReview } from './EngagementReview.tsx';
import { useApprovals, useCanReview } from './useApprovals.ts';

/** The leads' "Waiting for approval" queue: trainees' replies, oldest first, decided in place (F17). */
export function ApprovalsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('approvals.title')} · ${t('app.name')}`);
  const canReview = useCanReview();
  const approvals = useApprovals();
  if (!canReview) return <Navigate to="/" replace />;
  if (approvals.isPending) return <CenteredLoader />;
  if (approvals.isError) {
    return (
      <ErrorState title={t('approvals.loadError')} error={approvals.error} onRetry={() => void approvals.refetch()} />
    );
  }
  const { approvals: list, engagements, count } = approvals.data;

  return (
    <Stack gap="md">
      <Group gap="sm">
        <Title order={1} size="h3">
          {t('approvals.title')}
        </Title>
        <Badge color={count > 0 ? 'orange' : 'gray'} variant="light" data-testid="approvals-page-count">
          {count}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed">
        {t('approvals.intro')}
      </Text>
      {list.length === 0 && engagements.length === 0 ? (
        <Paper withBorder radius="md" p="lg" data-testid="approvals-empty">
          <Text c="dimmed" ta="center">
            {t('approvals.empty')}
          </Text>
        </Paper>
      ) : (
        <Stack component="ol" gap="sm" className="plain-list" data-testid="approvals-replies">
          {list.map((item) => (
            <Paper
              key={item.messageId}
              component="li"
              withBorder
              radius="md"
              p="sm"
              data-testid="approval-item"
              data-message-id={item.messageId}
            >
              <Stack gap={6}>
                <Group gap={6} wrap="wrap">
                  <Text size="sm" fw={600} className="customer-text">
                    {item.contact.name}
                  </Text>
                  {item.contact.handle && (
                    <Text size="sm" c="dimmed" className="customer-text">
                      @{item.contact.handle}
                    </Text>
                  )}
                  <Badge
                    size="sm"
                    variant={item.visibility === 'direct' ? 'filled' : 'light'}
                    color={item.visibility === 'direct' ? 'violet' : 'blue'}
                  >
                    {t(`case.visibility.${item.visibility}`)}
                  </Badge>
                  <Anchor component={Link} to={`/cases/${item.caseId}`} size="xs">
                    {t('approvals.openCase')}
                  </Anchor>
                </Group>
                {item.inReplyTo && (
                  <Text size="xs" c="dimmed" className="customer-text message-text" lineClamp={3}>
                    {t('approvals.answering')} « {item.inReplyTo.text} »
                  </Text>
                )}
                <Paper bg="gray.0" p="xs" radius="sm">
                  <Text size="sm" className="customer-text message-text" data-testid="approval-text">
                    {item.text}
                  </Text>
                </Paper>
                <Text size="xs" c="dimmed">
                  {t('approvals.writtenBy', { name: item.requestedBy?.name ?? t('history.formerAgent') })}{' '}
                  <Timestamp value={item.requestedAt} format="datetime" span size="xs" c="dimmed" />
                </Text>
                <ApprovalReview messageId={item.messageId} caseId={item.caseId} text={item.text} />
              </Stack>
            </Paper>
          ))}
        </Stack>
      )}
      {engagements.length > 0 && (
        <Stack gap="sm">
          <Title order={2} size="h5">
            {t('engagement.review.title')}
          </Title>
          <Stack component="ol" gap="sm" className="plain-list" data-testid="approvals-engagements">
            {engagements.map((item) => (
              <EngagementReview key={item.id} item={item} />
            ))}
          </Stack>
        </Stack>
      )}
    </Stack>
  );
}
