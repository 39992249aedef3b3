// `llmkit-cuda doctor`: what this machine offers the cuda backend — Node, the driver and its CUDA
// version, each GPU (compute capability, memory), cuBLAS, cuBLASLt and NVRTC found or missing, and the kernel
// architectures this package ships. Never throws: every failure becomes a line of the report.
import { CudaDriver } from './ffi/driver.js';
import { Cublas } from './ffi/cublas.js';
import { CublasLt } from './ffi/cublaslt.js';
import { Nvrtc } from './ffi/nvrtc.js';
import { deviceInfo, environmentFindings, formatCudaVersion, type CudaDeviceInfo } from './device.js';
import { readShippedManifest, shippedKernelsDir } from './kernels/shipped.js';
import type { SearchContext } from './ffi/discovery.js';

export interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly driver: { readonly path: string; readonly cudaVersion: string; readonly init: string } | { readonly error: string };
  readonly devices: readonly CudaDeviceInfo[];
  readonly findings?: string;
  readonly cublas: { readonly path: string } | { readonly error: string };
  /** cuBLASLt (tf.fused.matMul's bias epilogues). */
  readonly cublasLt: { readonly path: string } | { readonly error: string };
  readonly nvrtc: { readonly path: string; readonly version: string; readonly archs: readonly number[] } | { readonly error: string };
  readonly kernels: { readonly dir: string; readonly nvrtc: string; readonly ptx: string; readonly cubins: readonly number[]; readonly families: number } | { readonly error: string };
  /** One line: can useBackend('cuda') find a device? */
  readonly verdict: string;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function runDoctor(ctx?: SearchContext): DoctorReport {
  let driver: DoctorReport['driver'];
  let devices: CudaDeviceInfo[] = [];
  let findings: string | undefined;
  try {
    const d = CudaDriver.open(ctx);
    let cudaVersion = 'unknown';
    try {
      cudaVersion = formatCudaVersion(d.driverVersion());
    } catch (e) {
      cudaVersion = `unknown (${message(e)})`;
    }
    const status = d.tryCall('cuInit', 0);
    const init = status === 0 ? 'ok' : `${d.errorName(status)} (${status})`;
    driver = { path: d.path, cudaVersion, init };
    if (status === 0) {
      const n = d.deviceCount();
      devices = Array.from({ length: n }, (_, i) => deviceInfo(d, i));
    } else {
      findings = environmentFindings(d);
    }
  } catch (e) {
    driver = { error: message(e) };
  }
  let cublas: DoctorReport['cublas'];
  try {
    cublas = { path: Cublas.open(ctx).path };
  } catch (e) {
    cublas = { error: message(e) };
  }
  let cublasLt: DoctorReport['cublasLt'];
  try {
    cublasLt = { path: CublasLt.open(ctx).path };
  } catch (e) {
    cublasLt = { error: message(e) };
  }
  let nvrtc: DoctorReport['nvrtc'];
  try {
    const n = Nvrtc.open(ctx);
    const v = n.version();
    nvrtc = { path: n.path, version: `${v.major}.${v.minor}`, archs: n.supportedArchs() };
  } catch (e) {
    nvrtc = { error: message(e) };
  }
  let kernels: DoctorReport['kernels'];
  const dir = shippedKernelsDir();
  const manifest = readShippedManifest(dir);
  kernels = manifest
    ? { dir, nvrtc: manifest.nvrtc, ptx: manifest.ptxTarget, cubins: manifest.cubinArchs, families: Object.keys(manifest.families).length }
    : { error: `no manifest.json in ${dir}` };
  const verdict =
    'error' in driver
      ? 'no CUDA driver: useBackend("cuda") will fail; use "wasm" or "cpu"'
      : devices.length === 0
        ? `no device (cuInit: ${driver.init}): useBackend("cuda") will fail; use "wasm" or "cpu"`
        : 'error' in cublas
          ? 'GPU found but cuBLAS is missing: install it (see above)'
          : 'error' in cublasLt
            ? 'GPU found but cuBLASLt is missing: install it (see above; tf.fused.matMul needs it)'
          : `ready: ${devices.length} GPU(s)`;
  return { node: process.version, platform: `${process.platform}-${process.arch}`, driver, devices, findings, cublas, cublasLt, nvrtc, kernels, verdict };
}

const GiB = 1024 ** 3;

export function formatDoctor(r: DoctorReport): string {
  const lines = [`node        ${r.node} (${r.platform})`];
  if ('error' in r.driver) lines.push(`driver      MISSING: ${r.driver.error}`);
  else lines.push(`driver      ${r.driver.path}, supports ${r.driver.cudaVersion}, cuInit: ${r.driver.init}`);
  if (r.findings) lines.push(`            found: ${r.findings}`);
  if (r.devices.length === 0) lines.push('GPUs        none');
  for (const d of r.devices) {
    lines.push(`GPU ${d.ordinal}       ${d.name}, sm_${d.computeCapability}, ${(d.totalMemory / GiB).toFixed(1)} GiB, ${d.multiprocessors} SMs`);
  }
  lines.push('error' in r.cublas ? `cuBLAS      MISSING: ${r.cublas.error}` : `cuBLAS      ${r.cublas.path}`);
  lines.push('error' in r.cublasLt ? `cuBLASLt    MISSING: ${r.cublasLt.error}` : `cuBLASLt    ${r.cublasLt.path}`);
  lines.push(
    'error' in r.nvrtc
      ? `NVRTC       missing (optional; only for GPUs without a shipped cubin): ${r.nvrtc.error}`
      : `NVRTC       ${r.nvrtc.path}, ${r.nvrtc.version}, targets sm_${r.nvrtc.archs.join('/')}`,
  );
  lines.push(
    'error' in r.kernels
      ? `kernels     MISSING: ${r.kernels.error}`
      : `kernels     ${r.kernels.families} families: cubins sm_${r.kernels.cubins.join('/sm_')}, PTX ${r.kernels.ptx} (NVRTC ${r.kernels.nvrtc}) in ${r.kernels.dir}`,
  );
  lines.push(`verdict     ${r.verdict}`);
  return lines.join('\n');
}
