'use strict';

/**
 * The user pool's operator settings that YAML alone cannot check or shape.
 *
 * The password policy's minimum length (passwordMinimumLength): a parameter given on the command
 * line arrives as a string, and the registry types MinimumLength as an integer; it is checked
 * (8 to 99: Cognito's ceiling, and NIST SP 800-63B's floor) and written as a number.
 *
 * E-mail through Amazon SES (emailSourceArn, emailFrom): Cognito's own e-mail (invitations,
 * password resets) is limited to a few dozen messages a day per account; with a verified SES
 * identity Cognito sends through SES (EmailSendingAccount DEVELOPER) at the account's SES quota.
 *
 * The company's own sign-in: adds an OIDC or SAML identity provider to the user pool when the
 * identityProviderType parameter is set (README, "Your company's sign-in"), and, when
 * identityProviderGroups is set, the pre-token-generation trigger that turns the provider's
 * groups into Cognito groups in the tokens (functions/pre-token/).
 *
 * A plugin rather than CloudFormation conditions because the settings need parsing (the
 * attribute mapping is a map) and checking before anything is deployed: the OIDC client secret
 * only ever as a Secrets Manager dynamic reference (the template holds `{{resolve:...}}`, never
 * the secret; CloudFormation resolves it when it creates the provider, and ssm-secure references
 * are not supported on this resource type), and dcrIdentityProviders naming only providers the pool
 * has (a name Cognito does not know fails every dynamic registration).
 *
 * Configuration: custom.identityProvider (serverless.yml), from the parameters.
 */

const POOL = 'CognitoUserPool';
const PROVIDER = 'CognitoIdentityProvider';
const TRIGGER_FUNCTION = 'PreTokenGenerationLambdaFunction';
const TRIGGER_PERMISSION = 'PreTokenGenerationCognitoPermission';
const GROUPS_ATTRIBUTE = 'idp_groups'; // custom:idp_groups, read by functions/pre-token/group-mapping.ts

class IdentityProvider {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // Refused settings fail before anything is built.
      'before:package:cleanup': () => this.additions(),
      // The stack's own resources (resources/*.yml) are in the template from here on.
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply(),
    };
  }

  additions() {
    try {
      passwordMinimumLength(this.serverless.service.custom?.passwordMinimumLength);
      emailConfiguration(this.serverless.service.custom?.email ?? {});
      return identityProviderResources(this.serverless.service.custom?.identityProvider ?? {});
    } catch (error) {
      if (error instanceof IdentityProviderError) throw new this.serverless.classes.Error(error.message, 'INVALID_USER_POOL_SETTINGS');
      throw error;
    }
  }

  apply() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const additions = this.additions();
    if (!resources[POOL]) throw new this.serverless.classes.Error(`identity-provider: the template has no ${POOL}`);
    for (const [id, resource] of Object.entries(additions.resources)) {
      if (resources[id]) throw new this.serverless.classes.Error(`identity-provider: ${id} is already defined`);
      resources[id] = resource;
    }
    Object.assign(resources[POOL].Properties, additions.poolProperties);
    resources[POOL].Properties.Policies.PasswordPolicy.MinimumLength = passwordMinimumLength(this.serverless.service.custom?.passwordMinimumLength);
    const email = emailConfiguration(this.serverless.service.custom?.email ?? {});
    if (email) resources[POOL].Properties.EmailConfiguration = email;
  }
}

/** A refused setting: the message names the parameter. */
class IdentityProviderError extends Error {}

