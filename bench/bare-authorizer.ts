/**
 * The floor the authorizer is measured against (issue 19): a bare aws-jwt-verify REQUEST
 * authorizer for the same user pool: verifies the bearer token's RS256 signature and claims and
 * allows the method, with no revocation or client check, no logger, no metrics, no middleware.
 *
 * Like the authorizer (authorizer/handler.ts), it starts the JWKS download at module load. That
 * download's synchronous start (node:https, a TLS context with the root certificates: about 25 ms
 * of CPU on Node 22 here) is work every authorizer does on its cold start, at load or in the first
 * request; a floor that deferred it would move it out of the module-load figure only.
 * bench/deployed.ts also prints the same floor without it (BARE_AUTHORIZER_NO_PREFETCH=true).
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

const verifier = CognitoJwtVerifier.create({ userPoolId: process.env.USER_POOL_ID!, tokenUse: 'access', clientId: null });
const jwksDownload = process.env.BARE_AUTHORIZER_NO_PREFETCH === 'true' ? Promise.resolve() : verifier.hydrate().catch(() => undefined);

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  await jwksDownload;
  const token = /^Bearer (.+)$/.exec(event.headers?.Authorization ?? '')?.[1];
  const payload = await verifier.verify(token ?? '').catch(() => {
    throw new Error('Unauthorized');
  });
  return {
    principalId: payload.sub,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
  };
}
