import { CliStream } from './runtime';

/** Reports a count moving towards a total. */
export type Progress = { update(done: number, total: number): void; end(): void };

const BAR_WIDTH = 30;

/**
 * Progress on a stream (stderr, so stdout stays clean for --json): on a terminal a bar
 * redrawn in place, otherwise (logs, pipes) one line each time the count moves.
 */
export function progressOn(stream: CliStream, label: string): Progress {
  const tty = (stream as { isTTY?: unknown }).isTTY === true;
  let last: number | undefined;
  return {
    update(done, total) {
      if (done === last) return;
      last = done;
      // \r returns to the line start, ESC[K clears what a longer earlier line left behind.
      if (tty) stream.write(`\r${label} ${bar(done, total)} ${done}/${total}\x1b[K`);
      else stream.write(`${label}: ${done}/${total}\n`);
    },
    end() {
      if (tty && last !== undefined) stream.write('\n');
    },
  };
}

function bar(done: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}
