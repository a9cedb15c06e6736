import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { CompiledResource, ResourceContext, ResourceEntry } from '../resource.js';
import { ToolError } from '../tool.js';

/**
 * resources/list: the fixed resources, then each template's own listing (the caller's notes),
 * one page of one resource at a time. The cursor names the resource and carries its own cursor
 * on; it is opaque to clients and never widens what `list` reads (always the caller's).
 */
export async function listResources(
  resources: readonly CompiledResource[],
  context: ResourceContext,
  cursor: string | undefined,
): Promise<{ resources: ResourceEntry[]; nextCursor?: string }> {
  const position = cursor === undefined ? { index: 0, inner: undefined } : decodePosition(cursor, resources);
  const entries: ResourceEntry[] = [];
  for (let index = position.index; index < resources.length; index++) {
    const resource = resources[index]!;
    if (!resource.isTemplate) {
      entries.push(resource.listing as ResourceEntry);
      continue;
    }
    if (!resource.definition.list) continue;
    let page;
    try {
      page = await resource.definition.list(context, index === position.index ? position.inner : undefined);
    } catch (error) {
      if (error instanceof ToolError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
      throw error;
    }
    entries.push(...page.resources);
    if (page.nextCursor !== undefined) return { resources: entries, nextCursor: encodePosition(resource.definition.name, page.nextCursor) };
  }
  return { resources: entries };
}

function encodePosition(name: string, inner: string): string {
  return Buffer.from(JSON.stringify({ v: 1, r: name, c: inner })).toString('base64url');
}

function decodePosition(cursor: string, resources: readonly CompiledResource[]): { index: number; inner: string } {
  let payload: { v?: unknown; r?: unknown; c?: unknown } | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  const index = resources.findIndex((resource) => resource.definition.name === payload?.r);
  if (payload?.v !== 1 || typeof payload.c !== 'string' || index < 0) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid params: the cursor is not one this server issued; list again without a cursor');
  }
  return { index, inner: payload.c };
}
