/** `npm run tools:index`: rewrites functions/mcp/tools/index.ts when the folder's tools changed. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { TOOLS_INDEX, renderToolIndex, toolFiles } from './tool-index.js';

const wanted = renderToolIndex(toolFiles());
if (!existsSync(TOOLS_INDEX) || readFileSync(TOOLS_INDEX, 'utf8') !== wanted) {
  writeFileSync(TOOLS_INDEX, wanted);
  console.log(`Updated ${TOOLS_INDEX}`);
}
