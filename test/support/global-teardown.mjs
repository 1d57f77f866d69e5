import '../../scripts/ts-hooks.mjs';

export default async function globalTeardown() {
  const { default: teardown } = await import('./global-teardown-impl.ts');
  await teardown();
}
