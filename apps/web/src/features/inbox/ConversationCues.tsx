import { Badge } from '@mantine/core';
import type { CaseSummary } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';

/**
 * Where the latest message was written (a public post everyone sees, or a DM) and whether the brand spoke
 * last: an icon and a word each, so neither rests on colour alone.
 */
export function ConversationCues({ summary }: { summary: Pick<CaseSummary, 'lastVisibility' | 'answered'> }) {
  const { t } = useTranslation();
  if (!summary.lastVisibility) return null;
  const direct = summary.lastVisibility === 'direct';
  return (
    <>
      <Badge
        size="xs"
        variant="outline"
        color={direct ? 'indigo' : 'blue'}
        leftSection={<span aria-hidden>{direct ? '✉' : '#'}</span>}
        data-testid="case-channel"
        data-channel={summary.lastVisibility}
      >
        {direct ? t('inboxRows.direct') : t('inboxRows.public')}
      </Badge>
      <Badge
        size="xs"
        variant={summary.answered ? 'light' : 'filled'}
        color={summary.answered ? 'teal' : 'orange'}
        leftSection={<span aria-hidden>{summary.answered ? '✓' : '•'}</span>}
        data-testid="case-answered"
        data-answered={summary.answered}
      >
        {summary.answered ? t('inboxRows.answered') : t('inboxRows.unanswered')}
      </Badge>
    </>
  );
}
