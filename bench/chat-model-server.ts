/**
 * The model stand-in for the chat bench, in a process of its own (as the model runs on its own
 * machines in production): in the bench's process its work and garbage collections would delay
 * the open loop's sends. Chat turns get a short reply; structured requests (the service's memory
 * extraction, for one) get the stand-in's answer that fits their schema. Keeps no requests.
 * Prints one JSON line with the URL when listening; stops on SIGTERM.
 *
 * Environment: MODEL (the served model's name).
 */
import { startVllmStandIn } from '../src/llm/stand-in/vllm-stand-in.js';

const standIn = await startVllmStandIn({
  model: process.env.MODEL ?? 'bench-model',
  responder: (body) => (body.response_format ? {} : { pieces: ['Sure, ', 'I am here.'] }),
  record: false,
});
process.stdout.write(`${JSON.stringify({ msg: 'listening', url: standIn.url })}\n`);
process.once('SIGTERM', () => void standIn.close().finally(() => process.exit(0)));
