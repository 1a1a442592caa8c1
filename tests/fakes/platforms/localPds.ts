// A real Bluesky PDS (@atproto/pds) and PLC directory (@did-plc/server, in-memory)
// on loopback, for testing the Bluesky adapter against the real XRPC server
// instead of a re-implementation of it. Data lives in a temp dir (SQLite) that
// stop() removes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDS, envToCfg, envToSecrets, type ServerEnvironment } from '@atproto/pds';
import { Database as PlcDatabase, PlcServer } from '@did-plc/server';
import { AtpAgent } from '@atproto/api';

export interface LocalPdsAccount {
  did: string;
  handle: string;
  email: string;
  password: string;
  appPassword: string;
}

export interface LocalPds {
  /** The PDS's XRPC base URL, e.g. http://localhost:PORT */
  url: string;
  plcUrl: string;
  /** Creates an account (no invite needed) and an app password for it. */
  createAccount(name: string): Promise<LocalPdsAccount>;
  /** An agent logged in with the account's main password, for reading back what the adapter wrote. */
  agentFor(account: LocalPdsAccount): Promise<AtpAgent>;
  stop(): Promise<void>;
}

/** The PDS derives its public URL from its port, so the port must be known before it listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startLocalPds(): Promise<LocalPds> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-pds-'));
  const plc = PlcServer.create({ db: PlcDatabase.mock() });
  const plcListener = await plc.start();
  const plcAddress = plcListener.address();
  const plcPort = typeof plcAddress === 'object' && plcAddress ? plcAddress.port : 0;
  const plcUrl = `http://127.0.0.1:${plcPort}`;

  const port = await freePort();
  const env: ServerEnvironment = {
    devMode: true,
    port,
    hostname: 'localhost',
    version: '0.0.0-test',
    dataDirectory: dataDir,
    blobstoreDiskLocation: join(dataDir, 'blobs'),
    didPlcUrl: plcUrl,
    inviteRequired: false,
    rateLimitsEnabled: false,
    // Keeps the actor store's SQLite handle cache (and memory) small.
    actorStoreCacheSize: 4,
    serviceHandleDomains: ['.test'],
    jwtSecret: randomBytes(16).toString('hex'),
    adminPassword: 'admin-pass',
    plcRotationKeyK256PrivateKeyHex: randomBytes(32).toString('hex'),
    crawlers: [],
  };
  let pds: PDS;
  try {
    pds = await PDS.create(envToCfg(env), envToSecrets(env));
    await pds.start();
  } catch (error) {
    await plc.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = `http://localhost:${port}`;

  return {
    url,
    plcUrl,
    async createAccount(name) {
      const agent = new AtpAgent({ service: url });
      const account = { handle: `${name}.test`, email: `${name}@chorus.example`, password: `main-${randomBytes(8).toString('hex')}` };
      const created = await agent.com.atproto.server.createAccount(account);
      await agent.resumeSession({ ...created.data, active: true });
      const appPassword = await agent.com.atproto.server.createAppPassword({ name: 'chorus' });
      return { ...account, did: created.data.did, appPassword: appPassword.data.password };
    },
    async agentFor(account) {
      const agent = new AtpAgent({ service: url });
      await agent.login({ identifier: account.handle, password: account.password });
      return agent;
    },
    async stop() {
      await pds.destroy();
      await plc.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
