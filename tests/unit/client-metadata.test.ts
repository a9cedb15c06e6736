import { describe, expect, it } from 'vitest';
import { type MetadataPolicy, RegistrationError, parseClientMetadata } from '../../dcr/client-metadata.js';

const REDIRECT = 'http://localhost:33418/callback';
const minimal = { redirect_uris: [REDIRECT] };

function registrationErrorOf(body: unknown, policy?: MetadataPolicy): RegistrationError {
  try {
    parseClientMetadata(body, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistrationError);
    return error as RegistrationError;
  }
  throw new Error('expected a RegistrationError, nothing was thrown');
}

describe('RegistrationError', () => {
  it('carries the code and description', () => {
    const error = new RegistrationError('invalid_redirect_uri', 'redirect_uris.0 is bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RegistrationError');
    expect(error.code).toBe('invalid_redirect_uri');
    expect(error.description).toBe('redirect_uris.0 is bad');
    expect(error.message).toBe('redirect_uris.0 is bad');
  });
});

describe('parseClientMetadata', () => {
  it('applies the defaults of a public PKCE client', () => {
    expect(parseClientMetadata(minimal)).toEqual({
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
  });

  it('keeps every supported field', () => {
    const body = {
      redirect_uris: [REDIRECT, 'https://app.example.com/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      client_name: 'Claude Code',
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
      scope: 'read write',
      contacts: ['ops@example.com'],
      software_id: 'claude-code',
      software_version: '1.2.3',
    };
    expect(parseClientMetadata(body)).toEqual(body);
  });

  it('trims the client name', () => {
    expect(parseClientMetadata({ ...minimal, client_name: '  My Client  ' }).client_name).toBe('My Client');
  });

  it('ignores unknown fields and does not return them', () => {
    const result = parseClientMetadata({ ...minimal, jwks_uri: 'https://x.example/jwks', software_statement: 'eyJ', extra: { a: 1 } });
    expect(result).not.toHaveProperty('jwks_uri');
    expect(result).not.toHaveProperty('software_statement');
    expect(result).not.toHaveProperty('extra');
    expect(result.redirect_uris).toEqual([REDIRECT]);
  });

  it.each([
    ['null', null],
    ['an array', [minimal]],
    ['a string', JSON.stringify(minimal)],
    ['a number', 1],
    ['undefined', undefined],
    ['a boolean', true],
  ])('refuses %s as body', (_label, body) => {
    const error = registrationErrorOf(body);
    expect(error.code).toBe('invalid_client_metadata');
    expect(error.description).toBe('The request body must be a JSON object');
  });

  describe('redirect URI problems are invalid_redirect_uri', () => {
    it.each([
      ['missing', {}],
      ['not an array', { redirect_uris: REDIRECT }],
      ['empty', { redirect_uris: [] }],
      ['containing a non-string', { redirect_uris: [42] }],
      ['more than 10', { redirect_uris: Array.from({ length: 11 }, (_, i) => `http://localhost:${1000 + i}/cb`) }],
    ])('redirect_uris %s', (_label, body) => {
      const error = registrationErrorOf(body);
      expect(error.code).toBe('invalid_redirect_uri');
      expect(error.description).toMatch(/^redirect_uris/);
    });

    it('says at least one is required when the list is empty', () => {
      expect(registrationErrorOf({ redirect_uris: [] }).description).toBe(
        'redirect_uris: at least one redirect URI is required',
      );
    });

    it('accepts exactly 10', () => {
      const uris = Array.from({ length: 10 }, (_, i) => `http://localhost:${1000 + i}/cb`);
      expect(parseClientMetadata({ redirect_uris: uris }).redirect_uris).toEqual(uris);
    });

    it.each([
      ['javascript:alert(1)', 'redirect_uris.0 uses the forbidden scheme javascript:'],
      ['http://example.com/cb', 'redirect_uris.0 uses http on a host that is not loopback (use https)'],
      ['https://app.example.com/cb#x', 'redirect_uris.0 contains a fragment'],
    ])('names the index and reason for %s', (uri, description) => {
      const error = registrationErrorOf({ redirect_uris: [uri] });
      expect(error.code).toBe('invalid_redirect_uri');
      expect(error.description).toBe(description);
    });

    it('stores redirect URIs exactly as sent and compares them in the form browsers read', () => {
      const uris = ['http://localhost:8080', 'https://claude.ai/cb', 'cursor://anysphere.cursor-mcp/oauth/callback'];
      expect(parseClientMetadata({ redirect_uris: uris }).redirect_uris).toEqual(uris);
      const error = registrationErrorOf({ redirect_uris: ['http://localhost:8080', 'http://localhost:8080/'] });
      expect(error).toMatchObject({ code: 'invalid_redirect_uri', description: 'redirect_uris: lists the same URI twice' });
    });

    it('refuses the allowed host hidden behind a backslash when the operator allows only claude.ai', () => {
      const error = registrationErrorOf({ redirect_uris: ['https://claude.ai\\@evil.com/cb'] }, { httpsHosts: ['claude.ai'] });
      expect(error).toMatchObject({ code: 'invalid_redirect_uri', description: 'redirect_uris.0 contains a backslash' });
    });

    it('names the index of the first bad URI', () => {
      const error = registrationErrorOf({ redirect_uris: [REDIRECT, 'https://ok.example/cb', 'myapp:/cb'] });
      expect(error.code).toBe('invalid_redirect_uri');
      expect(error.description).toMatch(/^redirect_uris\.2 /);
    });
  });

  describe('other problems are invalid_client_metadata naming the field', () => {
    it.each([
      ['token_endpoint_auth_method', { token_endpoint_auth_method: 'private_key_jwt' }, 'must be one of none, client_secret_basic, client_secret_post'],
      ['grant_types', { grant_types: ['implicit'] }, 'must include authorization_code'],
      ['grant_types', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }, 'must include authorization_code'],
      ['grant_types', { grant_types: ['authorization_code', 'client_credentials'] }, 'client_credentials is not enabled'],
      ['grant_types', { grant_types: 'authorization_code' }, ''],
      ['response_types', { response_types: ['token'] }, 'must include "code"'],
      ['response_types', { response_types: Array.from({ length: 17 }, () => 'code') }, 'too many'],
      ['token_endpoint_auth_method', { token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'] }, 'must be one of'],
      ['client_name', { client_name: 'Notes \u202Eevil' }, 'invisible formatting characters'],
      ['client_name', { client_name: 'Notes\u200Bapp' }, 'invisible formatting characters'],
      ['client_name', { client_name: 'Notes\u2067app\u2069' }, 'invisible formatting characters'],
      ['client_name', { client_name: 'No\uFEFFtes' }, 'invisible formatting characters'],
      ['software_id', { software_id: 'com.example\u202Dx' }, 'invisible formatting characters'],
      ['response_types', { response_types: [] }, ''],
      ['grant_types', { grant_types: [] }, ''],
      ['client_name', { client_name: 'x'.repeat(129) }, ''],
      ['client_name', { client_name: '   ' }, ''],
      ['client_name', { client_name: 7 }, ''],
      ['logo_uri', { logo_uri: 'http://app.example.com/logo.png' }, 'must be an https URL'],
      ['logo_uri', { logo_uri: 'javascript:alert(1)' }, 'must be an https URL'],
      ['logo_uri', { logo_uri: 'data:image/png;base64,AAAA' }, 'must be an https URL'],
      ['logo_uri', { logo_uri: `https://app.example.com/${'a'.repeat(1100)}` }, ''],
      ['client_uri', { client_uri: 'ftp://app.example.com' }, 'must be an https URL'],
      ['scope', { scope: 'r'.repeat(1025) }, ''],
      ['scope', { scope: ['read'] }, ''],
      ['contacts', { contacts: ['a', 'b', 'c', 'd', 'e', 'f'] }, ''],
      ['contacts.0', { contacts: ['x'.repeat(257)] }, ''],
      ['software_id', { software_id: 's'.repeat(257) }, ''],
      ['software_version', { software_version: 'v'.repeat(65) }, ''],
    ])('%s', (field, change, reason) => {
      const error = registrationErrorOf({ ...minimal, ...change });
      expect(error.code).toBe('invalid_client_metadata');
      expect(error.description.startsWith(`${field}: `)).toBe(true);
      expect(error.description).toContain(reason);
    });

    it('requires authorization_code among the grant types', () => {
      const error = registrationErrorOf({ ...minimal, grant_types: ['refresh_token'] });
      expect(error.code).toBe('invalid_client_metadata');
      expect(error.description).toBe('grant_types: must include authorization_code');
    });

    it('refuses an empty grant_types list', () => {
      expect(registrationErrorOf({ ...minimal, grant_types: [] }).description).toMatch(/^grant_types: /);
    });

    it('reads grant and response types as a menu: values this server does not serve are dropped, not refused', () => {
      // VS Code's registration lists the device code grant beside the code grant.
      const vscode = parseClientMetadata({ ...minimal, grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'] });
      expect(vscode.grant_types).toEqual(['authorization_code', 'refresh_token']);
      expect(parseClientMetadata({ ...minimal, grant_types: ['authorization_code', 'password', 'implicit'] }).grant_types).toEqual(['authorization_code']);
      expect(parseClientMetadata({ ...minimal, response_types: ['code', 'code id_token', 'token'] }).response_types).toEqual(['code']);
      expect(parseClientMetadata({ ...minimal, response_types: ['code', 'code'] }).response_types).toEqual(['code']);
    });

    it('picks the authentication method from the singular and the plural field: none when offered', () => {
      const pick = (fields: Record<string, unknown>) => parseClientMetadata({ ...minimal, ...fields }).token_endpoint_auth_method;
      expect(pick({})).toBe('none');
      expect(pick({ token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'] })).toBe('none');
      expect(pick({ token_endpoint_auth_method: 'client_secret_basic', token_endpoint_auth_methods_supported: ['none'] })).toBe('none');
      expect(pick({ token_endpoint_auth_method: 'client_secret_post' })).toBe('client_secret_post');
      expect(pick({ token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'] })).toBe('client_secret_basic');
    });

    it('accepts names in any script, emoji included, but no formatting character', () => {
      expect(parseClientMetadata({ ...minimal, client_name: 'ملاحظات Notes 📝' }).client_name).toBe('ملاحظات Notes 📝');
    });

    it('accepts a client name of exactly 128 characters', () => {
      expect(parseClientMetadata({ ...minimal, client_name: 'n'.repeat(128) }).client_name).toHaveLength(128);
    });
  });
});
