#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's loader: one code path in dev and production.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
