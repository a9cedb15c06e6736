import { type CognitoApi, cognitoApiFromEnvironment } from '../../lib/cognito/json-api.js';
import { type Documents, dynamoDbDocumentsFromEnvironment } from '../../lib/dynamodb/documents.js';

/**
 * The adapters the deployed functions use (DynamoDB and Cognito JSON APIs signed by lib/aws/sigv4.ts, with the
 * SDK-parity retries), pointed at the local stack's DynamoDB Local and cognito-local the way the
 * functions are: through the standard AWS_ENDPOINT_URL_* variables.
 */
const LOCAL = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

export const localJsonDocuments = (dynamoDbEndpoint: string): Documents =>
  dynamoDbDocumentsFromEnvironment({ ...LOCAL, AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint });

export const localJsonCognito = (cognitoEndpoint: string): CognitoApi =>
  cognitoApiFromEnvironment({ ...LOCAL, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoEndpoint });
