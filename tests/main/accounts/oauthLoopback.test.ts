import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createPkce, randomState, startLoopback } from '../../../src/main/engine/accounts/oauthLoopback';

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the Appendix B example', () => {
    // RFC 7636 Appendix B: these 32 octets, base64url-encoded, are the verifier.
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    const verifier = Buffer.from(octets).toString('base64url');
    expect(verifier).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(codeChallengeS256(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a new 43-character verifier from the unreserved alphabet each time, with its challenge', () => {
    const a = createPkce();
    const b = createPkce();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(a.codeChallenge).toBe(codeChallengeS256(a.codeVerifier));
    expect(a.method).toBe('S256');
    expect(randomState()).not.toBe(randomState());
  });
});

describe('loopback redirect (RFC 8252)', () => {
  it('listens on 127.0.0.1 on an ephemeral port, takes the code once and stops listening', async () => {
    const session = await startLoopback({ state: 'st-1', platformLabel: 'X' });
    expect(session.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(new URL(session.redirectUri).port).not.toBe('0');

    const other = await fetch(session.redirectUri.replace('/callback', '/favicon.ico'));
    expect(other.status).toBe(404);

    const page = await fetch(`${session.redirectUri}?code=abc&state=st-1`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this tab');
    await expect(session.code).resolves.toBe('abc');

    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${session.redirectUri}?code=again&state=st-1`)).rejects.toThrow();
  });

  it('refuses an answer whose state does not match, and the sign-in fails', async () => {
    const session = await startLoopback({ state: 'expected', platformLabel: 'X' });
    const page = await fetch(`${session.redirectUri}?code=stolen&state=forged`);
    expect(page.status).toBe(400);
    await expect(session.code).rejects.toMatchObject({ code: 'auth_failed', reason: 'state_mismatch' });
  });

  it('reports access_denied with the platform’s own description', async () => {
    const session = await startLoopback({ state: 's', platformLabel: 'LinkedIn' });
    const page = await fetch(`${session.redirectUri}?error=access_denied&error_description=${encodeURIComponent('The member declined')}&state=s`);
    expect(await page.text()).toContain('The member declined');
    await expect(session.code).rejects.toMatchObject({ code: 'auth_failed', reason: 'denied', message: expect.stringContaining('The member declined') });
  });

  it('gives up with a clear error when nobody comes back in time', async () => {
    const session = await startLoopback({ state: 's', timeoutMs: 60, platformLabel: 'Reddit' });
    await expect(session.code).rejects.toMatchObject({ code: 'auth_failed', reason: 'timeout', message: expect.stringContaining('Reddit') });
  });

  it('escapes what the platform says before showing it', async () => {
    const session = await startLoopback({ state: 's' });
    const page = await fetch(`${session.redirectUri}?error=access_denied&error_description=${encodeURIComponent('<script>x</script>')}&state=s`);
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    await expect(session.code).rejects.toMatchObject({ reason: 'denied' });
  });
});
