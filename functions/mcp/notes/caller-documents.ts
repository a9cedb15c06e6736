import type { ToolCredentials } from '../../../lib/aws/caller-credentials.js';
import type { CallerIdentity } from '../../../lib/identity.js';
import { type Documents, jsonApiDocuments } from '../../../lib/dynamodb/documents.js';
import { signingRegion } from '../../../lib/aws/region.js';
import { DynamoDbError, type DynamoDbJsonApiOptions, createDynamoDbJsonApi, dynamoDbEndpoint } from '../../../lib/dynamodb/json-api.js';

/**
 * DynamoDB documents that act as the caller: a DynamoDB JSON-API client signed with the caller's
 * tool-role credentials (services.credentialsFor), so that IAM applies the tool role's
 * `dynamodb:LeadingKeys` condition to every request the notes store makes.
 *
 * One client per credential set, kept with the session: credentialsFor hands out the same
 * credentials object for as long as it keeps a session, so a WeakMap keyed by it keeps the client
 * (and its cached signing key) exactly that long and lets both go together when the session is
 * renewed or evicted. The warm path is one map lookup, no STS call, no new client.
 */
export type DocumentsFor = (caller: CallerIdentity) => Promise<Documents>;

export function callerDocuments(
  credentialsFor: (caller: CallerIdentity) => Promise<ToolCredentials>,
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<DynamoDbJsonApiOptions, 'fetch'> = {},
): DocumentsFor {
  // Where DynamoDB is, decided once (cold start) from the variables the AWS SDK reads.
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  let endpoint: string;
  try {
    endpoint = dynamoDbEndpoint(env, region);
  } catch (error) {
    if (!(error instanceof DynamoDbError)) throw error;
    return async () => Promise.reject(error);
  }
  // A local endpoint with no AWS_REGION still needs a region to sign with.
  const regionToSign = signingRegion(region);
  const clients = new WeakMap<ToolCredentials, Documents>();
  return async (caller) => {
    const credentials = await credentialsFor(caller);
    let documents = clients.get(credentials);
    if (!documents) {
      const { accessKeyId, secretAccessKey, sessionToken } = credentials;
      const api = createDynamoDbJsonApi({
        region: regionToSign,
        endpoint,
        credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
        ...overrides,
      });
      documents = jsonApiDocuments(api);
      clients.set(credentials, documents);
    }
    return documents;
  };
}
