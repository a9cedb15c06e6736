// Stands in for zod/v4/locales/index.js in the bundles: English only (see esbuild-plugins.cjs).
export { default as en } from 'zod/v4/locales/en.js';
