import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, baseUrl, parseConfig, wordList } from '../../lib/config.js';

function configurationErrorOf(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError, nothing was thrown');
}

describe('parseConfig', () => {
  const schema = z.object({ TABLE_NAME: z.string().min(1), MAX_ITEMS: z.coerce.number().int().positive() });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('returns the parsed (and coerced) values', () => {
    expect(parseConfig(schema, { TABLE_NAME: 'clients', MAX_ITEMS: '10', OTHER: 'ignored' })).toEqual({
      TABLE_NAME: 'clients',
      MAX_ITEMS: 10,
    });
  });

  it('names the missing variable', () => {
    const error = configurationErrorOf(() => parseConfig(schema, { MAX_ITEMS: '10' }));
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toMatch(/^Invalid configuration: TABLE_NAME: /);
    expect(error.message).not.toContain('MAX_ITEMS');
  });

  it('names every malformed variable', () => {
    const error = configurationErrorOf(() => parseConfig(schema, { TABLE_NAME: '', MAX_ITEMS: 'many' }));
    expect(error.message).toContain('TABLE_NAME: ');
    expect(error.message).toContain('MAX_ITEMS: ');
    expect(error.message).toContain('; ');
  });

  it('uses the custom message of the schema', () => {
    const error = configurationErrorOf(() =>
      parseConfig(z.object({ STAGE: z.string().regex(/^[a-z]+$/, 'must be lower-case letters') }), { STAGE: 'Prod' }),
    );
    expect(error.message).toBe('Invalid configuration: STAGE: must be lower-case letters');
  });

  it('says "(environment)" for a problem that is not about one variable', () => {
    const refined = z.object({ A: z.string().optional() }).refine((env) => env.A !== undefined, 'A or B is required');
    expect(() => parseConfig(refined, {})).toThrow('Invalid configuration: (environment): A or B is required');
  });

  it('parses an object field by field exactly as the whole object would: values, defaults, transforms, messages', () => {
    // parseConfig skips the object's own (compiled) parser; what it returns or reports must not change.
    const rich = z.object({
      BASE: baseUrl,
      LIMIT: z.coerce.number().int().min(1).max(3600).default(60),
      NAME: z.string().min(1).default('notes'),
      SCOPES: wordList.pipe(z.array(z.enum(['read', 'write']))).default(['read']),
      SECRET: z.string().min(1),
      MAYBE: z.string().optional(),
    });
    const viaObject = (env: Record<string, string | undefined>) => {
      const result = rich.safeParse(env);
      if (result.success) return result.data;
      return `Invalid configuration: ${result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`).join('; ')}`;
    };
    const viaParseConfig = (env: Record<string, string | undefined>) => {
      try {
        return parseConfig(rich, env);
      } catch (error) {
        return (error as ConfigurationError).message;
      }
    };
    const environments: Array<Record<string, string | undefined>> = [
      { BASE: 'https://a.example.com/', SECRET: 's', OTHER: 'x' },
      { BASE: 'https://a.example.com', LIMIT: '10', NAME: 'n', SCOPES: 'write, read', SECRET: 's', MAYBE: 'm' },
      {},
      { BASE: 'ftp://a.example.com', LIMIT: '0', NAME: '', SCOPES: 'read admin', SECRET: '' },
      { BASE: 'https://a.example.com', LIMIT: 'ten', SECRET: 's', SCOPES: 'admin' },
    ];
    for (const env of environments) expect(viaParseConfig(env)).toEqual(viaObject(env));
    expect(Object.keys(parseConfig(rich, environments[0]!))).toEqual(Object.keys(rich.parse(environments[0]!)));
    // A strict object keeps its own parse: an unknown key is still refused.
    expect(() => parseConfig(z.object({ A: z.string() }).strict(), { A: 'a', B: 'b' })).toThrow(/Invalid configuration/);
  });

  it('reads process.env by default', () => {
    vi.stubEnv('UNIT_TEST_PARSE_CONFIG_VALUE', 'from-process-env');
    expect(parseConfig(z.object({ UNIT_TEST_PARSE_CONFIG_VALUE: z.string() }))).toEqual({
      UNIT_TEST_PARSE_CONFIG_VALUE: 'from-process-env',
    });
  });
});

describe('baseUrl', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com///', 'https://api.example.com'],
    ['https://abc.execute-api.eu-west-1.amazonaws.com/prod/', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod'],
    ['https://api.example.com/a/b//', 'https://api.example.com/a/b'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
  ])('turns %s into %s', (input, expected) => {
    expect(baseUrl.parse(input)).toBe(expected);
  });

  it.each([
    'ftp://files.example.com',
    'ws://localhost:3000',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'mailto:ops@example.com',
    'localhost:3000',
    'api.example.com',
    '/prod',
    'not a url',
    '',
  ])('refuses %j', (input) => {
    expect(baseUrl.safeParse(input).success).toBe(false);
  });

  it('names the variable when used in a config schema', () => {
    expect(() => parseConfig(z.object({ PUBLIC_BASE_URL: baseUrl }), { PUBLIC_BASE_URL: 'ftp://x.example' })).toThrow(
      /PUBLIC_BASE_URL: /,
    );
  });
});

describe('wordList', () => {
  it.each([
    ['read write', ['read', 'write']],
    ['read,write', ['read', 'write']],
    ['read, write ,admin', ['read', 'write', 'admin']],
    ['  read   write  ', ['read', 'write']],
    [',read,,write,', ['read', 'write']],
    ['read\twrite\nadmin', ['read', 'write', 'admin']],
    ['read', ['read']],
    ['', []],
    [' , ,, ', []],
  ])('splits %j into %j', (input, expected) => {
    expect(wordList.parse(input)).toEqual(expected);
  });

  it('keeps duplicates and order (deduplication is the caller’s job)', () => {
    expect(wordList.parse('write read write')).toEqual(['write', 'read', 'write']);
  });
});
