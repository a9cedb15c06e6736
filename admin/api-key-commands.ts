import { randomBytes } from 'node:crypto';
import { PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../authorizer/authorization-store.js';
import { apiKeyHash, generateApiKey } from '../lib/api-keys.js';
import { parseDuration } from './durations.js';
import { type Output, iso } from './revocation-commands.js';
import type { AdminTarget } from './target.js';

const SHORT_SCOPES = new Set(['read', 'write', 'admin']);
const OWNER = /^[A-Za-z0-9._@:+-]{1,128}$/;

/** Scope names as tokens carry them: `{MCP URL}/read`. Short names need the MCP URL. */
function fullScopes(scopes: string, resourceUrl: string | undefined): string[] {
  const names = scopes.split(/[\s,]+/).filter((scope) => scope.length > 0);
  if (names.length === 0) throw new Error('--scopes must name at least one scope (read, write, admin)');
  return names.map((scope) => {
    if (!SHORT_SCOPES.has(scope)) {
      if (resourceUrl && SHORT_SCOPES.has(scope.slice(resourceUrl.length + 1)) && scope.startsWith(`${resourceUrl}/`)) return scope;
      throw new Error(`Unknown scope "${scope}": use read, write or admin`);
    }
    if (!resourceUrl) throw new Error('Short scope names need the MCP URL: --resource-url <url> or MCP_RESOURCE_URL');
    return `${resourceUrl}/${scope}`;
  });
}

export interface CreateKeyFlags {
  owner?: string | undefined;
  scopes?: string | undefined;
  expiresIn?: string | undefined;
}

export async function createApiKey(target: AdminTarget, flags: CreateKeyFlags, out: Output): Promise<string> {
  if (!flags.owner || !OWNER.test(flags.owner)) throw new Error('api-key create needs --owner <name> (letters, digits, . _ @ : + -)');
  const scopes = fullScopes(flags.scopes ?? 'read', target.resourceUrl);
  const lifetime = parseDuration(flags.expiresIn ?? '90d', '--expires-in');
  if (lifetime > 366 * 86_400) throw new Error('--expires-in must be at most 366d: rotate keys at least yearly');
  const key = generateApiKey();
  const now = Math.floor(Date.now() / 1000);
  const record: ApiKeyRecord = {
    keyHash: apiKeyHash(key),
    keyId: `key_${randomBytes(6).toString('hex')}`,
    owner: flags.owner,
    scopes,
    createdAt: now,
    expiresAt: now + lifetime,
    status: 'active',
  };
  await target.documents.send(new PutCommand({ TableName: target.tables.apiKeys, Item: record, ConditionExpression: 'attribute_not_exists(keyHash)' }));
  out(`Created API key ${record.keyId} for ${record.owner}, scopes ${scopes.join(' ')}, expires ${iso(record.expiresAt)}`);
  out('The key is shown once; store it now (only its hash is kept):');
  out(key);
  return key;
}

async function allKeys(target: AdminTarget): Promise<ApiKeyRecord[]> {
  const keys: ApiKeyRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await target.documents.send(new ScanCommand({ TableName: target.tables.apiKeys, ExclusiveStartKey: startKey }));
    keys.push(...((page.Items ?? []) as ApiKeyRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys.sort((a, b) => b.createdAt - a.createdAt);
}

export async function listApiKeys(target: AdminTarget, out: Output): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const keys = await allKeys(target);
  if (keys.length === 0) return out('No API keys.');
  out(['key id', 'owner', 'state', 'scopes', 'created', 'expires'].join('\t'));
  for (const key of keys) {
    const state = key.status === 'revoked' ? 'revoked' : key.expiresAt <= now ? 'expired' : 'active';
    out([key.keyId, key.owner, state, key.scopes.join(' '), iso(key.createdAt), iso(key.expiresAt)].join('\t'));
  }
}

export async function revokeApiKey(target: AdminTarget, keyId: string | undefined, out: Output): Promise<void> {
  if (!keyId) throw new Error('Usage: api-key revoke <key id>');
  const key = (await allKeys(target)).find((candidate) => candidate.keyId === keyId);
  if (!key) throw new Error(`No API key ${keyId}`);
  // Kept (until it expires) rather than deleted: the list shows what was revoked, and when.
  await target.documents.send(
    new UpdateCommand({
      TableName: target.tables.apiKeys,
      Key: { keyHash: key.keyHash },
      UpdateExpression: 'SET #status = :revoked, revokedAt = :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':now': Math.floor(Date.now() / 1000) },
    }),
  );
  out(`Revoked API key ${keyId} of ${key.owner}`);
}
