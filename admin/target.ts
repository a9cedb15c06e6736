import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dataDirFromEnv, stackInfoFileIn } from '../local/settings.js';

/**
 * The stack the admin CLI acts on. Deployed: table names from the service and stage, the pool id
 * and MCP URL from flags or the environment, AWS endpoints and credentials the usual AWS SDK way
 * (profile, environment, AWS_ENDPOINT_URL_*). Local: everything from the running local stack's
 * stack.json (`--local`).
 */
export interface AdminTarget {
  stage: string;
  tables: { revocations: string; clients: string; apiKeys: string; grants: string };
  userPoolId: string | undefined;
  resourceUrl: string | undefined;
  documents: DynamoDBDocumentClient;
  cognito: CognitoIdentityProviderClient;
  close(): void;
}

export interface TargetOptions {
  stage?: string | undefined;
  region?: string | undefined;
  userPoolId?: string | undefined;
  resourceUrl?: string | undefined;
  /** Directory of a running local stack (holds stack.json); true for MCP_LOCAL_DATA_DIR, else `.local`. */
  local?: string | boolean | undefined;
}

const SERVICE = 'secure-mcp';

interface StackFile {
  mcpUrl: string;
  cognitoEndpoint: string;
  dynamoDbEndpoint: string;
  userPoolId: string;
}

export function resolveTarget(options: TargetOptions, env: Record<string, string | undefined> = process.env): AdminTarget {
  if (options.local) {
    // The same resolution as `npm start` (local/settings.ts), so the CLI finds the stack wherever
    // MCP_LOCAL_DATA_DIR put it; --local-dir names a directory outright.
    const file = stackInfoFileIn(typeof options.local === 'string' ? resolve(options.local) : dataDirFromEnv(env));
    let stack: StackFile;
    try {
      stack = JSON.parse(readFileSync(file, 'utf8')) as StackFile;
    } catch {
      throw new Error(`No running local stack found (${file}); start one with npm start (MCP_LOCAL_DATA_DIR as for it)`);
    }
    const client = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
    return build('local', stack.userPoolId, stack.mcpUrl, new DynamoDBClient({ ...client, endpoint: stack.dynamoDbEndpoint }), new CognitoIdentityProviderClient({ ...client, endpoint: stack.cognitoEndpoint }));
  }
  const stage = options.stage ?? env.MCP_STAGE;
  if (!stage) throw new Error('Name the stack: --stage <stage> (and --region), or --local for the local stack');
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const client = { ...(region ? { region } : {}), maxAttempts: 2 };
  return build(
    stage,
    options.userPoolId ?? env.USER_POOL_ID,
    options.resourceUrl ?? env.MCP_RESOURCE_URL,
    new DynamoDBClient(client),
    new CognitoIdentityProviderClient(client),
  );
}

function build(
  stage: string,
  userPoolId: string | undefined,
  resourceUrl: string | undefined,
  dynamoDb: DynamoDBClient,
  cognito: CognitoIdentityProviderClient,
): AdminTarget {
  return {
    stage,
    tables: {
      revocations: `${SERVICE}-${stage}-revocations`,
      clients: `${SERVICE}-${stage}-clients`,
      apiKeys: `${SERVICE}-${stage}-api-keys`,
      grants: `${SERVICE}-${stage}-grants`,
    },
    userPoolId,
    resourceUrl,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    cognito,
    close() {
      dynamoDb.destroy();
      cognito.destroy();
    },
  };
}

export function requireUserPoolId(target: AdminTarget): string {
  if (!target.userPoolId) throw new Error('This command needs the user pool id: --user-pool-id <id> or USER_POOL_ID (stack output UserPoolId)');
  return target.userPoolId;
}
