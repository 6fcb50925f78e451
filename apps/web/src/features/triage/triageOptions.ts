/** The triage labels an agent can pick, in the order screens list them. */
export const TRIAGE_TYPES = ['complaint', 'question', 'praise', 'other'] as const;
export const TRIAGE_SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
