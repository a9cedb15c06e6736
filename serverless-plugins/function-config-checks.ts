import { loadAuthorizerConfig } from '../authorizer/config.js';
import { loadCleanupSettings, loadDcrConfig } from '../dcr/config.js';
import { loadMcpConfig } from '../functions/mcp/config.js';
import { createToolServices } from '../functions/mcp/services.js';
import { loadGroupMappingConfig } from '../functions/pre-token/group-mapping.js';
import {
  type ColdStartCheck,
  type ConfigurationFinding,
  type DeploymentContext,
  type FunctionToCheck,
  checkFunctions,
  describeFindings,
  everyCheck,
  tracedParameters,
} from '../lib/config-check.js';
import type { Documents } from '../lib/dynamodb/documents.js';
import { loadTokenLifetimes } from '../lib/user-revocation.js';
import { loadOAuthConfig } from '../oauth/config.js';
import { loadMetadataSettings } from '../oauth/metadata-config.js';
import { loadAppsConfig } from '../oauth/apps/apps-config.js';
import { loadRevokeConfig } from '../oauth/revoke/revoke-config.js';

/**
 * What each handler parses at cold start, by handler module: the same calls its module makes
 * before the first request. A handler that reads a new setting reads it through one of these (or
 * gets its loader listed here); a handler missing from this list fails `serverless package`.
 * Bundled and run by serverless-plugins/config-check.cjs.
 */
const NO_DOCUMENTS = {} as Documents; // createToolServices only keeps it; nothing is called at cold start
const mcp = everyCheck(loadMcpConfig, loadTokenLifetimes, (env) => createToolServices(loadMcpConfig(env), NO_DOCUMENTS, env));
// loadOAuthConfig stops at its own schema before the registration settings it also reads.
const oauth = everyCheck(loadOAuthConfig, loadDcrConfig);

export const coldStartChecks: Record<string, ColdStartCheck> = {
  'authorizer/handler': loadAuthorizerConfig,
  'functions/mcp/handler': mcp,
  'functions/mcp/stream-handler': mcp,
  'dcr/handler': loadDcrConfig,
  'dcr/cleanup-handler': everyCheck(loadDcrConfig, loadCleanupSettings),
  // loadRevokeConfig stops at the facade's first bad value; the registration settings it holds are checked on their own too.
  'oauth/revoke-handler': everyCheck(loadDcrConfig, loadRevokeConfig),
  'oauth/authorize-handler': oauth,
  'oauth/token-handler': oauth,
  'oauth/metadata-handler': loadMetadataSettings,
  'oauth/apps-handler': everyCheck(loadDcrConfig, loadAppsConfig),
  'functions/pre-token/handler': loadGroupMappingConfig,
  // Reads no configuration.
  'functions/health/handler': () => undefined,
};

/** What the plugin hands over from the framework: resolved and unresolved configuration. */
export interface ServiceToCheck extends DeploymentContext {
  functions: Array<{ name: string; handler: string; environment: Record<string, unknown> }>;
  /** serverless.yml as written (variables unresolved), to trace variables back to parameters. */
  rawConfiguration: Record<string, unknown>;
}

export function checkService(service: ServiceToCheck, checks: Record<string, ColdStartCheck> = coldStartChecks): ConfigurationFinding[] {
  const raw = service.rawConfiguration;
  const rawFunctions = (raw.functions ?? {}) as Record<string, { environment?: unknown }>;
  const rawProviderEnvironment = rawEnvironment((raw.provider as { environment?: unknown } | undefined)?.environment, raw);
  const functions: FunctionToCheck[] = service.functions.map((fn) => {
    const rawEnv = { ...rawProviderEnvironment, ...rawEnvironment(rawFunctions[fn.name]?.environment, raw) };
    const parameters: Record<string, string[]> = {};
    for (const name of Object.keys(fn.environment)) parameters[name] = tracedParameters(rawEnv[name], raw);
    return { ...fn, parameters };
  });
  return checkFunctions(functions, checks, service);
}

/** A function's environment as written: an object, or `${self:custom.x}` naming one. */
function rawEnvironment(value: unknown, raw: Record<string, unknown>): Record<string, unknown> {
  const reference = typeof value === 'string' ? /^\$\{self:([A-Za-z0-9_.-]+)\}$/.exec(value.trim()) : null;
  if (reference) {
    const target = reference[1]!.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), raw);
    return rawEnvironment(target, raw);
  }
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export { describeFindings };
