/**
 * A client's public keys for RFC 7523 client assertions, as its metadata names them: a `jwks_uri`
 * (fetched at /token like the document itself) or an inline `jwks`, never both (RFC 7591 §2).
 * Only what verification needs is kept: RSA and P-256 EC public keys for signing. A key with
 * private members is refused outright (a client that published its private key has lost it).
 */
export type ClientKeys = { jwksUri: string } | { jwks: PublicJwks };

// Type aliases (not interfaces), so that they are JSON objects to aws-jwt-verify's types.
export type PublicJwk = {
  kty: 'RSA' | 'EC';
  kid?: string;
  use?: 'sig';
  alg?: AssertionAlgorithm;
  n?: string;
  e?: string;
  crv?: 'P-256';
  x?: string;
  y?: string;
};
export type PublicJwks = {
  keys: PublicJwk[];
};

/** The signing algorithms this server verifies assertions with (AS metadata lists them). */
export const ASSERTION_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

export const MAX_KEYS = 10;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const B64URL = /^[A-Za-z0-9_-]+$/;

/** A value of the document in an error message: short, one line (documents and JWK Sets are other parties' text). */
const shown = (value: unknown) => JSON.stringify(value ?? null).replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const b64url = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max && B64URL.test(value);

function publicJwk(value: unknown, index: number): PublicJwk | string {
  const where = `jwks key ${index}`;
  if (!isObject(value)) return `${where} is not a JSON object`;
  if (PRIVATE_MEMBERS.some((member) => member in value)) return `${where} holds private key material`;
  if (value.use !== undefined && value.use !== 'sig') return `${where} is not a signing key (use ${shown(value.use)})`;
  if (value.alg !== undefined && !(ASSERTION_ALGORITHMS as readonly unknown[]).includes(value.alg)) {
    return `${where} uses ${shown(value.alg)}; this server verifies ${ASSERTION_ALGORITHMS.join(' and ')}`;
  }
  if (value.kid !== undefined && (typeof value.kid !== 'string' || value.kid.length === 0 || value.kid.length > 256)) return `${where} has an invalid kid`;
  const common = {
    ...(value.kid !== undefined && { kid: value.kid as string }),
    ...(value.use !== undefined && { use: 'sig' as const }),
    ...(value.alg !== undefined && { alg: value.alg as AssertionAlgorithm }),
  };
  if (value.kty === 'RSA') {
    // Moduli of 2048 to 4096 bits: 342 to 683 base64url characters.
    if (!b64url(value.n, 683) || value.n.length < 342 || !b64url(value.e, 8)) return `${where} is not an RSA public key of 2048 to 4096 bits`;
    return { kty: 'RSA', ...common, n: value.n, e: value.e };
  }
  if (value.kty === 'EC') {
    if (value.crv !== 'P-256' || !b64url(value.x, 43) || !b64url(value.y, 43)) return `${where} is not a P-256 EC public key`;
    return { kty: 'EC', ...common, crv: 'P-256', x: value.x, y: value.y };
  }
  return `${where} has kty ${shown(value.kty)}; this server verifies RSA and EC (P-256) keys`;
}

/** A JWK Set of public signing keys, or the reason it is not one. */
export function parsePublicJwks(value: unknown): PublicJwks | string {
  if (!isObject(value) || !Array.isArray(value.keys)) return 'jwks is not a JWK Set (an object with a keys array)';
  if (value.keys.length === 0) return 'jwks has no keys';
  if (value.keys.length > MAX_KEYS) return `jwks has more than ${MAX_KEYS} keys`;
  const keys: PublicJwk[] = [];
  for (const [index, key] of value.keys.entries()) {
    const parsed = publicJwk(key, index);
    if (typeof parsed === 'string') return parsed;
    keys.push(parsed);
  }
  const kids = keys.map((key) => key.kid).filter((kid) => kid !== undefined);
  if (new Set(kids).size !== kids.length) return 'jwks lists the same kid twice';
  if (keys.length > 1 && kids.length !== keys.length) return 'jwks with more than one key must give every key a kid';
  return { keys };
}

/**
 * The keys a client's metadata names, or the reason they are unusable.
 * @param urlCheck the rules a jwks_uri must meet (those of client_id URLs): the reason it fails, or undefined.
 */
export function parseClientKeys(jwksUri: unknown, jwks: unknown, urlCheck: (url: string) => string | undefined): ClientKeys | string {
  if (jwksUri !== undefined && jwks !== undefined) return 'the client offers private_key_jwt but gives both jwks_uri and jwks (use one)';
  if (jwksUri !== undefined) {
    if (typeof jwksUri !== 'string') return 'jwks_uri must be a string';
    const problem = urlCheck(jwksUri);
    return problem === undefined ? { jwksUri } : `jwks_uri ${problem}`;
  }
  if (jwks !== undefined) {
    const parsed = parsePublicJwks(jwks);
    return typeof parsed === 'string' ? parsed : { jwks: parsed };
  }
  return 'the client offers only private_key_jwt but publishes no keys (jwks_uri or jwks)';
}
