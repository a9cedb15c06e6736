'use strict';

/**
 * Integration timeouts of streaming routes. A method whose integration streams its answer
 * (ResponseTransferMode STREAM) may run up to 15 minutes, but only if its integration says so:
 * without TimeoutInMillis API Gateway applies its 29 s default and cuts the stream, whatever the
 * function's own timeout is (API Gateway developer guide, "Stream the integration response for
 * your proxy integrations": "you can configure the integration timeout up to 15 minutes").
 *
 * After the framework has compiled the events, this plugin gives every streaming method the
 * timeout of the function it invokes plus the Lambda init phase's 10 s (a cold start is waited for
 * inside the integration's time), capped at the 15 minutes API Gateway allows. A function whose own
 * timeout the integration cannot cover, or a method that already sets a shorter timeout, stops the
 * packaging with the reason: a stream cut before the function is done is never what was meant.
 */

/** API Gateway's ceiling for a streaming integration. */
const STREAM_TIMEOUT_CEILING_MS = 15 * 60 * 1000;
/** Lambda's init phase (a cold start) may take up to 10 s before the handler's timeout starts. */
const INIT_ALLOWANCE_MS = 10 * 1000;

/** The logical id of the Lambda function a method's AWS_PROXY integration invokes, if any. */
function invokedFunctionId(integration) {
  const parts = integration?.Uri?.['Fn::Join']?.[1];
  if (!Array.isArray(parts)) return undefined;
  const arn = parts.find((part) => part && typeof part === 'object' && Array.isArray(part['Fn::GetAtt']));
  return arn ? arn['Fn::GetAtt'][0] : undefined;
}

/**
 * The integration timeout (ms) a streaming method needs for a function of `functionTimeoutSeconds`,
 * or an Error saying why none can cover it.
 */
function streamingTimeoutMillis(functionTimeoutSeconds) {
  const needed = functionTimeoutSeconds * 1000;
  if (!Number.isFinite(needed) || needed <= 0) return new Error(`has no usable timeout (${functionTimeoutSeconds})`);
  if (needed > STREAM_TIMEOUT_CEILING_MS) {
    return new Error(`times out after ${functionTimeoutSeconds} s, past the 15 minutes a streaming integration may last`);
  }
  return Math.min(needed + INIT_ALLOWANCE_MS, STREAM_TIMEOUT_CEILING_MS);
}

/** Sets TimeoutInMillis on every streaming method of a compiled template; returns what it set. */
function applyStreamingTimeouts(resources) {
  const applied = {};
  for (const [methodId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const integration = resource.Properties?.Integration;
    if (integration?.ResponseTransferMode !== 'STREAM') continue;
    const functionId = invokedFunctionId(integration);
    const fn = functionId && resources[functionId];
    if (!fn || fn.Type !== 'AWS::Lambda::Function') {
      throw new Error(`streaming-timeouts: the streaming method ${methodId} invokes no Lambda function of this template`);
    }
    const timeout = streamingTimeoutMillis(Number(fn.Properties.Timeout ?? 6));
    if (timeout instanceof Error) throw new Error(`streaming-timeouts: ${functionId} (behind ${methodId}) ${timeout.message}`);
    const set = integration.TimeoutInMillis;
    if (set !== undefined && set < timeout) {
      throw new Error(
        `streaming-timeouts: ${methodId} sets timeoutInMillis ${set}, shorter than ${functionId}'s timeout (${fn.Properties.Timeout} s); ` +
          'leave it unset, this plugin derives it from the function',
      );
    }
    integration.TimeoutInMillis = set ?? timeout;
    applied[methodId] = integration.TimeoutInMillis;
  }
  return applied;
}

/**
 * The same timeouts on the service's streaming `http` events, where the framework's deploy-time check
 * (extended-validate.js) reads them: without, it warns that the function outlasts a 29 s gateway.
 */
function recordOnEvents(service, naming, applied) {
  const resources = service.provider.compiledCloudFormationTemplate.Resources;
  const byFunction = {};
  for (const [methodId, timeout] of Object.entries(applied)) byFunction[invokedFunctionId(resources[methodId].Properties.Integration)] = timeout;
  for (const [name, fn] of Object.entries(service.functions ?? {})) {
    const timeout = byFunction[naming.getLambdaLogicalId(name)];
    if (timeout === undefined) continue;
    for (const event of fn.events ?? []) {
      if (String(event.http?.response?.transferMode ?? '').toUpperCase() === 'STREAM') event.http.timeoutInMillis = timeout;
    }
  }
}

class StreamingTimeouts {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:package:compileEvents': () => {
        const { service } = this.serverless;
        const applied = applyStreamingTimeouts(service.provider.compiledCloudFormationTemplate.Resources);
        recordOnEvents(service, this.serverless.getProvider('aws').naming, applied);
      },
    };
  }
}

module.exports = StreamingTimeouts;
module.exports.applyStreamingTimeouts = applyStreamingTimeouts;
module.exports.streamingTimeoutMillis = streamingTimeoutMillis;
module.exports.STREAM_TIMEOUT_CEILING_MS = STREAM_TIMEOUT_CEILING_MS;
