import fs from 'node:fs';
import path from 'node:path';

/** Where the server's busy CPU time went, from a V8 .cpuprofile written by `node --cpu-prof`. */
export type ProfileSummary = {
  file: string;
  busyMs: number;
  /** Self time by function, highest first. */
  functions: { name: string; where: string; ms: number; pct: number }[];
  /** Self time by package (node_modules/<pkg>), our own code (src/…), Node's internals, GC. */
  areas: { area: string; ms: number; pct: number }[];
  /** Our own functions by inclusive time (themselves and everything they call), highest first. */
  ours: { name: string; where: string; ms: number; pct: number }[];
};

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const IDLE = '(idle)';

/** Summarises the newest .cpuprofile in `dir`: the top `limit` functions and areas by self time, idle excluded. */
export function summariseProfile(dir: string, limit = 25): ProfileSummary {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir} (did the server exit cleanly?)`);
  const file = path.join(dir, files.sort().at(-1)!);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = selfTimes(profile);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byNode.get(id)!.callFrame;
    if (frame.functionName === IDLE) continue;
    busyUs += us;
    const where = frame.url ? `${shortPath(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}@${where}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const pct = (us: number) => (busyUs > 0 ? (100 * us) / busyUs : 0);
  const ours = inclusiveTimes(profile, selfUs, (frame) => areaOf(frame).startsWith('dsync '));
  return {
    file,
    busyMs: busyUs / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, limit)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, pct: pct(f.us) })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([area, us]) => ({ area, ms: us / 1000, pct: pct(us) })),
    ours: [...ours.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, limit)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, pct: pct(f.us) })),
  };
}

// Time charged to each node is added once to every distinct selected function on its stack
// (once, so recursion is not counted twice).
function inclusiveTimes(
  profile: CpuProfile,
  selfUs: Map<number, number>,
  selected: (frame: CallFrame) => boolean,
): Map<string, { name: string; where: string; us: number }> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    if (byNode.get(id)!.callFrame.functionName === IDLE) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byNode.get(at)!.callFrame;
      if (!selected(frame)) continue;
      const where = `${shortPath(frame.url)}:${frame.lineNumber + 1}`;
      const key = `${frame.functionName}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = totals.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
      entry.us += us;
      totals.set(key, entry);
    }
  }
  return totals;
}

/** Renders a summary as plain text for the terminal (and for pasting into the README). */
export function formatProfile(s: ProfileSummary): string {
  const lines = [`CPU profile ${s.file}: ${(s.busyMs / 1000).toFixed(1)} s busy (idle excluded)`, '', 'self time by area:'];
  for (const a of s.areas) lines.push(`  ${a.pct.toFixed(1).padStart(5)} %  ${a.area}`);
  lines.push('', 'self time by function:');
  for (const f of s.functions) lines.push(`  ${f.pct.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`);
  lines.push('', 'our functions by inclusive time (themselves and all they call):');
  for (const f of s.ours) lines.push(`  ${f.pct.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

// Each sample's time delta is charged to the node sampled (V8 records the delta before each sample).
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + Math.max(delta, 0));
  }
  return self;
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `node_modules/${pkg[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/dist\/(src\/[^/]+)\//.exec(url) ?? /\/(src\/[^/]+)\//.exec(url);
  return ours ? `dsync ${ours[1]}` : shortPath(url);
}

function shortPath(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm);
  const root = path.resolve(__dirname, '..') + path.sep;
  return file.startsWith(root) ? file.slice(root.length) : file;
}
