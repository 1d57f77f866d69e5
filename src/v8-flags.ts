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
 */
export const V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
