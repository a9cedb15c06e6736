import { describe, expect, it } from 'vitest';
import { AwsJsonError, backoffDelayMs, createAwsJsonCall, SDK_STANDARD_RETRY } from '../../lib/aws/aws-json-call.js';
import { getSecretValue } from '../../lib/aws/secrets-manager.js';
import { cognitoApiFromEnvironment } from '../../lib/cognito/json-api.js';
import { cancellationReasons, jsonApiDocuments } from '../../lib/dynamodb/documents.js';
import { DYNAMODB_SDK_RETRY, dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';

/**
 * Retries of the JSON API adapters (lib/aws/aws-json-call.ts), which replace the AWS SDK clients in
 * the deployed functions. Real throttling, real 5xx answers and lost answers cannot be produced by
 * DynamoDB Local or cognito-local, nor reached on AWS from here: a fetch stand-in answers, in an
 * order each test sets, with the error bodies the services document (__type, message, and for
 * DynamoDB's TransactionCanceledException its CancellationReasons). The jitter is pinned to 0 so
 * the tests do not wait; the backoff itself is checked as a function.
 */
const ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' };
const NO_JITTER = () => 0;

type Answer = { status: number; body: unknown } | 'network-error' | 'hang';

function scripted(answers: Answer[]) {
  const requests: Request[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push(new Request(url, init));
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (answer === 'network-error') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    return new Response(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch, targets: () => requests.map((request) => request.headers.get('x-amz-target')) };
}

const ok = (body: unknown = {}) => ({ status: 200, body });
const cognitoError = (status: number, type: string) => ({ status, body: { __type: type, message: `${type} happened` } });
const dynamoError = (status: number, type: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} happened`, ...extra },
});

describe('backoff (the SDK standard mode: full jitter, exponential, capped)', () => {
  it('waits random() * min(cap, base * 2^(retry-1)), with the larger base for throttling', () => {
    const max = () => 0.999999;
    expect([1, 2].map((retry) => backoffDelayMs(SDK_STANDARD_RETRY, false, retry, max))).toEqual([49, 99]);
    expect([1, 2].map((retry) => backoffDelayMs(SDK_STANDARD_RETRY, true, retry, max))).toEqual([999, 1999]);
    expect(backoffDelayMs(SDK_STANDARD_RETRY, true, 30, max)).toBe(19_999);
    expect(backoffDelayMs(DYNAMODB_SDK_RETRY, false, 1, max)).toBe(24);
    expect(SDK_STANDARD_RETRY.maxAttempts).toBe(3);
  });
});

describe('Cognito JSON API: what is retried', () => {
  const cognito = (answers: Answer[], timeoutMs?: number) => {
    const fake = scripted(answers);
    return { ...fake, api: cognitoApiFromEnvironment(ENV, { fetch: fake.fetch, random: NO_JITTER, ...(timeoutMs ? { timeoutMs } : {}) }) };
  };

  it('retries throttling even for CreateUserPoolClient: TooManyRequestsException proves nothing was created', async () => {
    const { api, requests } = cognito([cognitoError(400, 'TooManyRequestsException'), ok({ UserPoolClient: { ClientId: 'c1' } })]);
    expect(await api('CreateUserPoolClient', { UserPoolId: 'p', ClientName: 'n' })).toEqual({ UserPoolClient: { ClientId: 'c1' } });
    expect(requests).toHaveLength(2);
  });

  it('gives up after 3 attempts (the SDK default) with the throttling error', async () => {
    const { api, requests } = cognito([cognitoError(400, 'TooManyRequestsException')]);
    await expect(api('DescribeUserPoolClient', { UserPoolId: 'p', ClientId: 'c' })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      throttling: true,
      attempts: 3,
    });
    expect(requests).toHaveLength(3);
  });

  it('does not repeat CreateUserPoolClient after a 5xx or a lost answer: it may have made the app client', async () => {
    for (const failure of [cognitoError(500, 'InternalErrorException'), 'network-error' as const]) {
      const { api, requests } = cognito([failure, ok({ UserPoolClient: { ClientId: 'second' } })]);
      await expect(api('CreateUserPoolClient', { UserPoolId: 'p', ClientName: 'n' })).rejects.toBeInstanceOf(AwsJsonError);
      expect(requests).toHaveLength(1);
    }
  });

  it('repeats the idempotent calls after a 5xx, a lost answer or an attempt that timed out', async () => {
    for (const operation of ['DescribeUserPoolClient', 'ListUserPoolClients', 'UpdateUserPoolClient', 'DeleteUserPoolClient', 'RevokeToken'] as const) {
      const { api, requests } = cognito([cognitoError(500, 'InternalErrorException'), 'network-error', ok({ done: operation })]);
      expect(await api(operation, {})).toEqual({ done: operation });
      expect(requests).toHaveLength(3);
    }
    const { api, requests } = cognito(['hang', ok({ UserPoolClient: {} })]);
    expect(await api('DescribeUserPoolClient', {})).toEqual({ UserPoolClient: {} });
    expect(requests).toHaveLength(2);
  }, 10_000);

  it('does not retry LimitExceededException: in Cognito it is a resource quota, not a rate limit', async () => {
    const { api, requests } = cognito([cognitoError(400, 'LimitExceededException'), ok()]);
    await expect(api('CreateUserPoolClient', {})).rejects.toMatchObject({ name: 'LimitExceededException', throttling: false });
    expect(requests).toHaveLength(1);
  });

  it('does not retry a client error', async () => {
    const { api, requests } = cognito([cognitoError(400, 'ResourceNotFoundException'), ok()]);
    await expect(api('DescribeUserPoolClient', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'ResourceNotFoundException happened' });
    expect(requests).toHaveLength(1);
  });

  it('treats HTTP 429 as throttling whatever the body says', async () => {
    const { api, requests } = cognito([{ status: 429, body: '<html>slow down</html>' }, ok()]);
    expect(await api('CreateUserPoolClient', {})).toEqual({});
    expect(requests).toHaveLength(2);
  });

  it('stays inside its budget: no pause that would end past it, attempts cut to what is left', async () => {
    const slow = scripted([cognitoError(400, 'TooManyRequestsException')]);
    // With the jitter at its maximum the first pause (1 s) would end past a 300 ms budget: not taken.
    const api = cognitoApiFromEnvironment(ENV, { fetch: slow.fetch, random: () => 0.999, timeoutMs: 300 });
    await expect(api('DescribeUserPoolClient', {})).rejects.toMatchObject({ name: 'TooManyRequestsException', attempts: 1 });
    const hanging = cognito(['hang'], 100);
    await expect(hanging.api('DescribeUserPoolClient', {})).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(hanging.requests).toHaveLength(1);
  });

  it('bounds each attempt, tells its timeout from the caller\'s abort, and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const call = (answers: Answer[]) => {
      const fake = scripted(answers);
      const service = { label: 'Test', signingName: 'test', region: 'eu-west-1', endpoint: 'https://test.example.com', jsonVersion: '1.1', targetPrefix: 'Test.' } as const;
      return {
        ...fake,
        call: createAwsJsonCall({ ...service, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, throttlingErrors: new Set(), attemptTimeoutMs: 50, budgetMs: 5_000, fetch: fake.fetch, random: NO_JITTER }),
      };
    };
    // An attempt that times out is retried when the call is idempotent, not when it is a write.
    const read = call(['hang', ok({ Item: 1 })]);
    expect(await read.call('Get', {}, { idempotent: true })).toEqual({ Item: 1 });
    expect(read.requests).toHaveLength(2);
    const write = call(['hang', ok()]);
    await expect(write.call('Put', {}, { idempotent: false })).rejects.toMatchObject({ name: 'TimeoutError', attempts: 1 });
    // The caller's own signal ends the call as AbortError, without a retry.
    const aborted = call(['hang', ok()]);
    const controller = new AbortController();
    const pending = aborted.call('Get', {}, { idempotent: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(aborted.requests).toHaveLength(1);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('without a caller signal, pauses and retries on the budget alone; an aborted caller signal sends nothing', async () => {
    const service = { label: 'Test', signingName: 'test', region: 'eu-west-1', endpoint: 'https://test.example.com', jsonVersion: '1.1', targetPrefix: 'Test.' } as const;
    const call = (answers: Answer[]) => {
      const fake = scripted(answers);
      return { ...fake, call: createAwsJsonCall({ ...service, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, throttlingErrors: new Set(), attemptTimeoutMs: 50, budgetMs: 5_000, fetch: fake.fetch, random: NO_JITTER }) };
    };
    const unsignalled = call(['network-error', cognitoError(500, 'InternalError'), ok({ Item: 2 })]);
    expect(await unsignalled.call('Get', {}, { idempotent: true })).toEqual({ Item: 2 });
    expect(unsignalled.requests).toHaveLength(3);
    const aborted = call([ok()]);
    const controller = new AbortController();
    controller.abort();
    await expect(aborted.call('Get', {}, { idempotent: true, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError', attempts: 1 });
    expect(aborted.requests).toHaveLength(0);
  });

  it('sends RevokeToken unsigned, as the model says (no auth: the app client authenticates in the body)', async () => {
    const { api, requests } = cognito([ok()]);
    await api('RevokeToken', { Token: 't', ClientId: 'c' });
    expect(requests[0]!.headers.get('authorization')).toBeNull();
    expect(requests[0]!.headers.get('x-amz-target')).toBe('AWSCognitoIdentityProviderService.RevokeToken');
    const signed = cognito([ok()]);
    await signed.api('DescribeUserPoolClient', {});
    expect(signed.requests[0]!.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 .*\/cognito-idp\/aws4_request/);
  });
});

describe('DynamoDB documents over the JSON API: what is retried', () => {
  const documents = (answers: Answer[]) => {
    const fake = scripted(answers);
    const api = dynamoDbJsonApiFromEnvironment(ENV, { fetch: fake.fetch, retry: DYNAMODB_SDK_RETRY, random: NO_JITTER });
    return { ...fake, documents: jsonApiDocuments(api) };
  };

  it('bounds a hanging call by the JSON API\'s own attempt timeout and budget, and by a tighter timeoutMs when given', async () => {
    // No signal of the documents' own by default: the JSON API's bounds end the call, as TimeoutError.
    const bounded = (answers: Answer[], timeoutMs?: number) => {
      const fake = scripted(answers);
      const api = dynamoDbJsonApiFromEnvironment(ENV, { fetch: fake.fetch, retry: DYNAMODB_SDK_RETRY, random: NO_JITTER, attemptTimeoutMs: 30 });
      return { ...fake, documents: jsonApiDocuments(api, timeoutMs) };
    };
    const write = bounded(['hang', ok()]);
    await expect(write.documents.update({ TableName: 't', Key: { id: 'x' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }))
      .rejects.toMatchObject({ name: 'TimeoutError', attempts: 1 });
    expect(write.requests).toHaveLength(1);
    const read = bounded(['hang', 'hang', ok({ Item: { id: { S: 'x' } } })]);
    expect(await read.documents.get({ TableName: 't', Key: { id: 'x' } })).toEqual({ Item: { id: 'x' } });
    expect(read.requests).toHaveLength(3);
    // A timeoutMs tighter than an attempt ends the whole call, without a retry.
    const tight = scripted(['hang', ok()]);
    const tightDocuments = jsonApiDocuments(dynamoDbJsonApiFromEnvironment(ENV, { fetch: tight.fetch, retry: DYNAMODB_SDK_RETRY, random: NO_JITTER }), 20);
    await expect(tightDocuments.get({ TableName: 't', Key: { id: 'x' } })).rejects.toMatchObject({ name: 'TimeoutError', attempts: 1 });
    expect(tight.requests).toHaveLength(1);
  });

  it('retries reads after a 5xx or a lost answer, 3 attempts in all', async () => {
    const { documents: docs, requests } = documents([dynamoError(500, 'InternalServerError'), 'network-error', ok({ Item: { id: { S: 'x' } } })]);
    expect(await docs.get({ TableName: 't', Key: { id: 'x' } })).toEqual({ Item: { id: 'x' } });
    expect(requests).toHaveLength(3);
  });

  it('does not repeat a PutItem, UpdateItem or DeleteItem after a 5xx (it may have been applied), but does after throttling', async () => {
    const write = { TableName: 't', Key: { id: 'x' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } };
    const failed = documents([dynamoError(500, 'InternalServerError'), ok()]);
    await expect(failed.documents.update(write)).rejects.toMatchObject({ name: 'InternalServerError', retryable: true, attempts: 1 });
    expect(failed.requests).toHaveLength(1);
    for (const throttle of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']) {
      const throttled = documents([dynamoError(400, throttle), ok({ Attributes: { n: { N: '1' } } })]);
      expect(await throttled.documents.update(write)).toEqual({ Attributes: { n: 1 } });
      expect(throttled.requests).toHaveLength(2);
    }
  });

  it('repeats a transaction after a 5xx with the same ClientRequestToken, so DynamoDB applies it once', async () => {
    const { documents: docs, requests } = documents([dynamoError(500, 'InternalServerError'), ok()]);
    await docs.transact({ TransactItems: [{ Put: { TableName: 't', Item: { id: 'x' }, ConditionExpression: 'attribute_not_exists(id)' } }] });
    expect(requests).toHaveLength(2);
    const [first, second] = await Promise.all(requests.map((request) => request.clone().json() as Promise<{ ClientRequestToken: string; TransactItems: unknown }>));
    expect(first!.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.ClientRequestToken).toBe(first!.ClientRequestToken);
    expect(first!.TransactItems).toEqual([{ Put: { TableName: 't', Item: { id: { S: 'x' } }, ConditionExpression: 'attribute_not_exists(id)' } }]);
  });

  it('does not retry LimitExceededException (a control-plane quota in DynamoDB) nor a cancelled transaction, whose reasons stay readable', async () => {
    const limited = documents([dynamoError(400, 'LimitExceededException'), ok()]);
    await expect(limited.documents.get({ TableName: 't', Key: { id: 'x' } })).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(limited.requests).toHaveLength(1);
    const reasons = [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }];
    const cancelled = documents([dynamoError(400, 'TransactionCanceledException', { CancellationReasons: reasons })]);
    const error = await cancelled.documents.transact({ TransactItems: [] }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(cancellationReasons(error)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(cancelled.requests).toHaveLength(1);
  });
});

describe('Secrets Manager GetSecretValue over the helper', () => {
  it('retries a read after a 5xx and names the error once it gives up', async () => {
    const secret = 's'.repeat(40);
    const flaky = scripted([{ status: 503, body: '<html>unavailable</html>' }, ok({ SecretString: secret })]);
    expect(await getSecretValue({ secretId: 'id', env: ENV, fetch: flaky.fetch })).toBe(secret);
    expect(flaky.targets()).toEqual(['secretsmanager.GetSecretValue', 'secretsmanager.GetSecretValue']);
    const denied = scripted([{ status: 400, body: { __type: 'AccessDeniedException', message: 'no' } }]);
    await expect(getSecretValue({ secretId: 'id', env: ENV, fetch: denied.fetch })).rejects.toThrow('GetSecretValue failed (HTTP 400 AccessDeniedException)');
    expect(denied.requests).toHaveLength(1);
  });
});

describe('a query-compatible JSON service (CloudWatch)', () => {
  const answering = (status: number, body: unknown, headers: Record<string, string>) => {
    const requests: Request[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      requests.push(new Request(url, init));
      return new Response(JSON.stringify(body), { status, headers });
    }) as unknown as typeof globalThis.fetch;
    return { requests, fetch };
  };
  const call = (fetch: typeof globalThis.fetch) =>
    createAwsJsonCall({
      label: 'CloudWatch',
      signingName: 'monitoring',
      region: 'eu-west-1',
      endpoint: 'https://monitoring.eu-west-1.amazonaws.com',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      jsonVersion: '1.0',
      targetPrefix: 'GraniteServiceVersion20100801.',
      headers: { 'x-amzn-query-mode': 'true' },
      throttlingErrors: new Set(['Throttling']),
      retry: { ...SDK_STANDARD_RETRY, maxAttempts: 1 },
      attemptTimeoutMs: 1000,
      budgetMs: 1000,
      fetch,
    });

  it('names the error by x-amzn-query-error (the Query API code) before __type, and signs its extra header', async () => {
    const { requests, fetch } = answering(
      400,
      { __type: 'com.amazonaws.cloudwatch#InvalidNextTokenException', message: 'bad token' },
      { 'x-amzn-query-error': 'InvalidNextToken;Sender' },
    );
    const failure = await call(fetch)('DescribeAlarms', {}, { idempotent: true }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsJsonError);
    expect((failure as AwsJsonError).name).toBe('InvalidNextToken');
    expect(requests[0]!.headers.get('x-amzn-query-mode')).toBe('true');
    expect(requests[0]!.headers.get('authorization')).toMatch(/SignedHeaders=[^,]*x-amzn-query-mode/);
  });

  it('falls back to __type without the header', async () => {
    const { fetch } = answering(400, { __type: 'com.amazonaws.cloudwatch#InvalidNextTokenException', message: 'bad token' }, {});
    const failure = await call(fetch)('DescribeAlarms', {}, { idempotent: true }).catch((error: unknown) => error);
    expect((failure as AwsJsonError).name).toBe('InvalidNextTokenException');
  });
});
