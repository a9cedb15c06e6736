import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../lib/http/json-response.js';

/** Liveness only: it touches no dependency, so it says the API and Lambda answer, nothing more. */
export const handler = async (): Promise<APIGatewayProxyResult> => jsonResponse(200, { status: 'ok' });
