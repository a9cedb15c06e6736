import type { RegisteredBy } from '../../lib/client-record.js';
import type { ClientAuthMethod } from '../../dcr/client-metadata.js';

/** A client as /authorize needs it, whatever registered it (DCR, CIMD, the operator). */
export interface AuthorizeClient {
  /** The client_id as the client sends it (a Cognito id, or a CIMD document URL). */
  clientId: string;
  /** The Cognito app client the sign-in runs under. */
  appClientId: string;
  /** How it registered ('dcr' for rows from before sources were recorded). */
  source: RegisteredBy;
  clientName: string;
  redirectUris: string[];
  /** Full scope names this client may be granted; empty = whatever its app client allows (operator clients). */
  scopes: string[];
  authMethod: ClientAuthMethod;
  /** Epoch seconds (shown on the consent page of dynamic clients). */
  createdAt: number;
}

/** What the checks learn about the request, filled in order by AUTHORIZE_CHECKS. */
export interface AuthorizeContext {
  /** The query, one value per name (the first check refuses repeated parameters). */
  params: Record<string, string>;
  /** Bytes of the raw query (its length is bounded before anything else is looked at). */
  queryLength: number;
  repeated: string[];
  client?: AuthorizeClient;
  /** Set once the redirect URI is known to be the client's: from then on errors are redirects. */
  redirectUri?: string;
  codeChallenge?: string;
  /** Full scope names to ask Cognito for; empty = the app client's allowed scopes. */
  scopes: string[];
  offlineAccess: boolean;
  resource?: string;
  state?: string;
  prompt?: 'login' | 'none';
}

export function newContext(query: Record<string, string[] | undefined>, queryLength: number): AuthorizeContext {
  const params: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, values] of Object.entries(query)) {
    if (!values || values.length === 0) continue;
    if (values.length > 1) repeated.push(name);
    params[name] = values[0]!;
  }
  return { params, queryLength, repeated, scopes: [], offlineAccess: false };
}

export interface AuthorizeDependencies {
  /** The metadata's issuer: `iss` of every authorization response. */
  issuer: string;
  /** The MCP endpoint (RFC 8707 resource; the Cognito resource server identifier). */
  resource: string;
  /** Every full scope name of this server (read, write, admin under the resource). */
  serverScopes: readonly string[];
  findClient(clientId: string): Promise<AuthorizeClient>;
}
