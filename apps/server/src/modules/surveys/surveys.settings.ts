import type { SurveySettings } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

/** The question a new workspace starts with; leads edit it in the survey settings. */
export const DEFAULT_SURVEY_TEMPLATES: SurveySettings['templates'] = {
  fr: 'Bonjour {{name}}, votre demande est résolue. Comment évalueriez-vous notre aide, de 1 (mauvaise) à 5 (excellente) ? Répondez simplement par un chiffre, suivi d’un commentaire si vous le souhaitez.',
  en: 'Hi {{name}}, your request is resolved. How would you rate our help, from 1 (poor) to 5 (excellent)? Just reply with a number, followed by a comment if you like.',
};

/**
 * Who the survey greets: the first name only ("Bonjour Lucas", not "Bonjour Lucas Martin"), else the handle.
 * A first "name" that is an emoji or punctuation alone is no name to greet with.
 */
export function surveyGreetingName(name: string | null, handle: string | null): string {
  const first = (name ?? '').trim().split(/\s+/)[0] ?? '';
  return /\p{L}/u.test(first) ? first : (handle ?? '');
}

export interface StoredSurveySettings {
  settings: SurveySettings;
  /** When last switched on; cases resolved before it are never asked. */
  enabledAt: number | null;
}

export async function readSurveySettings(db: DbOrTx, workspaceId: string): Promise<StoredSurveySettings> {
  const row = await db
    .selectFrom('survey_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return { settings: { enabled: false, templates: DEFAULT_SURVEY_TEMPLATES }, enabledAt: null };
  return {
    settings: { enabled: Number(row.enabled) === 1, templates: { fr: row.template_fr, en: row.template_en } },
    enabledAt: row.enabled_at === null ? null : Number(row.enabled_at),
  };
}

/** Saves the settings; switching on (again) starts from now, so no old case is ever asked. */
export async function writeSurveySettings(
  db: DbOrTx,
  workspaceId: string,
  settings: SurveySettings,
  agentId: string | null,
  now: number,
): Promise<void> {
  const previous = await readSurveySettings(db, workspaceId);
  const enabledAt = settings.enabled ? (previous.settings.enabled ? previous.enabledAt : now) : null;
  const values = {
    enabled: settings.enabled ? 1 : 0,
    template_fr: settings.templates.fr,
    template_en: settings.templates.en,
    enabled_at: enabledAt,
    updated_by: agentId,
    updated_at: now,
  };
  await db
    .insertInto('survey_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}
