/**
 * What a floor with Powertools adds to a bare handler (issue 19's option "floors that include what
 * was decided to keep"): the Logger with its Lambda-context middleware, Metrics flushed by its
 * middleware, and middy, as the deployed functions use them (lib/logger.ts, authorizer/handler.ts,
 * functions/mcp/container.ts). Nothing else: the difference between a floor and this one is the
 * price of those three at module load.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export function withPowertools<Event, Result>(service: string, handler: (event: Event) => Promise<Result>) {
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: 'Bench', serviceName: service });
  return middy<Event, Result, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler((event) => handler(event));
}
