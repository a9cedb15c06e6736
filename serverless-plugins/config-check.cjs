'use strict';

/**
 * Checks every function's configuration when the service is packaged (`serverless package`, and
 * `serverless deploy`, which packages first), with the parsers the functions themselves run at
 * cold start: a value a function would refuse (mcpRateLimitLease=500, maxRefreshTokenDays below
 * dcrRefreshTokenDays...) fails here, naming the parameter and the rule, before anything is bundled,
 * uploaded or created. One definition of the rules: they stay in the functions' config modules,
 * which serverless-plugins/function-config-checks.ts lists per handler; this plugin bundles that file with
 * esbuild (the functions' code is TypeScript) and runs it on what the framework resolved.
 *
 * Runs first in the package lifecycle (before:package:cleanup), so a refused value costs no build.
 */

const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ENTRY = path.join(__dirname, 'function-config-checks.ts');

class ConfigCheck {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = { 'before:package:cleanup': () => this.check() };
  }

  async check() {
    const started = Date.now();
    const { checkService, describeFindings } = await loadChecks(this.serverless.serviceDir);
    const service = this.serverless.service;
    const findings = checkService({
      stage: this.serverless.getProvider('aws').getStage(),
      region: this.serverless.getProvider('aws').getRegion(),
      ...resourcesOf(service.resources),
      functions: Object.entries(service.functions ?? {}).map(([name, fn]) => ({
        name,
        handler: fn.handler,
        environment: { ...(service.provider.environment ?? {}), ...(fn.environment ?? {}) },
      })),
      rawConfiguration: await this.rawConfiguration(),
    });
    if (findings.length > 0) {
      throw new this.serverless.classes.Error(describeFindings(findings, this.serverless.getProvider('aws').getStage()), 'INVALID_FUNCTION_CONFIGURATION');
    }
    this.log?.verbose?.(`config-check: every function's configuration passes its cold-start checks (${Date.now() - started} ms)`);
  }

  /** serverless.yml as written: the framework's own reader (YAML with CloudFormation tags), no variables resolved. */
  async rawConfiguration() {
    const read = require(path.join(path.dirname(require.resolve('serverless/package.json')), 'lib', 'configuration', 'read'));
    return read(path.join(this.serverless.serviceDir, this.serverless.configurationFilename));
  }
}

/**
 * Bundles the checks (TypeScript, ESM; the service's own files only, packages stay external) into
 * one temporary module under .serverless, where its imports of zod and the rest resolve from the
 * service's node_modules, and imports it. About 0.05 to 0.2 s of bundling and 0.15 s of loading (measured on the team machine).
 */
async function loadChecks(serviceDir) {
  const esbuild = require('esbuild');
  const output = path.join(serviceDir, '.serverless');
  mkdirSync(output, { recursive: true });
  const dir = mkdtempSync(path.join(output, 'config-check-'));
  try {
    const file = path.join(dir, 'checks.mjs');
    const { outputFiles } = esbuild.buildSync({
      entryPoints: [ENTRY],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    writeFileSync(file, outputFiles[0].contents);
    const checks = await import(pathToFileURL(file).href);
    return { checkService: checks.checkService, describeFindings: checks.describeFindings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Types and properties of the stack's own resources (resources/*.yml), by logical id, and its conditions. */
function resourcesOf(resources) {
  const resourceTypes = {};
  const resourceProperties = {};
  const conditions = {};
  for (const block of Array.isArray(resources) ? resources : [resources ?? {}]) {
    for (const [id, resource] of Object.entries(block?.Resources ?? {})) {
      resourceTypes[id] = resource.Type;
      resourceProperties[id] = resource.Properties ?? {};
    }
    Object.assign(conditions, block?.Conditions ?? {});
  }
  return { resourceTypes, resourceProperties, conditions };
}

module.exports = ConfigCheck;
