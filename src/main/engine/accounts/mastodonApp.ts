// Mastodon has no central developer portal: each instance registers the client
// (POST /api/v1/apps). The redirect URI holds the loopback port, which is new
// at every sign-in, so every sign-in registers its own app; its client id and
// secret are kept with the tokens in the keychain.
import { z } from 'zod';
import { ChorusError } from '../../../shared/contract';
import { platformFetch } from '../platforms/http';
import { PublishError, type AdapterOptions } from '../platforms/PlatformAdapter';

const AppRegistration = z.object({ client_id: z.string().min(1), client_secret: z.string().min(1) });

export interface MastodonApp {
  clientId: string;
  clientSecret: string;
}

/** The instance's origin (https://host[:port]) from whatever the person typed. */
export function instanceOrigin(instanceUrl: string): string {
  return new URL(instanceUrl).origin;
}

export async function registerMastodonApp(
  instanceUrl: string,
  input: { redirectUri: string; scopes: string[]; clientName?: string },
  options: AdapterOptions = {},
): Promise<MastodonApp> {
  let answer: unknown;
  try {
    const response = await platformFetch(
      'Mastodon',
      {
        method: 'POST',
        url: `${instanceOrigin(instanceUrl)}/api/v1/apps`,
        json: {
          client_name: input.clientName ?? 'Chorus',
          redirect_uris: input.redirectUri,
          scopes: input.scopes.join(' '),
          website: 'https://github.com/chorus-app/chorus',
        },
        timeoutMs: 20_000,
      },
      options,
    );
    answer = response.data;
  } catch (error) {
    if (error instanceof PublishError) {
      throw new ChorusError('auth_failed', `${new URL(instanceUrl).host} did not register Chorus as an app: ${error.message}`);
    }
    throw error;
  }
  const parsed = AppRegistration.safeParse(answer);
  if (!parsed.success) {
    throw new ChorusError('auth_failed', `${new URL(instanceUrl).host} answered the app registration without a client id and secret; is it a Mastodon server?`);
  }
  return { clientId: parsed.data.client_id, clientSecret: parsed.data.client_secret };
}
