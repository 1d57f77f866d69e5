export { detectRisk } from './detect-risk.js';
export { accumulateRisk } from './accumulate-risk.js';
export * from './risk-reading.js';
