import { randomBytes } from 'node:crypto';
import { type Check, fail, skip } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { signInWithBrowser } from '../browser-sign-in.js';
import { listenForCallback } from '../loopback-callback.js';
import { pkcePair } from '../pkce.js';
import { registerClient } from '../registration.js';

/**
 * A person's sign-in as an MCP client starts it: a client (registered here, or --client-id), a
 * loopback listener for the redirect, /authorize with PKCE S256, `resource` and the resource's
 * scopes, then the pages in Chromium. The response must carry the code, our state and (RFC 9207)
 * the issuer.
 */
export const signInCheck: Check<VerifyContext> = {
  id: 'sign-in',
  title: "Sign-in in Chromium: /authorize → consent page → login page → loopback callback with code, state and iss",
  needs: ['as-metadata', 'pkce-s256'],
  async run(context) {
    const { options } = context;
    if (options.user === undefined || options.password === undefined) {
      return skip('no --user and --password (or MCP_VERIFY_USER and MCP_VERIFY_PASSWORD): the signed-in checks do not run');
    }
    const { metadata, issuer } = context.authorizationServer!;
    if (!options.clientId && !options.register) fail('--no-register: give --client-id (and --redirect-uri) of a public client to sign in with');
    const listener = await listenForCallback(options.redirectUri);
    try {
      if (options.clientId) {
        context.signIn = { clientId: options.clientId };
      } else {
        if (typeof metadata.registration_endpoint !== 'string') fail('no registration_endpoint to register a client with (or give --client-id)');
        // Registered with the portless loopback URI: any port is accepted for it (RFC 8252 §7.3).
        const registration = await registerClient(metadata.registration_endpoint as string, [options.redirectUri], { initialAccessToken: options.initialAccessToken, undeleted: context.undeleted });
        context.signIn = { clientId: registration.clientId, registration };
      }
      const { verifier, challenge } = pkcePair();
      const state = randomBytes(16).toString('base64url');
      const authorizeUrl = new URL(metadata.authorization_endpoint as string);
      authorizeUrl.search = new URLSearchParams({
        response_type: 'code',
        client_id: context.signIn.clientId,
        redirect_uri: listener.redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        resource: context.target.mcpUrl,
        ...(context.resource!.scopes.length ? { scope: context.resource!.scopes.join(' ') } : {}),
      }).toString();
      const { response, steps } = await signInWithBrowser({
        authorizeUrl: authorizeUrl.href,
        callback: listener.received,
        credentials: { username: options.user, password: options.password },
        chromiumPath: options.chromiumPath,
      });
      const error = response.searchParams.get('error');
      if (error) fail(`the authorization was refused: ${error}${response.searchParams.get('error_description') ? ` (${response.searchParams.get('error_description')})` : ''}`);
      if (response.searchParams.get('state') !== state) fail('the authorization response carries another state: a client would refuse it');
      const iss = response.searchParams.get('iss');
      if (iss !== issuer) fail(`the authorization response's iss is ${JSON.stringify(iss)}, not the issuer ${issuer} (RFC 9207)`);
      const code = response.searchParams.get('code');
      if (!code) fail('the authorization response has no code');
      Object.assign(context.signIn, { redirectUri: listener.redirectUri, code: code!, verifier });
      return `${steps.join(' → ') || 'no page'} → callback, as ${options.user} through client ${context.signIn.clientId}`;
    } finally {
      await listener.close();
    }
  },
};
