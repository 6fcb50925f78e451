import { describe, expect, it } from 'vitest';
import { renderTemplate, signature, type TemplateContext } from './templateRender.ts';

const context = (initials: string | null): TemplateContext => ({
  language: 'fr',
  now: new Date('2026-03-02T10:00:00Z'),
  customer: { name: 'Lucas Martin', handle: 'lucas_m' },
  agent: { name: 'Jeanne Dupont', initials },
  settings: { timeZone: 'Europe/Paris', helpCenterUrl: null, supportEmail: null, supportPhone: null },
});

describe('the {{agent.initials}} signature', () => {
  it('has exactly one caret, however the initials were typed', () => {
    expect(signature('JD')).toBe('^JD');
    expect(signature('^JD')).toBe('^JD');
    expect(signature('^^JD')).toBe('^JD');
    expect(signature('  ')).toBe('');
    expect(signature(null)).toBe('');
  });

  it('never signs ^^ when the saved reply puts its own caret before the variable', () => {
    expect(renderTemplate('Merci ! ^{{agent.initials}}', context('^JD')).text).toBe('Merci ! ^JD');
    expect(renderTemplate('Merci ! {{agent.initials}}', context('JD')).text).toBe('Merci ! ^JD');
    expect(renderTemplate('Merci ! ^{{agent.initials}}', context(null)).text).toBe('Merci ! ^JD');
  });

  it('leaves a caret before another variable alone', () => {
    expect(renderTemplate('^{{customer.firstName}}', context(null)).text).toBe('^Lucas');
  });
});
