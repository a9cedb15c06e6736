import { StsError } from './sts-error.js';

/**
 * Reads STS's Query API answers (XML, namespace https://sts.amazonaws.com/doc/2011-06-15/):
 *
 *   <AssumeRoleResponse><AssumeRoleResult>
 *     <SourceIdentity>…</SourceIdentity>
 *     <AssumedRoleUser><Arn>…</Arn><AssumedRoleId>AROA…:session</AssumedRoleId></AssumedRoleUser>
 *     <Credentials><AccessKeyId>ASIA…</AccessKeyId><SecretAccessKey>…</SecretAccessKey>
 *       <SessionToken>…</SessionToken><Expiration>2026-12-01T23:00:00Z</Expiration></Credentials>
 *     <PackedPolicySize>6</PackedPolicySize>
 *   </AssumeRoleResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></AssumeRoleResponse>
 *
 *   <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>…</Message></Error>
 *     <RequestId>…</RequestId></ErrorResponse>
 *
 * The documents are small, flat and machine-written, so a few exact element look-ups are enough;
 * no XML library is bundled. Element names are unique in both documents.
 */

export interface AssumeRoleResult {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
  assumedRoleId: string;
  sourceIdentity?: string;
  /** Percentage of STS's packed limit used by the session tags (and session policy, none here). */
  packedPolicySize?: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g, (_match, hex: string, dec: string, name: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : ENTITIES[name]!,
  );
}

/** The text of the one element with this name (no prefix, no attributes are used by STS), or undefined. */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match ? decode(match[1]!).trim() : undefined;
}

export function parseAssumeRoleResponse(xml: string, status: number): AssumeRoleResult {
  const missing = (what: string): never => {
    throw new StsError('InvalidResponse', `STS AssumeRole: the response has no ${what}`, status);
  };
  if (!/<AssumeRoleResponse[\s>]/.test(xml)) missing('AssumeRoleResponse');
  const accessKeyId = element(xml, 'AccessKeyId') || missing('AccessKeyId');
  const secretAccessKey = element(xml, 'SecretAccessKey') || missing('SecretAccessKey');
  const sessionToken = element(xml, 'SessionToken') || missing('SessionToken');
  const expirationText = element(xml, 'Expiration') || missing('Expiration');
  const expiration = new Date(expirationText);
  if (Number.isNaN(expiration.getTime())) missing('readable Expiration');
  const packed = element(xml, 'PackedPolicySize');
  const sourceIdentity = element(xml, 'SourceIdentity');
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration,
    assumedRoleArn: element(xml, 'Arn') || missing('AssumedRoleUser Arn'),
    assumedRoleId: element(xml, 'AssumedRoleId') || missing('AssumedRoleId'),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(packed && /^\d+$/.test(packed) ? { packedPolicySize: Number(packed) } : {}),
  };
}

// STS's documented retryable errors, beyond any 5xx.
const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'IDPCommunicationError', 'ServiceUnavailable']);

/** An error answer as an StsError named by its Code (HttpNNNError when the body is not STS's). */
export function stsErrorOf(xml: string, status: number): StsError {
  const code = element(xml, 'Code');
  const name = code && /^[\w.]+$/.test(code) ? code : `Http${status}Error`;
  const message = element(xml, 'Message');
  const detail = message ? `: ${message.slice(0, 300)}` : '';
  return new StsError(name, `STS AssumeRole failed with ${name} (HTTP ${status})${detail}`, status, status >= 500 || RETRYABLE.has(name));
}
