import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { type CfnResource, type CfnTemplate, LIST_INTRINSICS, intrinsicOf, isPseudoParameter, referencesIn } from './cloudformation.js';

/**
 * Checks a template against the CloudFormation registry's resource definitions, as the npm package
 * @aws-cdk/aws-service-spec carries them: resource types, property names, required properties,
 * property types (recursing into nested property types) and the attributes Fn::GetAtt may name.
 * What the registry does not know (most enums, patterns) is checked elsewhere (sdk-enums.ts,
 * cognito-rules.ts).
 */
type Spec = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

/** The registry's property types (service-spec-types' PropertyType, restated structurally). */
export type RegistryType =
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: RegistryType }
  | { type: 'union'; types: RegistryType[] }
  | { type: 'ref'; reference: { $ref: string } };

export interface RegistryProperty {
  type: RegistryType;
  required?: boolean;
  causesReplacement?: 'yes' | 'no' | 'maybe';
}

export interface RegistryResource {
  cloudFormationType: string;
  /** The properties that identify an existing resource (what a resource import names). */
  primaryIdentifier?: string[];
  properties: Record<string, RegistryProperty>;
  attributes: Record<string, unknown>;
}

export interface Registry {
  resource(type: string): RegistryResource | undefined;
  typeDefinition(ref: { $ref: string }): { name: string; properties: Record<string, RegistryProperty> };
}

let loaded: Promise<Registry> | undefined;

export function loadRegistry(): Promise<Registry> {
  loaded ??= loadAwsServiceSpec().then((db: Spec) => ({
    resource: (type) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0] as RegistryResource | undefined,
    typeDefinition: (ref) => db.get('typeDefinition', ref.$ref) as never,
  }));
  return loaded;
}

/** Resource attributes CloudFormation itself defines (not in the registry's per-type data). */
const DELETION_POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];
const UPDATE_REPLACE_POLICIES = ['Delete', 'Retain', 'Snapshot'];
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);

/** Intrinsics that always give a string. */
const STRING_INTRINSICS = new Set(['Fn::Join', 'Fn::Sub', 'Fn::Base64']);

