/** `npm run catalog:index`: rewrites the index.ts of functions/mcp/tools, mcp-resources and prompts when their files changed. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CATALOG_FOLDERS, catalogFiles, renderCatalogIndex } from './catalog-index.js';

for (const folder of CATALOG_FOLDERS) {
  const wanted = renderCatalogIndex(folder, catalogFiles(folder.dir));
  if (!existsSync(folder.index) || readFileSync(folder.index, 'utf8') !== wanted) {
    writeFileSync(folder.index, wanted);
    console.log(`Updated ${folder.index}`);
  }
}
