#!/usr/bin/env node
// `npm run bench [-- startup|roundtrip]`
import { register } from 'tsx/esm/api';

register();
await import('../bench/index.ts');
