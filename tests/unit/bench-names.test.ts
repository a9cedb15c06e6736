import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/settings.js';

describe('npm run bench -- NAME', () => {
  it('refuses an unknown benchmark name with the list of names and a non-zero exit, running nothing', () => {
    const result = spawnSync('npm', ['run', '-s', 'bench', '--', 'no-such-bench'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Unknown benchmark "no-such-bench": one of [a-z0-9-]+(, [a-z0-9-]+)+\n$/);
  });
});
