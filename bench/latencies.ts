/** Durations in milliseconds, with exact nearest-rank percentiles (no histogram rounding). */
export class Latencies {
  private values = new Float64Array(1 << 16);
  private sorted: Float64Array | undefined;
  count = 0;

  /** Records one duration. */
  add(ms: number): void {
    this.sorted = undefined;
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  /** The nearest-rank percentile (0 when nothing was recorded). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    this.sorted ??= this.values.slice(0, this.count).sort();
    return this.sorted[Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1))];
  }
}
