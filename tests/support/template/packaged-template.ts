import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageInScratchCopy } from '../../../scripts/package-service.js';
import type { CfnTemplate } from './cloudformation.js';

/**
 * `serverless package` of the real service (offline, in a scratch copy) and the CloudFormation
 * template it would deploy. The caller removes `dir`.
 */
export function packageTemplate(options: { stage: string; region: string; prefix: string; params?: Record<string, string> }): { dir: string; template: CfnTemplate } {
  const dir = packageInScratchCopy(options);
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  return { dir, template };
}
