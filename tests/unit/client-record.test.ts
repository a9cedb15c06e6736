import { describe, expect, it } from 'vitest';
import {
  ACTIVE_APP_CLIENT_FILTER,
  AUTHORIZER_CLIENT_ATTRIBUTES,
  MalformedClientRecordError,
  STATUS_ATTRIBUTE_NAMES,
  clientItem,
  clientStatusChange,
  isActiveAppClient,
  isCimdAlias,
  isDynamicClient,
  operatorClientRecord,
  operatorClientUpdate,
  parseAuthorizerClientView,
  parseClientItem,
  statusIs,
  trustOf,
} from '../../lib/client-record.js';

/**
 * The client registry's rows in the shapes deployed stacks have written them (no migration runs,
 * so every one of them must keep parsing), and the rows no reader can use safely.
 */
const dynamicRow = {
  clientId: '1example23456789abcdefghij',
  status: 'active',
  source: 'dcr',
  clientName: 'Claude',
  redirectUris: ['https://claude.ai/api/mcp/auth_callback'],
  applicationType: 'web',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  tokenEndpointAuthMethod: 'none',
  scope: 'https://mcp.example.com/mcp/read',
  clientUri: 'https://claude.ai',
  contacts: ['ops@example.com'],
  registrationTokenHash: 'a'.repeat(64),
  fingerprint: 'f'.repeat(64),
  cognitoCallbackUrl: 'https://mcp.example.com/oauth/callback',
  createdAt: 1_760_000_000,
  lastUsedAt: 1_760_086_400,
};
/** The first DCR rows: no status, source, token hash or callback yet. */
const firstDynamicRow = {
  clientId: '2example23456789abcdefghij',
  clientName: 'MCP client',
  redirectUris: ['http://127.0.0.1:33418/callback'],
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  scope: '',
  createdAt: 1_750_000_000,
};
const cimdRow = {
  clientId: '3example23456789abcdefghij',
  status: 'active',
  source: 'cimd',
  cimdUrl: 'https://app.example.org/oauth/client.json',
  clientName: 'Example app',
  redirectUris: ['https://app.example.org/cb'],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  tokenEndpointAuthMethod: 'none',
  scope: 'https://mcp.example.com/mcp/read',
  registrationTokenHash: '',
  createdAt: 1_760_000_000,
  cognitoCallbackUrl: 'https://mcp.example.com/oauth/callback',
};
const aliasRow = {
  clientId: 'https://app.example.org/oauth/client.json',
  kind: 'cimd',
  aliasOf: '3example23456789abcdefghij',
  status: 'active',
  clientName: 'Example app',
  redirectUris: ['https://app.example.org/cb'],
  grantTypes: ['authorization_code', 'refresh_token'],
  scope: 'https://mcp.example.com/mcp/read',
  documentSha256: 'b'.repeat(64),
  fetchedAt: 1_760_000_000,
  cacheUntil: 1_760_000_300,
  createdAt: 1_760_000_000,
  tokenEndpointAuthMethod: 'private_key_jwt',
  keys: { jwksUri: 'https://app.example.org/jwks.json' },
};
/** What `client register` writes since the facade (redirect URIs and method). */
const operatorRow = {
  clientId: '4example23456789abcdefghij',
  clientName: 'operators-own',
  redirectUris: ['http://localhost:53682/callback'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  source: 'manual',
  status: 'active',
  createdAt: 1_760_000_000,
};
/** A row written by hand (no source, none of DCR's metadata): the clean-up leaves it alone, the authorizer accepts it. */
const handWrittenRow = { clientId: '6example23456789abcdefghij', status: 'active', createdAt: 1_700_000_000 };
/** What `client register` wrote before the facade. */
const firstOperatorRow = { clientId: '5example23456789abcdefghij', clientName: 'operators-own', source: 'manual', status: 'active', createdAt: 1_740_000_000 };

describe('parseClientItem: every kind of row deployed stacks wrote', () => {
  it.each([
    ['a dynamic client', dynamicRow],
    ['a dynamic client from before status, source and token hashes', firstDynamicRow],
    ["a CIMD client's app client row", cimdRow],
    ['a CIMD document alias', aliasRow],
    ["an operator's client", operatorRow],
  ])('reads %s as it is stored (no attribute lost or added but a missing status)', (_label, row) => {
    const record = parseClientItem(row);
    expect(record).toEqual({ status: 'active', ...row });
    // What the writers store is what was read: the builders keep the stored shape.
    expect(clientItem(record)).toEqual({ status: 'active', ...row });
  });

  it('reads an operator row from before the facade with no redirect URIs (and so no sign-in until updated) and no method', () => {
    expect(parseClientItem(firstOperatorRow)).toEqual({ ...firstOperatorRow, redirectUris: [] });
  });

  it('reads a row written by hand with only what it has, checking the type of whatever is there', () => {
    expect(parseClientItem(handWrittenRow)).toEqual(handWrittenRow);
    expect(parseClientItem({ clientId: 'bare' })).toEqual({ clientId: 'bare', status: 'active' });
    expect(parseClientItem({ ...handWrittenRow, grantTypes: ['authorization_code'] })).toEqual({ ...handWrittenRow, grantTypes: ['authorization_code'] });
    expect(() => parseClientItem({ ...handWrittenRow, grantTypes: 'authorization_code' })).toThrow('grantTypes is not a list of strings');
    expect(() => parseClientItem({ ...handWrittenRow, createdAt: 'long ago' })).toThrow('createdAt is not a number');
  });

  it('tells the variants apart by kind and source, and DCR rows with or without source by what DCR always wrote', () => {
    const kinds = [dynamicRow, firstDynamicRow, cimdRow, aliasRow, operatorRow, handWrittenRow].map((row) => {
      const record = parseClientItem(row);
      return [isCimdAlias(record) ? 'alias' : (record.source ?? 'no source'), isDynamicClient(record)];
    });
    expect(kinds).toEqual([['dcr', true], ['no source', true], ['cimd', false], ['alias', false], ['manual', false], ['no source', false]]);
  });

  it.each([
    ['no clientId', without(dynamicRow, 'clientId'), 'clientId is missing'],
    ['a numeric clientId', { ...dynamicRow, clientId: 42 }, 'clientId is not a string'],
    ['an unknown source', { ...dynamicRow, source: 'partner' }, 'source "partner" is not one of dcr, cimd, manual'],
    ['an unknown kind', { ...aliasRow, kind: 'saml' }, 'kind "saml" is not cimd'],
    ['an unknown status', { ...dynamicRow, status: 'suspended' }, 'status "suspended" is not one of active, deleted, revoked'],
    ['a status that is not a string', { ...operatorRow, status: true }, 'status is not a string'],
    ['redirect URIs as one string', { ...dynamicRow, redirectUris: 'https://a.example/cb' }, 'redirectUris is not a list of strings'],
    ['a DCR row (source dcr) without grant types', without(dynamicRow, 'grantTypes'), 'grantTypes is missing'],
    ['a DCR row (source dcr) without scope', without(dynamicRow, 'scope'), 'scope is missing'],
    ['a createdAt stored as a string', { ...dynamicRow, createdAt: '1760000000' }, 'createdAt is not a number'],
    ['a lastUsedAt that is not a number', { ...dynamicRow, lastUsedAt: 'yesterday' }, 'lastUsedAt is not a number'],
    ['an unknown application type', { ...dynamicRow, applicationType: 'desktop' }, 'applicationType is not web or native'],
    ['a CIMD app client row without its URL', without(cimdRow, 'cimdUrl'), 'cimdUrl is missing'],
    ['an alias without the app client it names', without(aliasRow, 'aliasOf'), 'aliasOf is missing'],
    ['an alias with a secret-based method', { ...aliasRow, tokenEndpointAuthMethod: 'client_secret_basic' }, 'tokenEndpointAuthMethod is not none or private_key_jwt'],
    ['an alias whose keys are a string', { ...aliasRow, keys: 'https://app.example.org/jwks.json' }, 'keys is not an object'],
    ['an operator row without a name', without(operatorRow, 'clientName'), 'clientName is missing'],
    ['an operator row with grant types that are not a list', { ...operatorRow, grantTypes: 'authorization_code' }, 'grantTypes is not a list of strings'],
  ])('refuses a row with %s, naming the row and the attribute', (_label, row, reason) => {
    expect(() => parseClientItem(row)).toThrow(MalformedClientRecordError);
    expect(() => parseClientItem(row)).toThrow(reason);
    try {
      parseClientItem(row);
    } catch (error) {
      expect((error as MalformedClientRecordError).clientId).toBe(typeof row.clientId === 'string' ? row.clientId : '(no clientId)');
    }
  });
});

describe("parseAuthorizerClientView: the authorizer's projection of a token's client", () => {
  const projected = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).filter(([key]) => (AUTHORIZER_CLIENT_ATTRIBUTES as readonly string[]).includes(key)));

  it.each([
    ['a dynamic client', dynamicRow, { clientId: dynamicRow.clientId, status: 'active', source: 'dcr', lastUsedAt: dynamicRow.lastUsedAt }, 'dynamic'],
    ['a dynamic client from before sources', firstDynamicRow, { clientId: firstDynamicRow.clientId }, 'dynamic'],
    ['a CIMD client', cimdRow, { clientId: cimdRow.clientId, status: 'active', source: 'cimd', cimdUrl: cimdRow.cimdUrl }, 'dynamic'],
    ["an operator's client", operatorRow, { clientId: operatorRow.clientId, status: 'active', source: 'manual' }, 'operator'],
    ['an operator client from before the facade', firstOperatorRow, { clientId: firstOperatorRow.clientId, status: 'active', source: 'manual' }, 'operator'],
    ['a revoked client', { ...operatorRow, status: 'revoked' }, { clientId: operatorRow.clientId, status: 'revoked', source: 'manual' }, 'operator'],
  ])('reads %s, and the trust it gives', (_label, row, view, trust) => {
    const parsed = parseAuthorizerClientView(projected(row));
    expect(parsed).toEqual(view);
    expect(trustOf(parsed.source)).toBe(trust);
  });

  it.each([
    ['a CIMD alias (a token names an app client, never a URL)', aliasRow, 'a CIMD alias row is not an app client'],
    ['an unknown source (it must not fall back to some trust)', { ...dynamicRow, source: 'Manual' }, 'source "Manual" is not one of'],
    ['an unknown status', { ...dynamicRow, status: 'paused' }, 'status "paused" is not one of'],
    ['a CIMD row without its URL', without(cimdRow, 'cimdUrl'), 'cimdUrl is missing'],
    ['a lastUsedAt that is not a number', { ...dynamicRow, lastUsedAt: '2026-01-01' }, 'lastUsedAt is not a number'],
  ])('refuses %s', (_label, row, reason) => {
    expect(() => parseAuthorizerClientView(projected(row))).toThrow(MalformedClientRecordError);
    expect(() => parseAuthorizerClientView(projected(row))).toThrow(reason);
  });
});

