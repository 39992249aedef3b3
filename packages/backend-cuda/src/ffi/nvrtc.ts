// NVRTC (libnvrtc) through koffi: compiles CUDA C to PTX or to a cubin for one architecture, and
// returns the log (with -Xptxas=-v: registers, spills, shared memory). Used by the build script
// and, when present at run time, for architectures the package does not ship.
import type { LibraryHandle } from 'koffi';
import { CudaError } from '../errors.js';
import { NVRTC_RESULT_NAMES, statusName } from './status.js';
import { LIBNVRTC, openLibrary, type SearchContext } from './discovery.js';
import { declaredName } from './driver.js';

export const NVRTC_DECLARATIONS = [
  'int nvrtcVersion(_Out_ int *major, _Out_ int *minor)',
  'int nvrtcGetNumSupportedArchs(_Out_ int *count)',
  'int nvrtcGetSupportedArchs(_Out_ int *archs)',
  'const char *nvrtcGetErrorString(int result)',
  'int nvrtcCreateProgram(_Out_ uint64_t *prog, const char *src, const char *name, int numHeaders, const char **headers, const char **includeNames)',
  'int nvrtcCompileProgram(uint64_t prog, int numOptions, const char **options)',
  'int nvrtcGetProgramLogSize(uint64_t prog, _Out_ uint64_t *size)',
  'int nvrtcGetProgramLog(uint64_t prog, _Out_ uint8_t *log)',
  'int nvrtcGetPTXSize(uint64_t prog, _Out_ uint64_t *size)',
  'int nvrtcGetPTX(uint64_t prog, _Out_ uint8_t *ptx)',
  'int nvrtcGetCUBINSize(uint64_t prog, _Out_ uint64_t *size)',
  'int nvrtcGetCUBIN(uint64_t prog, _Out_ uint8_t *cubin)',
  'int nvrtcDestroyProgram(_Inout_ uint64_t *prog)',
] as const;

/** What to compile. */
export interface NvrtcSource {
  /** File name for messages, e.g. `'layer-norm.cu'`. */
  readonly name: string;
  readonly source: string;
  /** Headers by include name (e.g. `{'llmkit.cuh': '...'}`): NVRTC reads no files. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A compiled program: PTX text always, a cubin when the target was a real architecture (`sm_XX`). */
export interface NvrtcOutput {
  readonly ptx: string;
  readonly cubin: Uint8Array | null;
  readonly log: string;
}

type Fn = (...args: unknown[]) => unknown;

export class Nvrtc {
  private readonly fns: Record<string, Fn> = {};

  private constructor(lib: LibraryHandle, readonly path: string) {
    for (const d of NVRTC_DECLARATIONS) this.fns[declaredName(d)] = lib.func(d) as Fn;
  }

  static open(ctx?: SearchContext): Nvrtc {
    const { lib, path } = openLibrary(LIBNVRTC, ctx);
    return new Nvrtc(lib, path);
  }

  private call(name: string, ...args: unknown[]): void {
    const status = this.fns[name]!(...args) as number;
    if (status !== 0) throw this.error(name, status, '');
  }

  private error(call: string, status: number, log: string): CudaError {
    const sname = (this.fns.nvrtcGetErrorString!(status) as string | null) ?? statusName(NVRTC_RESULT_NAMES, status);
    return new CudaError({ library: 'nvrtc', call, status, statusName: sname }, `${call} failed: ${sname} (${status})${log ? `\n${log}` : ''}`);
  }

  version(): { major: number; minor: number } {
    const a = [0];
    const b = [0];
    this.call('nvrtcVersion', a, b);
    return { major: a[0]!, minor: b[0]! };
  }

  /** Compute capabilities this NVRTC can target, e.g. [35, ..., 90]. */
  supportedArchs(): number[] {
    const n = [0];
    this.call('nvrtcGetNumSupportedArchs', n);
    const out = new Int32Array(n[0]!);
    this.call('nvrtcGetSupportedArchs', out);
    return [...out];
  }

  /**
   * Compiles `src` with `options` (e.g. `['--gpu-architecture=sm_80', '-Xptxas=-v']`). A compile
   * error is a CudaError whose message carries NVRTC's log.
   */
  compile(src: NvrtcSource, options: readonly string[]): NvrtcOutput {
    const prog = new BigUint64Array(1);
    const names = Object.keys(src.headers ?? {});
    const bodies = names.map((n) => src.headers![n]!);
    this.call('nvrtcCreateProgram', prog, src.source, src.name, names.length, names.length ? bodies : null, names.length ? names : null);
    try {
      const status = this.fns.nvrtcCompileProgram!(prog[0], options.length, [...options]) as number;
      const log = this.log(prog[0]!);
      if (status !== 0) throw this.error(`nvrtcCompileProgram(${src.name})`, status, log);
      const size = new BigUint64Array(1);
      this.call('nvrtcGetPTXSize', prog[0], size);
      const ptx = new Uint8Array(Number(size[0]));
      this.call('nvrtcGetPTX', prog[0], ptx);
      let cubin: Uint8Array | null = null;
      if (options.some((o) => /(--gpu-architecture|-arch)[= ]sm_\d+/.test(o))) {
        this.call('nvrtcGetCUBINSize', prog[0], size);
        cubin = new Uint8Array(Number(size[0]));
        if (cubin.length) this.call('nvrtcGetCUBIN', prog[0], cubin);
      }
      const end = ptx.indexOf(0);
      return { ptx: new TextDecoder().decode(ptx.subarray(0, end < 0 ? ptx.length : end)), cubin, log };
    } finally {
      this.fns.nvrtcDestroyProgram!(prog);
    }
  }

  private log(prog: bigint): string {
    const size = new BigUint64Array(1);
    this.call('nvrtcGetProgramLogSize', prog, size);
    const buf = new Uint8Array(Number(size[0]));
    if (buf.length) this.call('nvrtcGetProgramLog', prog, buf);
    const end = buf.indexOf(0);
    return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end)).trim();
  }
}
