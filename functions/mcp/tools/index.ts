import type { AnyToolDefinition } from '../tool.js';
import { whoami } from './whoami.js';

/** Every tool the server offers. Adding a tool: write its file, then list it here. */
export const tools: readonly AnyToolDefinition[] = [whoami];
