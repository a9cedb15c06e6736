import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Documents } from './documents.js';

/** The stores' calls over the SDK's document client: for the admin CLI and local/, which keep the SDK. */
export function sdkDocuments(client: DynamoDBDocumentClient): Documents {
  return {
    get: (input) => client.send(new GetCommand(input)),
    put: (input) => client.send(new PutCommand(input)),
    update: (input) => client.send(new UpdateCommand(input)),
    delete: (input) => client.send(new DeleteCommand(input)),
    query: (input) => client.send(new QueryCommand(input)),
    scan: (input) => client.send(new ScanCommand(input)),
    transact: (input) => client.send(new TransactWriteCommand(input)),
  };
}
