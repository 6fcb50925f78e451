import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { isApiError } from '../../api/errors.ts';

/** Why a split or merge was refused, in the agent's words; other errors get the usual message. */
const KEYS = {
  'merge.different_customers': 'caseStructure.errors.differentCustomers',
  'merge.different_channels': 'caseStructure.errors.differentChannels',
  'case.already_merged': 'caseStructure.errors.alreadyMerged',
  'split.first_message': 'caseStructure.errors.firstMessage',
} as const;

export function StructureError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const code = isApiError(error) ? error.code : '';
  const key = code in KEYS ? KEYS[code as keyof typeof KEYS] : errorMessageKey(error);
  return (
    <Alert color="red" data-testid="structure-error">
      {t(key)}
    </Alert>
  );
}
