import type { ScopeName } from '../../../lib/oauth/scopes.js';
import type { CallFacts } from '../protocol/json-rpc-message.js';
import { type AnyPromptDefinition, type CompiledPrompt, compilePrompt } from '../prompt.js';
import { type AnyResourceDefinition, type CompiledResource, compileResource, matchResource } from '../resource.js';
import { type AnyToolDefinition, type CompiledTool, compileTools } from '../tool.js';

/** Everything the server offers, or what one caller may see of it. */
export interface CatalogView {
  tools: ReadonlyMap<string, CompiledTool>;
  /** In definition order: the first whose template matches a URI serves it. */
  resources: readonly CompiledResource[];
  prompts: ReadonlyMap<string, CompiledPrompt>;
}

/** What a call's body names, resolved: its kind, the tool/resource/prompt name, and the scope it needs. */
export interface ResolvedTarget {
  kind: CallFacts['kind'];
  name: string;
  scope: ScopeName;
}

export interface Catalog extends CatalogView {
  /** What a tools/call, resources/read or prompts/get body names, or undefined when it names nothing offered. */
  resolve(call: CallFacts & { name: string }): ResolvedTarget | undefined;
  /** The part a caller with these scopes may list and call: lists are filtered, never only calls. */
  visibleFor(scopes: ReadonlySet<ScopeName>): CatalogView;
}

/**
 * Compiles tools, resources and prompts once per container (schemas, listings, URI templates)
 * and checks that names are unique within each kind and no two resources share a template.
 */
export function compileCatalog(
  tools: readonly AnyToolDefinition[],
  resources: readonly AnyResourceDefinition[],
  prompts: readonly AnyPromptDefinition[],
): Catalog {
  const compiledTools = compileTools(tools);
  const compiledResources = resources.map(compileResource);
  unique(compiledResources.map((resource) => resource.definition.name), 'resources are named');
  unique(compiledResources.map((resource) => resource.definition.uriTemplate), 'resources have the URI template');
  const compiledPrompts = new Map<string, CompiledPrompt>();
  for (const definition of prompts) {
    if (compiledPrompts.has(definition.name)) throw new Error(`Two prompts are named "${definition.name}"`);
    compiledPrompts.set(definition.name, compilePrompt(definition));
  }
  const views = new Map<string, CatalogView>();
  return {
    tools: compiledTools,
    resources: compiledResources,
    prompts: compiledPrompts,
    resolve(call) {
      if (call.kind === 'tool') {
        const tool = compiledTools.get(call.name);
        return tool && { kind: 'tool', name: tool.definition.name, scope: tool.definition.scope };
      }
      if (call.kind === 'prompt') {
        const prompt = compiledPrompts.get(call.name);
        return prompt && { kind: 'prompt', name: prompt.definition.name, scope: prompt.definition.scope };
      }
      const resource = resourceFor(compiledResources, call.name);
      return resource && { kind: 'resource', name: resource.definition.name, scope: resource.definition.scope };
    },
    visibleFor(scopes) {
      // At most 2^3 distinct scope sets: each view is computed once per container.
      const key = [...scopes].sort().join(' ');
      let view = views.get(key);
      if (!view) {
        view = {
          tools: new Map([...compiledTools].filter(([, tool]) => scopes.has(tool.definition.scope))),
          resources: compiledResources.filter((resource) => scopes.has(resource.definition.scope)),
          prompts: new Map([...compiledPrompts].filter(([, prompt]) => scopes.has(prompt.definition.scope))),
        };
        views.set(key, view);
      }
      return view;
    },
  };
}

/** The resource that serves `uri`: the first whose URI or template matches it. */
export function resourceFor(resources: readonly CompiledResource[], uri: string): CompiledResource | undefined {
  return resources.find((resource) => matchResource(resource, uri) !== undefined);
}

function unique(values: string[], what: string) {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new Error(`Two ${what} "${value}"`);
    seen.add(value);
  }
}
