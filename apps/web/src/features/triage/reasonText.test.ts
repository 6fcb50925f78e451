import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { localiseReason } from './reasonText.ts';

type Catalogue = { [key: string]: string | Catalogue };
function translator(catalogue: Catalogue) {
  return (key: string, options: Record<string, unknown> = {}) => {
    let node: string | Catalogue | undefined = catalogue;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') return key;
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? ''));
  };
}

describe('priority reasons in the agent language', () => {
  it('translates every part the server writes, in order, and keeps unknown parts', () => {
    const reason = 'complaint, negative, mentions outage, waiting for days, 12.5k followers, verified, repeat contact';
    expect(localiseReason(reason, translator(fr as Catalogue))).toBe(
      'réclamation, négatif, panne, attend depuis des jours, 12.5k abonnés, auteur certifié, client qui revient',
    );
    expect(localiseReason(reason, translator(en as Catalogue))).toBe(
      'complaint, negative, outage, waiting for days, 12.5k followers, verified author, repeat contact',
    );
    expect(localiseReason('question, something new', translator(fr as Catalogue))).toBe('question, something new');
  });

  it('keeps a rule name exactly, commas and markup included', () => {
    expect(localiseReason('rule "VIP, <b>fast</b>"', translator(fr as Catalogue))).toBe('règle « VIP, <b>fast</b> »');
    expect(localiseReason('corrected by an agent', translator(fr as Catalogue))).toBe('corrigée par un agent');
  });
});
