import fs from 'node:fs';

/** Stops the embedded PostgreSQL that globalSetup started, if any, and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as Record<string, unknown>).__dsyncEmbedded as
    | { stop: () => Promise<void>; dataDir: string }
    | undefined;
  if (!embedded) return;
  await embedded.stop();
  fs.rmSync(embedded.dataDir, { recursive: true, force: true });
}
