import type { APIGatewayProxyResult } from 'aws-lambda';

/** A 302 that no cache keeps, with any cookies (API Gateway needs multiValueHeaders for several Set-Cookie). */
export function redirectResponse(location: string, cookies: string[] = []): APIGatewayProxyResult {
  return {
    statusCode: 302,
    headers: { Location: location, 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' },
    ...(cookies.length > 0 ? { multiValueHeaders: { 'Set-Cookie': cookies } } : {}),
    body: '',
  };
}
