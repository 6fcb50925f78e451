import type { CaseEvent } from '@guichet/contracts';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { describeEvent } from './historyText.ts';

type Catalogue = { [key: string]: string | Catalogue };
function translator(catalogue: Catalogue) {
  return ((key: string, options: Record<string, unknown> = {}) => {
    let node: string | Catalogue | undefined = catalogue;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') return key;
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? ''));
  }) as unknown as TFunction;
}

const event = (type: string, payload: Record<string, unknown> = {}): CaseEvent => ({
  id: type,
  type,
  actor: { type: 'system', id: null, name: null },
  payload,
  occurredAt: '2026-11-23T01:00:00.000Z',
});

/** The case-scoped events the server records (rules, triage, imports, surveys), with their real payloads. */
const recorded = [
  event('case.priority_changed', { ruleId: 'r1', rule: 'VIP <b>fast</b>', priority: 1 }),
  event('case.priority_changed', { from: null, to: 2, by: 'agent' }),
  event('case.triage_corrected', { type: { from: 'question', to: 'complaint' }, priority: { from: '3', to: '1' } }),
  event('case.triage_corrected', {}),
  event('case.sla_policy_applied', { ruleId: 'r2', rule: 'Outage', priority: 2 }),
  event('case.template_suggested', { ruleId: 'r3', rule: 'Refunds', templateId: 't1', missing: false }),
  event('case.template_suggested', { ruleId: 'r3', rule: 'Refunds', templateId: 't1', missing: true }),
  event('case.marked_spam', { ruleId: 'r4', rule: 'Crypto spam' }),
  event('case.imported', { source: 'csv', format: 'twcs', thread: '42' }),
  event('survey.answer_received', { kind: 'dm', visibility: 'direct', externalId: '9' }),
];

describe('case history labels', () => {
  it('gives every recorded event a sentence in both languages, never its code or a missing key', () => {
    for (const catalogue of [en, fr]) {
      const t = translator(catalogue as Catalogue);
      for (const e of recorded) {
        const text = describeEvent(t, e);
        expect(text, e.type).not.toBe(e.type);
        expect(text, e.type).not.toMatch(/history\.|triage\.|inbox\./);
        expect(text, e.type).not.toMatch(/\{\{/);
      }
    }
  });

  it('says what changed, by which rule, in the agent language', () => {
    const t = translator(en as Catalogue);
    expect(describeEvent(t, recorded[0]!)).toBe('Priority set to P1 by rule "VIP <b>fast</b>"');
    expect(describeEvent(t, recorded[1]!)).toBe('Priority: none → P2');
    expect(describeEvent(t, recorded[2]!)).toBe('Triage corrected: type Question → Complaint, priority P3 → P1');
    expect(describeEvent(t, recorded[3]!)).toBe('Triage corrected');
    expect(describeEvent(t, recorded[6]!)).toBe('Rule "Refunds" suggested a saved reply that no longer exists');
    const tFr = translator(fr as Catalogue);
    expect(describeEvent(tFr, recorded[2]!)).toBe('Tri corrigé : type Question → Réclamation, priorité P3 → P1');
    expect(describeEvent(tFr, recorded[4]!)).toBe('Délais SLA de P2 appliqués par la règle « Outage »');
    expect(describeEvent(tFr, recorded[7]!)).toBe('Marqué comme spam par la règle « Crypto spam »');
  });

  it('keeps showing the code of an event it does not know', () => {
    expect(describeEvent(translator(en as Catalogue), event('something.new'))).toBe('something.new');
  });
});
