import { loadConfig } from './config';
import { startMirror } from './mirrorApp';

/** Process entry: `npm start` with the variables of README.md. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const mirror = await startMirror(config, (line) => console.log(line));
  console.log(`directory mirror listening on ${mirror.url}; POST webhooks to ${mirror.url}/webhooks/dsync`);
  const shutdown = () => void mirror.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  console.error(`directory mirror failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
