import { describe, expect, it } from 'vitest';
import { dynamoDbEndpoint } from '../../lib/dynamodb/json-api.js';
import { cloudWatchEndpoint } from '../../lib/aws/cloudwatch-alarms.js';
import { stsEndpoint } from '../../lib/aws/sts-endpoint.js';

describe('dynamoDbEndpoint (where the authorizer sends DynamoDB calls)', () => {
  it.each([
    ['us-east-1', {}, 'https://dynamodb.us-east-1.amazonaws.com'],
    ['eu-west-3', {}, 'https://dynamodb.eu-west-3.amazonaws.com'],
    ['us-gov-west-1', {}, 'https://dynamodb.us-gov-west-1.amazonaws.com'],
    // GovCloud's regular DynamoDB endpoints are FIPS ones: the SDK's rules send FIPS calls there.
    ['us-gov-west-1', { AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://dynamodb.us-gov-west-1.amazonaws.com'],
    ['us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://dynamodb-fips.us-east-1.amazonaws.com'],
    ['us-iso-east-1', {}, 'https://dynamodb.us-iso-east-1.c2s.ic.gov'],
    ['cn-north-1', {}, 'https://dynamodb.cn-north-1.amazonaws.com.cn'],
    ['eusc-de-east-1', {}, 'https://dynamodb.eusc-de-east-1.amazonaws.eu'],
    ['us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }, 'http://localhost:8000'],
    ['us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'https://vpce.example.com/' }, 'https://vpce.example.com'],
    ['us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:4566' }, 'http://localhost:4566'],
    ['', { AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }, 'http://localhost:8000'],
  ])('%s with %j → %s', (region, env, expected) => {
    expect(dynamoDbEndpoint(env, region)).toBe(expected);
  });

  it.each([
    ['', {}, /AWS_REGION/],
    ['not a region', {}, /AWS_REGION/],
    ['us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'not a url' }, /not a URL/],
    ['us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'file:///etc/passwd' }, /http\(s\)/],
  ])('refuses %j with %j', (region, env, message) => {
    expect(() => dynamoDbEndpoint(env, region)).toThrow(message);
  });
});

describe('the other adapters resolve regional endpoints the same way (lib/aws/endpoints.ts)', () => {
  it.each([
    ['cn-north-1', {}, 'https://monitoring.cn-north-1.amazonaws.com.cn'],
    ['eusc-de-east-1', {}, 'https://monitoring.eusc-de-east-1.amazonaws.eu'],
    ['us-gov-west-1', { AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://monitoring.us-gov-west-1.amazonaws.com'],
    ['us-east-2', { AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://monitoring-fips.us-east-2.amazonaws.com'],
    ['eu-west-1', {}, 'https://monitoring.eu-west-1.amazonaws.com'],
  ])('CloudWatch in %s with %j → %s', (region, env, expected) => {
    expect(cloudWatchEndpoint(env, region)).toBe(expected);
  });

  it.each([
    ['eusc-de-east-1', 'https://sts.eusc-de-east-1.amazonaws.eu'],
    ['cn-northwest-1', 'https://sts.cn-northwest-1.amazonaws.com.cn'],
  ])('STS in %s → %s', (region, expected) => {
    expect(stsEndpoint({}, region)).toBe(expected);
  });

  it('CloudWatch has no endpoint without a region name', () => {
    expect(cloudWatchEndpoint({}, 'not a region')).toBeUndefined();
  });
});
