#!/usr/bin/env node
// Runs the CLI from TypeScript sources, so a clone works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/server/cli/index.ts');
await main(process.argv);
