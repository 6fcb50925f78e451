import type { RuleActionKind, RuleConditionKind, RuleDraft } from '@guichet/contracts';

/** What a condition or action starts with when chosen in the editor: valid as soon as it is filled in. */
export function defaultConditionValue(kind: RuleConditionKind): Record<string, unknown> {
  switch (kind) {
    case 'words':
    case 'urgency':
      return { any: [] };
    case 'type':
      return { in: ['complaint'] };
    case 'sentiment':
      return { in: ['negative'] };
    case 'language':
      return { in: ['fr'] };
    case 'channel':
      return { in: [] };
    case 'priority':
      return { atMost: 2 };
    case 'visibility':
      return { is: 'public' };
    case 'followers':
      return { atLeast: 10_000 };
    case 'verified':
      return { is: true };
    case 'timeOfDay':
      return {
        from: '18:00',
        to: '09:00',
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Paris',
      };
  }
}

export function defaultActionValue(kind: RuleActionKind): Record<string, unknown> {
  switch (kind) {
    case 'assignAgent':
      return { agentId: '' };
    case 'assignTeam':
      return { teamId: '' };
    case 'tag':
      return { name: '' };
    case 'setPriority':
    case 'applySla':
      return { priority: 1 };
    case 'suggestTemplate':
      return { templateId: '' };
    case 'markSpam':
    case 'linkIncident':
      return {};
  }
}

export const emptyRule = (): RuleDraft => ({
  name: '',
  event: 'message.received',
  conditions: [],
  actions: [{ kind: 'tag', value: { name: '' } }],
  enabled: true,
  stop: false,
});

/** The value as a plain object (it is `unknown` in the contract: each kind has its own shape). */
export function valueOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
