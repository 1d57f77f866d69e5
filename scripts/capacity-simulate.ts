import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dayChart } from '../src/capacity/day-chart.js';
import {
  DEFAULT_GATEWAY,
  DEFAULT_MODEL,
  fleetFromManifests,
} from '../src/capacity/fleet-from-manifests.js';
import { simulateDay } from '../src/capacity/simulate.js';
import {
  arrivalsPerMinute,
  DEFAULT_PROFILE,
  trafficProfileSchema,
} from '../src/capacity/traffic.js';
import { kustomize, overlayDir } from '../src/deploy/kustomize.js';

/**
 * A day of the fleet under three policies, with the autoscaler rules read from the built
 * overlay. Prints one JSON line; draws the day as an SVG.
 *
 *   npm run -s capacity:simulate [-- --profile FILE] [--overlay production] [--svg FILE]
 *                                [--cold-start SEC] [--tokens-per-sec N]
 */
const { values } = parseArgs({
  options: {
    profile: { type: 'string' },
    overlay: { type: 'string', default: 'production' },
    svg: { type: 'string', default: 'docs/scaling-day.svg' },
    'cold-start': { type: 'string' },
    'tokens-per-sec': { type: 'string' },
  },
});

const profile = values.profile
  ? trafficProfileSchema.parse(JSON.parse(readFileSync(values.profile, 'utf8')))
  : DEFAULT_PROFILE;
const { fleet, concurrencyKnee, gateway } = fleetFromManifests(
  kustomize(overlayDir(values.overlay)),
);
const model = {
  ...DEFAULT_MODEL,
  concurrencyKnee,
  ...(values['cold-start'] ? { coldStartSec: Number(values['cold-start']) } : {}),
  ...(values['tokens-per-sec'] ? { tokensPerSec: Number(values['tokens-per-sec']) } : {}),
};
const results = simulateDay(arrivalsPerMinute(profile), fleet, model, {
  ...DEFAULT_GATEWAY,
  ...gateway,
});

console.log(
  JSON.stringify({
    policies: results.map(({ name, gpuHours, p99QueueWaitSec, maxReplicas, busyShare }) => ({
      name,
      gpuHours,
      p99QueueWaitSec,
      maxReplicas,
      busyShare,
    })),
  }),
);
writeFileSync(
  values.svg,
  dayChart(results, {
    title: `A day of the ${values.overlay} fleet: ${profile.name}, cold start ${model.coldStartSec} s`,
    ...(fleet.vllm.cron ? { cronWindow: fleet.vllm.cron } : {}),
  }),
);
console.error(`day drawn in ${values.svg}`);
