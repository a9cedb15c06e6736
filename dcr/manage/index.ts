import type { DcrStep } from '../http/context.js';
import { checkRequestOrigin } from '../http/origin.js';
import { answerPreflight } from '../http/preflight.js';
import { answerDelete } from './delete.js';
import { refuseOtherMethod } from './method.js';
import { answerRead } from './read.js';
import { checkRegistrationAccessToken } from './registration-access.js';
import { answerUpdate } from './update.js';

/**
 * GET, PUT and DELETE /register/{client_id} (RFC 7592), step by step. A refusal is thrown and
 * answered by http/error-answer.ts; every answer after the origin check carries the CORS headers
 * of an allowed origin.
 */
export const MANAGE_STEPS: readonly DcrStep[] = [
  checkRequestOrigin, //           a browser origin not in allowedOrigins           -> 403 access_denied, no CORS headers
  answerPreflight, //              OPTIONS                                          -> 204 preflight
  checkRegistrationAccessToken, // the client's own token; an unknown client alike  -> 401 invalid_token
  answerRead, //                   GET                                              -> 200 the registration
  answerUpdate, //                 PUT: metadata as at registration, client_id and
  //                               secret as registered; Cognito, then the row      -> 200 | 400 invalid_client_metadata, 413 | 401
  answerDelete, //                 DELETE: the row marked, the app client, the row  -> 204 | 401 (already deleted)
  refuseOtherMethod, //            anything else                                    -> 405
];
