import {
  type CognitoIdentityProviderClient,
  ListIdentityProvidersCommand,
  ListResourceServersCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AdminTarget } from './target.js';

/**
 * What a deployed stage is, found from Cognito alone (no CloudFormation call, so the operator needs
 * no cloudformation:DescribeStacks): the pool is the one named `secure-mcp-{stage}`
 * (resources/cognito.yml UserPoolName), the MCP URL is the identifier of its resource server
 * `secure-mcp-{stage}-mcp`. A --user-pool-id / --resource-url (or USER_POOL_ID / MCP_RESOURCE_URL)
 * given by the operator wins. The local stack's stack.json names both already.
 */
export interface DiscoveredStack {
  userPoolId: string;
  resourceUrl: string;
}

const SERVICE = 'secure-mcp';

export async function discoverStack(target: AdminTarget): Promise<DiscoveredStack> {
  const userPoolId = await discoverUserPoolId(target);
  const resourceUrl = target.resourceUrl ?? (await resourceServerOf(target.cognito, userPoolId, `${SERVICE}-${target.stage}-mcp`));
  return { userPoolId, resourceUrl: resourceUrl.replace(/\/+$/, '') };
}

export async function discoverUserPoolId(target: AdminTarget): Promise<string> {
  return target.userPoolId ?? (await poolNamed(target.cognito, `${SERVICE}-${target.stage}`));
}

async function poolNamed(cognito: CognitoIdentityProviderClient, name: string): Promise<string> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, ...(token ? { NextToken: token } : {}) }));
    for (const pool of page.UserPools ?? []) if (pool.Name === name && pool.Id) found.push(pool.Id);
    token = page.NextToken;
  } while (token);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new Error(`No user pool named ${name} in this account and region: is the stage deployed here (--stage, --region)? Or pass --user-pool-id (stack output UserPoolId)`);
  }
  throw new Error(`${found.length} user pools are named ${name} (${found.join(', ')}): pass --user-pool-id (stack output UserPoolId)`);
}

async function resourceServerOf(cognito: CognitoIdentityProviderClient, userPoolId: string, name: string): Promise<string> {
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListResourceServersCommand({ UserPoolId: userPoolId, MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
    const server = page.ResourceServers?.find((candidate) => candidate.Name === name);
    if (server?.Identifier) return server.Identifier;
    token = page.NextToken;
  } while (token);
  throw new Error(`Pool ${userPoolId} has no resource server named ${name}: pass --resource-url (the MCP endpoint URL, {base}/mcp)`);
}

/** The pool's federated identity providers (OIDC, SAML) by name; cognito-local has none and no such call. */
export async function identityProvidersOf(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListIdentityProvidersCommand({ UserPoolId: userPoolId, MaxResults: 60, ...(token ? { NextToken: token } : {}) }));
    for (const provider of page.Providers ?? []) if (provider.ProviderName) names.push(provider.ProviderName);
    token = page.NextToken;
  } while (token);
  return names;
}
