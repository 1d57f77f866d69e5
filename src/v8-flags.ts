import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings the service runs with. Node accepts them only on its own command line, not in
 * NODE_OPTIONS: the image's command passes them (Dockerfile; a test holds the two lists equal),
 * where they apply from the first allocation. For other ways of starting the service (npm
 * scripts, the demo) main.ts imports this module first and sets them here, before the service's
 * modules load; V8 then already holds some allocation sites' state, so this is the lesser form.
 *
 * `--no-allocation-site-pretenuring`: V8 watches each object and array literal's allocation site
 * and, when the objects it made were all still alive at a young collection, allocates the site's
 * later objects straight in the old generation. A turn's objects are all alive at the collection
 * that happens to fall inside the turn, so V8 tenured the sites of the turn's objects (the claim's
 * history rows, the prompt's messages among them: `--trace-pretenuring-statistics`). Those objects die with
 * the turn, but from the old generation they keep what they point to (the texts, the rows) alive
 * through every young collection until the next major one. Quick open loops at 184 turns/s
 * (`--trace-gc-nvp`): 14.4 MB promoted in 12 s against 32-34 MB with it on, 1-2 major collections
 * of the gateway against 2-3. Long-lived objects are copied once more (into the old generation
 * at their second young collection) instead; the service's are few and made at startup.
 *
 * `--heap-growing-percent=100`: after a major collection V8 lets the old generation grow by this
 * share of what survived before the next one starts. Left to itself it chose 20-30% here (about
 * 56 MB live, the next major collection at 66-74 MB), so with the turn's promoted bytes (about
 * 1.5 MB/s at 196 turns/s) the gateway ran one every 4-7 s, each holding back the turns that came
 * meanwhile. At 100% one comes every half minute or so at that rate; the old generation then
 * reaches about twice its live size (some 110-160 MB, inside `--max-old-space-size`, which still
 * caps it). Quick open loops at 196/s, four pairs alternated: no major collection in any loop
 * against 1-3, receipt to model request p99 25, 12, 20, 21 ms against 48, 18, 34, 54.
 *
 * `--min-semi-space-size=16`: the young generation at its full size (the Deployments'
 * `--max-semi-space-size`, k8s/; a manifests test holds the two equal) from the start and after a
 * quiet spell. Left to itself V8 starts it small and grows it under load, and halves it again
 * after a minute without allocation: the next ten seconds of load then ran three times the young
 * collections (`npm run bench:young-generation`), each promoting what it catches mid-turn, so a
 * fresh pod of the nightly ramp and a gateway after a lull filled the old generation sooner. The
 * chat bench's gateway had such a round (98 young collections against 45-48 in its other rounds,
 * with a 64 ms major collection) after a spell stopped while the floor ran. Set at runtime
 * (below) it still keeps the size through quiet spells, though not at the start.
 */
export const V8_FLAGS = [
  '--no-allocation-site-pretenuring',
  '--heap-growing-percent=100',
  '--min-semi-space-size=16',
] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
