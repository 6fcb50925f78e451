import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The integration files (`*.int.test.ts`: real desk processes, SIGKILLs, backups) take minutes each; they
 * start first so that the other worker works through the short files meanwhile instead of one of them
 * running alone at the end. Within each group Vitest's own order stands (longest last run, else largest).
 */
class IntegrationFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const integration = (file: TestSpecification) => /\.int\.test\.ts$/.test(file.moduleId);
    return [...sorted.filter(integration), ...sorted.filter((file) => !integration(file))];
  }
}

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**'],
    globalSetup: ['apps/server/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on a 2-core machine (Vitest's default there is one): most files spend their time
    // waiting on PostgreSQL, desk processes or sockets. Files never share a database, port or folder: each
    // test database has a random name (test/databases.ts), servers listen on port 0, folders are mkdtemp'd.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    sequence: { sequencer: IntegrationFirst },
  },
});
