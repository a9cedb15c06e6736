import type { BodyInspection } from './json-rpc-message.js';
import { CALL_METHODS } from './json-rpc-message.js';

/** MCP 2026-07-28 `HeaderMismatch`: the standard headers disagree with the body (HTTP 400). */
export const HEADER_MISMATCH_CODE = -32020;

export interface HeaderMismatch {
  code: typeof HEADER_MISMATCH_CODE;
  message: string;
  data: { mismatch: { header: string; body: string } };
}

/**
 * 2026-07-28 requests repeat in headers what their body says (MCP-Protocol-Version, Mcp-Method,
 * and Mcp-Name for tools/call, resources/read and prompts/get) so that gateways can route on
 * them; a request whose headers and body disagree is refused before anything runs (no scope
 * check, no handler), and every decision after this one reads the body alone, never a header.
 * The SDK checks the same again, later: this is what lets the 403 scope refusal and the audit
 * come after it. Notifications are exempt (as in the SDK), and 2025 requests, which carry no
 * envelope, bind no headers beyond the protocol version the SDK checks itself.
 */
export function checkStandardHeaders(inspection: BodyInspection & { kind: 'message' }, headers: Headers): HeaderMismatch | undefined {
  if (inspection.isNotification || inspection.envelopeVersion === undefined) return undefined;
  const version = headers.get('mcp-protocol-version');
  if (version === null) return mismatch('MCP-Protocol-Version', `the body envelope names protocol version ${inspection.envelopeVersion} but the required MCP-Protocol-Version header is absent`);
  if (version.trim() !== inspection.envelopeVersion) {
    return mismatch('MCP-Protocol-Version', `the MCP-Protocol-Version header names ${version.trim()} but the body envelope names ${inspection.envelopeVersion}`);
  }
  const method = headers.get('mcp-method');
  if (method === null) return mismatch('Mcp-Method', `the body names method ${inspection.method} but the required Mcp-Method header is absent`);
  if (method.trim() !== inspection.method) return mismatch('Mcp-Method', `the Mcp-Method header names ${method.trim()} but the body names method ${inspection.method}`);
  const shape = inspection.method === undefined ? undefined : CALL_METHODS[inspection.method];
  if (!shape || inspection.call === undefined) return undefined;
  const named = headers.get('mcp-name');
  const field = `params.${shape.param}`;
  if (named === null) return mismatch('Mcp-Name', `the body carries ${field}=${JSON.stringify(inspection.call.name)} but the required Mcp-Name header is absent`);
  const decoded = decodeSentinel(named.trim());
  if (decoded === undefined) return mismatch('Mcp-Name', 'the Mcp-Name header carries an invalid Base64 sentinel value');
  if (decoded !== inspection.call.name) {
    return mismatch('Mcp-Name', `the body carries ${field}=${JSON.stringify(inspection.call.name)} but the Mcp-Name header names ${JSON.stringify(decoded)}`);
  }
  return undefined;
}

function mismatch(header: string, body: string): HeaderMismatch {
  return { code: HEADER_MISMATCH_CODE, message: `Bad Request: the request headers and body disagree: ${body}`, data: { mismatch: { header, body } } };
}

const SENTINEL = /^=\?base64\?(.*)\?=$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A header value as sent, or the UTF-8 text of a `=?base64?…?=` sentinel (for names outside the header character set); undefined when the sentinel is malformed. */
function decodeSentinel(value: string): string | undefined {
  const found = SENTINEL.exec(value);
  if (!found) return value;
  if (!CANONICAL_BASE64.test(found[1]!)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(found[1]!, 'base64'));
  } catch {
    return undefined;
  }
}
