import { Button, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { useSession } from '../auth/session.ts';
import { renderTemplate } from '../composer/templateRender.ts';
import { rulesQueryKeys, useRulesApi } from './rulesApi.ts';

interface SuggestedTemplatesProps {
  caseId: string;
  customer: { name: string; handle: string | null };
  /** Receives the rendered template (customer name, greeting, signature filled in). */
  onInsert: (text: string) => void;
}

/** The saved replies a rule suggested for this case, first in the composer: one click puts one in the draft. */
export function SuggestedTemplates({ caseId, customer, onInsert }: SuggestedTemplatesProps) {
  const { t } = useTranslation();
  const api = useRulesApi();
  const core = useApi();
  const session = useSession().data;
  const suggestions = useQuery({
    queryKey: rulesQueryKeys.suggestions(caseId),
    queryFn: ({ signal }) => api.suggestions(caseId, signal),
  });
  const settings = useQuery({
    queryKey: queryKeys.replySettings,
    queryFn: ({ signal }) => core.getReplySettings(signal),
  });
  const list = suggestions.data?.templates ?? [];
  if (list.length === 0) return null;
  return (
    <Group gap="xs" data-testid="suggested-templates" wrap="wrap">
      <Text size="xs" c="dimmed">
        {t('rules.suggested')}
      </Text>
      {list.map((template) => (
        <Button
          key={template.id}
          size="compact-xs"
          variant="light"
          disabled={!settings.data || !session}
          title={template.rule ? t('rules.suggestedBy', { rule: template.rule }) : undefined}
          onClick={() => {
            if (!settings.data || !session) return;
            const rendered = renderTemplate(template.body, {
              customer,
              agent: { name: session.agent.name, initials: session.agent.initials },
              settings: settings.data,
              language: template.language ?? currentLanguage(),
              now: new Date(),
            });
            onInsert(rendered.text);
          }}
          data-testid="suggested-template"
        >
          /{template.shortcut} · {template.name}
        </Button>
      ))}
    </Group>
  );
}