const describe = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`);

/** Problems with one value against its registry type; empty when it fits. */
function checkValue(registry: Registry, value: unknown, type: RegistryType, path: string): string[] {
  const fn = intrinsicOf(value);
  if (fn === 'Fn::If') {
    const [, whenTrue, whenFalse] = (value as { 'Fn::If': [string, unknown, unknown] })['Fn::If'];
    return [whenTrue, whenFalse].flatMap((branch, index) =>
      intrinsicOf(branch) === 'Ref' && (branch as { Ref: string }).Ref === 'AWS::NoValue'
        ? []
        : checkValue(registry, branch, type, `${path}(Fn::If branch ${index + 1})`),
    );
  }
  if (fn !== undefined) {
    // An intrinsic gives a value only at deploy time; what can be known is whether it gives a
    // list or a single value.
    const givesList = LIST_INTRINSICS.has(fn);
    if (type.type === 'array' && !givesList && fn !== 'Ref' && fn !== 'Fn::GetAtt' && fn !== 'Fn::FindInMap') {
      return [`${path}: ${fn} gives one value where the registry expects a list`];
    }
    if (type.type !== 'array' && type.type !== 'union' && givesList) return [`${path}: ${fn} gives a list where the registry expects ${type.type}`];
    if (['ref', 'map', 'tag'].includes(type.type) && STRING_INTRINSICS.has(fn)) return [`${path}: ${fn} gives a string where the registry expects an object`];
    return [];
  }
  switch (type.type) {
    case 'string':
    case 'date-time':
      if (typeof value !== 'string') return [`${path}: expected a string, got ${describe(value)}`];
      if ('allowedValues' in type && type.allowedValues && !type.allowedValues.includes(value)) {
        return [`${path}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`];
      }
      return [];
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${path}: expected an integer, got ${describe(value)}`];
      if ('allowedValues' in type && type.allowedValues && !type.allowedValues.includes(value)) {
        return [`${path}: ${value} is not one of ${type.allowedValues.join(', ')}`];
      }
      return [];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${describe(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${describe(value)}`];
    case 'json':
      return typeof value === 'object' || typeof value === 'string' ? [] : [`${path}: expected a JSON document, got ${describe(value)}`];
    case 'null':
      return value === null ? [] : [`${path}: expected null`];
    case 'tag':
      return checkObject(registry, value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, path);
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list, got ${describe(value)}`];
      return value.flatMap((item, index) => checkValue(registry, item, type.element, `${path}[${index}]`));
    case 'map':
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a map, got ${describe(value)}`];
      return Object.entries(value).flatMap(([key, item]) => checkValue(registry, item, type.element, `${path}.${key}`));
    case 'union': {
      const outcomes = type.types.map((member) => checkValue(registry, value, member, path));
      return outcomes.some((problems) => problems.length === 0) ? [] : [`${path}: fits none of the types it may have (${outcomes.map((p) => p[0]).join('; ')})`];
    }
    case 'ref': {
      const definition = registry.typeDefinition(type.reference);
      return checkObject(registry, value, definition.properties, `${path}<${definition.name}>`);
    }
  }
}

function checkObject(registry: Registry, value: unknown, properties: Record<string, RegistryProperty>, path: string): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object, got ${describe(value)}`];
  const problems: string[] = [];
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (!property) problems.push(`${path}.${name}: unknown property`);
    else problems.push(...checkValue(registry, item, property.type, `${path}.${name}`));
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${path}.${name}: required property missing`);
  }
  return problems;
}

/** Every problem of every resource's type, resource attributes and properties. */
export function registryProblems(registry: Registry, template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const definition = registry.resource(resource.Type);
    if (!definition) {
      problems.push(`${id}: ${resource.Type} is not a type in the CloudFormation registry`);
      continue;
    }
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) problems.push(`${id}: unknown resource attribute ${key}`);
    if (resource.DeletionPolicy !== undefined && !DELETION_POLICIES.includes(resource.DeletionPolicy)) {
      problems.push(`${id}.DeletionPolicy: ${JSON.stringify(resource.DeletionPolicy)} is not one of ${DELETION_POLICIES.join(', ')}`);
    }
    if (resource.UpdateReplacePolicy !== undefined && !UPDATE_REPLACE_POLICIES.includes(resource.UpdateReplacePolicy)) {
      problems.push(`${id}.UpdateReplacePolicy: ${JSON.stringify(resource.UpdateReplacePolicy)} is not one of ${UPDATE_REPLACE_POLICIES.join(', ')}`);
    }
    problems.push(...checkObject(registry, resource.Properties ?? {}, definition.properties, id));
  }
  return problems;
}

/**
 * Every Ref, Fn::GetAtt and Fn::Sub reference names a resource, parameter or pseudo parameter of
 * the template, and every attribute named is one the target's type has.
 */
export function referenceProblems(registry: Registry, template: CfnTemplate): string[] {
  const problems: string[] = [];
  const scan = (owner: string, value: unknown) => {
    for (const reference of referencesIn(value)) {
      const { target, attribute, via } = reference;
      if (isPseudoParameter(target)) {
        if (attribute) problems.push(`${owner}: ${via} names an attribute of the pseudo parameter ${target}`);
        continue;
      }
      const resource: CfnResource | undefined = template.Resources[target];
      if (!resource) {
        if (!attribute && template.Parameters?.[target] !== undefined) continue;
        problems.push(`${owner}: ${via} names ${target}, which the template does not define`);
        continue;
      }
      if (via === 'Fn::GetAtt' || attribute) {
        const attributes = registry.resource(resource.Type)?.attributes ?? {};
        if (!attribute || !(attribute in attributes)) {
          problems.push(`${owner}: ${via} ${target}.${attribute ?? ''}: ${resource.Type} has no such attribute (it has ${Object.keys(attributes).join(', ') || 'none'})`);
        }
      }
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) scan(id, resource.Properties);
  for (const [id, output] of Object.entries(template.Outputs ?? {})) scan(`Outputs.${id}`, output);
  return problems;
}

/** The member of a union type a value is meant as (a list, an object, or a scalar). */
function unionMemberFor(value: unknown, members: RegistryType[]): RegistryType | undefined {
  const kind = intrinsicOf(value) ? 'scalar' : Array.isArray(value) ? 'list' : value && typeof value === 'object' ? 'object' : 'scalar';
  const kindOf = (member: RegistryType) =>
    member.type === 'array' ? 'list' : ['json', 'ref', 'map', 'tag'].includes(member.type) ? 'object' : 'scalar';
  return members.find((member) => kindOf(member) === kind) ?? members.find((member) => member.type === 'json');
}

export type Leaf = { resourceId: string; path: string; value: unknown; type: RegistryType | undefined };

/**
 * Every scalar value (or intrinsic standing for one) a template's resources set, with its
 * property path (`{type}.{Property}.{Nested}`, list items as `[]`, map keys as `*`) and its registry
 * type. Both branches of a Fn::If are visited; JSON documents (policies) are not walked into.
 */
export function leaves(registry: Registry, template: CfnTemplate): Leaf[] {
  const found: Leaf[] = [];
  const walk = (resourceId: string, value: unknown, type: RegistryType | undefined, path: string) => {
    const fn = intrinsicOf(value);
    if (fn === 'Fn::If') {
      const [, whenTrue, whenFalse] = (value as { 'Fn::If': [string, unknown, unknown] })['Fn::If'];
      for (const branch of [whenTrue, whenFalse]) {
        if (!(intrinsicOf(branch) === 'Ref' && (branch as { Ref: string }).Ref === 'AWS::NoValue')) walk(resourceId, branch, type, path);
      }
      return;
    }
    if (type?.type === 'json') return;
    if (type?.type === 'union') return walk(resourceId, value, unionMemberFor(value, type.types), path);
    if (fn === undefined && Array.isArray(value)) {
      return value.forEach((item) => walk(resourceId, item, type?.type === 'array' ? type.element : undefined, `${path}[]`));
    }
    if (fn === undefined && value && typeof value === 'object') {
      if (type?.type === 'map') return Object.values(value).forEach((item) => walk(resourceId, item, type.element, `${path}.*`));
      const properties = type?.type === 'ref' ? registry.typeDefinition(type.reference).properties : {};
      return Object.entries(value).forEach(([key, item]) => walk(resourceId, item, properties[key]?.type, `${path}.${key}`));
    }
    found.push({ resourceId, path, value, type });
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = registry.resource(resource.Type)?.properties ?? {};
    for (const [key, value] of Object.entries(resource.Properties ?? {})) walk(id, value, properties[key]?.type, `${resource.Type}.${key}`);
  }
  return found;
}
