/**
 * The shape of a Cognito user pool app client id, as the Cognito user pools API reference
 * documents it for every operation that takes one (DescribeUserPoolClient, RevokeToken, ...):
 * 1 to 128 characters matching `[\w+]+`. The AWS SDK does not carry the pattern, so it is written
 * here. Every client in the registry is a Cognito app client, so a value of any other shape names
 * no client: it is refused before it can reach DynamoDB (whose keys are limited to 2,048 bytes:
 * a longer id used to come back as a 500) or Cognito.
 */
const COGNITO_CLIENT_ID = /^[A-Za-z0-9_+]{1,128}$/;

export const isCognitoClientId = (value: unknown): value is string =>
  typeof value === 'string' && COGNITO_CLIENT_ID.test(value);
