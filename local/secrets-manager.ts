import { randomBytes, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';

/**
 * A stand-in for AWS Secrets Manager's GetSecretValue and PutSecretValue, the calls the facade
 * and an operator's rotation make (the sealing key, oauth/keys.ts): the functions reach it through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, so product code has no local branch. Holds one secret, random
 * per start; any other id is ResourceNotFoundException, as on AWS. Version stages as AWS keeps
 * them for put-secret-value: the new version gets AWSCURRENT, the version that had it AWSPREVIOUS,
 * and the one before loses its label; GetSecretValue reads AWSCURRENT unless `VersionStage` names
 * another, and a label no version has is ResourceNotFoundException. Signatures are not checked
 * (nothing here is secret).
 */
export const LOCAL_OAUTH_KEY_SECRET_ID = 'secure-mcp-local-oauth-key';

interface SecretVersion {
  id: string;
  value: string;
  stages: string[];
}

const NOT_FOUND = { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." };

export function startSecretsManager(port: number, secretId = LOCAL_OAUTH_KEY_SECRET_ID): Promise<Server> {
  const versions: SecretVersion[] = [{ id: randomUUID(), value: randomBytes(48).toString('base64url').slice(0, 64), stages: ['AWSCURRENT'] }];
  const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}`;
  const operations: Record<string, (input: Record<string, unknown>) => [number, unknown]> = {
    GetSecretValue(input) {
      const stage = input.VersionStage ?? 'AWSCURRENT';
      if (typeof stage !== 'string') return [400, { __type: 'InvalidParameterException', message: 'VersionStage must be a string' }];
      const version = versions.find((candidate) => candidate.stages.includes(stage));
      if (!version) return [400, { ...NOT_FOUND, message: `Secrets Manager can't find the specified secret value for staging label: ${stage}` }];
      return [200, { ARN: arn, Name: secretId, VersionId: version.id, VersionStages: version.stages, SecretString: version.value }];
    },
    PutSecretValue(input) {
      if (typeof input.SecretString !== 'string' || input.SecretString.length === 0) {
        return [400, { __type: 'InvalidParameterException', message: 'SecretString is required here' }];
      }
      for (const version of versions) version.stages = version.stages.filter((stage) => stage !== 'AWSPREVIOUS');
      for (const version of versions) version.stages = version.stages.map((stage) => (stage === 'AWSCURRENT' ? 'AWSPREVIOUS' : stage));
      const created: SecretVersion = { id: typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID(), value: input.SecretString, stages: ['AWSCURRENT'] };
      versions.push(created);
      return [200, { ARN: arn, Name: secretId, VersionId: created.id, VersionStages: created.stages }];
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      const target = String(request.headers['x-amz-target'] ?? '');
      const name = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (request.method !== 'POST' || !operation) {
        return answer(400, { __type: 'InvalidRequestException', message: 'Only GetSecretValue and PutSecretValue are served here' });
      }
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return answer(400, { __type: 'InvalidRequestException', message: 'Body is not JSON' });
      }
      if (input.SecretId !== secretId) return answer(400, NOT_FOUND);
      return answer(...operation(input));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve(server));
  });
}
