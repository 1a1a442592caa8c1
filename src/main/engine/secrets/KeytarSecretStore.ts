import { ChorusError } from '../../../shared/contract';
import type { SecretStore } from './SecretStore';

export const KEYCHAIN_SERVICE = 'Chorus';

type Keytar = typeof import('keytar');

const HOW_TO_FIX: Record<string, string> = {
  linux:
    'On Linux, Chorus uses the Secret Service: install gnome-keyring (or KWallet) and libsecret, and run Chorus inside a desktop or D-Bus session with the keyring unlocked.',
  darwin: 'On macOS, Chorus uses the login Keychain: unlock it in Keychain Access.',
  win32: 'On Windows, Chorus uses the Credential Manager: make sure it is available to your user.',
};

function unavailable(cause: unknown): ChorusError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const fix = HOW_TO_FIX[process.platform] ?? 'Make an OS keychain available to Chorus.';
  return new ChorusError(
    'keychain_unavailable',
    `No OS keychain could be reached (${reason}). ${fix} Secrets are never written to disk in plain text.`,
  );
}

/** Secrets in the OS keychain under the service name "Chorus". */
export class KeytarSecretStore implements SecretStore {
  private keytar: Promise<Keytar> | null = null;

  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  private load(): Promise<Keytar> {
    this.keytar ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
    return this.keytar;
  }

  private async use<T>(work: (keytar: Keytar) => Promise<T>): Promise<T> {
    let keytar: Keytar;
    try {
      keytar = await this.load();
    } catch (error) {
      this.keytar = null;
      throw unavailable(error);
    }
    try {
      return await work(keytar);
    } catch (error) {
      throw unavailable(error);
    }
  }

  get(key: string): Promise<string | null> {
    return this.use((k) => k.getPassword(this.service, key));
  }

  set(key: string, value: string): Promise<void> {
    return this.use((k) => k.setPassword(this.service, key, value));
  }

  delete(key: string): Promise<boolean> {
    return this.use((k) => k.deletePassword(this.service, key));
  }

  async keys(): Promise<string[]> {
    const credentials = await this.use((k) => k.findCredentials(this.service));
    return credentials.map((c) => c.account).sort();
  }
}
