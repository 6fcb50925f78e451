import type { Locale, ReplySettings } from '@guichet/contracts';

export interface TemplateContext {
  customer: { name: string; handle: string | null };
  /** `initials`: the signature the agent chose on their profile, else derived from the name. */
  agent: { name: string; initials?: string | null | undefined };
  settings: ReplySettings;
  /** The language of the greeting: the template's, else the agent's. */
  language: Locale;
  now: Date;
}

/** The hour (0–23) at `now` in a time zone; a bad zone falls back on Europe/Paris. */
export function hourIn(timeZone: string, now: Date): number {
  const format = (zone: string) =>
    Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(now));
  try {
    return format(timeZone);
  } catch {
    return format('Europe/Paris');
  }
}

/** Bonjour until 18:00 then Bonsoir; Good morning / afternoon / evening. The night counts as evening. */
export function greeting(language: Locale, hour: number): string {
  const day = hour >= 5 && hour < 18;
  if (language === 'fr') return day ? 'Bonjour' : 'Bonsoir';
  if (!day) return 'Good evening';
  return hour < 12 ? 'Good morning' : 'Good afternoon';
}

/** `^JD` for Jane Doe, `^J` for Jane: the signature X support accounts use. */
export function initialsSignature(name: string): string {
  const initials = name
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((part) => [...part][0]?.toUpperCase() ?? '')
    .join('');
  return initials ? `^${initials}` : '';
}

const firstWord = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/** Initials typed on the profile with or without the caret ("JD", "^JD") sign as exactly one `^JD`. */
export function signature(initials: string | null | undefined): string {
  const bare = (initials ?? '').trim().replace(/^\^+/, '');
  return bare ? `^${bare}` : '';
}

/** Every variable a saved reply can use. */
export const templateVariables = [
  'greeting',
  'customer.name',
  'customer.firstName',
  'customer.handle',
  'agent.firstName',
  'agent.name',
  'agent.initials',
  'helpCenter.url',
  'support.email',
  'support.phone',
] as const;

function values(context: TemplateContext): Record<string, string | null> {
  const { customer, agent, settings } = context;
  return {
    greeting: greeting(context.language, hourIn(settings.timeZone, context.now)),
    'customer.name': customer.name.trim() || (customer.handle ? `@${customer.handle}` : null),
    'customer.firstName': firstWord(customer.name) || null,
    'customer.handle': customer.handle ? `@${customer.handle}` : null,
    'agent.firstName': firstWord(agent.name) || null,
    'agent.name': agent.name || null,
    'agent.initials': signature(agent.initials) || initialsSignature(agent.name) || null,
    'helpCenter.url': settings.helpCenterUrl,
    'support.email': settings.supportEmail,
    'support.phone': settings.supportPhone,
  };
}

export interface RenderedTemplate {
  text: string;
  /** Variables with no value here (e.g. no support phone set): left in the text for the agent to fix. */
  missing: string[];
}

/** Fills `{{variables}}`; unknown or empty ones stay visible so nothing half-filled goes out unnoticed. */
export function renderTemplate(body: string, context: TemplateContext): RenderedTemplate {
  const known = values(context);
  const missing = new Set<string>();
  // A saved reply written as `^{{agent.initials}}` must not sign `^^JD`: the variable brings its own caret.
  const text = body.replace(/\^?\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => {
    const value = known[name];
    const caret = whole.startsWith('^') && name !== 'agent.initials' ? '^' : '';
    if (value) return caret + value;
    missing.add(name);
    return whole;
  });
  return { text, missing: [...missing] };
}
