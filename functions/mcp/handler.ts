import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { mcpCorsPolicy } from '../../lib/http/cors.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { createLogger } from '../../lib/logger.js';
import { dynamoDbRateLimiter } from '../../lib/rate-limit.js';
import { loggerAuditSink } from './audit.js';
import { loadMcpConfig } from './config.js';
import { mcpRequestState } from './request-state.js';
import { type McpEndpoint, answerMcpRequest } from './mcp-endpoint.js';
import { createToolServices } from './services.js';
import { recordCallMetrics } from './call-metrics.js';
import { compileCatalog } from './catalog.js';
import { prompts } from './prompts/index.js';
import { resources } from './resources/index.js';
import { tools } from './tools/index.js';

// Cold start: configuration validated, schemas compiled, clients created, once per container.
const logger = createLogger('mcp');
// Metrics are published per call (call-metrics.ts), so no flushing middleware is needed.
const metrics = new Metrics();
const config = loadMcpConfig();
const documents = createDocumentClient();
if (!config.requestStateKey) {
  logger.warn('MCP_REQUEST_STATE_KEY is not set: input-required confirmations work only when both rounds reach this container');
}
// Audit events are written whatever POWERTOOLS_LOG_LEVEL says: the trail must be complete.
const auditLogger = new Logger({ logLevel: 'INFO', persistentKeys: { component: 'audit' } });
const audit = loggerAuditSink(auditLogger);
const endpoint: McpEndpoint = {
  config,
  catalog: compileCatalog(tools, resources, prompts),
  services: createToolServices(config, documents),
  rateLimiter: dynamoDbRateLimiter(config.tables.rateLimits, documents),
  cors: mcpCorsPolicy(config.allowedOrigins),
  requestState: mcpRequestState(config.requestStateKey ?? randomBytes(32)),
  logger,
  onCall(event) {
    audit(event);
    recordCallMetrics(metrics, event);
  },
  now: () => new Date(),
};

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
