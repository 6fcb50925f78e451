import { PasswordInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The server refuses shorter passwords; the form says so before asking. */
export const MIN_PASSWORD_LENGTH = 10;

/** What keeps a new password (and its confirmation) from being sent. */
export function newPasswordProblems(password: string, confirm: string) {
  return { tooShort: password.length < MIN_PASSWORD_LENGTH, mismatch: confirm !== password };
}

/**
 * A new password and its confirmation, with the length rule and the mismatch shown once the agent has tried
 * to send (`showErrors`), not while they type.
 */
export function NewPasswordFields(props: {
  label: string;
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  showErrors: boolean;
  testIds: { password: string; confirm: string };
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const { tooShort, mismatch } = newPasswordProblems(props.password, props.confirm);
  return (
    <>
      <PasswordInput
        label={props.label}
        description={t('invite.passwordHelp', { count: MIN_PASSWORD_LENGTH })}
        autoComplete="new-password"
        required
        value={props.password}
        onChange={(event) => props.onPassword(event.currentTarget.value)}
        error={props.showErrors && tooShort ? t('invite.tooShort', { count: MIN_PASSWORD_LENGTH }) : undefined}
        data-testid={props.testIds.password}
        autoFocus={props.autoFocus}
      />
      <PasswordInput
        label={t('invite.confirm')}
        autoComplete="new-password"
        required
        value={props.confirm}
        onChange={(event) => props.onConfirm(event.currentTarget.value)}
        error={props.showErrors && mismatch ? t('invite.mismatch') : undefined}
        data-testid={props.testIds.confirm}
      />
    </>
  );
}
