import { CheckFailed } from './checklist.js';
import { isLoopbackHost } from './target.js';

/** Every request of the checklist gives up after this long: a silent endpoint is a failure, not a hang. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** fetch with a timeout, and a network failure turned into a one-line cause naming the URL. */
export async function request(url: string | URL, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { redirect: 'manual', ...init, signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new CheckFailed(`${init.method ?? 'GET'} ${url} failed: ${reason}`);
  }
}

/** The body as a JSON object, or a cause saying what came back instead. */
export async function jsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CheckFailed(`${what} is not JSON (HTTP ${response.status}, ${response.headers.get('content-type') ?? 'no content type'}): ${text.slice(0, 80)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CheckFailed(`${what} is not a JSON object`);
  return body as Record<string, unknown>;
}

/** An OAuth error body's `error` and description, for causes. */
export async function describeRefusal(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') return `HTTP ${response.status} ${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
  } catch {
    // not JSON: the start of the text says enough
  }
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 120)}` : ''}`;
}

export const isHttpsOrLoopback = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
};

/** Headers of an MCP POST: the Streamable HTTP transport's Accept, a JSON body. */
export const MCP_POST_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' } as const;
