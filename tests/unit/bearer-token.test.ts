import { describe, expect, it } from 'vitest';
import { MAX_AUTHORIZATION_HEADER_LENGTH, extractBearerToken } from '../../authorizer/bearer-token.js';

const JWT =
  'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ1c2VyLTEiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLWJ5dGVz';

const bearer = (value: string) => extractBearerToken({ Authorization: value });

describe('extractBearerToken', () => {
  it('returns the token of a well-formed Bearer header', () => {
    expect(bearer(`Bearer ${JWT}`)).toBe(JWT);
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the scheme written as %s', (scheme) => {
    expect(bearer(`${scheme} ${JWT}`)).toBe(JWT);
  });

  it.each(['Authorization', 'authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn'])(
    'finds the header whatever the case of its name (%s)',
    (name) => {
      expect(extractBearerToken({ [name]: `Bearer ${JWT}` })).toBe(JWT);
    },
  );

  it('finds the header among others', () => {
    expect(
      extractBearerToken({ Host: 'api.example.com', 'Content-Type': 'application/json', authorization: `Bearer ${JWT}` }),
    ).toBe(JWT);
  });

  describe('missing header', () => {
    it.each([
      ['null headers', null],
      ['undefined headers', undefined],
      ['no headers at all', {}],
      ['only other headers', { 'X-Authorization': `Bearer ${JWT}`, Cookie: `token=${JWT}` }],
      ['an undefined value', { Authorization: undefined }],
      ['an empty value', { Authorization: '' }],
    ])('returns undefined for %s', (_label, headers) => {
      expect(extractBearerToken(headers)).toBeUndefined();
    });
  });

  describe('other schemes and malformed headers', () => {
    it.each([
      ['Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['Digest scheme', 'Digest username="u", realm="r"'],
      ['DPoP scheme', `DPoP ${JWT}`],
      ['a scheme that only starts with Bearer', `Bearerx ${JWT}`],
      ['a token without a scheme', JWT],
      ['the scheme alone', 'Bearer'],
      ['the scheme and a space but no token', 'Bearer '],
      ['two spaces between scheme and token', `Bearer  ${JWT}`],
      ['a tab instead of the space', `Bearer\t${JWT}`],
      ['a leading space', ` Bearer ${JWT}`],
      ['a trailing space', `Bearer ${JWT} `],
      ['no separator at all', `Bearer${JWT}`],
      ['an extra auth-param after a comma', `Bearer ${JWT}, realm="api"`],
      ['an extra auth-param after a space', `Bearer ${JWT} realm=api`],
      ['a comma-joined second token', `Bearer ${JWT},${JWT}`],
      ['two Bearer credentials', `Bearer ${JWT} Bearer ${JWT}`],
      ['a quoted token', `Bearer "${JWT}"`],
    ])('returns undefined for %s', (_label, value) => {
      expect(bearer(value)).toBeUndefined();
    });
  });

  describe('length limit', () => {
    it('is 8192 characters', () => {
      expect(MAX_AUTHORIZATION_HEADER_LENGTH).toBe(8192);
    });

    it('accepts a header of exactly the maximum length', () => {
      const token = 'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH - 'Bearer '.length);
      expect(bearer(`Bearer ${token}`)).toBe(token);
    });

    it('refuses a header one character longer than the maximum', () => {
      const token = 'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH - 'Bearer '.length + 1);
      expect(bearer(`Bearer ${token}`)).toBeUndefined();
    });

    it('refuses a much larger header', () => {
      expect(bearer(`Bearer ${'a'.repeat(100_000)}`)).toBeUndefined();
    });
  });

  describe('control characters and unicode', () => {
    it.each([
      ['NUL', 'abc\u0000def'],
      ['LF inside', 'abc\ndef'],
      ['trailing LF', 'abc\n'],
      ['trailing CRLF', 'abc\r\n'],
      ['CR', 'abc\rdef'],
      ['TAB inside', 'abc\tdef'],
      ['DEL', 'abc\u007fdef'],
      ['ESC', '\u001b[31mabc'],
      ['non-breaking space', 'abc\u00a0def'],
      ['fullwidth letters', '\uff41\uff42\uff43'],
      ['accented letters', 't\u00f6k\u00e9n'],
      ['an emoji', 'abc\u{1f600}'],
      ['a zero-width space', 'abc\u200bdef'],
      ['a line separator', 'abc\u2028def'],
    ])('refuses a token containing %s', (_label, token) => {
      expect(bearer(`Bearer ${token}`)).toBeUndefined();
    });
  });

  describe('b64token charset (RFC 6750 §2.1)', () => {
    it('accepts every character of the b64token alphabet', () => {
      const token = 'ABCXYZabcxyz0189-._~+/';
      expect(bearer(`Bearer ${token}`)).toBe(token);
    });

    it.each(['"', ',', ';', ':', '%', '!', '@', '#', '$', '&', "'", '(', ')', '*', '<', '>', '?', '[', ']', '\\', '^', '`', '{', '|', '}'])(
      'refuses a token containing %s',
      (character) => {
        expect(bearer(`Bearer abc${character}def`)).toBeUndefined();
      },
    );
  });

  describe('trailing = padding', () => {
    it.each(['abc=', 'abc==', 'abc===', 'a.b.c='])('accepts %s', (token) => {
      expect(bearer(`Bearer ${token}`)).toBe(token);
    });

    it.each(['ab=c', '=abc', '=', '==', 'abc=.def', 'a=b=c='])('refuses %s (= only allowed at the end, after at least one character)', (token) => {
      expect(bearer(`Bearer ${token}`)).toBeUndefined();
    });
  });
});
