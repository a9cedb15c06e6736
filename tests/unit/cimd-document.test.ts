import { describe, expect, it } from 'vitest';
import { checkClientIdUrl } from '../../dcr/cimd/client-id-url.js';
import { CimdDocumentError, parseCimdDocument } from '../../dcr/cimd/document.js';
import { parseClientMetadata } from '../../dcr/client-metadata.js';
import { publishedDocument } from '../support/client-metadata.js';

/** Metadata documents read as a menu (dcr/cimd/document.ts), on the shapes clients publish. */
const keysUrl = (url: string) => {
  const check = checkClientIdUrl(url, { allowedHosts: [], deniedHosts: [] });
  return check.ok ? undefined : check.reason;
};
const parse = (document: Record<string, unknown>) =>
  parseCimdDocument(Buffer.from(JSON.stringify(document)), String(document.client_id), {}, keysUrl);
const refusal = (document: Record<string, unknown>) => {
  try {
    parse(document);
  } catch (error) {
    expect(error).toBeInstanceOf(CimdDocumentError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
};
const RSA_N = 'x'.repeat(342);
const doc = (fields: Record<string, unknown>) => ({
  client_id: 'https://app.example.com/client.json', client_name: 'App', redirect_uris: ['https://app.example.com/cb'], ...fields,
});

describe('the published documents of the clients people use', () => {
  it("ChatGPT's (private_key_jwt preferred, none offered, RS256 jwks_uri): none is picked, the keys are kept for assertions", () => {
    const { metadata, authentication } = parse(publishedDocument('chatgpt'));
    expect(authentication).toEqual({ method: 'none', keys: { jwksUri: 'https://chatgpt.com/oauth/jwks.json' } });
    expect(metadata).toMatchObject({ client_name: 'ChatGPT', redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'], token_endpoint_auth_method: 'none' });
  });

  it("VS Code's (a device code grant among grant_types): accepted, the grant it cannot use here dropped", () => {
    const { metadata, authentication } = parse(publishedDocument('vscode'));
    expect(authentication).toEqual({ method: 'none' });
    expect(metadata.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata.redirect_uris).toEqual(['http://127.0.0.1:33418/', 'https://vscode.dev/redirect']);
  });

  it.each(['claude', 'codex'] as const)("%s's (public, none): accepted as it is", (name) => {
    const { metadata, authentication } = parse(publishedDocument(name));
    expect(authentication).toEqual({ method: 'none' });
    expect(metadata.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it("VS Code's DCR registration (the same device code grant) registers, narrowed to the grants served", () => {
    expect(parseClientMetadata(publishedDocument('vscode-registration')).grant_types).toEqual(['authorization_code', 'refresh_token']);
  });
});

describe('negotiation', () => {
  it('a document offering only private_key_jwt must authenticate that way, with the keys it publishes', () => {
    expect(parse(doc({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/jwks.json' })).authentication).toEqual({
      method: 'private_key_jwt', keys: { jwksUri: 'https://app.example.com/jwks.json' },
    });
    const inline = { keys: [{ kty: 'RSA', kid: 'k1', n: RSA_N, e: 'AQAB', use: 'sig', alg: 'RS256' }] };
    expect(parse(doc({ token_endpoint_auth_methods_supported: ['private_key_jwt'], jwks: inline })).authentication).toEqual({
      method: 'private_key_jwt', keys: { jwks: inline },
    });
  });

  it('a document offering both keeps working as a public client when its keys are unusable', () => {
    expect(parse(doc({ token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'] })).authentication).toEqual({ method: 'none' });
  });

  it('extra response types are dropped; "code" must be there', () => {
    expect(parse(doc({ response_types: ['code', 'code id_token'] })).metadata.response_types).toEqual(['code']);
    expect(refusal(doc({ response_types: ['token'] }))).toMatch(/response_types: must include "code"/);
  });

  it.each([
    ['only a secret method', { token_endpoint_auth_method: 'client_secret_basic' }, /offers only client_secret_basic; a metadata document has no secret/],
    ['only private_key_jwt, no keys', { token_endpoint_auth_method: 'private_key_jwt' }, /publishes no keys/],
    ['private_key_jwt with both jwks and jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/j.json', jwks: { keys: [] } }, /both jwks_uri and jwks/],
    ['private_key_jwt with a jwks_uri over http', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example.com/j.json' }, /jwks_uri must be an https URL/],
    ['private_key_jwt with a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'RSA', n: RSA_N, e: 'AQAB', d: 'secret' }] } }, /private key material/],
    ['private_key_jwt with an HMAC key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /private key material/],
    ['no authorization code grant', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] }, /must include authorization_code/],
    ['client_credentials only', { grant_types: ['client_credentials'] }, /must include authorization_code/],
    ['a right-to-left override in its name', { client_name: 'App \u202Eevil' }, /client_name: must not contain invisible formatting characters/],
    ['a zero-width space in its name', { client_name: 'Ap\u200Bp' }, /invisible formatting characters/],
  ])('refuses a document with %s, saying why', (_name, fields, reason) => {
    expect(refusal(doc(fields))).toMatch(reason);
  });
});
