import type { Check } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { authorizationServerMetadataCheck, metadataRequirementChecks } from './authorization-server-metadata.js';
import { challengeCheck } from './challenge.js';
import { cleanupCheck } from './cleanup.js';
import { allowedOriginCheck, unknownOriginCheck } from './cors.js';
import { legacyToolsListCheck, modernToolsListCheck, whoamiCheck } from './mcp-calls.js';
import { originWithTokenCheck } from './origin-with-token.js';
import { registrationCheck } from './registration.js';
import { resourceMetadataCheck } from './resource-metadata.js';
import { revocationCheck } from './revocation.js';
import { signInCheck } from './sign-in.js';
import { tokenExchangeCheck } from './token-exchange.js';

/** The checklist, in the order a client meets each step. */
export const CHECKS: readonly Check<VerifyContext>[] = [
  // Anyone can check these: discovery, CORS, registration.
  challengeCheck,
  resourceMetadataCheck,
  authorizationServerMetadataCheck,
  ...metadataRequirementChecks,
  allowedOriginCheck,
  unknownOriginCheck,
  registrationCheck,
  // With a user's credentials: a whole client session.
  signInCheck,
  tokenExchangeCheck,
  legacyToolsListCheck,
  modernToolsListCheck,
  whoamiCheck,
  originWithTokenCheck,
  revocationCheck,
  cleanupCheck,
];
