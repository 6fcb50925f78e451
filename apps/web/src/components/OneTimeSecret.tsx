import { Alert, Button, Code, CopyButton, Group, Stack } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A secret the server shows this once (an API token, a webhook signing secret): the warning, the secret
 * with its copy button, how to use it (`children`), and the button that closes it.
 */
export function OneTimeSecret(props: {
  secret: string;
  warningTitle: string;
  warning: string;
  copyLabel: string;
  copiedLabel: string;
  doneLabel: string;
  onDone: () => void;
  testIds: { root: string; secret: string; copy: string; done: string };
  children: ReactNode;
}) {
  const { secret, testIds } = props;
  return (
    <Stack gap="md" data-testid={testIds.root}>
      <Alert color="orange" title={props.warningTitle}>
        {props.warning}
      </Alert>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid={testIds.secret}>
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} data-testid={testIds.copy}>
              {copied ? props.copiedLabel : props.copyLabel}
            </Button>
          )}
        </CopyButton>
      </Group>
      {props.children}
      <Group justify="flex-end">
        <Button onClick={props.onDone} data-testid={testIds.done}>
          {props.doneLabel}
        </Button>
      </Group>
    </Stack>
  );
}
