#!/usr/bin/env node
// `npm start`: build the web app when its sources are newer than the last build, then start the desk.
// Keeps the two-command promise (npm ci && npm start) without a separate build step.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const webDir = path.join(root, 'apps/web');
const builtIndex = path.join(webDir, 'dist/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const sources = [webDir, path.join(root, 'packages/contracts')];
const builtAt = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
if (sources.some((dir) => newestMtime(dir) > builtAt)) {
  process.stdout.write('Building the web app…\n');
  const build = spawnSync('npm', ['run', 'build', '--workspace', '@guichet/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Same process as the desk, so signals (Ctrl-C, a supervisor's SIGTERM) reach it directly.
process.argv = [process.argv[0], 'guichet', 'start', ...process.argv.slice(2)];
await import('../apps/server/bin/guichet.mjs');
