import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/**
 * A STAND-IN FOR AWS STS, not an emulator: no STS emulator can be installed on these machines
 * (README, "Per-user AWS credentials"). It speaks STS's real Query API wire format for one action,
 * AssumeRole (API version 2011-06-15): a form-encoded POST to `/`, answered with the XML
 * `AssumeRoleResponse` or an `ErrorResponse` with STS's error codes and HTTP statuses, and it
 * checks what STS checks before any policy: the SigV4 signature (recomputed with the AWS SDK's own
 * signer, @smithy/signature-v4, from the secret of the calling key: a wrong one is
 * SignatureDoesNotMatch), the signing scope (service `sts`, this region), and the documented
 * parameter constraints (RoleArn, RoleSessionName and SourceIdentity patterns and lengths,
 * DurationSeconds 900-43200, at most 50 tags, tag key/value lengths and characters, keys unique
 * without regard to case). Trust policies are not evaluated here (the IAM simulator test does
 * that against the packaged template): `deny` lets a test answer AccessDenied as STS would.
 */

export interface StsCallerKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RecordedAssumeRole {
  form: URLSearchParams;
  headers: Record<string, string>;
}

export interface StsResponder {
  endpoint: string;
  /** Every AssumeRole request that reached the responder, valid or not. */
  requests: RecordedAssumeRole[];
  /** Answers the next N requests with this error (Throttling, a 500 InternalFailure, ...). */
  failNext(count: number, code: string, status: number): void;
  /** Holds every answer until `release()` (to make concurrent callers overlap). */
  hold(): { release(): void };
  /** When it returns a message, the request is answered 403 AccessDenied with it. */
  deny: ((form: URLSearchParams) => string | undefined) | undefined;
  /** Issued credentials, by access key id: what the responder handed out. */
  issued: Map<string, { secretAccessKey: string; sessionToken: string; form: URLSearchParams }>;
  close(): Promise<void>;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const NAME_PATTERN = /^[\w+=,.@-]*$/;
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const xmlEscape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);
const requestId = () => randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId()}</RequestId>\n</ErrorResponse>\n`;
}

class StsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const constraint = (value: string, member: string, rule: string) =>
  new StsFault('ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);

export async function startStsResponder(options: { region: string; keys: StsCallerKey[] }): Promise<StsResponder> {
  const requests: RecordedAssumeRole[] = [];
  const issued: StsResponder['issued'] = new Map();
  let failures: { count: number; code: string; status: number } = { count: 0, code: '', status: 0 };
  let gate: Promise<void> | undefined;

  const verifySignature = async (request: IncomingMessage, body: string) => {
    const authorization = String(request.headers.authorization ?? '');
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match) throw new StsFault('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    const [, accessKeyId, day, region, service, signedHeaders, signature] = match;
    const key = options.keys.find((candidate) => candidate.accessKeyId === accessKeyId);
    if (!key) throw new StsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    if (service !== 'sts') throw new StsFault('SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`, 403);
    if (region !== options.region) throw new StsFault('SignatureDoesNotMatch', `Credential should be scoped to a valid region.`, 403);
    if (key.sessionToken && request.headers['x-amz-security-token'] !== key.sessionToken) {
      throw new StsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    }
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) throw new StsFault('IncompleteSignature', 'Date must be in ISO-8601 basic format', 400);
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) throw new StsFault('SignatureDoesNotMatch', 'Signature expired', 403);
    const names = signedHeaders!.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) throw new StsFault('SignatureDoesNotMatch', 'host and x-amz-date must be signed', 403);
    const headers = Object.fromEntries(names.map((name) => [name, String(request.headers[name] ?? '')]));
    const signer = new SignatureV4({
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken ? { sessionToken: key.sessionToken } : {}) },
      region: options.region,
      service: 'sts',
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const host = String(request.headers.host);
    const expected = await signer.sign(
      { method: request.method!, protocol: 'http:', hostname: host.split(':')[0]!, path: request.url!.split('?')[0]!, query: {}, headers, body },
      { signingDate },
    );
    const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1];
    if (expectedSignature !== signature) {
      throw new StsFault('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
    }
  };

  const validate = (form: URLSearchParams) => {
    if (form.get('Action') !== 'AssumeRole') throw new StsFault('InvalidAction', `Could not find operation ${form.get('Action')} for version ${form.get('Version')}`);
    if (form.get('Version') !== '2011-06-15') throw new StsFault('InvalidAction', `Could not find operation AssumeRole for version ${form.get('Version')}`);
    const roleArn = form.get('RoleArn') ?? '';
    if (roleArn.length < 20 || roleArn.length > 2048) throw constraint(roleArn, 'roleArn', 'Member must have length between 20 and 2048');
    const role = ROLE_ARN.exec(roleArn);
    if (!role) throw new StsFault('ValidationError', `${roleArn} is invalid`);
    for (const [name, member] of [
      ['RoleSessionName', 'roleSessionName'],
      ['SourceIdentity', 'sourceIdentity'],
    ] as const) {
      const value = form.get(name);
      if (value === null) {
        if (name === 'RoleSessionName') throw new StsFault('MissingParameter', 'The request must contain the parameter RoleSessionName');
        continue;
      }
      if (value.length < 2 || value.length > 64) throw constraint(value, member, 'Member must have length between 2 and 64');
      if (!NAME_PATTERN.test(value)) throw constraint(value, member, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
      if (name === 'SourceIdentity' && value.toLowerCase().startsWith('aws:')) throw new StsFault('ValidationError', 'SourceIdentity cannot start with aws:');
    }
    const duration = Number(form.get('DurationSeconds') ?? '3600');
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw constraint(String(form.get('DurationSeconds')), 'durationSeconds', 'Member must have value between 900 and 43200');
    }
    if (duration > 3600) {
      throw new StsFault('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
    }
    const keys = new Set<string>();
    for (let index = 1; form.has(`Tags.member.${index}.Key`); index++) {
      const key = form.get(`Tags.member.${index}.Key`)!;
      const value = form.get(`Tags.member.${index}.Value`);
      if (index > 50) throw constraint('[…]', 'tags', 'Member must have length less than or equal to 50');
      if (value === null) throw new StsFault('ValidationError', `Tags.member.${index}.Value is missing`);
      if (key.length < 1 || key.length > 128) throw constraint(key, `tags.${index}.member.key`, 'Member must have length between 1 and 128');
      if (!TAG_PATTERN.test(key)) throw constraint(key, `tags.${index}.member.key`, 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
      if (value.length > 256) throw constraint(value, `tags.${index}.member.value`, 'Member must have length less than or equal to 256');
      if (!TAG_PATTERN.test(value)) throw constraint(value, `tags.${index}.member.value`, 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
      if (key.toLowerCase().startsWith('aws:')) throw new StsFault('ValidationError', 'Tag keys cannot start with aws:');
      if (keys.has(key.toLowerCase())) throw new StsFault('InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
      keys.add(key.toLowerCase());
    }
    return { account: role[1]!, roleName: role[2]!, duration, tagCount: keys.size };
  };

  const answer = (form: URLSearchParams) => {
    const checked = validate(form);
    const denied = responder.deny?.(form);
    if (denied) throw new StsFault('AccessDenied', denied, 403);
    const session = form.get('RoleSessionName')!;
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(96).toString('base64');
    issued.set(accessKeyId, { secretAccessKey, sessionToken, form });
    const expiration = new Date(Date.now() + checked.duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const roleId = `AROA${createHash('sha256').update(checked.roleName).digest('hex').slice(0, 17).toUpperCase()}`;
    const sourceIdentity = form.get('SourceIdentity');
    return `<AssumeRoleResponse xmlns="${NAMESPACE}">
  <AssumeRoleResult>
${sourceIdentity ? `    <SourceIdentity>${xmlEscape(sourceIdentity)}</SourceIdentity>\n` : ''}    <AssumedRoleUser>
      <Arn>arn:aws:sts::${checked.account}:assumed-role/${checked.roleName}/${xmlEscape(session)}</Arn>
      <AssumedRoleId>${roleId}:${xmlEscape(session)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xmlEscape(sessionToken)}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <PackedPolicySize>${Math.min(100, 2 + checked.tagCount * 2)}</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId()}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const form = new URLSearchParams(body);
    requests.push({ form, headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])) });
    if (gate) await gate;
    let status = 200;
    let xml: string;
    try {
      if (request.method !== 'POST' || request.url !== '/') throw new StsFault('InvalidAction', 'only POST / is served', 400);
      if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        throw new StsFault('InvalidParameterValue', 'the body must be application/x-www-form-urlencoded');
      }
      await verifySignature(request, body);
      if (failures.count > 0) {
        failures.count--;
        throw new StsFault(failures.code, `${failures.code} (injected by the test)`, failures.status);
      }
      xml = answer(form);
    } catch (error) {
      if (!(error instanceof StsFault)) throw error;
      status = error.status;
      xml = errorXml(error.status >= 500 ? 'Receiver' : 'Sender', error.code, error.message);
    }
    response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() });
    response.end(xml);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const responder: StsResponder = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    issued,
    deny: undefined,
    failNext(count, code, status) {
      failures = { count, code, status };
    },
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return {
        release() {
          gate = undefined;
          release();
        },
      };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return responder;
}
