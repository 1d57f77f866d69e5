// Jest loads global setup outside its module system; the TypeScript hooks let it use the sources.
import '../../scripts/ts-hooks.mjs';

export default async function globalSetup() {
  const { default: setup } = await import('./global-setup-impl.ts');
  await setup();
}
