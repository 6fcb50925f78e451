import { describe, expect, it } from 'vitest';
import { findPersonalData, passesLuhn, personalDataKinds } from './personalData.ts';
import { greeting, hourIn, initialsSignature, renderTemplate, type TemplateContext } from './templateRender.ts';
import { publicLength, replyLength, splitIntoThread } from './xLength.ts';

describe('X length', () => {
  it('counts URLs as 23 and emoji and CJK as 2, like X', () => {
    expect(publicLength('hello')).toBe(5);
    expect(publicLength('see https://example.com/a/very/long/path/that/goes/on/and/on')).toBe(4 + 23);
    expect(publicLength('😀')).toBe(2);
    expect(publicLength('日本')).toBe(4);
    expect(publicLength('é')).toBe(1);
  });

  it('counts a direct message in characters', () => {
    expect(replyLength('😀 https://example.com', 'direct')).toBe(21);
  });
});

describe('thread split', () => {
  it('leaves a reply that fits alone and unnumbered', () => {
    expect(splitIntoThread('  Short reply  ')).toEqual(['Short reply']);
    expect(splitIntoThread('   ')).toEqual([]);
  });

  it('numbers the posts and keeps each within 280 as X counts, breaking between words', () => {
    const text = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const posts = splitIntoThread(text);
    expect(posts.length).toBeGreaterThan(1);
    posts.forEach((post, index) => {
      expect(publicLength(post)).toBeLessThanOrEqual(280);
      expect(post.endsWith(` ${index + 1}/${posts.length}`)).toBe(true);
    });
    const rejoined = posts.map((post) => post.replace(/ \d+\/\d+$/, '')).join(' ');
    expect(rejoined).toBe(text);
  });

  it('cuts a word longer than a post without breaking emoji, and counts URLs as 23', () => {
    const posts = splitIntoThread('😀'.repeat(200));
    expect(posts).toHaveLength(2);
    expect(posts.every((post) => publicLength(post) <= 280)).toBe(true);
    expect(posts.join('')).not.toContain('\uFFFD');
    const urls = splitIntoThread(Array.from({ length: 12 }, (_, i) => `https://example.com/${i}`).join(' '));
    expect(urls.length).toBe(2);
  });

  it('reaches ten posts and more with a stable count', () => {
    const posts = splitIntoThread('abcdefghij '.repeat(300));
    expect(posts.length).toBeGreaterThanOrEqual(10);
    expect(posts.at(-1)).toMatch(new RegExp(` ${posts.length}/${posts.length}$`));
    expect(posts.every((post) => publicLength(post) <= 280)).toBe(true);
  });
});

describe('saved reply rendering', () => {
  const context = (overrides: Partial<TemplateContext> = {}): TemplateContext => ({
    customer: { name: 'Camille Durand', handle: 'camille_durand' },
    agent: { name: 'Jean Dupont' },
    settings: {
      timeZone: 'Europe/Paris',
      helpCenterUrl: 'https://help.acme.test',
      supportEmail: 'sav@acme.test',
      supportPhone: null,
    },
    language: 'fr',
    now: new Date('2026-03-02T09:00:00Z'),
    ...overrides,
  });

  it('fills the customer, the agent signature, the greeting and the links', () => {
    const rendered = renderTemplate(
      '{{greeting}} {{customer.firstName}} ({{ customer.handle }}), voir {{helpCenter.url}} ou {{support.email}} {{agent.initials}}',
      context(),
    );
    expect(rendered).toEqual({
      text: 'Bonjour Camille (@camille_durand), voir https://help.acme.test ou sav@acme.test ^JD',
      missing: [],
    });
  });

  it('signs with the initials the agent chose on their profile, else with the name’s', () => {
    const agent = { ...context().agent, initials: '^Jo' };
    expect(renderTemplate('{{agent.initials}}', context({ agent })).text).toBe('^Jo');
    expect(renderTemplate('{{agent.initials}}', context({ agent: { ...agent, initials: null } })).text).toBe('^JD');
  });

  it('keeps a variable without a value visible and reports it', () => {
    expect(renderTemplate('Appelez le {{support.phone}} {{nope}}', context())).toEqual({
      text: 'Appelez le {{support.phone}} {{nope}}',
      missing: ['support.phone', 'nope'],
    });
  });

  it('greets by the hour in the workspace time zone', () => {
    // 17:30 UTC is 18:30 in Paris (winter) but 12:30 in Montreal.
    const now = new Date('2026-03-02T17:30:00Z');
    expect(renderTemplate('{{greeting}}', context({ now })).text).toBe('Bonsoir');
    expect(
      renderTemplate(
        '{{greeting}}',
        context({ now, language: 'en', settings: { ...context().settings, timeZone: 'America/Montreal' } }),
      ).text,
    ).toBe('Good afternoon');
    expect(hourIn('Not/AZone', new Date('2026-03-02T09:00:00Z'))).toBe(10);
    expect(greeting('en', 8)).toBe('Good morning');
    expect(greeting('en', 21)).toBe('Good evening');
    expect(greeting('fr', 2)).toBe('Bonsoir');
  });

  it('signs with initials', () => {
    expect(initialsSignature('Jean-Dominique Martin')).toBe('^JDM');
    expect(initialsSignature('jane')).toBe('^J');
    expect(initialsSignature('')).toBe('');
  });
});