/** The resources and the pool properties the settings call for; throws IdentityProviderError naming the parameter. */
function identityProviderResources(settings) {
  const value = (key) => (settings[key] === undefined || settings[key] === null ? '' : String(settings[key]).trim());
  const type = value('type').toUpperCase();
  const name = value('name');
  const groupMapping = value('groupMapping');
  const refuse = (message) => {
    throw new IdentityProviderError(`identity-provider: ${message}`);
  };
  const dcrProviders = value('dcrIdentityProviders').split(/[\s,]+/).filter(Boolean);

  if (type === '') {
    const set = ['oidcIssuer', 'oidcClientId', 'oidcClientSecretId', 'samlMetadataUrl', 'groupMapping', 'groupsAttribute'].filter((key) => value(key) !== '');
    if (set.length > 0) refuse(`${set.map(parameterOf).join(', ')} set but identityProviderType is empty (OIDC or SAML)`);
    const unknown = dcrProviders.filter((provider) => provider !== 'COGNITO');
    if (unknown.length > 0) refuse(`dcrIdentityProviders names ${unknown.join(', ')}, but the pool has no identity provider but COGNITO`);
    return { resources: {}, poolProperties: {} };
  }
  if (type !== 'OIDC' && type !== 'SAML') refuse(`identityProviderType must be OIDC, SAML or empty, not "${settings.type}"`);
  // Cognito's ProviderName: 1-32 characters, no leading underscore or whitespace; COGNITO is its own.
  if (!/^[^_\s][^\s]{0,31}$/.test(name) || name.toUpperCase() === 'COGNITO') refuse(`identityProviderName "${name}" must be 1 to 32 characters without spaces, not COGNITO`);
  const unknown = dcrProviders.filter((provider) => provider !== 'COGNITO' && provider !== name);
  if (unknown.length > 0) refuse(`dcrIdentityProviders names ${unknown.join(', ')}; the pool's providers are COGNITO and ${name}`);

  const attributeMapping = parseAttributeMapping(value('attributeMapping'), refuse);
  const groupsAttribute = value('groupsAttribute');
  if (groupMapping !== '' && groupsAttribute === '') refuse('identityProviderGroups needs identityProviderGroupsAttribute (the IdP claim or SAML attribute that lists the user\'s groups)');
  if (groupsAttribute !== '') attributeMapping[`custom:${GROUPS_ATTRIBUTE}`] = groupsAttribute;

  let providerDetails;
  if (type === 'OIDC') {
    const issuer = value('oidcIssuer');
    if (!/^https:\/\/[^\s]+$/.test(issuer)) refuse(`oidcIssuer must be the provider's https issuer URL, not "${issuer}"`);
    const clientId = value('oidcClientId');
    if (clientId === '') refuse('oidcClientId is required for an OIDC provider');
    const secretId = value('oidcClientSecretId');
    const secretKey = value('oidcClientSecretKey') || 'client_secret';
    // A secret's name or ARN, nothing that could be the secret itself pasted by mistake into a reference.
    if (!/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/.test(secretId)) {
      refuse('oidcClientSecretId must be the name or ARN of a Secrets Manager secret holding the client secret (the template refers to it; the secret never appears in it)');
    }
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(secretKey)) refuse(`oidcClientSecretKey "${secretKey}" must be the JSON key of the client secret in that secret`);
    const requestMethod = (value('oidcAttributesRequestMethod') || 'GET').toUpperCase();
    if (requestMethod !== 'GET' && requestMethod !== 'POST') refuse('oidcAttributesRequestMethod must be GET or POST');
    providerDetails = {
      client_id: clientId,
      client_secret: `{{resolve:secretsmanager:${secretId}:SecretString:${secretKey}}}`,
      authorize_scopes: value('oidcScopes') || 'openid email profile',
      oidc_issuer: issuer,
      attributes_request_method: requestMethod,
    };
  } else {
    const metadataUrl = value('samlMetadataUrl');
    if (!/^https:\/\/[^\s]+$/.test(metadataUrl)) refuse(`samlMetadataUrl must be the https URL of the provider's SAML metadata, not "${metadataUrl}"`);
    providerDetails = { MetadataURL: metadataUrl, IDPSignout: 'false' };
  }

  const resources = {
    [PROVIDER]: {
      Type: 'AWS::Cognito::UserPoolIdentityProvider',
      Properties: { UserPoolId: { Ref: POOL }, ProviderName: name, ProviderType: type, ProviderDetails: providerDetails, AttributeMapping: attributeMapping },
    },
  };
  const poolProperties = {};
  if (groupsAttribute !== '') {
    // Mutable: Cognito rewrites a mapped attribute at every sign-in. A custom attribute cannot be
    // removed from a pool once added: leave identityProviderGroupsAttribute set once it has been.
    poolProperties.Schema = [{ Name: GROUPS_ATTRIBUTE, AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } }];
  }
  if (groupMapping !== '') {
    poolProperties.LambdaConfig = { PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [TRIGGER_FUNCTION, 'Arn'] }, LambdaVersion: 'V2_0' } };
    resources[TRIGGER_PERMISSION] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [TRIGGER_FUNCTION, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [POOL, 'Arn'] },
      },
    };
  }
  return { resources, poolProperties };
}

function passwordMinimumLength(value) {
  const length = Number(value);
  if (!Number.isInteger(length) || length < 8 || length > 99) {
    throw new IdentityProviderError(`user-pool-settings: passwordMinimumLength must be an integer from 8 to 99, not "${value}"`);
  }
  return length;
}

/** The pool's EmailConfiguration for an SES identity; undefined (Cognito's own e-mail) without one. */
function emailConfiguration(settings) {
  const sourceArn = String(settings.sourceArn ?? '').trim();
  const from = String(settings.from ?? '').trim();
  if (sourceArn === '') {
    if (from !== '') throw new IdentityProviderError('user-pool-settings: emailFrom needs emailSourceArn (Cognito\'s own e-mail always comes from no-reply@verificationemail.com)');
    return undefined;
  }
  if (!/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/.test(sourceArn)) {
    throw new IdentityProviderError(`user-pool-settings: emailSourceArn must be the ARN of a verified SES identity (arn:aws:ses:{region}:{account}:identity/{address or domain}), not "${sourceArn}"`);
  }
  return { EmailSendingAccount: 'DEVELOPER', SourceArn: sourceArn, ...(from ? { From: from } : {}) };
}

/** `poolAttribute=idpAttribute;...` (SAML attribute names are URLs, so `;` separates) → AttributeMapping. */
function parseAttributeMapping(text, refuse) {
  const mapping = {};
  for (const entry of text.split(';').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_:]+)=(\S.*)$/.exec(entry);
    if (!match) refuse(`identityProviderAttributeMapping entry "${entry}" is not poolAttribute=providerAttribute`);
    mapping[match[1]] = match[2].trim();
  }
  if (!mapping.email) refuse('identityProviderAttributeMapping must map email (the pool signs users in by e-mail), e.g. email=email');
  return mapping;
}

function parameterOf(key) {
  return {
    oidcIssuer: 'oidcIssuer',
    oidcClientId: 'oidcClientId',
    oidcClientSecretId: 'oidcClientSecretId',
    samlMetadataUrl: 'samlMetadataUrl',
    groupMapping: 'identityProviderGroups',
    groupsAttribute: 'identityProviderGroupsAttribute',
  }[key];
}

module.exports = IdentityProvider;
module.exports.identityProviderResources = identityProviderResources;
module.exports.passwordMinimumLength = passwordMinimumLength;
module.exports.emailConfiguration = emailConfiguration;
module.exports.IdentityProviderError = IdentityProviderError;