describe("the admin CLI's operator rows (admin/client-commands.ts writes these)", () => {
  const registration = {
    clientId: operatorRow.clientId,
    clientName: 'operators-own',
    redirectUris: ['http://localhost:53682/callback'],
    tokenEndpointAuthMethod: 'client_secret_basic' as const,
  };

  it('a new row parses back to the record it was built from', () => {
    const record = operatorClientRecord(registration, 1_760_000_000);
    expect(parseClientItem(clientItem(record))).toEqual(record);
    expect(clientItem(record)).toEqual(operatorRow);
  });

  it('an update records when it happened, with the fields it refreshes', () => {
    const updated = { ...operatorRow, ...operatorClientUpdate({ ...registration, redirectUris: ['https://app.example.com/cb'] }, 1_760_000_500) };
    expect(parseClientItem(updated)).toEqual({ ...operatorRow, redirectUris: ['https://app.example.com/cb'], updatedAt: 1_760_000_500 });
  });
});

function without(row: Record<string, unknown>, name: string) {
  return Object.fromEntries(Object.entries(row).filter(([key]) => key !== name));
}

describe('clientStatusChange: the one write of a row status change (admin revoke/undo client, the deletion mark)', () => {
  it('sets the status only on an existing row that has `from`, an absent status counting as active', () => {
    expect(clientStatusChange({ from: 'active', to: 'revoked' })).toEqual({
      UpdateExpression: 'SET #status = :to',
      ConditionExpression: 'attribute_exists(clientId) AND (attribute_not_exists(#status) OR #status = :from)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from': 'active', ':to': 'revoked' },
    });
    expect(clientStatusChange({ from: 'revoked', to: 'active' })).toEqual({
      UpdateExpression: 'SET #status = :to',
      ConditionExpression: 'attribute_exists(clientId) AND #status = :from',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from': 'revoked', ':to': 'active' },
    });
  });

  it('sets and removes other attributes in the same write, leaving out a set value that is absent', () => {
    expect(clientStatusChange({ from: 'active', to: 'deleted', set: { deletedAt: 1_700_000_000, updatedAt: undefined }, remove: ['fingerprint'] })).toEqual({
      UpdateExpression: 'SET #status = :to, #deletedAt = :deletedAt REMOVE #fingerprint',
      ConditionExpression: 'attribute_exists(clientId) AND (attribute_not_exists(#status) OR #status = :from)',
      ExpressionAttributeNames: { '#status': 'status', '#deletedAt': 'deletedAt', '#fingerprint': 'fingerprint' },
      ExpressionAttributeValues: { ':from': 'active', ':to': 'deleted', ':deletedAt': 1_700_000_000 },
    });
  });

  it('states the status condition the registry filters by with the same rule', () => {
    expect(statusIs('active', ':active')).toBe('(attribute_not_exists(#status) OR #status = :active)');
    expect(statusIs('revoked', ':s')).toBe('#status = :s');
    expect(STATUS_ATTRIBUTE_NAMES).toEqual({ '#status': 'status' });
  });
});

