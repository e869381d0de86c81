#!/usr/bin/env node
// The `ftbench` command: runs the TypeScript CLI through tsx, so no build step is needed after
// `npm install`. The second hook lets plugins (`--plugin PATH`) import `ftbench/strategy`.
import { register as registerHook } from 'node:module';
import { register } from 'tsx/esm/api';

register();
registerHook('./resolve-self.mjs', import.meta.url);
await import('../harness/cli/main.ts');
