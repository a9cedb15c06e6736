import type { Target } from './target.js';

export interface VerifyOptions {
  url: string;
  /** Sign in as this user (with password); without both, the signed-in checks are skipped. */
  user?: string;
  password?: string;
  /** A browser origin the deployment should allow (else the one its 401 names, if any). */
  origin?: string;
  /** false: no client is registered (the registration check is skipped; sign-in needs clientId). */
  register: boolean;
  /** RFC 7591 §3 initial access token, for a stage that sets dcrInitialAccessTokenSha256. */
  initialAccessToken?: string;
  /** Sign in through this existing public client instead of registering one. */
  clientId?: string;
  /** The loopback redirect URI registered for clientId (a free port is taken when it names none). */
  redirectUri: string;
  chromiumPath: string;
  /** How long a revoked token may keep working (the authorizer cache TTL, 60 s by default). */
  revocationWaitSeconds: number;
}

/** A registration made by the checklist (RFC 7591), with what RFC 7592 needs to delete it. */
export interface Registration {
  clientId: string;
  registrationAccessToken: string;
  registrationClientUri: string;
}

export interface AuthorizationServerMetadata extends Record<string, unknown> {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  registration_endpoint?: unknown;
  revocation_endpoint?: unknown;
  code_challenge_methods_supported?: unknown;
}

/** What the checks learn and hand on, in order. */
export interface VerifyContext {
  options: VerifyOptions;
  target: Target;
  /** Clients this run registered and has not deleted yet (an interrupted run deletes them). */
  undeleted: Set<Registration>;
  challenge?: { resourceMetadataUrl: string; allowedOrigin?: string };
  resource?: { authorizationServer: string; scopes: string[] };
  authorizationServer?: { metadataUrl: string; metadata: AuthorizationServerMetadata; issuer: string };
  signIn?: {
    clientId: string;
    /** Present when the checklist registered the client, so that it deletes it at the end. */
    registration?: Registration;
    redirectUri?: string;
    code?: string;
    verifier?: string;
    accessToken?: string;
    /** The token has been revoked: nothing more may use it. */
    revoked?: boolean;
  };
}
