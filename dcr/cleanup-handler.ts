import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbCimdRetirement } from './cimd/cimd-retirement.js';
import { cleanUpClients } from './cleanup.js';
import { createDcrMetrics, recordClientCount } from './client-count-metric.js';
import { dynamoDbClientRegistry } from './client-registry.js';
import { cognitoAppClients } from './cognito-app-clients.js';
import { loadCleanupSettings, loadDcrConfig } from './config.js';

const logger = createLogger('dcr-cleanup');
const metrics = createDcrMetrics();
const config = loadDcrConfig();
const { unusedDays, neverUsedHours } = loadCleanupSettings();
const documents = dynamoDbDocumentsFromEnvironment();
const dependencies = {
  registry: dynamoDbClientRegistry(config.clientsTable, documents),
  cimd: dynamoDbCimdRetirement(config.clientsTable, documents),
  appClients: cognitoAppClients(config.userPoolId, config.appClientSettings),
};

/** Runs hourly (serverless.yml `schedule`); see dcr/cleanup.ts for what it removes and why. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async () => {
    const report = await cleanUpClients(dependencies, { unusedDays, neverUsedHours });
    recordClientCount(metrics, report.activeAppClients);
    const summary = {
      unusedDeleted: report.unused.length,
      neverUsedDeleted: report.neverUsed.length,
      deletionsFinished: report.finished.length,
      orphansDeleted: report.orphans.length,
      danglingAliasesDeleted: report.danglingAliases.length,
      failed: report.failed,
      activeClients: report.activeAppClients,
      leftAloneNotDynamic: report.notDynamic,
    };
    if (report.failed.length > 0) logger.error('Client clean-up left work for the next run', summary);
    else logger.info('Client clean-up done', summary);
    return summary;
  });
