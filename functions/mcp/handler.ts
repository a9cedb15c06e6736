import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { auditLogger, endpoint, logger } from './container.js';
import { answerMcpRequest } from './mcp-endpoint.js';

/**
 * The MCP function, buffered: the whole answer at once, for a stage set to `mcpTransferMode:
 * BUFFERED` (at most 29 s). Every stage, the local stack included, uses stream-handler.ts by default.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext([logger, auditLogger], { resetKeys: true }))
  .handler(async (event) => {
    // Every log line of this request carries the API Gateway request id, which is also what
    // clients see in errors, so a report from a user leads straight to the lines.
    logger.setCorrelationId(event.requestContext.requestId);
    auditLogger.setCorrelationId(event.requestContext.requestId);
    try {
      return await answerMcpRequest(event, endpoint);
    } catch (error) {
      // Internals stay in the log; the client gets a generic JSON-RPC error.
      logger.error('Unhandled error', error as Error);
      return jsonRpcErrorResponse(500, JsonRpcErrorCode.InternalError, 'Internal error');
    }
  });
