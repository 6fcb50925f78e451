import { Alert, Text } from '@mantine/core';
import type { Message } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';
import { ApprovalReview } from './ApprovalReview.tsx';
import { useCanReview } from './useApprovals.ts';

/** Where a trainee's reply stands: waiting (with the lead's controls), approved (edited?) or rejected, and why. */
export function ApprovalNotice({ message, caseId }: { message: Message; caseId: string }) {
  const { t } = useTranslation();
  const canReview = useCanReview();
  const approval = message.approval;
  if (!approval) return null;
  const reviewer = approval.decidedBy?.name ?? t('history.formerAgent');
  switch (approval.status) {
    case 'pending':
      return (
        <Alert color="yellow" p="xs" mt={6} data-testid="approval-notice" data-approval-status="pending">
          <Text size="xs" mb={canReview ? 6 : 0}>
            {t('approvals.waiting', { name: approval.requestedBy?.name ?? t('history.formerAgent') })}
          </Text>
          {canReview && <ApprovalReview messageId={message.id} caseId={caseId} text={message.text} />}
        </Alert>
      );
    case 'approved':
      return (
        <Text size="xs" c="dimmed" mt={6} data-testid="approval-notice" data-approval-status="approved">
          {approval.originalText
            ? t('approvals.approvedEdited', { name: reviewer })
            : t('approvals.approvedBy', { name: reviewer })}{' '}
          {approval.decidedAt && <Timestamp value={approval.decidedAt} format="datetime" span size="xs" c="dimmed" />}
        </Text>
      );
    case 'rejected':
      return (
        <Alert
          color="red"
          p="xs"
          mt={6}
          title={t('approvals.rejectedBy', { name: reviewer })}
          data-testid="approval-notice"
          data-approval-status="rejected"
        >
          <Text size="xs" className="customer-text message-text">
            {approval.comment}
          </Text>
        </Alert>
      );
  }
}
