import fs from 'node:fs';
import os from 'node:os';

/** Resource use observed while one scenario ran. */
export type UsageSample = {
  /** Highest resident set size of the server seen while sampling, in MiB. */
  peakRssMiB: number;
  /** The server's lifetime high-water mark (VmHWM) at the end, in MiB. */
  hwmMiB: number;
  /** CPU the server used, in % of one core (200 % = both cores of a 2-core machine). */
  serverCpuPct: number;
  /** CPU this process (the load generator) used, in % of one core. */
  clientCpuPct: number;
  /** CPU the whole machine used, in % of one core: server, load generator, PostgreSQL and anyone else. */
  machineCpuPct: number;
};

const TICKS_PER_SECOND = 100; // USER_HZ on Linux, which /proc reports in.
const SAMPLE_EVERY_MS = 50;

/**
 * Samples the server's VmRSS every 50 ms from /proc/<pid>/status and, at the end,
 * works out CPU shares from /proc/<pid>/stat and /proc/stat. Linux only.
 */
export function watchProcess(pid: number): { stop(): UsageSample } {
  const started = process.hrtime.bigint();
  const serverStart = processTicks(pid);
  const machineStart = machineTicks();
  const clientStart = process.cpuUsage();
  let peakKiB = statusKiB(pid, 'VmRSS');
  const timer = setInterval(() => {
    peakKiB = Math.max(peakKiB, statusKiB(pid, 'VmRSS'));
  }, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      peakKiB = Math.max(peakKiB, statusKiB(pid, 'VmRSS'));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const client = process.cpuUsage(clientStart);
      const machine = machineTicks();
      return {
        peakRssMiB: peakKiB / 1024,
        hwmMiB: statusKiB(pid, 'VmHWM') / 1024,
        serverCpuPct: pct((processTicks(pid) - serverStart) / TICKS_PER_SECOND, seconds),
        clientCpuPct: pct((client.user + client.system) / 1e6, seconds),
        machineCpuPct: pct((machine.busy - machineStart.busy) / TICKS_PER_SECOND, seconds),
      };
    },
  };
}

/** The server's resident set size now (VmRSS) in MiB. */
export function rssMiB(pid: number): number {
  return statusKiB(pid, 'VmRSS') / 1024;
}

/** The server's lifetime peak RSS (VmHWM) in MiB. */
export function highWaterMiB(pid: number): number {
  return statusKiB(pid, 'VmHWM') / 1024;
}

/** The 1-minute load average, to show how busy the shared machine was. */
export function loadAverage(): number {
  return os.loadavg()[0];
}

function pct(cpuSeconds: number, wallSeconds: number): number {
  return wallSeconds > 0 ? (100 * cpuSeconds) / wallSeconds : 0;
}

// 0 once the process has gone (it crashed, or was stopped by Ctrl-C mid-scenario).
function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readProc(`/proc/${pid}/status`);
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

// utime + stime (fields 14 and 15 of /proc/<pid>/stat; the command name may contain spaces).
function processTicks(pid: number): number {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function readProc(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// First line of /proc/stat: user nice system idle iowait irq softirq steal …
function machineTicks(): { busy: number } {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = values.map(Number);
  const idle = n[3] + n[4];
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle };
}
