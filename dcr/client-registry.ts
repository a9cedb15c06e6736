import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/dynamodb/document-client.js';

/** What the registry keeps about a registered client. Never a secret. */
export interface RegisteredClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: string;
  scope: string;
  clientUri?: string | undefined;
  logoUri?: string | undefined;
  contacts?: string[] | undefined;
  softwareId?: string | undefined;
  softwareVersion?: string | undefined;
  /** Epoch seconds. */
  createdAt: number;
}

export interface ClientRegistry {
  put(client: RegisteredClient): Promise<void>;
}

export function dynamoDbClientRegistry(
  tableName: string,
  documents: DynamoDBDocumentClient = createDocumentClient(),
): ClientRegistry {
  return {
    async put(client) {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: client,
          // A client id is never reused; refuse to overwrite rather than lose a record.
          ConditionExpression: 'attribute_not_exists(clientId)',
        }),
      );
    },
  };
}
