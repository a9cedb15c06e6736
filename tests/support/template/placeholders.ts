import { type CfnTemplate, type RenderContext, evaluateCondition, renderings } from './cloudformation.js';

/**
 * Stand-ins for the values only a real stack has (pseudo parameters, the ids resources get), each
 * in the shape AWS gives it, so that a template's strings can be checked as they will be rendered.
 */
export const PLACEHOLDER_ACCOUNT_ID = '123456789012';
/** An API Gateway REST API id: ten lower-case letters and digits. */
export const PLACEHOLDER_REST_API_ID = 'a1b2c3d4e5';

export function placeholderContext(template: CfnTemplate, options: { region: string; stackName: string }): RenderContext {
  const { region, stackName } = options;
  const pseudo: Record<string, string> = {
    'AWS::Region': region,
    'AWS::AccountId': PLACEHOLDER_ACCOUNT_ID,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${region}:${PLACEHOLDER_ACCOUNT_ID}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
  };
  const context: RenderContext = {
    ref(name) {
      if (pseudo[name] !== undefined) return pseudo[name];
      const resource = template.Resources[name];
      if (!resource) return undefined;
      // A Ref gives the resource's id; where that is a name the template sets, it is that name.
      const property = (key: string) => renderings(resource.Properties?.[key], context)?.[0];
      switch (resource.Type) {
        case 'AWS::ApiGateway::RestApi':
          return PLACEHOLDER_REST_API_ID;
        case 'AWS::Cognito::UserPool':
          return `${region}_AbCdEfGh1`;
        case 'AWS::Cognito::UserPoolClient':
          // An app client id: 26 lower-case letters and digits.
          return '1a2b3c4d5e6f7g8h9i0j1k2l3m';
        case 'AWS::Cognito::UserPoolDomain':
          return property('Domain');
        case 'AWS::DynamoDB::Table':
          return property('TableName') ?? `${stackName}-${name}-ABCDEF123456`;
        case 'AWS::Lambda::Function':
          return property('FunctionName') ?? `${stackName}-${name}-ABCDEF123456`;
        case 'AWS::IAM::Role':
          return property('RoleName') ?? `${stackName}-${name}-ABCDEF123456`;
        case 'AWS::SNS::Topic':
          return `arn:aws:sns:${region}:${PLACEHOLDER_ACCOUNT_ID}:${property('TopicName') ?? name}`;
        default:
          return `${stackName}-${name}-ABCDEF123456`;
      }
    },
    getAtt(id, attribute) {
      const resource = template.Resources[id];
      if (!resource) return undefined;
      const service = resource.Type.split('::')[1]!.toLowerCase();
      return attribute === 'Arn' ? `arn:aws:${service}:${region}:${PLACEHOLDER_ACCOUNT_ID}:${context.ref(id)}` : `${id}-${attribute}`;
    },
    condition(name) {
      return evaluateCondition(template, name, context);
    },
  };
  return context;
}
