import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { AWS_SERVICES, type AwsService, resolveAwsEndpoint } from '../../lib/aws/endpoints.js';
import type { Send } from '../../lib/aws/http-send.js';
import { getSecretValue } from '../../lib/aws/secrets-manager.js';
import { cognitoApiFromEnvironment } from '../../lib/cognito/json-api.js';
import { dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';

/**
 * lib/aws/endpoints.ts against the AWS SDK v3's own endpoint rules, service by service: where the
 * project has the service's SDK client (DynamoDB, Cognito, CloudWatch: devDependencies), its
 * endpoint provider answers; for STS and Secrets Manager, whose clients the project does not
 * install, the endpoints their published rule sets give (STS: checked with @aws-sdk/client-sts
 * 3.x's provider when written; Secrets Manager: aws-sdk-js-v3's
 * clients/client-secrets-manager/src/endpoint/ruleset.ts), for a region of every partition.
 */
const REGIONS = [
  'us-east-1',
  'eu-west-3',
  'ap-southeast-7',
  'us-gov-west-1',
  'us-gov-east-1',
  'cn-north-1',
  'cn-northwest-1',
  'eusc-de-east-1',
  'us-iso-east-1',
  'us-isob-east-1',
  'eu-isoe-west-1',
  'us-isof-south-1',
];

const SDK_CLIENTS: Array<[AwsService, { config: unknown }]> = [
  ['dynamodb', new DynamoDBClient({ region: 'us-east-1' })],
  ['cognitoIdentityProvider', new CognitoIdentityProviderClient({ region: 'us-east-1' })],
  ['cloudWatch', new CloudWatchClient({ region: 'us-east-1' })],
];

function sdkEndpoint(client: { config: unknown }, region: string, fips: boolean): string {
  const provider = (client.config as { endpointProvider(params: Record<string, unknown>): { url: URL } }).endpointProvider;
  return provider({ Region: region, UseFIPS: fips, UseDualStack: false }).url.href.replace(/\/$/, '');
}

const fipsEnv = (fips: boolean) => (fips ? { AWS_USE_FIPS_ENDPOINT: 'true' } : {});

describe('resolveAwsEndpoint: the regional endpoint the AWS SDK would use', () => {
  for (const [service, client] of SDK_CLIENTS) {
    it(`${service}: as its SDK client's endpoint provider, in every partition, with and without FIPS`, () => {
      for (const region of REGIONS) {
        for (const fips of [false, true]) {
          expect({ region, fips, endpoint: resolveAwsEndpoint(service, fipsEnv(fips), region).endpoint }).toEqual({
            region,
            fips,
            endpoint: sdkEndpoint(client, region, fips),
          });
        }
      }
    });
  }

  it.each([
    ['sts', 'us-east-1', false, 'https://sts.us-east-1.amazonaws.com'],
    ['sts', 'us-east-1', true, 'https://sts-fips.us-east-1.amazonaws.com'],
    ['sts', 'us-gov-west-1', true, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['sts', 'cn-north-1', true, 'https://sts-fips.cn-north-1.amazonaws.com.cn'],
    ['sts', 'eusc-de-east-1', false, 'https://sts.eusc-de-east-1.amazonaws.eu'],
    ['sts', 'us-iso-east-1', false, 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ['sts', 'eu-isoe-west-1', true, 'https://sts-fips.eu-isoe-west-1.cloud.adc-e.uk'],
    ['secretsManager', 'us-east-1', false, 'https://secretsmanager.us-east-1.amazonaws.com'],
    ['secretsManager', 'us-east-1', true, 'https://secretsmanager-fips.us-east-1.amazonaws.com'],
    ['secretsManager', 'us-gov-west-1', true, 'https://secretsmanager-fips.us-gov-west-1.amazonaws.com'],
    ['secretsManager', 'cn-north-1', false, 'https://secretsmanager.cn-north-1.amazonaws.com.cn'],
    ['secretsManager', 'cn-northwest-1', true, 'https://secretsmanager-fips.cn-northwest-1.amazonaws.com.cn'],
    ['secretsManager', 'eusc-de-east-1', false, 'https://secretsmanager.eusc-de-east-1.amazonaws.eu'],
    ['secretsManager', 'us-isob-east-1', false, 'https://secretsmanager.us-isob-east-1.sc2s.sgov.gov'],
    ['secretsManager', 'us-isof-south-1', true, 'https://secretsmanager-fips.us-isof-south-1.csp.hci.ic.gov'],
  ] as const)('%s in %s (FIPS %s): %s', (service, region, fips, expected) => {
    expect(resolveAwsEndpoint(service, fipsEnv(fips), region).endpoint).toBe(expected);
  });
});

describe('resolveAwsEndpoint: the endpoint variables, for every service', () => {
  for (const [service, { variable }] of Object.entries(AWS_SERVICES) as Array<[AwsService, { variable: string }]>) {
    it(`${service}: ${variable}, then AWS_ENDPOINT_URL; FIPS does not apply to them; another service's variable is not read`, () => {
      expect(resolveAwsEndpoint(service, { [variable]: 'http://localhost:8000/', AWS_ENDPOINT_URL: 'http://localhost:4566' }, 'eu-west-1')).toEqual({
        endpoint: 'http://localhost:8000',
      });
      expect(resolveAwsEndpoint(service, { AWS_ENDPOINT_URL: 'https://vpce.example.com/base/', AWS_USE_FIPS_ENDPOINT: 'true' }, 'eu-west-1')).toEqual({
        endpoint: 'https://vpce.example.com/base',
      });
      // A local endpoint needs no region.
      expect(resolveAwsEndpoint(service, { [variable]: 'http://127.0.0.1:9229' }, '').endpoint).toBe('http://127.0.0.1:9229');
      const other = Object.values(AWS_SERVICES).find((settings) => settings.variable !== variable)!.variable;
      expect(resolveAwsEndpoint(service, { [other]: 'http://localhost:1' }, 'eu-west-1').endpoint).toMatch(/^https:\/\/[a-z-]+\.eu-west-1\.amazonaws\.com$/);
    });

    it(`${service}: refuses what it cannot use, naming the variable`, () => {
      expect(resolveAwsEndpoint(service, {}, '')).toEqual({ problem: 'AWS_REGION is missing or not a region name' });
      expect(resolveAwsEndpoint(service, {}, 'not a region').problem).toMatch(/AWS_REGION/);
      expect(resolveAwsEndpoint(service, { [variable]: 'not a url' }, 'eu-west-1')).toEqual({ problem: `${variable} is not a URL` });
      expect(resolveAwsEndpoint(service, { AWS_ENDPOINT_URL: 'file:///etc/passwd' }, 'eu-west-1')).toEqual({
        problem: 'AWS_ENDPOINT_URL must be an http(s) URL',
      });
    });
  }
});

describe('the adapters call the endpoint it resolves', () => {
  const credentials = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
  function recording(body: unknown): { send: Send; urls: string[] } {
    const urls: string[] = [];
    const send: Send = async (url) => {
      urls.push(url);
      return { ok: true, status: 200, headers: { get: () => null }, text: async () => JSON.stringify(body) };
    };
    return { send, urls };
  }

  // Secrets Manager's endpoint was built by hand: commercial partition only, no FIPS, no AWS_ENDPOINT_URL.
  it.each([
    [{ AWS_REGION: 'cn-north-1' }, 'https://secretsmanager.cn-north-1.amazonaws.com.cn/'],
    [{ AWS_REGION: 'eusc-de-east-1' }, 'https://secretsmanager.eusc-de-east-1.amazonaws.eu/'],
    [{ AWS_REGION: 'us-east-1', AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://secretsmanager-fips.us-east-1.amazonaws.com/'],
    [{ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://localhost:4566' }, 'http://localhost:4566/'],
  ])('Secrets Manager with %j: %s', async (env, expected) => {
    const { send, urls } = recording({ SecretString: 'k'.repeat(44) });
    await getSecretValue({ secretId: 'key', env: { ...credentials, ...env }, fetch: send });
    expect(urls).toEqual([expected]);
  });

  it('Cognito and DynamoDB', async () => {
    const env = { ...credentials, AWS_REGION: 'cn-northwest-1', AWS_USE_FIPS_ENDPOINT: 'true' };
    const cognito = recording({});
    await cognitoApiFromEnvironment(env, { fetch: cognito.send })('DescribeUserPoolClient', { UserPoolId: 'p', ClientId: 'c' });
    expect(cognito.urls).toEqual(['https://cognito-idp-fips.cn-northwest-1.amazonaws.com.cn/']);
    const dynamodb = recording({});
    await dynamoDbJsonApiFromEnvironment({ ...env, AWS_REGION: 'us-gov-west-1' }, { fetch: dynamodb.send })('GetItem', { TableName: 't', Key: {} });
    expect(dynamodb.urls).toEqual(['https://dynamodb.us-gov-west-1.amazonaws.com/']);
  });
});
