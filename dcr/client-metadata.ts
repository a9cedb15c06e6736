import { z } from 'zod';
import { checkRedirectUri } from './redirect-uri.js';

/** RFC 7591 §3.2.2 error codes. */
export type RegistrationErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly code: RegistrationErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

const MAX_REDIRECT_URIS = 10;

const optionalHttpsUri = z
  .url({ protocol: /^https$/, error: 'must be an https URL' })
  .max(1024)
  .optional();

/**
 * The client metadata this server accepts (RFC 7591 §2). Unknown fields are ignored, as the RFC
 * asks. Only public clients using the authorization code flow with PKCE are registered so far.
 */
const clientMetadataSchema = z.object({
  redirect_uris: z.array(z.string()).min(1, 'at least one redirect URI is required').max(MAX_REDIRECT_URIS),
  token_endpoint_auth_method: z
    .literal('none', { error: 'only "none" (a public client using PKCE) is supported' })
    .default('none'),
  grant_types: z
    .array(z.enum(['authorization_code', 'refresh_token'], { error: 'only authorization_code and refresh_token are supported' }))
    .min(1)
    .default(['authorization_code', 'refresh_token']),
  response_types: z.array(z.literal('code', { error: 'only "code" is supported' })).min(1).default(['code']),
  client_name: z.string().trim().min(1).max(128).optional(),
  client_uri: optionalHttpsUri,
  logo_uri: optionalHttpsUri,
  scope: z.string().max(1024).optional(),
  contacts: z.array(z.string().max(256)).max(5).optional(),
  software_id: z.string().max(256).optional(),
  software_version: z.string().max(64).optional(),
});

export type ClientMetadata = z.infer<typeof clientMetadataSchema>;

/** Validates registration metadata; throws a RegistrationError naming the field and the reason. */
export function parseClientMetadata(body: unknown): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RegistrationError('invalid_client_metadata', 'The request body must be a JSON object');
  }
  const result = clientMetadataSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const code = issue.path[0] === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
    throw new RegistrationError(code, `${field}: ${issue.message}`);
  }
  const metadata = result.data;
  metadata.redirect_uris.forEach((uri, index) => {
    const check = checkRedirectUri(uri);
    if (!check.ok) throw new RegistrationError('invalid_redirect_uri', `redirect_uris.${index} ${check.reason}`);
  });
  if (!metadata.grant_types.includes('authorization_code')) {
    throw new RegistrationError('invalid_client_metadata', 'grant_types: must include authorization_code');
  }
  return metadata;
}
