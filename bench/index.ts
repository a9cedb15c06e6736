/**
 * `npm run bench`: prints measurements, asserts nothing. Each benchmark is one module; list it here.
 */
import { benchAuthorizer } from './authorizer.js';
import { benchBundles } from './bundles.js';
import { benchCredentials } from './credentials.js';
import { benchDeployed } from './deployed.js';
import { benchFloor } from './floor.js';
import { benchMcpHandler } from './mcp-handler.js';
import { benchOAuthFacade } from './oauth-facade.js';
import { benchSigner } from './signer.js';

const benchmarks: Array<[string, () => void | Promise<void>]> = [
  ['deployed', benchDeployed],
  ['bundles', benchBundles],
  ['mcp-handler', benchMcpHandler],
  ['floor', benchFloor],
  ['authorizer', benchAuthorizer],
  ['oauth-facade', benchOAuthFacade],
  ['credentials', benchCredentials],
  ['signer', benchSigner],
];

const only = process.argv[2];
if (only && !benchmarks.some(([name]) => name === only)) { console.error(`Unknown benchmark "${only}": one of ${benchmarks.map(([name]) => name).join(', ')}`); process.exit(2); }
for (const [name, run] of benchmarks) {
  if (only && name !== only) continue;
  await run();
}
