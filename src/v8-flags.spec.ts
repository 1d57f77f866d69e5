import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V8_FLAGS } from './v8-flags.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A workload V8 pretenures when left to itself: objects from one literal site, all kept, so that
 * every young collection finds them alive. Returns how many "tenure" decisions V8 traced.
 */
function tenureDecisions(preload: string[]): number {
  const out = execFileSync(
    process.execPath,
    [
      '--trace-pretenuring-statistics',
      ...preload,
      '-e',
      `const keep = [];
       function make(i) { return { i, s: 'x' + i, pair: [i, i + 1] }; }
       for (let r = 0; r < 200000; r++) keep.push(make(r));`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return out.split('\n').filter((l) => l.includes('=> tenure')).length;
}

describe('V8 flags', () => {
  it('are all flags this V8 knows', () => {
    const run = spawnSync(process.execPath, [...V8_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('turns allocation-site pretenuring off for everything loaded after it', () => {
    // Without the module V8 tenures the site: the check below can fail.
    expect(tenureDecisions([])).toBeGreaterThan(0);
    expect(
      tenureDecisions(['--import', './scripts/ts-hooks.mjs', '--import', './src/v8-flags.ts']),
    ).toBe(0);
  });
});
