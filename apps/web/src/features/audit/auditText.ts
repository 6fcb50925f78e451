import { useTranslation } from 'react-i18next';

/** Action prefixes offered as the "area" filter; the server matches them as prefixes. */
export const AUDIT_AREAS = [
  'auth',
  'agent',
  'api_token',
  'outgoing_webhook',
  'channel',
  'template',
  'reply_settings',
  'workspace',
  'business_hours',
  'sla',
  'absence',
  'time_settings',
  'survey',
  'triage',
  'team',
  'rule',
] as const;

export const AUDIT_SUBJECTS = [
  'agent',
  'api_token',
  'outgoing_webhook',
  'channel',
  'template',
  'workspace',
  'team',
  'rule',
  'absence_period',
  'triage_model',
] as const;

/** `template.updated` → "Template updated", for an action this build of the app has no words for yet. */
function humanise(code: string): string {
  const text = code.replace(/[._]/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Action and subject names in the reader's language; a new one from a newer server still reads. */
export function useAuditText() {
  const { t, i18n } = useTranslation();
  const named = (key: string, code: string) => (i18n.exists(key) ? String(t(key as never)) : humanise(code));
  return {
    actionLabel: (action: string) => named(`audit.actions.${action}`, action),
    subjectLabel: (type: string) => named(`audit.subjects.${type}`, type),
  };
}
