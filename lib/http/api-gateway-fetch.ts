import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requestBodyBytes } from './request-body.js';

/**
 * Builds a web-standard Request from an API Gateway REST proxy event. `withBody: false` leaves the
 * body out, for a consumer that is handed the parsed body instead (the MCP SDK's `parsedBody`):
 * a request body is a stream, and making one was most of what building the Request cost.
 */
export function toWebRequest(event: APIGatewayProxyEvent, url: string, { withBody = true }: { withBody?: boolean } = {}): Request {
  const headers = new Headers();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const value of values ?? []) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }
  const hasBody = withBody && event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD';
  return new Request(url, {
    method: event.httpMethod,
    headers,
    body: hasBody ? new Uint8Array(requestBodyBytes(event)) : undefined,
  });
}

/** Converts a web-standard Response back into an API Gateway proxy result. */
export async function fromWebResponse(response: Response): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { statusCode: response.status, headers, body: await response.text() };
}
