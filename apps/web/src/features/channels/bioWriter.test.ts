import { describe, expect, it } from 'vitest';
import { publicLength } from '../composer/xLength.ts';
import { BIO_LIMIT, brandOf, clockText, hoursText, writeBio } from './bioWriter.ts';

const weekdays = (start: string, end: string) => [...Array.from({ length: 5 }, () => [{ start, end }]), [], []];

describe('bio writer', () => {
  it('says the hours the way people read them, in French and English', () => {
    expect(clockText('08:00', 'fr')).toBe('8h');
    expect(clockText('08:30', 'fr')).toBe('8h30');
    expect(clockText('20:00', 'en')).toBe('8pm');
    expect(clockText('12:00', 'en')).toBe('12pm');
    expect(clockText('09:15', 'en')).toBe('9:15am');
    expect(hoursText(weekdays('08:00', '20:00'), 'fr')).toBe('lun.–ven. 8h–20h');
    expect(hoursText(weekdays('08:00', '20:00'), 'en')).toBe('Mon–Fri 8am–8pm');
    const withSaturday = [...weekdays('09:00', '18:00').slice(0, 5), [{ start: '09:00', end: '12:00' }], []];
    expect(hoursText(withSaturday, 'fr')).toBe('lun.–ven. 9h–18h, sam. 9h–12h');
    const everyDay = Array.from({ length: 7 }, () => [{ start: '08:00', end: '20:00' }]);
    expect(hoursText(everyDay, 'fr')).toBe('7j/7 8h–20h');
    expect(hoursText(everyDay, 'en')).toBe('every day 8am–8pm');
    expect(
      hoursText(
        Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]),
        'en',
      ),
    ).toBe('24/7');
    const split = [
      [
        { start: '09:00', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    expect(hoursText(split, 'en')).toBe('Mon 9am–12pm, 2pm–6pm');
    expect(hoursText(null, 'fr')).toBeNull();
  });

  it('writes a bio with the purpose, the hours and the contacts that fits in 160 characters', () => {
    const facts = {
      helpCenterUrl: 'https://aide.acme.fr/contact',
      supportEmail: 'sav@acme.fr',
      supportPhone: null,
      week: weekdays('08:00', '20:00'),
    };
    const fr = writeBio({ brand: 'Acme', facts, lang: 'fr' });
    expect(fr).toBe(
      'Service client Acme : vos questions, nos réponses. En ligne lun.–ven. 8h–20h. Écrivez-nous en DM ou à sav@acme.fr. Aide : https://aide.acme.fr/contact',
    );
    expect(publicLength(fr)).toBeLessThanOrEqual(BIO_LIMIT);
    const en = writeBio({ brand: 'Acme', facts, lang: 'en' });
    expect(en).toContain('Mon–Fri 8am–8pm');
    expect(publicLength(en)).toBeLessThanOrEqual(BIO_LIMIT);

    // A long brand and link: shorter drafts until one fits, never over the limit.
    const long = writeBio({
      brand: 'La Compagnie Générale des Transports Urbains Réunis',
      facts: { ...facts, supportEmail: 'service.clientele.voyageurs@compagnie-generale-transports.fr' },
      lang: 'fr',
    });
    expect(publicLength(long)).toBeLessThanOrEqual(BIO_LIMIT);
    expect(long).toContain('8h–20h');
    expect(
      writeBio({ brand: 'Acme', facts: { ...facts, week: null, helpCenterUrl: null, supportEmail: null }, lang: 'en' }),
    ).toBe('Acme customer care: ask us anything. DM us.');
  });

  it('takes the brand from the account name', () => {
    expect(brandOf('Acme — Service client', 'acme_sav')).toBe('Acme');
    expect(brandOf('Acme Support', 'acme_sav')).toBe('Acme Support');
    expect(brandOf('', 'acme_sav')).toBe('acme_sav');
  });
});
