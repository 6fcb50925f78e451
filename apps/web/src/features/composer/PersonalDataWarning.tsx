import { Alert, Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import type { CaseDetail, PersonalDataKind } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';

type DmBlocked = NonNullable<CaseDetail['directReplyBlocked']>;

interface PersonalDataWarningProps {
  kinds: readonly PersonalDataKind[];
  /** Trainees never publish personal data: no confirmation is offered to them (the server refuses too). */
  trainee: boolean;
  confirmed: boolean;
  onConfirmedChange: (confirmed: boolean) => void;
  /** Why a DM is not possible, or null when the agent can move to DMs. */
  dmBlocked: DmBlocked | null;
  onMoveToDm?: (() => void) | undefined;
}

/**
 * The composer's side of the personal-data guard (issue 13): what was found, the way out (reply by DM, or why
 * not), and for agents and leads an explicit confirmation that turns Send into "Send anyway". The server
 * refuses the same reply without that confirmation, so this only explains.
 */
export function PersonalDataWarning({
  kinds,
  trainee,
  confirmed,
  onConfirmedChange,
  dmBlocked,
  onMoveToDm,
}: PersonalDataWarningProps) {
  const { t } = useTranslation();
  return (
    <Alert color="orange" p="xs" title={t('reply.personalDataTitle')} data-testid="reply-personal-data">
      <Stack gap={6}>
        <Text size="xs">
          {t('reply.personalDataBody', { kinds: kinds.map((kind) => t(`personalData.${kind}`)).join(', ') })}
        </Text>
        <Group gap="xs">
          <Button
            size="compact-xs"
            variant="light"
            color="violet"
            disabled={dmBlocked !== null || !onMoveToDm}
            onClick={onMoveToDm}
            data-testid="reply-move-to-dm"
          >
            {t('reply.moveToDm')}
          </Button>
          {dmBlocked !== null && (
            <Text size="xs" c="dimmed" data-testid="reply-dm-blocked">
              {t(`reply.dmBlocked.${dmBlocked}`)}
            </Text>
          )}
        </Group>
        {trainee ? (
          <Text size="xs" fw={600} data-testid="reply-personal-data-trainee">
            {t('reply.personalDataTrainee')}
          </Text>
        ) : (
          <Checkbox
            size="xs"
            checked={confirmed}
            onChange={(event) => onConfirmedChange(event.currentTarget.checked)}
            label={t('reply.personalDataConfirm')}
            data-testid="reply-personal-data-confirm"
          />
        )}
      </Stack>
    </Alert>
  );
}
