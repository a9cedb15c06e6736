import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per function. Service name and level come from the standard
 * Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) set in serverless.yml.
 */
export function createLogger(component: string): Logger {
  return new Logger({ persistentKeys: { component } });
}
