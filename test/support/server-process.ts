import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Every log line the server printed (JSON, one object per line). */
  logs: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * The service as its own process (src/main.ts through the TypeScript hooks), for what an
 * in-process app cannot show: SIGKILL, SIGTERM, embedded start-up.
 */
export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', './scripts/ts-hooks.mjs', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let buffered = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${logs.join('\n')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)","instanceId"/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c: Buffer) => logs.push(...c.toString().split('\n').filter(Boolean)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it listened:\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    proc,
    logs,
    exited,
    kill: (signal) => {
      proc.kill(signal);
      return exited;
    },
  };
}
