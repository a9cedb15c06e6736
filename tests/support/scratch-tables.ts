import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';

/**
 * Creates `target` in DynamoDB Local with the keys and indexes of the stack's table `source`, so
 * that a test which scans a whole table (the clean-up) works on rows of its own and cannot race
 * with other test files sharing the stack.
 */
export async function copyTableDefinition(dynamodb: DynamoDBClient, source: string, target: string): Promise<void> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: source }));
  if (!Table) throw new Error(`No table ${source}`);
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: target,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: Table.AttributeDefinitions,
        KeySchema: Table.KeySchema,
        ...(Table.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
