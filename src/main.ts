// First: V8's settings apply to what the modules below allocate.
import './v8-flags.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { startApp } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const running = await startApp(config);
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    running.shutdown().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('shutdown failed', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error('start-up failed:', e instanceof Error ? e.message : e);
  process.exit(1);
});
