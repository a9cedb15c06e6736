import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue, mediaType, requestBodyBytes } from '../lib/http/request-body.js';
import { RegistrationError } from './client-metadata.js';
import { firstDuplicateKey } from './strict-json.js';

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** Reads the JSON body of a registration request, refusing other media types and oversized bodies. */
export function readRegistrationBody(event: APIGatewayProxyEvent, maxBytes: number): unknown {
  const type = mediaType(headerValue(event.headers, 'content-type'));
  if (type !== 'application/json') {
    throw new RegistrationError('invalid_client_metadata', 'Content-Type must be application/json');
  }
  const bytes = requestBodyBytes(event);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`Client metadata is larger than ${maxBytes} bytes`);
  const text = bytes.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RegistrationError('invalid_client_metadata', 'The request body is not valid JSON');
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new RegistrationError('invalid_client_metadata', `The request body repeats the key "${duplicate}"`);
  }
  return body;
}
