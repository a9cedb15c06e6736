import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { AuthorizerContext } from '../lib/identity.js';

/**
 * The policy covers every method and path of the stage, not only the method that was called:
 * API Gateway caches the decision per token and reuses it for every route, so a policy naming
 * only the first method would make a cached Allow deny the next route.
 *
 * methodArn: arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path...}
 */
export function wholeApiResource(methodArn: string): string {
  const [arnPrefix, apiGatewayPath] = splitOnce(methodArn, '/');
  const stage = apiGatewayPath.split('/')[0];
  if (!arnPrefix.startsWith('arn:') || !stage) {
    throw new Error('Unexpected methodArn format');
  }
  return `${arnPrefix}/${stage}/*/*`;
}

export function allowPolicy(
  principalId: string,
  methodArn: string,
  context: AuthorizerContext,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeApiResource(methodArn) },
      ],
    },
    context: { ...context },
  };
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index < 0 ? [value, ''] : [value.slice(0, index), value.slice(index + 1)];
}
