import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';

/**
 * A stand-in for AWS Secrets Manager's GetSecretValue, the one call the facade makes (for its
 * sealing key, oauth/keys.ts): the functions reach it through AWS_ENDPOINT_URL_SECRETS_MANAGER,
 * so product code has no local branch. Holds one secret, random per start; any other id is
 * ResourceNotFoundException, as on AWS. Signatures are not checked (nothing here is secret).
 */
export const LOCAL_OAUTH_KEY_SECRET_ID = 'secure-mcp-local-oauth-key';

export function startSecretsManager(port: number, secretId = LOCAL_OAUTH_KEY_SECRET_ID): Promise<Server> {
  const secret = randomBytes(48).toString('base64url').slice(0, 64);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        return answer(400, { __type: 'InvalidRequestException', message: 'Only GetSecretValue is served here' });
      }
      let input: { SecretId?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown };
      } catch {
        return answer(400, { __type: 'InvalidRequestException', message: 'Body is not JSON' });
      }
      if (input.SecretId !== secretId) {
        return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      }
      return answer(200, { ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}`, Name: secretId, SecretString: secret });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve(server));
  });
}
