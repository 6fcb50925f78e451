import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ApiTokensPanel } from '../api-tokens/ApiTokensPanel.tsx';
import { AuditLogPanel } from '../audit/AuditLogPanel.tsx';
import { OutgoingWebhooksPanel } from '../outgoing-webhooks/OutgoingWebhooksPanel.tsx';
import { useSession } from '../auth/session.ts';
import { TeamAdminPanel } from './TeamAdminPanel.tsx';

const tabs = ['team', 'tokens', 'webhooks', 'audit'] as const;
type AdminTab = (typeof tabs)[number];

/** The admin's area: people and their roles, API tokens, outgoing webhooks, the audit trail. */
export function AdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('admin.title')} · ${t('app.name')}`);
  const session = useSession();
  const navigate = useNavigate();
  const params = useParams<{ tab?: string }>();
  const tab: AdminTab = tabs.includes(params.tab as AdminTab) ? (params.tab as AdminTab) : 'team';

  if (!session.data) return <CenteredLoader />;
  if (session.data.agent.role !== 'admin') {
    return (
      <Stack p="md" maw={900} mx="auto">
        <Title order={2}>{t('admin.title')}</Title>
        <Alert color="yellow">{t('admin.adminsOnly')}</Alert>
      </Stack>
    );
  }
  return (
    <Stack p="md" maw={1100} mx="auto">
      <Title order={2}>{t('admin.title')}</Title>
      <Tabs value={tab} onChange={(value) => void navigate(`/admin/${value ?? 'team'}`)} keepMounted={false}>
        <Tabs.List>
          {tabs.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`admin-tab-${name}`}>
              {t(`admin.tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="team" pt="md">
          <TeamAdminPanel />
        </Tabs.Panel>
        <Tabs.Panel value="tokens" pt="md">
          <ApiTokensPanel />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <OutgoingWebhooksPanel />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditLogPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
