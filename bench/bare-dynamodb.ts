/**
 * The floor the OAuth facade's functions are measured against (issue 19): a bare API Gateway
 * handler that makes one DynamoDB call (a GetItem through the document client, as the facade reads
 * its tables) and answers JSON, with no logger, metrics, middleware or validation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { Item } = await documents.send(new GetCommand({ TableName: process.env.CLIENTS_TABLE ?? 'clients', Key: { clientId: event.queryStringParameters?.client_id ?? 'none' } }));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ found: Item !== undefined }) };
}
