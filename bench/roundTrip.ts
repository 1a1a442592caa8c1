import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeadlessHost } from '../src/main/server/HeadlessHost';
import { RemoteClient } from '../src/main/server/RemoteClient';
import { summary } from './stats';

const noSecrets = { get: async () => null, set: async () => {}, delete: async () => false, keys: async () => [] };

/** Sequential contract calls over the WebSocket binding, measured at the client. */
export async function benchRoundTrip(calls = 1000, warmup = 100) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-rt-'));
  const host = await startHeadlessHost({ dataDir, port: 0, secrets: noSecrets, log: () => undefined });
  try {
    await host.ready;
    const client = await RemoteClient.connect(host.wsUrl, host.token);
    const created = await client.call('brands.create', { name: 'Round Trip', timezone: 'UTC' });
    if (!created.ok) throw new Error(created.error.message);
    const id = (created.data as { id: string }).id;

    const measure = async (route: string, input: unknown) => {
      for (let i = 0; i < warmup; i++) await client.call(route, input);
      const samples: number[] = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const result = await client.call(route, input);
        samples.push(performance.now() - t);
        if (!result.ok) throw new Error(result.error.message);
      }
      return summary(samples);
    };
    const brandsGet = await measure('brands.get', { id });
    const systemInfo = await measure('system.info', {});
    await client.close();
    return {
      contractRoundTripMs: { route: 'brands.get', ...brandsGet, targetP99Ms: 5, met: brandsGet.p99 < 5 },
      contractRoundTripSystemInfoMs: { route: 'system.info', ...systemInfo },
    };
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
