/**
 * The floor the OAuth facade's functions are measured against (issue 19): a bare API Gateway
 * handler that makes one DynamoDB call and answers JSON, with no logger, metrics, middleware or
 * validation. The call goes through the adapter the facade itself reads its tables with (the
 * SDK-free JSON API adapter, lib/dynamodb/documents.ts): the floor is the transport every facade
 * function needs, not a heavier client none of them ships.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';

const documents = dynamoDbDocumentsFromEnvironment();

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { Item } = await documents.get({ TableName: process.env.CLIENTS_TABLE ?? 'clients', Key: { clientId: event.queryStringParameters?.client_id ?? 'none' } });
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ found: Item !== undefined }) };
}
