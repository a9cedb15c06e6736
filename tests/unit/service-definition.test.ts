import { describe, expect, it } from 'vitest';
import { type ResolvedService, evaluate, resourcesOfType } from '../../local/service-definition.js';

describe('evaluate', () => {
  it.each([
    ['a string', 'abc', 'abc'],
    ['an empty string', '', ''],
    ['an integer', 42, '42'],
    ['a decimal', 1.5, '1.5'],
    ['zero', 0, '0'],
    ['true', true, 'true'],
    ['false', false, 'false'],
  ])('evaluates %s', (_label, value, expected) => {
    expect(evaluate(value)).toBe(expected);
  });

  it('joins with the separator', () => {
    expect(evaluate({ 'Fn::Join': [', ', ['a', 'b', 'c']] })).toBe('a, b, c');
  });

  it('joins with an empty separator and mixed value types', () => {
    expect(evaluate({ 'Fn::Join': ['', ['http://localhost:', 3000, '/mcp']] })).toBe('http://localhost:3000/mcp');
  });

  it('joins an empty list to an empty string', () => {
    expect(evaluate({ 'Fn::Join': ['-', []] })).toBe('');
  });

  it('evaluates nested Fn::Join', () => {
    expect(
      evaluate({
        'Fn::Join': ['/', ['https://api.example.com', { 'Fn::Join': ['-', ['a', { 'Fn::Join': ['.', ['x', 'y']] }]] }, 'mcp']],
      }),
    ).toBe('https://api.example.com/a-x.y/mcp');
  });

  it.each([
    ['a Ref', { Ref: 'ApiGatewayRestApi' }],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['UserPool', 'Arn'] }],
    ['Fn::Sub', { 'Fn::Sub': '${AWS::Region}' }],
    ['null', null],
    ['undefined', undefined],
    ['an array', ['a', 'b']],
    ['an empty object', {}],
  ])('throws on %s', (_label, value) => {
    expect(() => evaluate(value)).toThrow('in the local stack');
  });

  it('names the value it cannot evaluate', () => {
    expect(() => evaluate({ Ref: 'ApiGatewayRestApi' })).toThrow('Cannot evaluate {"Ref":"ApiGatewayRestApi"} in the local stack');
  });

  it('throws on a Ref nested inside Fn::Join', () => {
    expect(() => evaluate({ 'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.execute-api']] })).toThrow(
      'Cannot evaluate {"Ref":"ApiGatewayRestApi"}',
    );
  });
});

describe('resourcesOfType', () => {
  const service: ResolvedService = {
    resources: {
      A: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'a' } },
      B: { Type: 'AWS::ApiGateway::GatewayResponse', Properties: { ResponseType: 'UNAUTHORIZED' } },
      C: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'c' } },
    },
  };

  it('returns the resources of the type', () => {
    expect(resourcesOfType(service, 'AWS::DynamoDB::Table').map((r) => r.Properties.TableName)).toEqual(['a', 'c']);
  });

  it('returns nothing for an absent type', () => {
    expect(resourcesOfType(service, 'AWS::Cognito::UserPool')).toEqual([]);
  });
});
