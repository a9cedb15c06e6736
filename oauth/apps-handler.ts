import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { dynamoDbAppGrants } from '../lib/app-grants.js';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { headerValue, requestBodyBytes } from '../lib/http/request-body.js';
import { createLogger } from '../lib/logger.js';
import { type AppsDependencies, handleAppsRequest } from './apps/apps-routes.js';
import { loadAppsConfig } from './apps/apps-config.js';
import { errorPage } from './html.js';
import { sealingKeyring } from './keys.js';
import { cognitoTokenEndpoint } from './token/cognito-token-endpoint.js';

/**
 * The connected-apps page (oauth/apps/apps-routes.ts): GET /apps, GET /apps/callback,
 * POST /apps/revoke and POST /apps/sign-out. APPS_CLIENT_ID is the facade's own app client for
 * the page's sign-in (resources/cognito.yml AppsPageUserPoolClient; local/apps-page-client.ts).
 */
const logger = createLogger('oauth-apps');
const { oauth: config, appsClientId, revocationSeconds } = loadAppsConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const keyring = sealingKeyring(
  { secretId: config.keySecretId },
  { onRefreshError: (error) => logger.error('Re-reading the sealing key after an open failure failed', { error: String(error) }) },
);
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function dependencies(): Promise<AppsDependencies> {
  const ring = await keyring();
  return {
    appGrants: dynamoDbAppGrants({ grants: config.grantsTable, revocations: config.revocationsTable }, documents),
    registry: dynamoDbClientRegistry(config.dcr.clientsTable, documents),
    keys: { seal: (purpose) => ring.current()[purpose], open: (purpose, sealed) => ring.keyFor(purpose, sealed, nowSeconds()) },
    cognito: cognitoTokenEndpoint(config.cognitoOAuthBaseUrl, config.cognitoTokenTimeoutMs),
    issuer: config.issuer,
    cognitoOAuthBaseUrl: config.cognitoOAuthBaseUrl,
    appsClientId,
    resourceName: 'MCP server',
    revocationSeconds,
    now: nowSeconds,
  };
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      const response = await handleAppsRequest(
        {
          method: event.httpMethod,
          path: event.resource ?? event.path,
          query: event.queryStringParameters ?? {},
          cookieHeader: headerValue(event.headers, 'cookie'),
          origin: headerValue(event.headers, 'origin'),
          body: requestBodyBytes(event).toString('utf8'),
        },
        await dependencies(),
      );
      logger.info('Connected apps', { route: `${event.httpMethod} ${event.resource ?? event.path}`, status: response.statusCode });
      return response;
    } catch (error) {
      logger.error('Connected apps request failed', { error: error instanceof Error ? error.message : String(error) });
      return errorPage('temporarily_unavailable', 'The page is not available right now. Try again in a moment.', 503);
    }
  });
