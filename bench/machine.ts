import fs from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';

/** The machine and software a run measured, so numbers are never read without their context. */
export type MachineInfo = {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  postgres: string;
  node: string;
  /** 1-minute load average just before the first scenario (others share this machine). */
  loadBefore: number;
  /** DB_POOL_SIZE the server ran with. */
  poolSize: number;
};

/** Reads /proc/cpuinfo, /proc/meminfo and the PostgreSQL server version. */
export async function describeMachine(db: Client): Promise<MachineInfo> {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
  const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
  return {
    cpus: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown',
    memoryGiB: Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0) / 1024 / 1024,
    postgres: rows[0].server_version,
    node: process.version,
    loadBefore: os.loadavg()[0],
    // The server's own default (src/config.ts) when the variable is unset.
    poolSize: Number(process.env.DB_POOL_SIZE || 10),
  };
}
