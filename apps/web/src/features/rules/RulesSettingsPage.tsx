import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useSession } from '../auth/session.ts';
import { HelpTriagePanel } from '../triage/HelpTriagePanel.tsx';
import { ModelPanel } from '../triage/ModelPanel.tsx';
import { PriorityPolicyPanel } from '../triage/PriorityPolicyPanel.tsx';
import { CaseSettingsPanel } from './CaseSettingsPanel.tsx';
import { RulesPanel } from './RulesPanel.tsx';

const TABS = ['rules', 'priority', 'cases', 'help', 'model'] as const;
type Tab = (typeof TABS)[number];

/** Settings for triage and routing: rules (F11), the priority mapping and the workspace model (F10). */
export function RulesSettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('rules.title')} · ${t('app.name')}`);
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'rules';
  return (
    <Stack gap="md" maw={1100}>
      <Title order={2}>{t('rules.title')}</Title>
      {!canEdit && (
        <Text size="sm" c="dimmed">
          {t('rules.readOnly')}
        </Text>
      )}
      <Tabs
        value={tab}
        onChange={(v) => setParams(v && v !== 'rules' ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="rules" data-testid="tab-rules">
            {t('rules.tabs.rules')}
          </Tabs.Tab>
          <Tabs.Tab value="priority" data-testid="tab-priority">
            {t('rules.tabs.priority')}
          </Tabs.Tab>
          <Tabs.Tab value="cases" data-testid="tab-case-settings">
            {t('caseSettings.tab')}
          </Tabs.Tab>
          <Tabs.Tab value="help" data-testid="tab-help-triage">
            {t('rules.tabs.help')}
          </Tabs.Tab>
          {canEdit && (
            <Tabs.Tab value="model" data-testid="tab-model">
              {t('rules.tabs.model')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="rules">
          <RulesPanel canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="priority">
          <PriorityPolicyPanel canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="cases">
          <CaseSettingsPanel canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="help">
          <HelpTriagePanel />
        </Tabs.Panel>
        {canEdit && (
          <Tabs.Panel value="model">
            <ModelPanel />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
