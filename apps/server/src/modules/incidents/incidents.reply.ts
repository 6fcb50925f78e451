import { incidentReplyVariables } from '@guichet/contracts';
import { AppError } from '../../platform/errors.ts';
import { postWeightedLength } from '../scheduled-posts/scheduled-posts.commands.ts';

/** The resolution reply: its template's checks and its rendering for one case. */

export const PUBLIC_LIMIT = 280;
export const DIRECT_LIMIT = 10_000;

export interface ReplyValues {
  customer: { name: string; handle: string | null };
  agent: { name: string };
  incident: { title: string };
}

const firstWord = (name: string) => name.trim().split(/\s+/)[0] ?? '';
const initials = (name: string) => {
  const letters = name
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((part) => [...part][0]?.toUpperCase() ?? '')
    .join('');
  return letters ? `^${letters}` : '';
};

const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

/** Refuses a reply template that uses variables the resolution cannot fill, naming them. */
export function checkReplyTemplate(text: string): void {
  const known = new Set<string>(incidentReplyVariables);
  const unknown = [...text.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new AppError(
      'incident.unknown_variables',
      'invalid',
      `The resolution reply uses variables an incident cannot fill: ${[...new Set(unknown)].join(', ')}. Allowed: ${incidentReplyVariables.join(', ')}.`,
      { unknown: [...new Set(unknown)], allowed: incidentReplyVariables },
    );
  }
  // With a typical name the public reply must fit X's limit, or every case would fail at resolution.
  const sample = renderReply(text, {
    customer: { name: 'Camille Durand', handle: 'camille_durand' },
    agent: { name: 'Alex Martin' },
    incident: { title: 'x'.repeat(30) },
  });
  if (postWeightedLength(sample) > PUBLIC_LIMIT) {
    throw new AppError(
      'incident.reply_too_long',
      'invalid',
      `The resolution reply is too long for a public reply on X (${postWeightedLength(sample)} of ${PUBLIC_LIMIT} with a typical name).`,
    );
  }
}

/** Fills the variables for one case. Values are customer text: inserted as-is, never interpreted. */
export function renderReply(text: string, values: ReplyValues): string {
  const table: Record<string, string> = {
    'customer.name': values.customer.name,
    'customer.firstName': firstWord(values.customer.name),
    'customer.handle': values.customer.handle ? `@${values.customer.handle}` : '',
    'agent.name': values.agent.name,
    'agent.firstName': firstWord(values.agent.name),
    'agent.initials': initials(values.agent.name),
    'incident.title': values.incident.title,
  };
  return text
    .replace(VARIABLE, (_whole, name: string) => table[name] ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
