import type { CfnTemplate } from './cloudformation.js';

/**
 * Cognito's documented constraints on the strings a template sets (Amazon Cognito user pools API
 * reference and developer guide). Neither the CloudFormation registry nor the SDK carries them,
 * and cognito-local enforces none, so a violation would first show as a failed deploy.
 * `render` gives the strings a value can take once deployed (undefined: not known offline).
 */
type Render = (value: unknown) => string[] | undefined;

/** CreateUserPoolDomain Domain (a prefix domain), and the words a prefix may not contain. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_PREFIX = ['aws', 'amazon', 'cognito'];
/** ResourceServerType Identifier, and the full scope name `{identifier}/{scope}` clients request. */
const RESOURCE_SERVER_IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
/** ResourceServerScopeType ScopeName (no "/", which separates it from the identifier). */
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;
const SCOPE_DESCRIPTION = /^.{1,256}$/su;
const RESOURCE_SERVER_NAME = /^[\w\s+=,.@-]{1,256}$/u;
const USER_POOL_NAME = /^[\w\s+=,.@-]{1,128}$/u;
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const GROUP_DESCRIPTION = /^.{0,2048}$/su;
const CALLBACK_URL = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,1024}$/u;

/**
 * Callback and sign-out URLs Cognito accepts: https, http only for localhost (any port), or a
 * private-use scheme (myapp://cb) for native apps; never a fragment. http://127.0.0.1 and
 * http://[::1] are refused by CreateUserPoolClient.
 */
export function callbackUrlProblem(url: string): string | undefined {
  if (!CALLBACK_URL.test(url)) return 'does not match Cognito\'s URL pattern (1-1024 printable characters)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.hash !== '' || url.includes('#')) return 'has a fragment';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') return parsed.hostname === 'localhost' ? undefined : 'uses http for a host other than localhost';
  return /^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol) ? undefined : 'has no valid scheme';
}

export function domainPrefixProblem(prefix: string): string | undefined {
  if (!DOMAIN_PREFIX.test(prefix)) return `does not match ${DOMAIN_PREFIX}`;
  const reserved = RESERVED_IN_PREFIX.find((word) => prefix.includes(word));
  return reserved ? `contains the reserved word "${reserved}"` : undefined;
}

export function cognitoProblems(template: CfnTemplate, render: Render): string[] {
  const problems: string[] = [];
  const check = (owner: string, value: unknown, test: (text: string) => string | undefined) => {
    if (value === undefined) return;
    const texts = render(value);
    if (texts === undefined) {
      problems.push(`${owner}: ${JSON.stringify(value)} cannot be resolved offline to be checked`);
      return;
    }
    for (const text of texts) {
      const problem = test(text);
      if (problem) problems.push(`${owner}: ${JSON.stringify(text)} ${problem}`);
    }
  };
  const matches = (pattern: RegExp) => (text: string) => (pattern.test(text) ? undefined : `does not match ${pattern}`);

  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = (resource.Properties ?? {}) as Record<string, any>;
    switch (resource.Type) {
      case 'AWS::Cognito::UserPool':
        check(`${id}.UserPoolName`, properties.UserPoolName, matches(USER_POOL_NAME));
        break;
      case 'AWS::Cognito::UserPoolDomain':
        // A custom domain (CustomDomainConfig) is a host name, not a prefix.
        if (!properties.CustomDomainConfig) check(`${id}.Domain`, properties.Domain, domainPrefixProblem);
        break;
      case 'AWS::Cognito::UserPoolResourceServer': {
        check(`${id}.Identifier`, properties.Identifier, matches(RESOURCE_SERVER_IDENTIFIER));
        check(`${id}.Name`, properties.Name, matches(RESOURCE_SERVER_NAME));
        const identifiers = render(properties.Identifier) ?? [];
        for (const [index, scope] of ((properties.Scopes ?? []) as Record<string, unknown>[]).entries()) {
          check(`${id}.Scopes[${index}].ScopeName`, scope.ScopeName, matches(SCOPE_NAME));
          check(`${id}.Scopes[${index}].ScopeDescription`, scope.ScopeDescription, matches(SCOPE_DESCRIPTION));
          // What clients ask for (and DCR grants) is the full scope name.
          for (const identifier of identifiers) {
            check(`${id}.Scopes[${index}] full name`, `${identifier}/${String(scope.ScopeName)}`, matches(SCOPE));
          }
        }
        break;
      }
      case 'AWS::Cognito::UserPoolGroup':
        check(`${id}.GroupName`, properties.GroupName, matches(GROUP_NAME));
        check(`${id}.Description`, properties.Description, matches(GROUP_DESCRIPTION));
        break;
      case 'AWS::Cognito::UserPoolClient':
        for (const key of ['CallbackURLs', 'LogoutURLs']) {
          for (const [index, url] of ((properties[key] ?? []) as unknown[]).entries()) check(`${id}.${key}[${index}]`, url, callbackUrlProblem);
        }
        check(`${id}.DefaultRedirectURI`, properties.DefaultRedirectURI, callbackUrlProblem);
        for (const [index, scope] of ((properties.AllowedOAuthScopes ?? []) as unknown[]).entries()) {
          check(`${id}.AllowedOAuthScopes[${index}]`, scope, matches(SCOPE));
        }
        break;
    }
  }
  return problems;
}
