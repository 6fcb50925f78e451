import type { MacroEffects, Template, TemplateFolder } from '@guichet/contracts';
import type { TFunction } from 'i18next';

/** The body with `{{name}}` put where the cursor is (replacing a selection), and where the cursor goes next. */
export function insertVariable(
  body: string,
  name: string,
  selectionStart: number | null,
  selectionEnd: number | null,
): { text: string; cursor: number } {
  const start = Math.max(0, Math.min(selectionStart ?? body.length, body.length));
  const end = Math.max(start, Math.min(selectionEnd ?? start, body.length));
  const token = `{{${name}}}`;
  // A space keeps the variable from gluing to the word typed before it.
  const before = body.slice(0, start);
  const glue = before.length > 0 && !/\s$/.test(before) ? ' ' : '';
  const text = `${before}${glue}${token}${body.slice(end)}`;
  return { text, cursor: start + glue.length + token.length };
}

export interface FolderGroup {
  folder: TemplateFolder | null;
  templates: Template[];
}

/** Saved replies grouped by folder, folders by name, then the ones outside any folder; shortcuts in order. */
export function groupByFolder(templates: readonly Template[], folders: readonly TemplateFolder[]): FolderGroup[] {
  const known = new Set(folders.map((folder) => folder.id));
  const byShortcut = (a: Template, b: Template) => a.shortcut.localeCompare(b.shortcut);
  const groups: FolderGroup[] = [...folders]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((folder) => ({
      folder,
      templates: templates.filter((template) => template.folderId === folder.id).sort(byShortcut),
    }));
  const loose = templates.filter((template) => !template.folderId || !known.has(template.folderId)).sort(byShortcut);
  if (loose.length > 0 || groups.length === 0) groups.push({ folder: null, templates: loose });
  return groups;
}

/** "Adds tags: refund · Status: Pending · P2 · Assigns to: me", one item per effect, in the agent's language. */
export function describeEffects(
  t: TFunction,
  effects: MacroEffects | null,
  agentName: (id: string) => string | undefined,
): string[] {
  if (!effects) return [];
  const parts: string[] = [];
  if (effects.tags.length > 0)
    parts.push(t('macros.effect.tags', { count: effects.tags.length, tags: effects.tags.join(', ') }));
  if (effects.status) parts.push(t('macros.effect.status', { status: t(`status.${effects.status}`) }));
  if (effects.priority)
    parts.push(t('macros.effect.priority', { priority: t('inbox.priority', { value: effects.priority }) }));
  if (effects.assignee) {
    const name =
      effects.assignee === 'me' ? t('macros.assignMe') : (agentName(effects.assignee) ?? t('macros.unknownAgent'));
    parts.push(t('macros.effect.assignee', { name }));
  }
  return parts;
}
