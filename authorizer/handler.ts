import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { dynamoDbJsonApiFromEnvironment } from '../lib/dynamodb/json-api.js';
import { toAuthorizerContext } from '../lib/identity.js';
import { createLogger } from '../lib/logger.js';
import { createAccessTokenVerifier } from './access-token.js';
import { decideAccess } from './decide-access.js';
import { loadAuthorizerConfig } from './config.js';
import { dynamoDbAuthorizationStore } from './dynamodb-store.js';
import { allowPolicy } from './policy.js';
import { recordDecision, recordTouchFailure } from './telemetry.js';

const logger = createLogger('authorizer');
const metrics = new Metrics();
const config = loadAuthorizerConfig();
const tokens = createAccessTokenVerifier(config);
const store = dynamoDbAuthorizationStore(dynamoDbJsonApiFromEnvironment(), {
  revocationsTable: config.revocationsTable,
  clientsTable: config.clientsTable,
  apiKeysTable: config.apiKeysTable,
  timeoutMs: config.dynamoDbTimeoutMs,
  touchTimeoutMs: config.touchTimeoutMs,
});
// Start the JWKS download during the cold start, without blocking it; the first request waits for
// the same download (aws-jwt-verify shares it) and a failure here is retried by that request.
// Every invocation also awaits it before answering (settled after the first: one microtask), so
// that a first request which needs no key (no token, an API key) does not return while the
// download is running: Lambda would freeze it half-way. Bounded by the fetcher's own timeouts.
const jwksDownload = tokens.hydrate().catch((error: unknown) => {
  logger.warn('JWKS not loaded at cold start', { error: error instanceof Error ? error.message : 'unknown' });
});

/** API Gateway turns exactly this error message into a 401 (the UNAUTHORIZED gateway response). */
const UNAUTHORIZED = 'Unauthorized';

async function authorizeRequest(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const decision = await decideAccess(event, {
    verifyToken: tokens.verify,
    store,
    onTouchFailure: (error) => recordTouchFailure(error, logger, metrics),
  });
  const request = { requestId: event.requestContext?.requestId, sourceIp: event.requestContext?.identity?.sourceIp };
  recordDecision(decision, request, logger, metrics);
  if (decision.effect === 'deny') throw new Error(UNAUTHORIZED);
  return allowPolicy(decision.identity.principal, event.methodArn, toAuthorizerContext(decision.identity));
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
    } finally {
      await jwksDownload;
      // A request without a token only emits its per-reason metric (already published).
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  });