describe('personal data detection', () => {
  it('finds emails', () => {
    expect(findPersonalData('écrivez à jane.doe+sav@exemple.fr svp')).toEqual([
      { kind: 'email', text: 'jane.doe+sav@exemple.fr' },
    ]);
    expect(findPersonalData('@acme_sav bonjour')).toEqual([]);
  });

  it('finds French phone numbers in their usual spellings, and international ones', () => {
    for (const phone of [
      '06 12 34 56 78',
      '06.12.34.56.78',
      '0612345678',
      '+33 6 12 34 56 78',
      '+33612345678',
      '0033 1 23 45 67 89',
      '01-23-45-67-89',
    ]) {
      expect(personalDataKinds(`appelez-moi au ${phone} merci`), phone).toEqual(['phone']);
    }
    for (const phone of ['+44 20 7946 0958', '(555) 123-4567', '+1 555 123 4567', '555-123-4567', '+49 30 1234567']) {
      expect(personalDataKinds(`call me on ${phone} please`), phone).toEqual(['phone']);
    }
    expect(personalDataKinds('il est 10 12 ans')).toEqual([]);
  });

  it('does not take order and ticket numbers for personal data', () => {
    for (const text of [
      'ma commande 123456789 est perdue',
      'ma commande n° 4411-778 est perdue',
      'ticket #A-12345',
      'Order #A12345 never came',
      'ref: CMD-998877',
      'see #123456',
      'order 4111111111111111 was charged twice',
      'colis 0612345678 en retard',
      'I ordered 3 items yesterday',
      'Livraison prévue le 12/03/2025 entre 8 h et 12 h',
    ]) {
      expect(personalDataKinds(text), text).toEqual([]);
    }
  });

  it('finds postal addresses in French and English', () => {
    for (const text of [
      'livrez au 12 rue de la Paix, Paris',
      'j’habite 3 bis avenue Foch',
      '45 bd Haussmann 75009',
      '7 allée des Tilleuls',
      'send it to 221B Baker Street',
      'I live at 1600 Pennsylvania Ave NW',
      '42 Main St. Springfield',
      '10 Downing Road',
    ]) {
      expect(personalDataKinds(text), text).toEqual(['address']);
    }
    expect(personalDataKinds('we have 2 places left')).toEqual([]);
    expect(personalDataKinds('3 Great Days')).toEqual([]);
  });

  it('finds card numbers only when they pass Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(findPersonalData('carte 4111 1111 1111 1111 refusée')).toEqual([
      { kind: 'card', text: '4111 1111 1111 1111' },
    ]);
    expect(personalDataKinds('4111-1111-1111-1112')).not.toContain('card');
    // Luhn-valid, but no payment network starts with 1 (a millisecond timestamp in a reply).
    expect(passesLuhn('1796531434423')).toBe(true);
    expect(personalDataKinds('we are on it (1796531434423)')).not.toContain('card');
    expect(personalDataKinds('Mastercard 5555 5555 5555 4444, Amex 3782 822463 10005')).toEqual(['card']);
  });

  it('lets the brand’s own e-mail and phone through, in any spelling', () => {
    const brand = { supportEmail: 'Support@Acme.fr', supportPhone: '+33 1 23 45 67 89' };
    expect(personalDataKinds('écrivez à support@acme.fr ou au 01 23 45 67 89', brand)).toEqual([]);
    expect(personalDataKinds('write to support@acme.fr, not jane@exemple.fr', brand)).toEqual(['email']);
    expect(personalDataKinds('appelez le 06 12 34 56 78', brand)).toEqual(['phone']);
  });

  it('reports every kind once, in a stable order', () => {
    expect(personalDataKinds('4111 1111 1111 1111, 12 rue de la Paix, 06 12 34 56 78, a@b.fr')).toEqual([
      'email',
      'phone',
      'address',
      'card',
    ]);
  });

  it('reports nothing in an ordinary reply', () => {
    expect(findPersonalData('Bonjour Camille, nous regardons tout de suite. ^JD')).toEqual([]);
    expect(findPersonalData('Hi Sam, sorry about the 2 day delay on order 88812345, we are on it ^JD')).toEqual([]);
  });
});
