import { Button, Group, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The form of a "create" modal: its fields, the error of the last attempt, then Cancel and the submit
 * button (disabled until the fields allow it).
 */
export function CreateForm(props: {
  onSubmit: () => void;
  onCancel: () => void;
  submitLabel: string;
  submitting: boolean;
  canSubmit: boolean;
  submitTestId: string;
  error: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <Stack gap="md">
        {props.children}
        {props.error}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={props.submitting} disabled={!props.canSubmit} data-testid={props.submitTestId}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