describe('isActiveAppClient: what the cap on registrations and the DynamicClientCount metric count', () => {
  const row = (item: Record<string, unknown>) => parseClientItem(item);
  it('counts every active app client row, whoever registered it, and no CIMD alias', () => {
    const counted = (item: Record<string, unknown>) => isActiveAppClient(row(item));
    expect(counted(dynamicRow)).toBe(true);
    expect(counted({ ...dynamicRow, status: undefined })).toBe(true);
    expect(counted({ ...dynamicRow, status: 'revoked' })).toBe(false);
    expect(counted({ ...dynamicRow, status: 'deleted' })).toBe(false);
    expect(counted({ clientId: 'operator1', status: 'active', source: 'manual', clientName: 'ops', createdAt: 1 })).toBe(true);
    expect(counted({ clientId: 'hand1', status: 'active' })).toBe(true);
    expect(counted({ ...dynamicRow, source: 'cimd', cimdUrl: 'https://app.example.com/client.json' })).toBe(true);
    expect(
      counted({
        clientId: 'https://app.example.com/client.json', kind: 'cimd', aliasOf: 'app1', status: 'active', clientName: 'App', redirectUris: [],
        grantTypes: ['authorization_code'], scope: '', documentSha256: 'x', fetchedAt: 1, cacheUntil: 2, createdAt: 1,
      }),
    ).toBe(false);
  });

  it('filters DynamoDB by the same rule', () => {
    expect(ACTIVE_APP_CLIENT_FILTER).toEqual({
      FilterExpression: '(attribute_not_exists(#status) OR #status = :active) AND attribute_not_exists(kind)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'active' },
    });
  });
});
