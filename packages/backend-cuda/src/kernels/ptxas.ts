// Reads what ptxas reports under -Xptxas=-v (registers, spills, stack, shared memory per entry
// function), so the compile check can hold every kernel to "no spills, shared memory in limits".

/** ptxas's figures for one entry function on one architecture. */
export interface PtxasFunctionStats {
  readonly name: string;
  readonly arch: string;
  readonly registers: number;
  readonly sharedBytes: number;
  readonly stackFrameBytes: number;
  readonly spillStoreBytes: number;
  readonly spillLoadBytes: number;
}

/** Parses an NVRTC log produced with `-Xptxas=-v`; one entry per compiled entry function. */
export function parsePtxasLog(log: string): PtxasFunctionStats[] {
  const out: PtxasFunctionStats[] = [];
  let current: { name: string; arch: string; stack: number; stores: number; loads: number } | null = null;
  for (const line of log.split('\n')) {
    const entry = /Compiling entry function '(\w+)' for '(\w+)'/.exec(line);
    if (entry) {
      current = { name: entry[1]!, arch: entry[2]!, stack: 0, stores: 0, loads: 0 };
      continue;
    }
    const frame = /(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (frame && current) {
      current.stack = Number(frame[1]);
      current.stores = Number(frame[2]);
      current.loads = Number(frame[3]);
      continue;
    }
    const used = /Used (\d+) registers(?:.*?(\d+) bytes smem)?/.exec(line);
    if (used && current) {
      out.push({
        name: current.name,
        arch: current.arch,
        registers: Number(used[1]),
        sharedBytes: Number(used[2] ?? 0),
        stackFrameBytes: current.stack,
        spillStoreBytes: current.stores,
        spillLoadBytes: current.loads,
      });
      current = null;
    }
  }
  return out;
}

/** Names of the entry functions a PTX module defines. */
export function ptxEntryPoints(ptx: string): string[] {
  return [...ptx.matchAll(/\.entry\s+(\w+)\s*\(/g)].map((m) => m[1]!);
}
