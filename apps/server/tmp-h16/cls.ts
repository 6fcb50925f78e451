import { sharedClassifier } from '../src/modules/triage/classifier.ts';
import { generateInbound } from '../bench/ingest-data.ts';
const c = await sharedClassifier();
const texts = generateInbound(20000).map((i) => i.text);
const lid = c.models.language;
const t = (name: string, fn: (s: string) => unknown) => {
  const u0 = process.cpuUsage(); for (const s of texts) fn(s); const u = process.cpuUsage(u0);
  console.log(name, ((u.user + u.system) / texts.length).toFixed(1), 'µs cpu/text');
};
for (let k = 0; k < 2; k++) {
  t('classify', (s) => c.classify(s));
  t('lid only', (s) => lid.predict(s, 1));
  t('sentiment only', (s) => c.models.sentiment.predict(s));
}
const { features } = await import('../src/modules/triage/text.ts');
const { detectCues } = await import('../src/modules/triage/cues.ts');
for (let k = 0; k < 2; k++) {
  t('features', (s) => features(s));
  t('detectCues', (s) => detectCues(s));
  const fs2 = texts.map((s) => features(s));
  let i = 0; t('type predict', () => c.models.type.predict(fs2[i++ % fs2.length]!));
}
