import { describe, expect, it } from 'vitest';
import type { Template } from '@guichet/contracts';
import type { TFunction } from 'i18next';
import { describeEffects, groupByFolder, insertVariable } from './macroText.ts';

const template = (id: string, shortcut: string, folderId: string | null): Template => ({
  id,
  name: shortcut,
  shortcut,
  language: null,
  body: 'x',
  updatedAt: '2026-01-01T00:00:00Z',
  folderId,
  effects: null,
});

describe('insertVariable', () => {
  it('puts the variable at the cursor, with a space after a word, and moves the cursor after it', () => {
    expect(insertVariable('Bonjour', 'customer.firstName', 7, 7)).toEqual({
      text: 'Bonjour {{customer.firstName}}',
      cursor: 30,
    });
    expect(insertVariable('Merci ', 'agent.initials', 6, 6)).toEqual({ text: 'Merci {{agent.initials}}', cursor: 24 });
  });
  it('replaces a selection and inserts at the start or the end when there is no cursor', () => {
    expect(insertVariable('Hi NAME!', 'customer.name', 3, 7).text).toBe('Hi {{customer.name}}!');
    expect(insertVariable('', 'greeting', null, null)).toEqual({ text: '{{greeting}}', cursor: 12 });
    expect(insertVariable('abc', 'greeting', 0, 0).text).toBe('{{greeting}}abc');
    expect(insertVariable('abc', 'greeting', 99, 120).text).toBe('abc {{greeting}}');
  });
});

describe('groupByFolder', () => {
  it('groups by folder name order, then the replies outside any (or in a folder that no longer exists)', () => {
    const groups = groupByFolder(
      [
        template('1', 'zeta', 'b'),
        template('2', 'alpha', 'b'),
        template('3', 'free', null),
        template('4', 'lost', 'gone'),
      ],
      [
        { id: 'b', name: 'Livraison' },
        { id: 'a', name: 'Accueil' },
      ],
    );
    expect(groups.map((g) => [g.folder?.name ?? null, g.templates.map((t) => t.shortcut)])).toEqual([
      ['Accueil', []],
      ['Livraison', ['alpha', 'zeta']],
      [null, ['free', 'lost']],
    ]);
  });
  it('shows one empty group when there is nothing at all', () => {
    expect(groupByFolder([], [])).toEqual([{ folder: null, templates: [] }]);
  });
});

describe('describeEffects', () => {
  const t = ((key: string, options?: Record<string, unknown>) =>
    `${key}${options ? JSON.stringify(options) : ''}`) as unknown as TFunction;
  it('lists each effect, naming the assignee', () => {
    const parts = describeEffects(t, { tags: ['vip'], status: 'resolved', priority: 2, assignee: 'a1' }, (id) =>
      id === 'a1' ? 'Julie' : undefined,
    );
    expect(parts).toHaveLength(4);
    expect(parts[0]).toContain('"tags":"vip"');
    expect(parts[3]).toContain('"name":"Julie"');
    expect(describeEffects(t, null, () => undefined)).toEqual([]);
    expect(describeEffects(t, { tags: [], status: null, priority: null, assignee: 'me' }, () => undefined)).toEqual([
      'macros.effect.assignee{"name":"macros.assignMe"}',
    ]);
  });
});
