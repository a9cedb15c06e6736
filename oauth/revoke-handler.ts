import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createAccessTokenVerifier } from '../authorizer/access-token.js';
import { DEFAULT_CLOCK_SKEW_SECONDS } from '../authorizer/config.js';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { cognitoAppClients } from '../dcr/cognito-app-clients.js';
import { cognitoApiFromEnvironment } from '../lib/cognito/json-api.js';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { jsonResponse } from '../lib/http/json-response.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbRevocationStore } from '../lib/revocations.js';
import { clientAssertionDependencies } from './client-auth/assertion-dependencies.js';
import { newRevocationContext } from './revoke/context.js';
import { RevocationRequestError, revokeToken } from './revoke/index.js';
import { loggedTokenTypeHint } from './revoke/revocation-request.js';
import { loadRevokeConfig } from './revoke/revoke-config.js';

/** POST /revoke. Its steps, in order: revoke/index.ts, REVOKE_STEPS. */
const logger = createLogger('revoke');
const { oauth: oauthConfig, dcr: config, revocationsTable, localJwksOrigin } = loadRevokeConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const cognito = cognitoApiFromEnvironment();
const appClients = cognitoAppClients(config.userPoolId, config.appClientSettings, cognito);
// The authorizer's own notion of a valid access token of this pool (and its local-only JWKS guard).
const accessTokens = createAccessTokenVerifier({
  userPoolId: config.userPoolId,
  resourceUrl: config.resourceServerId,
  clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS,
  localJwksOrigin,
});

const dependencies = {
  registry: dynamoDbClientRegistry(config.clientsTable, documents),
  issuer: oauthConfig.issuer,
  assertions: clientAssertionDependencies(oauthConfig, documents),
  revocations: dynamoDbRevocationStore(revocationsTable, documents),
  clientSecret: (clientId: string) => appClients.clientSecret(clientId),
  async verifyAccessToken(token: string) {
    const { identity } = await accessTokens.verify(token);
    return { clientId: identity.clientId, jti: identity.tokenId, exp: identity.expiresAt };
  },
  async revokeRefreshToken(token: string, clientId: string, clientSecret?: string) {
    try {
      // Unsigned (Cognito's model: no auth); the app client authenticates by ClientId / ClientSecret.
      await cognito('RevokeToken', { Token: token, ClientId: clientId, ...(clientSecret === undefined ? {} : { ClientSecret: clientSecret }) });
      return 'revoked' as const;
    } catch (error) {
      const name = (error as Error).name;
      // An unknown or malformed token is not an error for the client (RFC 7009 §2.2).
      if (['NotAuthorizedException', 'InvalidParameterException', 'UnsupportedTokenTypeException'].includes(name)) return 'unknown' as const;
      if (name === 'UnsupportedOperationException') return 'unsupported' as const;
      throw error;
    }
  },
};

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const ctx = newRevocationContext(event);
    try {
      const outcome = await revokeToken(ctx, dependencies);
      // Only fixed values: the client's own strings (the hint could be a megabyte) stay out of the log.
      logger.info('Revocation request', { outcome, hint: loggedTokenTypeHint(ctx.form!.tokenTypeHint) });
      return { statusCode: 200, headers: { 'Cache-Control': 'no-store' }, body: '' };
    } catch (error) {
      if (error instanceof RevocationRequestError) {
        // A failed client authentication says why (our own fixed words: no text of the request).
        logger.info('Revocation request refused', { status: error.status, error: error.code, ...(error.code === 'invalid_client' && { reason: error.message }) });
        // API Gateway delivers a Lambda's WWW-Authenticate renamed; the body carries the error as well.
        const headers: Record<string, string> = error.challenge ? { 'WWW-Authenticate': error.challenge } : {};
        return jsonResponse(error.status, { error: error.code, error_description: error.message }, headers);
      }
      logger.error('Revocation failed', error as Error);
      return jsonResponse(503, { error: 'temporarily_unavailable', error_description: 'Revocation failed; try again' }, { 'Retry-After': '5' });
    }
  });
