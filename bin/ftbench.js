#!/usr/bin/env node
// The `ftbench` command: runs the TypeScript CLI through tsx, so no build step is needed after
// `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
