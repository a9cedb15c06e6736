/**
 * The floor the authorizer is measured against (issue 19): a bare aws-jwt-verify REQUEST
 * authorizer for the same user pool: verifies the bearer token's RS256 signature and claims and
 * allows the method, with no revocation or client check, no logger, no metrics.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

const verifier = CognitoJwtVerifier.create({ userPoolId: process.env.USER_POOL_ID!, tokenUse: 'access', clientId: null });

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = /^Bearer (.+)$/.exec(event.headers?.Authorization ?? '')?.[1];
  const payload = await verifier.verify(token ?? '').catch(() => {
    throw new Error('Unauthorized');
  });
  return {
    principalId: payload.sub,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
  };
}
