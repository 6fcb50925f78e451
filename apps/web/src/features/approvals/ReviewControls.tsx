import { Alert, Button, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { isApiError } from '../../api/errors.ts';

/** The reason a lead gives when rejecting; the reject button stays off until it is filled in. */
export function RejectComment({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Textarea
      label={t('approvals.commentLabel')}
      description={t('approvals.commentHint')}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      autosize
      minRows={2}
      data-testid={testId}
    />
  );
}

/** Why an approve or reject failed; another lead deciding first gets its own wording. */
export function DecisionError({ error, testId }: { error: unknown; testId: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" p="xs" role="alert" data-testid={testId}>
      <Text size="xs">
        {isApiError(error) && error.code === 'approval.already_decided'
          ? t('approvals.alreadyDecided')
          : t(errorMessageKey(error))}
      </Text>
    </Alert>
  );
}

/** Confirm the rejection (once a comment is written) or go back without deciding. */
export function RejectConfirmButtons({
  label,
  comment,
  rejecting,
  busy,
  onConfirm,
  onCancel,
  testId,
}: {
  label: string;
  comment: string;
  rejecting: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Button
        size="compact-sm"
        color="red"
        disabled={comment.trim() === ''}
        loading={rejecting}
        onClick={onConfirm}
        data-testid={testId}
      >
        {label}
      </Button>
      <Button size="compact-sm" variant="default" onClick={onCancel} disabled={busy}>
        {t('common.cancel')}
      </Button>
    </>
  );
}
