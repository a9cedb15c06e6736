import type { AuthorizerClientView } from '../lib/client-record.js';
import type { RevocationRecord } from '../lib/revocations.js';

/**
 * What a decision reads from DynamoDB, behind a small port so that the decision logic is pure and
 * the benchmark can answer from memory. dynamodb-store.ts is the real adapter.
 */

/** Refresh a client's `lastUsedAt` when it is older than this (the DCR clean-up works in days). */
export const CLIENT_TOUCH_INTERVAL_SECONDS = 24 * 60 * 60;

/** An API key's row (ApiKeysTable), keyed by the SHA-256 of the key. Never the key itself. */
export interface ApiKeyRecord {
  keyHash: string;
  keyId: string;
  owner: string;
  scopes: string[];
  /** Epoch seconds; the key is refused from then on (also the table's TTL attribute). */
  expiresAt: number;
  /** Absent or 'active': valid. 'revoked': refused. */
  status?: string;
  createdAt: number;
}

export interface TokenRecords {
  /** The revocation rows that exist among those asked for (expired ones included: the caller compares). */
  revocations: RevocationRecord[];
  /** The token's client as lib/client-record.ts reads it (a row it refuses is a denial). */
  client: AuthorizerClientView | undefined;
}

export interface AuthorizationStore {
  /** Every row a token's decision depends on, in one round trip. */
  tokenRecords(revocationKeys: string[], clientId: string): Promise<TokenRecords>;
  /** An API key's row, in one round trip. */
  apiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Records that the client was used; resolves once DynamoDB has answered, rejects on failure or
   * past its own time bound. Callers await it before answering and never let it change a decision.
   */
  touchClient(clientId: string, nowSeconds: number): Promise<void>;
}
