import type { ClientAuthMethod } from '../dcr/client-metadata.js';

/**
 * What the facade carries between its endpoints, sealed (oauth/sealed.ts), never stored:
 *  - ConsentRequest: in the consent form, from GET /authorize to POST /consent;
 *  - PendingAuthorization: as Cognito's `state`, from the redirect to Cognito back to
 *    /oauth/callback, where its nonce is made single use in DynamoDB.
 * Short field names keep the state small (it travels in URLs).
 */
interface RequestFields {
  v: 1;
  /** client_id as the client sent it. */
  cid: string;
  /** Cognito app client id. */
  app: string;
  /** The client's redirect URI for this request. */
  ruri: string;
  /** The client's state. */
  st?: string | undefined;
  /** Full scope names for Cognito (empty: the app client's). */
  scp: string[];
  /** offline_access was asked for. */
  off: boolean;
  /** RFC 8707 resource. */
  res: string;
  am: ClientAuthMethod;
  pr?: 'login' | 'none' | undefined;
  exp: number;
}

export interface ConsentRequest extends RequestFields {
  /** The client's PKCE challenge, for the Cognito redirect after approval. */
  cc: string;
  /** SHA-256 of the consent cookie: the form only works in the browser it was shown in. */
  ch: string;
  /** What the page showed, so the decision is about exactly that. */
  name: string;
}

export interface PendingAuthorization extends RequestFields {
  /** The client's PKCE challenge: bound to the code at the callback, so /token checks the verifier before spending the code. */
  cc: string;
  /** 128-bit nonce: made single use at the callback. */
  n: string;
  /** SHA-256 of the flow's authz cookie: binds the callback to this browser. */
  bh: string;
}
