/**
 * Where a process's CPU time went, from the .cpuprofile files `node --cpu-prof` writes (the
 * full-pipeline benchmark's BENCH_CPU_PROF_DIR): self time per function and per component (a
 * package under node_modules, a folder of ours, Node's internals, the garbage collector), as a
 * share of the busy (non-idle) time.
 *
 *   npx tsx bench/support/cpu-profile.ts <dir or file.cpuprofile>... [--top 15]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The component a frame belongs to: a package, one of our folders, Node, or the engine. */
export function component(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] === "tsx" ? "node: loading modules" : (pkg[1] as string);
  // Loading modules (and compiling the TypeScript through tsx's hooks) is start-up, not per mention.
  if (url.startsWith("node:internal/modules") || functionName === "wrapSafe") return "node: loading modules";
  if (url.startsWith("node:")) return "node: buffers, streams, sockets";
  const ours = /\/(pipeline|runtime|processors|sinks|ingestors|schemas|dashboard)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${(ours[2] as string).replace(/\.ts$/, "")}`;
  return url;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const components = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    total += micros;
    if (functionName === "(idle)") {
      idle += micros;
      continue;
    }
    const where = url
      ? `${url.replace(/^.*?\/(node_modules|pipeline|runtime|processors|sinks|ingestors|schemas|dashboard)\//, "$1/")}:${lineNumber + 1}`
      : "";
    const name = `${functionName || "(anonymous)"} ${where}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const part = component(url, functionName);
    components.set(part, (components.get(part) ?? 0) + micros);
  }
  const busy = total - idle;
  const lines = [
    `wall ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%)`,
  ];
  const table = (title: string, entries: Map<string, number>) => {
    lines.push(`  ${title}:`);
    for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top))
      lines.push(
        `    ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${(micros / 1e3).toFixed(0).padStart(6)} ms  ${name}`,
      );
  };
  table("by component (self time, share of busy)", components);
  table("top functions (self time)", functions);
  return lines.join("\n");
}

function profilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => profilesIn(join(path, entry)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
  for (const file of args.flatMap(profilesIn).filter((f) => f.endsWith(".cpuprofile"))) {
    process.stdout.write(`${file}\n${summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, top)}\n\n`);
  }
}
