import { runAdmin } from '../../admin/cli.js';

export interface AdminRun {
  code: number;
  out: string;
  err: string;
}

/** `npm run admin -- <args>` in process against the local stack in `dataDir`, its output collected. */
export function localAdminRunner(dataDir: string): (...args: string[]) => Promise<AdminRun> {
  return async (...args) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin([...args, '--local-dir', dataDir], (line) => out.push(line), (line) => err.push(line));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
