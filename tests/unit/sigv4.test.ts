import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest, type SigningCredentials } from '../../lib/aws/sigv4.js';
import { NodeSha256 } from '../support/node-sha256.js';

/**
 * lib/aws/sigv4.ts against the AWS SDK's own signer (@smithy/signature-v4, what every AWS SDK v3
 * client signs with): the same request, credentials and time must give the same Authorization
 * header, byte for byte, over a corpus of requests. The SDK is told to leave unsigned what ours
 * leaves unsigned (content-type, user-agent, ...) and to add no x-amz-content-sha256 (ours sends
 * none, as aws4fetch did; only S3 asks for it). No AWS endpoint can be reached here, so the SDK's
 * signer is the reference for what AWS computes.
 */

const PERMANENT: SigningCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY: SigningCredentials = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'c2VjcmV0L3dpdGgrc3ltYm9scz0=',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ  with  spaces',
};

interface Case {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: SigningCredentials;
  date: string;
}

const JSON_10 = 'application/x-amz-json-1.0';
const cases: Case[] = [
  {
    name: 'DynamoDB UpdateItem, temporary credentials',
    method: 'POST',
    url: 'https://dynamodb.us-east-1.amazonaws.com/',
    headers: { 'content-type': JSON_10, 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
    body: '{"TableName":"rate-limits","Key":{"pk":{"S":"user#1"}}}',
    service: 'dynamodb',
    region: 'us-east-1',
    credentials: TEMPORARY,
    date: '2026-12-02T01:02:03Z',
  },
  {
    name: 'Cognito AdminUserGlobalSignOut, unicode body, another region',
    method: 'POST',
    url: 'https://cognito-idp.eu-west-3.amazonaws.com/',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.AdminUserGlobalSignOut' },
    body: JSON.stringify({ UserPoolId: 'eu-west-3_X', Username: 'zoë 🦊 Ünïcode ß 日本' }),
    service: 'cognito-idp',
    region: 'eu-west-3',
    credentials: TEMPORARY,
    date: '2026-01-31T23:59:59Z',
  },
  {
    name: 'Secrets Manager GetSecretValue, permanent credentials',
    method: 'POST',
    url: 'https://secretsmanager.ap-southeast-2.amazonaws.com',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body: '{"SecretId":"mcp-request-state","VersionStage":"AWSPREVIOUS"}',
    service: 'secretsmanager',
    region: 'ap-southeast-2',
    credentials: PERMANENT,
    date: '2026-07-28T12:00:00Z',
  },
  {
    name: 'STS AssumeRole form body with tags',
    method: 'POST',
    url: 'https://sts.us-west-2.amazonaws.com/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::123456789012:role/t', 'Tags.member.1.Value': 'ünï côde' }).toString(),
    service: 'sts',
    region: 'us-west-2',
    credentials: TEMPORARY,
    date: '2026-03-04T05:06:07Z',
  },
  {
    name: 'CloudWatch DescribeAlarms, extra signed header, local endpoint with port',
    method: 'POST',
    url: 'http://127.0.0.1:3714/',
    headers: { 'content-type': JSON_10, 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms', 'x-amzn-query-mode': 'true' },
    body: '{"AlarmNamePrefix":"mcp-","StateValue":"ALARM"}',
    service: 'monitoring',
    region: 'us-east-1',
    credentials: PERMANENT,
    date: '2026-12-02T00:00:00Z',
  },
  {
    name: 'GET with a path and a query string (encoding, sorting, repeated and empty values)',
    method: 'GET',
    url: "https://example.execute-api.us-east-1.amazonaws.com/prod/a%20b/c+d/é/it's(1)*~/?z=1&a=2&a=1&b=&name=zoë%20x&sp=a+b&bang=!'()*",
    headers: { 'x-amz-meta-note': '  padded   value  ' },
    body: '',
    service: 'execute-api',
    region: 'us-east-1',
    credentials: TEMPORARY,
    date: '2026-05-06T07:08:09Z',
  },
  {
    name: 'empty segments in the path',
    method: 'GET',
    url: 'https://lambda.eu-central-1.amazonaws.com//2015-03-31//functions/f/invocations',
    headers: {},
    body: '',
    service: 'lambda',
    region: 'eu-central-1',
    credentials: PERMANENT,
    date: '2026-09-10T11:12:13Z',
  },
  {
    name: 'headers the runtime may change stay unsigned',
    method: 'POST',
    url: 'https://dynamodb.us-gov-west-1.amazonaws.com/',
    headers: { 'content-type': JSON_10, 'user-agent': 'x', 'content-length': '2', 'x-amz-target': 'DynamoDB_20120810.GetItem', 'X-Custom': 'Mixed Case' },
    body: '{}',
    service: 'dynamodb',
    region: 'us-gov-west-1',
    credentials: TEMPORARY,
    date: '2026-02-28T00:00:01Z',
  },
];

