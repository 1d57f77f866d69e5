import { describe, expect, it, jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V8_FLAGS } from './v8-flags.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A workload V8 pretenures when left to itself: objects from one literal site, all kept, with a
 * young collection after each batch so that every collection finds the site's objects alive (the
 * collections are forced so that the count does not hang on the machine's timing). Returns how
 * many decisions on an allocation site V8 traced (whether to tenure it or not: with pretenuring
 * off V8 makes none; whether it ends at "tenure" depends on its compilers' timing).
 */
function tenureDecisions(preload: string[]): number {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      // Feedback from the first call, so that the site is watched however soon V8 compiles.
      '--no-lazy-feedback-allocation',
      '--trace-pretenuring-statistics',
      ...preload,
      '-e',
      `const keep = [];
       function make(i) { return { i, s: 'x' + i, pair: [i, i + 1] }; }
       for (let b = 0; b < 60; b++) {
         for (let r = 0; r < 20000; r++) keep.push(make(r));
         gc({ type: 'minor' });
       }`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return out.split('\n').filter((l) => l.includes('pretenuring: AllocationSite')).length;
}

// Each case starts node processes (one through the TypeScript loader): slow on a busy machine.
jest.setTimeout(60_000);

describe('V8 flags', () => {
  it('are all flags this V8 knows', () => {
    const run = spawnSync(process.execPath, [...V8_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('turns allocation-site pretenuring off for everything loaded after it', () => {
    // Without the module V8 weighs the site: the check below can fail.
    expect(tenureDecisions([])).toBeGreaterThan(0);
    expect(
      tenureDecisions(['--import', './scripts/ts-hooks.mjs', '--import', './src/v8-flags.ts']),
    ).toBe(0);
  });
});
