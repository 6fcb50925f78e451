import { Readable, Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { FastTextClassifier, loadClassifier } from './classifier.ts';
import { classifyStream } from './classify.command.ts';
import { decidePriority } from './priority.ts';

let classifier: FastTextClassifier;
beforeAll(async () => {
  classifier = await loadClassifier();
});

describe('the shipped classifier', () => {
  it('triages French and English posts', () => {
    const fr = classifier.classify('@acme_sav ma box est en panne depuis 3 jours, remboursez-moi');
    expect(fr).toMatchObject({ type: 'complaint', language: 'fr' });
    expect(fr.urgency).toEqual(expect.arrayContaining(['outage', 'refund', 'waiting']));
    expect(classifier.classify('@acme_help what are your opening hours on Sunday?')).toMatchObject({
      type: 'question',
      language: 'en',
    });
    expect(classifier.classify('Thanks @acme_help for the super quick fix, great service!')).toMatchObject({
      type: 'praise',
      sentiment: 'positive',
    });
  });

  it('keeps an information request a question, even worded negatively (hand-tried in issue 17)', () => {
    for (const text of [
      "Vous livrez à Bruxelles ? Je n'ai pas trouvé l'info sur le site.",
      "@acme_sav Vous livrez à Bruxelles ? Je n'ai pas trouvé l'info sur le site.",
      "@acme_help do you ship to Brussels? I couldn't find the info on the site.",
    ]) {
      const c = classifier.classify(text);
      expect(c, text).toMatchObject({ type: 'question', complaint: false });
      expect(c.scores.complaint).toBeLessThan(0.5);
      expect(decidePriority(c, {}).priority, text).toBe(3);
    }
    // The same cue does not hide a failure: asking while reporting one is still a complaint.
    expect(
      classifier.classify('@acme_sav vous livrez quand ? Mon colis est bloqué depuis 10 jours, toujours rien'),
    ).toMatchObject({ type: 'complaint', complaint: true });
  });

  it('hears an unhappy customer who never says "complaint"', () => {
    // The type model's complaint probability and the sentiment model's negative one add up (threshold 0.45).
    const fixed = (scores: Record<string, number>) => ({
      predict: () => Object.entries(scores).map(([label, probability]) => ({ label, probability })),
    });
    const withScores = (complaint: number, negative: number) =>
      new FastTextClassifier({
        language: classifier.models.language,
        type: fixed({ complaint, question: 1 - complaint - 0.1, praise: 0, other: 0.1 }),
        sentiment: fixed({ negative, neutral: 1 - negative, positive: 0 }),
      }).classify('@acme_air three hours on the tarmac and not a word from the crew');
    expect(withScores(0.2, 0.3)).toMatchObject({ type: 'complaint', complaint: true, scores: { complaint: 0.5 } });
    expect(withScores(0.2, 0.2)).toMatchObject({ type: 'question', complaint: false });
  });

  it('takes the language its source gives instead of running lid.176, when the code is usable', () => {
    const text = '@acme_sav ma box est en panne depuis 3 jours';
    const detected = classifier.classify(text);
    expect(detected.language).toBe('fr');
    // X's tag wins (lid.176 is not asked): the rest of the classification does not change.
    expect(classifier.classify(text, 'fr')).toEqual({ ...detected, scores: { ...detected.scores, language: 1 } });
    expect(classifier.classify(text, 'en')).toMatchObject({ language: 'en', type: detected.type });
    // "und", X's own codes (qme, qht…) and "zxx" say nothing: lid.176 decides.
    for (const hint of ['und', 'qme', 'zxx', 'fr-CA', ''])
      expect(classifier.classify(text, hint), hint).toEqual(detected);
  });

  it('writes one JSON object per input line for `guichet classify`', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const n = await classifyStream(
      classifier,
      Readable.from(['my internet is down again\nquelle heure ouvrez-vous ?\n']),
      sink,
    );
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(n).toBe(2);
    expect(Object.keys(lines[0]!)).toEqual(['type', 'sentiment', 'language', 'priority', 'scores']);
    expect(lines[0]).toMatchObject({ type: 'complaint', language: 'en', priority: 1 });
    expect(lines[1]).toMatchObject({ language: 'fr' });
  });
});
