/**
 * The shape of a CloudFormation template as `serverless package` writes it, and the intrinsic
 * functions in it: which value is one, what it refers to, and what string it renders to once the
 * stack's ids are known (with placeholders standing in for them).
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

const INTRINSICS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::If',
  'Fn::Select',
  'Fn::Split',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
]);

/** Intrinsics whose result is a list (the others give one value). */
export const LIST_INTRINSICS = new Set(['Fn::Split', 'Fn::GetAZs', 'Fn::Cidr']);

/** The intrinsic function a value is (an object with that one key), or undefined. */
export function intrinsicOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0]!) ? keys[0] : undefined;
}

export const isPseudoParameter = (name: string) => name.startsWith('AWS::');

export interface Reference {
  target: string;
  attribute?: string;
  via: 'Ref' | 'Fn::GetAtt' | 'Fn::Sub';
}

/** `${X}` and `${X.Attr}` in a Fn::Sub string; `${!X}` is a literal. */
function subReferences(text: string, localNames: Set<string>): Reference[] {
  const found: Reference[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const inner = match[1]!.trim();
    if (inner.startsWith('!')) continue;
    const [target, ...attribute] = inner.split('.');
    if (!target || localNames.has(target)) continue;
    found.push(attribute.length > 0 ? { target, attribute: attribute.join('.'), via: 'Fn::Sub' } : { target, via: 'Fn::Sub' });
  }
  return found;
}

/** Every reference (Ref, Fn::GetAtt, Fn::Sub) anywhere inside a value. */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const fn = intrinsicOf(node);
    const argument = fn ? (node as Record<string, unknown>)[fn] : undefined;
    if (fn === 'Ref' && typeof argument === 'string') {
      found.push({ target: argument, via: 'Ref' });
      return;
    }
    if (fn === 'Fn::GetAtt') {
      const [target, ...attribute] = typeof argument === 'string' ? argument.split('.') : (argument as unknown[]);
      if (typeof target === 'string') {
        found.push({ target, attribute: attribute.map(String).join('.'), via: 'Fn::GetAtt' });
      }
      // The attribute name may itself be computed.
      if (Array.isArray(argument)) argument.slice(1).forEach(walk);
      return;
    }
    if (fn === 'Fn::Sub') {
      const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      found.push(...subReferences(text, new Set(Object.keys(variables ?? {}))));
      Object.values(variables ?? {}).forEach(walk);
      return;
    }
    Object.values(node).forEach(walk);
  };
  walk(value);
  return found;
}

export interface RenderContext {
  /** The value `{ Ref: name }` stands for (a pseudo parameter, a resource's id, a parameter). */
  ref(name: string): string | undefined;
  /** The value `{ Fn::GetAtt: [id, attribute] }` stands for. */
  getAtt(id: string, attribute: string): string | undefined;
  /** Whether a condition of the template holds, when that is known offline (undefined: both branches count). */
  condition?(name: string): boolean | undefined;
}

const MAX_RENDERINGS = 64;

/** Every combination of one rendering per part (bounded: an If in every part multiplies them). */
function combine(parts: string[][], join: (pieces: string[]) => string): string[] {
  let combined: string[][] = [[]];
  for (const options of parts) {
    combined = combined.flatMap((prefix) => options.map((option) => [...prefix, option])).slice(0, MAX_RENDERINGS);
  }
  return combined.map(join);
}

/**
 * The strings a value can render to, one per branch of each Fn::If (a branch that is
 * AWS::NoValue renders to nothing), or undefined when it cannot be rendered offline.
 */
export function renderings(value: unknown, context: RenderContext): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  const fn = intrinsicOf(value);
  if (!fn) return undefined;
  const argument = (value as Record<string, unknown>)[fn];
  switch (fn) {
    case 'Ref': {
      if (argument === 'AWS::NoValue') return [];
      const rendered = typeof argument === 'string' ? context.ref(argument) : undefined;
      return rendered === undefined ? undefined : [rendered];
    }
    case 'Fn::GetAtt': {
      const [id, ...attribute] = typeof argument === 'string' ? argument.split('.') : (argument as string[]);
      const rendered = typeof id === 'string' ? context.getAtt(id, attribute.join('.')) : undefined;
      return rendered === undefined ? undefined : [rendered];
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      if (!Array.isArray(parts)) return undefined;
      const rendered = parts.map((part) => renderings(part, context));
      if (rendered.some((options) => options === undefined)) return undefined;
      return combine(rendered as string[][], (pieces) => pieces.join(separator));
    }
    case 'Fn::Sub': {
      const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      const pieces: string[][] = [];
      let last = 0;
      for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
        pieces.push([text.slice(last, match.index)]);
        last = match.index + match[0].length;
        const inner = match[1]!.trim();
        if (inner.startsWith('!')) {
          pieces.push([`\${${inner.slice(1)}}`]);
          continue;
        }
        const [name, ...attribute] = inner.split('.');
        const local = (variables as Record<string, unknown>)[name!];
        const options =
          local !== undefined
            ? renderings(local, context)
            : attribute.length > 0
              ? maybe(context.getAtt(name!, attribute.join('.')))
              : maybe(context.ref(name!));
        if (options === undefined) return undefined;
        pieces.push(options);
      }
      pieces.push([text.slice(last)]);
      return combine(pieces, (parts) => parts.join(''));
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      const decided = context.condition?.(name);
      if (decided !== undefined) return renderings(decided ? whenTrue : whenFalse, context);
      const branches = [renderings(whenTrue, context), renderings(whenFalse, context)];
      if (branches.some((options) => options === undefined)) return undefined;
      return [...new Set(branches.flat() as string[])];
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number | string, unknown];
      const items = listRenderings(list, context);
      if (items === undefined) return undefined;
      return items.map((item) => item[Number(index)]).filter((item): item is string => item !== undefined);
    }
    default:
      return undefined;
  }
}

function maybe(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : [value];
}

/** The lists a list-valued expression can render to (a literal list, or Fn::Split). */
function listRenderings(value: unknown, context: RenderContext): string[][] | undefined {
  if (Array.isArray(value)) {
    const items = value.map((item) => renderings(item, context));
    if (items.some((options) => options === undefined)) return undefined;
    return combine(items as string[][], (pieces) => JSON.stringify(pieces)).map((json) => JSON.parse(json) as string[]);
  }
  if (intrinsicOf(value) === 'Fn::Split') {
    const [separator, source] = (value as { 'Fn::Split': [string, unknown] })['Fn::Split'];
    return renderings(source, context)?.map((text) => text.split(separator));
  }
  return undefined;
}

/**
 * Whether a template's condition holds, evaluated offline where its operands render to one value
 * each (a packaged template compares parameters the framework has already put in as literals).
 */
export function evaluateCondition(template: CfnTemplate, name: string, context: RenderContext): boolean | undefined {
  const evaluate = (expression: unknown): boolean | undefined => {
    const fn = intrinsicOf(expression);
    const argument = fn ? (expression as Record<string, unknown>)[fn] : undefined;
    switch (fn) {
      case 'Condition':
        return evaluate(template.Conditions?.[argument as string]);
      case 'Fn::Not': {
        const inner = evaluate((argument as unknown[])[0]);
        return inner === undefined ? undefined : !inner;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = (argument as unknown[]).map(evaluate);
        if (values.some((value) => value === undefined)) return undefined;
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Equals': {
        const [left, right] = (argument as unknown[]).map((side) => renderings(side, context));
        if (left?.length !== 1 || right?.length !== 1) return undefined;
        return left[0] === right[0];
      }
      default:
        return undefined;
    }
  };
  return evaluate(template.Conditions?.[name]);
}
