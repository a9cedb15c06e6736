import { jsonResponse } from '../../lib/http/json-response.js';

/** Any other method (API Gateway routes none here: a last word, not a path in use). */
export const refuseOtherMethod = () =>
  jsonResponse(405, { error: 'invalid_request', error_description: 'Method not allowed' }, { Allow: 'GET, PUT, DELETE' });
