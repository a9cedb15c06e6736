import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { jsonApiDocuments } from '../../lib/dynamodb/documents.js';
import { dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';
import { mcpCorsPolicy } from '../../lib/http/cors.js';
import { createLogger } from '../../lib/logger.js';
import { dynamoDbRateLimitCounter } from '../../lib/rate-limit.js';
import { leasedRateLimiter } from '../../lib/rate-limit-lease.js';
import { loggerAuditSink } from './audit/audit.js';
import { recordCallMetrics } from './audit/call-metrics.js';
import { compileCatalog } from './calls/catalog.js';
import { loadMcpConfig } from './config.js';
import type { McpEndpoint } from './mcp-endpoint.js';
import { prompts } from './prompts/index.js';
import { mcpRequestState } from './protocol/request-state.js';
import { requestStateKey } from './protocol/request-state-key.js';
import { resources } from './mcp-resources/index.js';
import { createToolServices } from './services.js';
import { tools } from './tools/index.js';

/** What both entry points (handler.ts buffered, stream-handler.ts streaming) serve with. */
// Cold start: configuration validated, schemas compiled, clients created, once per container.
export const logger = createLogger('mcp');
// Metrics are published per call (audit/call-metrics.ts), so no flushing middleware is needed.
const metrics = new Metrics();
const config = loadMcpConfig();
// DynamoDB over its JSON API, not the SDK client: most of this function's cold load otherwise.
const documents = jsonApiDocuments(dynamoDbJsonApiFromEnvironment());
// The shared key of input-required confirmations, read on the first one (not at cold start).
const loadRequestStateKey = requestStateKey({ secretId: config.requestStateSecretId });
// Audit events are written whatever POWERTOOLS_LOG_LEVEL says: the trail must be complete.
export const auditLogger = new Logger({ logLevel: 'INFO', persistentKeys: { component: 'audit' } });
const audit = loggerAuditSink(auditLogger);
export const endpoint: McpEndpoint = {
  config,
  catalog: compileCatalog(tools, resources, prompts),
  services: createToolServices(config, documents),
  rateLimiter: leasedRateLimiter(dynamoDbRateLimitCounter(config.tables.rateLimits, documents), { lease: config.rateLimit.lease }),
  cors: mcpCorsPolicy(config.allowedOrigins),
  requestState: mcpRequestState(() =>
    loadRequestStateKey().catch((error: unknown) => {
      // That round fails closed (the tool does not run, the state is refused); the next one retries.
      logger.error('Could not read the request-state secret', { error: error as Error });
      throw error;
    }),
  ),
  logger,
  onCall(event) {
    audit(event);
    recordCallMetrics(metrics, event);
  },
  now: () => new Date(),
};

