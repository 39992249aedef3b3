// What tfjs-wasm's C++ prints instead of failing: XNNPACK statuses ("XNN status for xnn_create_… is
// not successful. Got status 6."), read from the Emscripten module's print functions.
//
// Emscripten binds its print functions when the module is created (`Module.printErr ||
// console.warn.bind(console)`). Where llmkit builds the Module config (node-threads.ts) it passes
// `recordingPrinter`s; where tfjs builds it (its own init), the only way in is to have console.log
// and console.warn be pass-through recorders while the module is created: the module keeps them
// for its lifetime, and the console is given back as it was right after.

/** An XNNPACK call that did not return xnn_status_success. */
export interface XnnFailure {
  /** The XNNPACK function, e.g. `xnn_create_fully_connected_nc_f32`. */
  readonly call: string;
  readonly status: number;
}

/** XNNPACK's `enum xnn_status` (xnnpack.h). */
export const XNN_STATUS: Readonly<Record<number, string>> = {
  1: 'uninitialized',
  2: 'invalid_parameter',
  3: 'invalid_state',
  4: 'unsupported_parameter',
  5: 'unsupported_hardware',
  6: 'out_of_memory',
};
export const XNN_STATUS_OUT_OF_MEMORY = 6;

const XNN_LINE = /XNN status for (\w+) is not successful\. Got status (\d+)/;

/** Failures printed since the program started; kernels compare counts before and after. */
const printed: XnnFailure[] = [];
let printedCount = 0;

/** Number of XNNPACK failures printed so far (a kernel's are those after its starting count). */
export function xnnFailureCount(): number {
  return printedCount;
}

/** The failures printed after `since` (a count from `xnnFailureCount`), at most the last 8. */
export function xnnFailuresSince(since: number): XnnFailure[] {
  const n = Math.min(printedCount - since, printed.length);
  return n > 0 ? printed.slice(printed.length - n) : [];
}

/** Feeds one printed line (also used by tests); records it when it is an XNNPACK status. */
export function recordWasmPrint(line: unknown): void {
  if (typeof line !== 'string') return;
  const m = XNN_LINE.exec(line);
  if (!m) return;
  printed.push({ call: m[1]!, status: Number(m[2]) });
  if (printed.length > 8) printed.shift();
  printedCount++;
}

/**
 * A print function for an Emscripten module config (`print`, `printErr`) that records XNNPACK
 * statuses and passes every line on to `forward`.
 */
export function recordingPrinter(forward: (line: string) => void): (line: string) => void {
  return (line) => {
    recordWasmPrint(line);
    forward(line);
  };
}

type ConsoleMethod = (...args: unknown[]) => void;
let depth = 0;
let restore: (() => void) | null = null;

/**
 * Runs `create` (which instantiates a tfjs-wasm module) with console.log and console.warn replaced
 * by recorders that forward every call unchanged; the module binds the recorders for good.
 */
export async function withWasmPrintCapture<T>(create: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    const c = console as unknown as Record<'log' | 'warn', ConsoleMethod>;
    const log = c.log;
    const warn = c.warn;
    // Each recorder forwards to the method it replaced, so output looks exactly as without it.
    c.log = function (this: unknown, ...args: unknown[]) {
      recordWasmPrint(args[0]);
      return log.apply(console, args);
    };
    c.warn = function (this: unknown, ...args: unknown[]) {
      recordWasmPrint(args[0]);
      return warn.apply(console, args);
    };
    const installedLog = c.log;
    const installedWarn = c.warn;
    restore = () => {
      // Only undo our own replacement: someone who replaced the console meanwhile keeps theirs.
      if (c.log === installedLog) c.log = log;
      if (c.warn === installedWarn) c.warn = warn;
    };
  }
  try {
    return await create();
  } finally {
    if (--depth === 0) {
      restore?.();
      restore = null;
    }
  }
}
