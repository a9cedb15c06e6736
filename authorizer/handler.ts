import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { toAuthorizerContext } from '../lib/identity.js';
import { createLogger } from '../lib/logger.js';
import { createAccessTokenVerifier } from './access-token.js';
import { authorize } from './authorize.js';
import { loadAuthorizerConfig } from './config.js';
import { allowPolicy } from './policy.js';

const logger = createLogger('authorizer');
const verify = createAccessTokenVerifier(loadAuthorizerConfig());

/** API Gateway turns exactly this error message into a 401 (the UNAUTHORIZED gateway response). */
const UNAUTHORIZED = 'Unauthorized';

async function authorizeRequest(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const decision = await authorize(event, verify);
  if (decision.effect === 'deny') {
    logger.info('Denied', { reason: decision.reason, detail: decision.detail });
    throw new Error(UNAUTHORIZED);
  }
  const { identity } = decision;
  logger.info('Allowed', { sub: identity.sub, clientId: identity.clientId, jti: identity.tokenId });
  return allowPolicy(identity.principal, event.methodArn, toAuthorizerContext(identity));
}

export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    try {
      return await authorizeRequest(event);
    } catch (error) {
      // Fail closed: whatever went wrong, the answer is 401, never an Allow and never a 500.
      if (!(error instanceof Error && error.message === UNAUTHORIZED)) {
        logger.error('Authorizer failure', { error: error instanceof Error ? error.name : 'unknown' });
      }
      throw new Error(UNAUTHORIZED);
    }
  });
