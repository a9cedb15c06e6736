import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { auditLogger, endpoint, logger } from './container.js';
import { type McpAnswer, answerMcpStreaming } from './mcp-endpoint.js';

/**
 * The MCP function with response streaming (API Gateway `ResponseTransferMode: STREAM`, Lambda
 * `awslambda.streamifyResponse` through middy): an SSE answer (progress, then the result) reaches
 * the client as the handler writes it, and a call may run past the 29-second buffered limit (up
 * to the function's timeout). The same endpoint as handler.ts; middy writes the status and headers
 * first (HttpResponseStream.from), then pipes the body. The invocation ends when the body does:
 * nothing runs after it.
 */
export const handler = middy<APIGatewayProxyEvent, McpAnswer>({ streamifyResponse: true })
  .use(injectLambdaContext([logger, auditLogger], { resetKeys: true }))
  .handler(async (event) => {
    logger.setCorrelationId(event.requestContext.requestId);
    auditLogger.setCorrelationId(event.requestContext.requestId);
    try {
      return await answerMcpStreaming(event, endpoint);
    } catch (error) {
      logger.error('Unhandled error', error as Error);
      const refusal = jsonRpcErrorResponse(500, JsonRpcErrorCode.InternalError, 'Internal error');
      return { ...refusal, headers: refusal.headers as Record<string, string> };
    }
  });
