import { parseClientMetadata } from '../client-metadata.js';
import type { DcrContext } from '../http/context.js';
import { readRegistrationBody } from '../registration-request.js';

/** The body (JSON, bounded, no key twice: registration-request.ts), then RFC 7591 metadata under this server's rules (client-metadata.ts). */
export function readClientMetadata(ctx: DcrContext): undefined {
  ctx.metadata = parseClientMetadata(readRegistrationBody(ctx.event, ctx.endpoint.maxBodyBytes), ctx.endpoint.metadataPolicy);
  return undefined;
}
