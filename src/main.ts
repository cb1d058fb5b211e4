import http from 'node:http';
import { answerClientErrors } from './http/clientErrors';
import { buildApp } from './app';
import { ensureAdminKey } from './tenancy/ensureAdminKey';
import { loadConfigOrExit } from './config';
import { openDatabase } from './db/open';
import { createLogger } from './http/logger';
import { createMetrics } from './http/metrics';
import { startBackground } from './jobs/background';
import { createWorkerMetrics } from './jobs/workerMetrics';

/**
 * Process entry: validate config, open (or start) the database, apply migrations,
 * serve, and shut down gracefully on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, { migrate: true, log: (line) => logger.debug({ postgres: line }) });
  logger.info({ embedded: db.embedded }, 'database ready, migrations applied');

  const metrics = createMetrics();
  const app = buildApp({ dataSource: db.dataSource, config, logger, metrics });
  const server = http.createServer(app);
  // Requests Node's parser refuses (over-long request line or headers) get an error body in the face's format.
  answerClientErrors(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  // The worker (event sequencer, webhook deliveries, retention, policy-switch jobs) runs
  // here unless RUN_WORKER=false; it also resumes work a previous process left. Started
  // before the announcement, so once "listening" is printed the signal handlers below
  // are in place (a SIGTERM in between would otherwise end the process ungracefully).
  const background = config.runWorker
    ? await startBackground({
        dataSource: db.dataSource,
        config,
        logger,
        metrics: createWorkerMetrics(metrics.registry, db.dataSource),
      })
    : undefined;
  await announce(db.dataSource, config.publicUrl, config.adminApiKey !== undefined);

  let stopping = false;
  const inFlight = trackResponses(server, () => stopping);
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
    });
    // Finishes the unit of work in progress; the rest waits for the next start.
    await background?.stop();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * server.close() closes only the connections idle at that moment; a keep-alive
 * connection whose request is still running would then hold the process open until
 * the client hangs up. So while stopping, responses say `Connection: close` and every
 * connection that falls idle is closed at once.
 */
function trackResponses(server: http.Server, stopping: () => boolean): Set<http.ServerResponse> {
  const inFlight = new Set<http.ServerResponse>();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (stopping()) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (stopping()) setImmediate(() => server.closeIdleConnections());
    });
  });
  return inFlight;
}

// Printed once to stdout, outside the JSON log: what the operator needs next.
async function announce(ds: import('typeorm').DataSource, publicUrl: string, keyConfigured: boolean) {
  const lines = [`dsync is listening on ${publicUrl}`, `  admin API:     ${publicUrl}/api/v1`, `  API reference: ${publicUrl}/docs`];
  if (!keyConfigured) {
    const key = await ensureAdminKey(ds);
    if (key.created) {
      lines.push(`  admin key (shown once; store it now): ${key.created}`);
    } else {
      lines.push(`  admin key: ${key.prefix}… (generated earlier; set ADMIN_API_KEY or run \`dsync admin-key rotate\`)`);
    }
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((err) => {
  process.stderr.write(`dsync failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
