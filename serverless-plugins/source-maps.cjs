'use strict';

const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Source maps of the function bundles, kept out of the zips (README, "Reading a production stack
 * trace").
 *
 * Lambda starts the functions without `--enable-source-maps`: with it, Node reads and parses a
 * bundle's whole map (2.8 MB for the MCP function) while the module loads, on every cold start,
 * even on Node 22, and enabling it later (process.setSourceMapsEnabled) does not cover modules
 * already loaded. So esbuild writes external maps (custom.esbuild.sourcemap: external, no
 * sourceMappingURL comment), and this moves each one, as esbuild finishes the bundle and before
 * serverless-esbuild zips the build folder, to `.serverless/sourcemaps/<the bundle's path in its
 * zip>.map`, beside the template and zips of the same build. `npm run stack-trace` maps a logged
 * trace with them.
 *
 * Only when packaging (`serverless package`, `serverless deploy`, `serverless deploy function`):
 * the local stack (serverless-offline) builds the same bundles in the same folder, and its
 * rebuilds must never replace the maps of the build that was packaged. There the maps stay in
 * esbuild's build folder, unused.
 *
 * Beside the maps, `code-sha256.json` names, per bundle, its function and the SHA-256 of its zip
 * as Lambda reports it (CodeSha256: base64), so that an operator can check that a map belongs to
 * the code that is deployed before trusting what it says.
 */

/** The file, in the maps folder, that ties each bundle to its function and zip. */
const CODE_SHA256_FILE = 'code-sha256.json';

const SOURCE_MAPS_FOLDER = path.join('.serverless', 'sourcemaps');

/** Where maps go while this process packages functions; undefined otherwise. */
let destination;

class SourceMapsOutsideZips {
  constructor(serverless) {
    const collectInto = ({ clear }) => () => {
      destination = path.join(serverless.serviceDir, SOURCE_MAPS_FOLDER);
      // A full package replaces every function: no map of an earlier build may stay beside it.
      if (clear) fs.rmSync(destination, { recursive: true, force: true });
    };
    const recordCode = () => {
      if (destination === undefined) return;
      const file = path.join(destination, CODE_SHA256_FILE);
      const record = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
      for (const name of serverless.service.getAllFunctions()) {
        const fn = serverless.service.getFunction(name);
        const artifact = fn.package?.artifact;
        if (typeof fn.handler !== 'string' || typeof artifact !== 'string') continue;
        const zip = path.resolve(serverless.serviceDir, artifact);
        if (!fs.existsSync(zip)) continue;
        const bundle = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.mjs`;
        record[bundle] = { function: fn.name ?? name, codeSha256: createHash('sha256').update(fs.readFileSync(zip)).digest('base64') };
      }
      fs.mkdirSync(destination, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    };
    this.hooks = {
      // Runs after package:cleanup and before serverless-esbuild builds (before:package:createDeploymentArtifacts).
      'package:initialize': collectInto({ clear: true }),
      'before:deploy:function:packageFunction': collectInto({ clear: false }),
      // The zips exist by then (serverless-esbuild writes them in the before: hooks).
      'after:package:createDeploymentArtifacts': recordCode,
      'after:deploy:function:packageFunction': recordCode,
    };
  }
}

/** The esbuild side (listed in esbuild-plugins.cjs): moves the finished bundle's map out of the build folder. */
const esbuildPlugin = {
  name: 'source-maps-outside-zips',
  setup(build) {
    build.onEnd((result) => {
      if (destination === undefined || result.errors.length > 0) return;
      const { entryPoints, outdir, outExtension } = build.initialOptions;
      // serverless-esbuild builds one entry per build, relative to the service, into
      // <build folder>/<the entry's folder>; the zip holds it at <the entry's folder>/<name>.mjs.
      for (const entry of Array.isArray(entryPoints) ? entryPoints : []) {
        if (typeof entry !== 'string' || outdir === undefined) continue;
        const bundleName = `${path.basename(entry, path.extname(entry))}${outExtension?.['.js'] ?? '.js'}`;
        const map = path.join(outdir, `${bundleName}.map`);
        if (!fs.existsSync(map)) continue;
        const target = path.join(destination, path.dirname(entry), `${bundleName}.map`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(map, target);
        fs.rmSync(map);
      }
    });
  },
};

SourceMapsOutsideZips.esbuildPlugin = esbuildPlugin;
SourceMapsOutsideZips.SOURCE_MAPS_FOLDER = SOURCE_MAPS_FOLDER;
SourceMapsOutsideZips.CODE_SHA256_FILE = CODE_SHA256_FILE;
module.exports = SourceMapsOutsideZips;
