import { UriTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ScopeName } from '../../lib/oauth/scopes.js';
import type { ToolContext } from './tool.js';

/** What a resource's `read`, `list` and completions get: the same as a tool's `run`. */
export type ResourceContext = ToolContext;

/** One entry of resources/list. */
export interface ResourceEntry {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** The contents of one read: text, or binary as base64. */
export type ResourceContents = { text: string; mimeType?: string } | { blob: string; mimeType?: string };

/**
 * A resource is one file in resources/ whose default export is `defineResource({...})`: a URI
 * template (RFC 6570 level 1, e.g. `note://{id}`; a URI without variables is a single fixed
 * resource), the scope a caller needs to see and read it, zod schemas for its variables (checked
 * on every read), and how to read, list and complete it. Everything a resource reads must be
 * keyed by `caller.principal`, so that another user's URI is plainly not found.
 */
export interface ResourceDefinition<Variables extends z.ZodRawShape> {
  /** Unique, `[a-z][a-z0-9_]*`: the name in listings, the audit and the metrics. */
  name: string;
  title: string;
  description: string;
  scope: ScopeName;
  mimeType: string;
  uriTemplate: string;
  variables: Variables;
  /** The contents, or undefined when there is no such resource (for this caller). */
  read(variables: z.output<z.ZodObject<Variables>>, context: ResourceContext): Promise<ResourceContents | undefined>;
  /** The caller's resources of this template, one page at a time, for resources/list. */
  list?(context: ResourceContext, cursor: string | undefined): Promise<{ resources: ResourceEntry[]; nextCursor?: string }>;
  /** completion/complete for a variable: values that start with `prefix`, best first. */
  complete?: Partial<Record<keyof Variables & string, (prefix: string, context: ResourceContext) => Promise<string[]>>>;
}

export function defineResource<Variables extends z.ZodRawShape>(definition: ResourceDefinition<Variables>): ResourceDefinition<Variables> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyResourceDefinition = ResourceDefinition<any>;

/** A resource ready to serve: its template parsed and its variables' schema compiled once, at cold start. */
export interface CompiledResource {
  definition: AnyResourceDefinition;
  template: UriTemplate;
  variables: z.ZodObject;
  /** True for a template with variables (resources/templates/list); false for one fixed URI (resources/list). */
  isTemplate: boolean;
  /** The resources/templates/list entry, or the resources/list entry of a fixed URI. */
  listing: { name: string; title: string; description: string; mimeType: string } & ({ uriTemplate: string } | { uri: string });
}

const RESOURCE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export function compileResource(definition: AnyResourceDefinition): CompiledResource {
  if (!RESOURCE_NAME.test(definition.name)) throw new Error(`Resource name "${definition.name}" must match ${RESOURCE_NAME}`);
  const template = new UriTemplate(definition.uriTemplate);
  const names = template.variableNames;
  const declared = Object.keys(definition.variables);
  if (names.length !== declared.length || names.some((name) => !declared.includes(name))) {
    throw new Error(`Resource ${definition.name}: the template's variables (${names.join(', ')}) and the declared ones (${declared.join(', ')}) differ`);
  }
  const isTemplate = names.length > 0;
  const common = { name: definition.name, title: definition.title, description: definition.description, mimeType: definition.mimeType };
  return {
    definition,
    template,
    variables: z.strictObject(definition.variables),
    isTemplate,
    listing: isTemplate ? { ...common, uriTemplate: definition.uriTemplate } : { ...common, uri: definition.uriTemplate },
  };
}

/** The variables of `uri` if it is one of this resource's URIs (not yet validated), else undefined. */
export function matchResource(resource: CompiledResource, uri: string): Record<string, string | string[]> | undefined {
  if (!resource.isTemplate) return uri === resource.definition.uriTemplate ? {} : undefined;
  return resource.template.match(uri) ?? undefined;
}
