import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { DynamicClientRecord } from '../../lib/client-record.js';
import { type CorsPolicy, type OriginDecision, corsHeaders } from '../../lib/http/cors.js';
import type { ClientMetadata, MetadataPolicy } from '../client-metadata.js';
import type { ManagementDependencies } from '../manage/registration-access.js';
import type { RegistrationDependencies, RegistrationPolicy } from '../register/policy.js';
import { errorAnswer } from './error-answer.js';

/** What the registration endpoints work with, built once per container (dcr/handler.ts). */
export interface DcrEndpoint {
  cors: CorsPolicy;
  policy: RegistrationPolicy;
  metadataPolicy: MetadataPolicy;
  maxBodyBytes: number;
  /** When set, POST /register needs a Bearer token with this SHA-256 (RFC 7591 §3). */
  initialAccessTokenSha256?: string | undefined;
  dependencies: RegistrationDependencies & ManagementDependencies;
  logger: Logger;
}

/**
 * What the steps of /register and /register/{client_id} learn about one request, filled in by
 * REGISTER_STEPS or MANAGE_STEPS in order (each field says which step sets it).
 */
export interface DcrContext {
  readonly event: APIGatewayProxyEvent;
  readonly endpoint: DcrEndpoint;
  /** checkRequestOrigin: an allowed origin, or none. */
  origin?: OriginDecision;
  /** readClientMetadata (POST /register). */
  metadata?: ClientMetadata;
  /** checkRegistrationAccessToken (/register/{client_id}). */
  record?: DynamicClientRecord;
}

/**
 * One step of a registration endpoint: it answers the request, refuses it by throwing (the
 * refusal's answer is error-answer.ts's), or returns nothing to let the next step look.
 */
export type DcrStep = (ctx: DcrContext) => APIGatewayProxyResult | undefined | Promise<APIGatewayProxyResult | undefined>;

/** Runs the steps in order; the first answer, or refusal, is the request's, with the CORS headers of an allowed origin. */
export async function answerDcrRequest(steps: readonly DcrStep[], event: APIGatewayProxyEvent, endpoint: DcrEndpoint): Promise<APIGatewayProxyResult> {
  const ctx: DcrContext = { event, endpoint };
  for (const step of steps) {
    const answer = await answerOf(step, ctx);
    if (answer) return { ...answer, headers: { ...answer.headers, ...(ctx.origin && corsHeaders(ctx.origin, endpoint.cors)) } };
  }
  throw new Error('No step of the registration endpoint answered the request');
}

async function answerOf(step: DcrStep, ctx: DcrContext): Promise<APIGatewayProxyResult | undefined> {
  try {
    return await step(ctx);
  } catch (error) {
    return errorAnswer(error, ctx.endpoint.logger);
  }
}
