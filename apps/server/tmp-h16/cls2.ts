import { createStorageFixture } from '../test/factories.ts';
import { workspaceClassifier } from '../src/modules/triage/triage.workspace-model.ts';
import { configureRules } from '../bench/ingest-rules.ts';
import { generateInbound } from '../bench/ingest-data.ts';
const f = await createStorageFixture('sqlite');
await configureRules(f);
const { classifier } = await workspaceClassifier(f.database.db, f.workspaceId);
console.log(classifier.constructor.name);
const texts = generateInbound(10000).map((i) => i.text);
for (let k = 0; k < 3; k++) {
  const u0 = process.cpuUsage(); for (const s of texts) classifier.classify(s); const u = process.cpuUsage(u0);
  console.log('classify', ((u.user + u.system) / texts.length).toFixed(1), 'µs cpu/text');
}
await f.close();
