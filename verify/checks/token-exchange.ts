import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { describeRefusal, jsonObject, request } from '../http.js';

/** The code redeemed as a public client: PKCE verifier and RFC 8707 resource. */
export const tokenExchangeCheck: Check<VerifyContext> = {
  id: 'token',
  title: 'Token exchange at token_endpoint with the PKCE verifier and resource',
  needs: ['sign-in'],
  async run(context) {
    const signIn = context.signIn!;
    const response = await request(context.authorizationServer!.metadata.token_endpoint as string, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: signIn.code!,
        redirect_uri: signIn.redirectUri!,
        code_verifier: signIn.verifier!,
        client_id: signIn.clientId,
        resource: context.target.mcpUrl,
      }),
    });
    if (response.status !== 200) fail(`the token endpoint answered ${await describeRefusal(response)}`);
    const tokens = await jsonObject(response, 'the token response');
    if (typeof tokens.access_token !== 'string' || !tokens.access_token) fail('the token response has no access_token');
    if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer') fail(`token_type is ${JSON.stringify(tokens.token_type)}, not Bearer`);
    signIn.accessToken = tokens.access_token as string;
    return `${typeof tokens.scope === 'string' ? `scope ${tokens.scope}, ` : ''}expires in ${tokens.expires_in ?? '?'} s${tokens.refresh_token ? ', with a refresh token' : ''}`;
  },
};