const UNSIGNED = new Set(['content-type', 'content-length', 'user-agent', 'presigned-expires', 'expect', 'x-amzn-trace-id', 'range', 'connection']);

async function sdkAuthorization(request: Case): Promise<string> {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  const signer = new SignatureV4({ credentials: request.credentials as { accessKeyId: string; secretAccessKey: string }, region: request.region, service: request.service, sha256: NodeSha256, applyChecksum: false });
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const signed = await signer.sign(
    { method: request.method, protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname, query, headers: { ...headers, host: url.host }, body: request.body },
    { signingDate: new Date(request.date), unsignableHeaders: UNSIGNED },
  );
  return String(signed.headers.authorization);
}

describe('SigV4 signer (lib/aws/sigv4.ts)', () => {
  for (const request of cases) {
    it(`signs as the AWS SDK does: ${request.name}`, async () => {
      const headers = signRequest(request, request.credentials, { service: request.service, region: request.region }, new Date(request.date));
      expect(headers.authorization).toBe(await sdkAuthorization(request));
      expect(headers['x-amz-date']).toBe(request.date.replace(/[:-]/g, ''));
      expect(headers['x-amz-security-token']).toBe(request.credentials.sessionToken);
      expect(headers.host).toBeUndefined();
    });
  }

  it('signs again the same with the cached key, and differently with another secret, day, region or service', () => {
    const request = cases[0]!;
    const at = new Date(request.date);
    const sign = (credentials: SigningCredentials, region: string, service: string, date: Date) => signRequest(request, credentials, { service, region }, date).authorization;
    const first = sign(request.credentials, request.region, request.service, at);
    expect(sign(request.credentials, request.region, request.service, at)).toBe(first);
    const others = [
      sign({ ...request.credentials, secretAccessKey: 'other' }, request.region, request.service, at),
      sign(request.credentials, request.region, request.service, new Date(at.getTime() + 86_400_000)),
      sign(request.credentials, 'us-east-2', request.service, at),
      sign(request.credentials, request.region, 'dynamodb2', at),
    ].map((value) => value!.slice(-64));
    expect(new Set([first!.slice(-64), ...others]).size).toBe(5);
  });

  it('keeps signing correctly after more credentials than the key cache holds', async () => {
    const request = cases[2]!;
    for (let index = 0; index < 40; index++) {
      const credentials = { accessKeyId: `AKID${index}`, secretAccessKey: `secret-${index}` };
      const headers = signRequest(request, credentials, { service: request.service, region: request.region }, new Date(request.date));
      if (index % 13 === 0) expect(headers.authorization).toBe(await sdkAuthorization({ ...request, credentials }));
    }
    expect(signRequest(request, request.credentials, { service: request.service, region: request.region }, new Date(request.date)).authorization).toBe(await sdkAuthorization(request));
  });

  it('never sends a session token it was not given, even if a header says one', () => {
    const request = { ...cases[2]!, headers: { ...cases[2]!.headers, 'X-Amz-Security-Token': 'stale' } };
    const headers = signRequest(request, PERMANENT, { service: 'secretsmanager', region: 'ap-southeast-2' }, new Date(request.date));
    expect(headers['x-amz-security-token']).toBeUndefined();
    expect(headers.authorization).not.toContain('x-amz-security-token');
  });
});
