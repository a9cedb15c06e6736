import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fromWebResponse, toWebRequest } from '../../lib/http/api-gateway-fetch.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { fromAuthorizerContext } from '../../lib/identity.js';
import { createLogger } from '../../lib/logger.js';
import { toAuthInfo } from './caller.js';
import { loadMcpConfig } from './config.js';
import { handleMcpRequest } from './mcp-server.js';

const logger = createLogger('mcp');
const config = loadMcpConfig();

async function answer(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod !== 'POST') {
    // Stateless server: no SSE stream to open (GET) and no session to end (DELETE).
    return jsonRpcErrorResponse(405, JsonRpcErrorCode.ServerError, 'Method not allowed: use POST', {
      Allow: 'POST',
    });
  }
  const caller = fromAuthorizerContext(event.requestContext.authorizer);
  if (!caller) {
    // Only reachable if the route were deployed without the authorizer: refuse, never guess.
    logger.error('Request reached the MCP handler without a verified caller');
    return jsonRpcErrorResponse(401, JsonRpcErrorCode.ServerError, 'Unauthorized');
  }
  logger.appendKeys({ sub: caller.sub, clientId: caller.clientId });
  const request = toWebRequest(event, config.resourceUrl);
  const response = await handleMcpRequest(request, toAuthInfo(caller, config.resourceUrl), config.maxRequestBytes);
  return fromWebResponse(response);
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      return await answer(event);
    } catch (error) {
      // Internals stay in the log; the client gets a generic JSON-RPC error.
      logger.error('Unhandled error', error as Error);
      return jsonRpcErrorResponse(500, JsonRpcErrorCode.InternalError, 'Internal error');
    }
  });
