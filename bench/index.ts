// `npm run bench`: prints one JSON document. Targets live here, never in tests.
import { cpus } from 'node:os';
import { benchAgentStep } from './agentStep';
import { benchPublishLag } from './publishLag';
import { benchRoundTrip } from './roundTrip';
import { benchStartup } from './startup';
import { benchWorkflow } from './workflow';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: cpus().length, platform: process.platform },
  at: new Date().toISOString(),
};
if (want('startup')) Object.assign(results, await benchStartup());
if (want('roundtrip')) Object.assign(results, await benchRoundTrip());
if (want('publishlag')) Object.assign(results, await benchPublishLag());
if (want('agentstep')) Object.assign(results, await benchAgentStep());
if (want('workflow')) Object.assign(results, await benchWorkflow());
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
