/**
 * The server writes a case's priority reason in English words ("complaint, negative, mentions outage,
 * 12k followers"), the same for every agent. This turns the known parts into the agent's language and keeps
 * anything unknown (a newer server's words) as it is.
 */
const PARTS: Record<string, string> = {
  complaint: 'triage.type.complaint',
  question: 'triage.type.question',
  praise: 'triage.type.praise',
  other: 'triage.type.other',
  negative: 'triage.sentiment.negative',
  positive: 'triage.sentiment.positive',
  'mentions outage': 'triage.cue.outage',
  'product broken': 'triage.cue.broken',
  'asks for a refund': 'triage.cue.refund',
  'waiting for days': 'triage.cue.waiting',
  'says it is urgent': 'triage.cue.urgent',
  'safety risk': 'triage.cue.safety',
  'account security': 'triage.cue.security',
  'may leave': 'triage.cue.churn',
  'unhappy with support': 'triage.cue.poor-support',
  verified: 'triage.policy.verified',
  'repeat contact': 'triage.policy.repeatContact',
  'corrected by an agent': 'triage.reasonParts.corrected',
};

type Translate = (key: string, options?: Record<string, unknown>) => string;

export function localiseReason(reason: string, t: Translate): string {
  const rule = /^rule "(.*)"$/s.exec(reason);
  if (rule) return t('triage.reasonParts.rule', { name: rule[1] ?? '' });
  return reason
    .split(', ')
    .map((part) => {
      const followers = /^([\d.]+[kM]?) followers$/.exec(part);
      // Always a rounded amount of thousands ("12.5k"), never 1: one form, not a plural.
      if (followers) return t('triage.reasonParts.followers', { amount: followers[1] ?? '' });
      const key = PARTS[part];
      return key ? t(key).toLocaleLowerCase() : part;
    })
    .join(', ');
}

/** `localiseReason` with react-i18next's `t` (whose keys are typed; these are built at run time). */
export function reasonWith(t: (key: never, options?: never) => unknown) {
  return (reason: string) => localiseReason(reason, (key, options) => String(t(key as never, options as never)));
}
