import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB document client every function shares. The endpoint comes from the standard
 * AWS_ENDPOINT_URL_DYNAMODB variable when set (the local stack sets it), so no code branches on
 * "local". Short timeouts: callers fail closed rather than wait.
 */
export function createDocumentClient(client = new DynamoDBClient({ maxAttempts: 2 })): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
