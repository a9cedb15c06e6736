'use strict';

/**
 * The API stage's access log line: one JSON object per request, written by API Gateway itself, so
 * that what never reaches a Lambda log (a missing-token 401, a throttled request, an authorizer that
 * failed, an integration that timed out or a stream cut short) is still on record.
 *
 * API Gateway writes `-` for a value it does not have, so every field that can be absent is a JSON
 * string; `status` and `responseLatency` exist for every request and are numbers, which CloudWatch
 * Logs Insights can take percentiles of (the dashboard's per-route latency widget does).
 * The field names are what the dashboard's queries and the README's Logs Insights examples use.
 */
const NUMERIC_FIELDS = {
  status: '$context.status',
  responseLatency: '$context.responseLatency',
};

const STRING_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  // The gateway's own answer when it answered by itself (UNAUTHORIZED, THROTTLED, INTEGRATION_TIMEOUT...).
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  authorizerError: '$context.authorizer.error',
  // The caller the authorizer allowed (its context key `principal`): a user's sub or an API key's owner.
  principal: '$context.authorizer.principal',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
};

/** The `Format` of the stage's AccessLogSetting: a one-line JSON template. */
function accessLogFormat() {
  const numbers = Object.entries(NUMERIC_FIELDS).map(([name, variable]) => `"${name}":${variable}`);
  const strings = Object.entries(STRING_FIELDS).map(([name, variable]) => `"${name}":"${variable}"`);
  return `{${[...strings.slice(0, 1), ...numbers, ...strings.slice(1)].join(',')}}`;
}

module.exports = { accessLogFormat, ACCESS_LOG_FIELDS: { ...NUMERIC_FIELDS, ...STRING_FIELDS } };
