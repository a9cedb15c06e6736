import { randomBytes } from 'node:crypto';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/**
 * A STAND-IN FOR AMAZON CLOUDWATCH, not an emulator: none can be installed on these machines
 * (README, "Per-user AWS credentials"). It speaks CloudWatch's AWS JSON 1.0 wire format (as the AWS
 * SDK's own model describes it, @aws-sdk/client-cloudwatch) for one operation, DescribeAlarms:
 * POST `/` with X-Amz-Target `GraniteServiceVersion20100801.DescribeAlarms` and
 * `application/x-amz-json-1.0`, an answer with `MetricAlarms` (timestamps in epoch seconds) and
 * `NextToken`, errors as `{"__type": ..., "message": ...}` with the query-compatible
 * `x-amzn-query-error: Code;Sender` header. It checks the SigV4 signature (recomputed with the AWS
 * SDK's signer, service `monitoring`) against the keys `secretOf` knows (for instance those the STS
 * stand-in issued), filters by AlarmNamePrefix, StateValue and AlarmTypes, pages by MaxRecords
 * (1-100) and answers InvalidNextToken for a token it did not issue. IAM is not evaluated:
 * `deny` lets a test answer AccessDenied as CloudWatch would.
 */
export interface StandInAlarm {
  AlarmName: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason?: string;
  Namespace?: string;
  MetricName?: string;
  Threshold?: number;
  ComparisonOperator?: string;
  AlarmDescription?: string;
  composite?: boolean;
}

export interface CloudWatchRequest {
  accessKeyId: string;
  sessionToken: string | undefined;
  input: Record<string, unknown>;
}

export interface CloudWatchResponder {
  endpoint: string;
  alarms: StandInAlarm[];
  requests: CloudWatchRequest[];
  deny: ((request: CloudWatchRequest) => boolean) | undefined;
  close(): Promise<void>;
}

const TARGET = 'GraniteServiceVersion20100801.DescribeAlarms';

class Fault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export async function startCloudWatchResponder(options: {
  region: string;
  account?: string;
  secretOf: (accessKeyId: string) => { secretAccessKey: string; sessionToken?: string } | undefined;
}): Promise<CloudWatchResponder> {
  const account = options.account ?? '123456789012';
  const requests: CloudWatchRequest[] = [];
  const tokens = new Map<string, number>();
  const verify = async (request: IncomingMessage, body: string): Promise<{ accessKeyId: string; sessionToken: string | undefined }> => {
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      String(request.headers.authorization ?? ''),
    );
    if (!match) throw new Fault('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    const [, accessKeyId, , region, service, signedHeaders, signature] = match as unknown as string[];
    const key = options.secretOf(accessKeyId!);
    if (!key) throw new Fault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    if (service !== 'monitoring' || region !== options.region) throw new Fault('SignatureDoesNotMatch', 'Credential should be scoped to the right service and region.', 403);
    const sessionToken = request.headers['x-amz-security-token'] as string | undefined;
    if (key.sessionToken !== sessionToken) throw new Fault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const names = signedHeaders!.split(';');
    const headers = Object.fromEntries(names.map((name) => [name, String(request.headers[name] ?? '')]));
    const signer = new SignatureV4({
      credentials: { accessKeyId: accessKeyId!, secretAccessKey: key.secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      region: options.region,
      service: 'monitoring',
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const host = String(request.headers.host);
    const expected = await signer.sign({ method: request.method!, protocol: 'http:', hostname: host.split(':')[0]!, path: '/', query: {}, headers, body }, { signingDate });
    if (/Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] !== signature) {
      throw new Fault('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
    }
    return { accessKeyId: accessKeyId!, sessionToken };
  };

  const describe = (input: Record<string, unknown>) => {
    const max = input.MaxRecords ?? 50;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
      throw new Fault('InvalidParameterValue', 'The value for MaxRecords must be between 1 and 100.');
    }
    let start = 0;
    if (input.NextToken !== undefined) {
      const at = tokens.get(String(input.NextToken));
      if (at === undefined) throw new Fault('InvalidNextToken', 'The service returned an error with Error Code InvalidNextToken.');
      start = at;
    }
    const prefix = typeof input.AlarmNamePrefix === 'string' ? input.AlarmNamePrefix : '';
    const types = Array.isArray(input.AlarmTypes) ? input.AlarmTypes : ['MetricAlarm'];
    const matching = responder.alarms.filter(
      (alarm) =>
        alarm.AlarmName.startsWith(prefix) &&
        (input.StateValue === undefined || alarm.StateValue === input.StateValue) &&
        types.includes(alarm.composite ? 'CompositeAlarm' : 'MetricAlarm'),
    );
    const page = matching.slice(start, start + max);
    let NextToken: string | undefined;
    if (start + max < matching.length) {
      NextToken = randomBytes(24).toString('base64');
      tokens.set(NextToken, start + max);
    }
    const arn = (name: string) => `arn:aws:cloudwatch:${options.region}:${account}:alarm:${name}`;
    return {
      MetricAlarms: page
        .filter((alarm) => !alarm.composite)
        .map(({ composite: _composite, ...alarm }) => ({ ...alarm, AlarmArn: arn(alarm.AlarmName), StateUpdatedTimestamp: 1_796_000_000.5, ActionsEnabled: true })),
      CompositeAlarms: [],
      ...(NextToken ? { NextToken } : {}),
    };
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomBytes(16).toString('hex'), ...headers });
        response.end(JSON.stringify(value));
      };
      void (async () => {
        try {
          if (request.method !== 'POST' || request.url !== '/') throw new Fault('UnknownOperationException', 'Only POST / is served');
          if (request.headers['x-amz-target'] !== TARGET) throw new Fault('UnknownOperationException', `Only ${TARGET} is served`);
          if (!String(request.headers['content-type']).startsWith('application/x-amz-json-1.0')) throw new Fault('UnknownOperationException', 'Not JSON 1.0');
          const caller = await verify(request, body);
          let input: Record<string, unknown>;
          try {
            input = JSON.parse(body) as Record<string, unknown>;
          } catch {
            throw new Fault('SerializationException', 'Body is not JSON');
          }
          const recorded = { ...caller, input };
          requests.push(recorded);
          if (responder.deny?.(recorded)) {
            throw new Fault('AccessDenied', `User: arn:aws:sts::${account}:assumed-role/tool/x is not authorized to perform: cloudwatch:DescribeAlarms`, 403);
          }
          answer(200, describe(input));
        } catch (error) {
          const fault = error instanceof Fault ? error : new Fault('InternalFailure', 'internal', 500, 'Receiver');
          answer(fault.status, { __type: `com.amazonaws.cloudwatch#${fault.code}`, message: fault.message }, { 'x-amzn-query-error': `${fault.code};${fault.type}` });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const responder: CloudWatchResponder = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    alarms: [],
    requests,
    deny: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return responder;
}
