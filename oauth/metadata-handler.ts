import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse, publicJsonResponse } from '../lib/http/json-response.js';
import { authorizationServerMetadata, openIdConfiguration, protectedResourceMetadata } from './metadata.js';
import { loadMetadataSettings } from './metadata-config.js';

const settings = loadMetadataSettings();

// Both documents only change with a deployment: build them once per container.
const documents: Record<string, unknown> = {
  '/.well-known/oauth-protected-resource': protectedResourceMetadata(settings),
  '/.well-known/oauth-protected-resource/mcp': protectedResourceMetadata(settings),
  '/.well-known/oauth-authorization-server': authorizationServerMetadata(settings),
  '/.well-known/openid-configuration': openIdConfiguration(settings),
};

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(async (event) => {
  const document = documents[event.resource];
  return document === undefined
    ? jsonResponse(404, { error: 'not_found', error_description: 'No such metadata document' })
    : publicJsonResponse(document);
});
