import { timeSettingsSchema, type Locale, type TimeSettings } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

/** The texts a new workspace starts with, in each language; agents edit them in the settings screens. */
export const DEFAULT_TIME_SETTINGS: Record<Locale, TimeSettings> = {
  fr: {
    language: 'fr',
    absence: {
      statusPostTemplate: 'Notre équipe est absente pour le moment. Retour prévu {{returnTime}}. {{note}}',
      awayMessageTemplate:
        'Bonjour {{name}}, merci pour votre message. Notre équipe est absente jusqu’à {{returnTime}} : nous vous répondrons dès notre retour.',
    },
    greetings: {
      enabled: false,
      channelIds: [],
      openTemplate: 'Bonjour ! Nous sommes là ce {{date}} jusqu’à {{closeTime}} pour répondre à vos questions.',
      closeTemplate: 'Bonsoir ! Notre équipe vous retrouve {{nextOpenTime}}. Bonne soirée !',
    },
    welcome: {
      enabled: false,
      template: 'Bonjour {{name}}, merci de nous suivre ! Une question ? Écrivez-nous ici en message privé.',
      perHour: 30,
    },
  },
  en: {
    language: 'en',
    absence: {
      statusPostTemplate: "Our team is away right now. We'll be back {{returnTime}}. {{note}}",
      awayMessageTemplate:
        "Hi {{name}}, thanks for your message. Our team is away until {{returnTime}}: we'll answer as soon as we're back.",
    },
    greetings: {
      enabled: false,
      channelIds: [],
      openTemplate: "Good morning! We're here today, {{date}}, until {{closeTime}} to answer your questions.",
      closeTemplate: 'Good evening! Our team will be back {{nextOpenTime}}. Have a nice evening!',
    },
    welcome: {
      enabled: false,
      template: 'Hi {{name}}, thanks for following us! Any question? Send us a direct message here.',
      perHour: 30,
    },
  },
};

export interface StoredTimeSettings {
  settings: TimeSettings;
  /** When the welcome DM was last switched on; followers from before it are never welcomed. */
  welcomeEnabledAt: number | null;
}

export async function readTimeSettings(db: DbOrTx, workspaceId: string): Promise<StoredTimeSettings> {
  const row = await db
    .selectFrom('time_settings')
    .select(['settings', 'welcome_enabled_at'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return { settings: DEFAULT_TIME_SETTINGS.fr, welcomeEnabledAt: null };
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(row.settings);
  } catch {
    parsed = null;
  }
  const result = timeSettingsSchema.safeParse(parsed);
  return {
    settings: result.success ? result.data : DEFAULT_TIME_SETTINGS.fr,
    welcomeEnabledAt: row.welcome_enabled_at === null ? null : Number(row.welcome_enabled_at),
  };
}

export async function writeTimeSettings(
  db: DbOrTx,
  workspaceId: string,
  settings: TimeSettings,
  agentId: string | null,
  now: number,
): Promise<StoredTimeSettings> {
  const before = await readTimeSettings(db, workspaceId);
  // Switching the welcome on starts from now: followers who came while it was off are not written to.
  const welcomeEnabledAt = settings.welcome.enabled
    ? before.settings.welcome.enabled && before.welcomeEnabledAt !== null
      ? before.welcomeEnabledAt
      : now
    : null;
  const values = {
    settings: JSON.stringify(settings),
    welcome_enabled_at: welcomeEnabledAt,
    updated_by: agentId,
    updated_at: now,
  };
  await db
    .insertInto('time_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return { settings, welcomeEnabledAt };
}

/** Replaces `{{name}}` variables; unknown ones are left as typed so the agent sees the mistake. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole)
    .replace(/[ \t]+$/gm, '')
    .trim();
}

/** "18 h", "18 h 30" in French; "6 pm", "6:30 pm" in English; in the desk's time zone. */
export function formatTimeOfDay(language: Locale, timeZone: string, instant: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(instant))
    .reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  if (language === 'fr') return minute === 0 ? `${hour} h` : `${hour} h ${String(minute).padStart(2, '0')}`;
  const suffix = hour < 12 ? 'am' : 'pm';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return minute === 0 ? `${h12} ${suffix}` : `${h12}:${String(minute).padStart(2, '0')} ${suffix}`;
}

/** "lundi 23 novembre" / "Monday, November 23". */
export function formatDay(language: Locale, timeZone: string, instant: number): string {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-US', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(new Date(instant));
}

/** "lundi 23 novembre à 9 h" / "Monday, November 23 at 9 am". */
export function formatDayAndTime(language: Locale, timeZone: string, instant: number): string {
  const day = formatDay(language, timeZone, instant);
  return `${day} ${language === 'fr' ? 'à' : 'at'} ${formatTimeOfDay(language, timeZone, instant)}`;
}

/**
 * X refuses a post that repeats a recent one word for word, so each day's greeting must differ from the
 * day before: its template has to name the date or the next opening.
 */
export function repeatsDaily(template: string): boolean {
  return !/\{\{\s*(date|nextOpenTime)\s*\}\}/.test(template);
}
