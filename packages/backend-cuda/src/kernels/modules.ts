// Loads kernel families onto the device on first use (the image chooseImage picks: shipped cubin,
// NVRTC compile with its disk cache, or shipped PTX) and resolves their functions by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CudaDriver, CuFunction, CuModule } from '../ffi/driver.js';
import type { Nvrtc } from '../ffi/nvrtc.js';
import { HEADER, readKernelSources, type KernelSources } from './catalog.js';
import { chooseImage, compileCached, type ImageChoice, type KernelManifest } from './images.js';

export class KernelModules {
  private readonly modules = new Map<string, CuModule>();
  private readonly functions = new Map<string, CuFunction>();
  private sources: KernelSources | null = null;
  /** How each loaded family was obtained (for describe() and the doctor). */
  readonly loaded = new Map<string, ImageChoice>();

  constructor(
    private readonly driver: CudaDriver,
    private readonly computeCapability: number,
    private readonly dir: string,
    private readonly manifest: KernelManifest,
    private readonly nvrtc: Nvrtc | null,
  ) {}

  private module(family: string): CuModule {
    const m = this.modules.get(family);
    if (m !== undefined) return m;
    const archs = this.nvrtc ? this.nvrtc.supportedArchs() : [];
    const choice = chooseImage(this.manifest, family, this.computeCapability, archs);
    let image: Uint8Array;
    if (choice.kind === 'nvrtc') {
      this.sources ??= readKernelSources(this.dir);
      const f = this.sources.families.find((x) => x.name === family)!;
      image = compileCached(this.nvrtc!, f, readFileSync(join(this.dir, HEADER), 'utf8'), choice.arch).cubin;
    } else {
      // The build wrote PTX with its terminating NUL, as cuModuleLoadData requires.
      image = new Uint8Array(readFileSync(join(this.dir, choice.file)));
    }
    const loaded = this.driver.loadModule(image);
    this.modules.set(family, loaded);
    this.loaded.set(family, choice);
    return loaded;
  }

  /** The function `name` of `family` (e.g. 'softmax', 'softmax_forward'). */
  fn(family: string, name: string): CuFunction {
    const key = `${family}/${name}`;
    let f = this.functions.get(key);
    if (f === undefined) {
      f = this.driver.getFunction(this.module(family), name);
      this.functions.set(key, f);
    }
    return f;
  }
}
