import { describe, expect, it } from 'vitest';
import { type Check, exitCodeOf, fail, formatResult, runChecklist, skip } from '../../verify/checklist.js';

describe('the verify checklist runner', () => {
  const ran: string[] = [];
  const check = (id: string, body: () => string | void, extra: Partial<Check<object>> = {}): Check<object> => ({
    id,
    title: `check ${id}`,
    async run() {
      ran.push(id);
      return body();
    },
    ...extra,
  });

  it('runs in order, skips what needs a check that did not pass, and still runs clean-up', async () => {
    ran.length = 0;
    const results = await runChecklist<object>(
      [
        check('a', () => 'seen'),
        check('b', () => fail('broken\n  on two lines')),
        check('c', () => {}, { needs: ['b'] }),
        check('d', () => skip('not asked for')),
        check('e', () => {}, { needs: ['d'] }),
        check('f', () => {
          throw new TypeError('unexpected');
        }),
        check('g', () => 'cleaned', { needs: ['b'], always: true }),
      ],
      {},
    );
    expect(ran).toEqual(['a', 'b', 'd', 'f', 'g']);
    expect(results.map(({ id, outcome, detail }) => ({ id, outcome, detail }))).toEqual([
      { id: 'a', outcome: 'pass', detail: 'seen' },
      { id: 'b', outcome: 'fail', detail: 'broken on two lines' },
      { id: 'c', outcome: 'skip', detail: 'not run: b failed' },
      { id: 'd', outcome: 'skip', detail: 'not asked for' },
      { id: 'e', outcome: 'skip', detail: 'not run: d did not run' },
      { id: 'f', outcome: 'fail', detail: 'TypeError: unexpected' },
      { id: 'g', outcome: 'pass', detail: 'cleaned' },
    ]);
    expect(formatResult(results[1]!)).toBe('FAIL  [b] check b — broken on two lines');
    expect(exitCodeOf(results)).toBe(1);
  });

  it('exits 0 when nothing failed, skips by choice included', async () => {
    const results = await runChecklist<object>([check('a', () => {}), check('b', () => skip('no credentials'))], {});
    expect(exitCodeOf(results)).toBe(0);
  });
});
