import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describeAppClient } from './cognito-calls.js';
import type { Output } from './revocation-commands.js';
import { type AdminTarget, requireUserPoolId } from './target.js';

/**
 * Registers an app client created outside DCR (console, CloudFormation, CLI) in the client
 * registry: the authorizer refuses tokens of clients it does not know, operators' own included.
 */
export async function registerClient(target: AdminTarget, clientId: string | undefined, out: Output): Promise<void> {
  if (!clientId) throw new Error('Usage: client register <app client id>');
  const appClient = await describeAppClient(target.cognito, requireUserPoolId(target), clientId);
  try {
    await target.documents.send(
      new PutCommand({
        TableName: target.tables.clients,
        Item: {
          clientId,
          clientName: appClient.ClientName ?? clientId,
          source: 'manual',
          status: 'active',
          createdAt: Math.floor(Date.now() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(clientId)',
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      out(`Client ${clientId} is already in the registry`);
      return;
    }
    throw error;
  }
  out(`Registered app client ${clientId} (${appClient.ClientName ?? 'no name'}): its tokens are now accepted`);
}
