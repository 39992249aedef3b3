// Adapter and device: asks for the adapter ourselves (tfjs would log a TypeError and leave a
// half-registered backend), requests a device with the adapter's full limits, and registers the
// TensorFlow.js backend 'webgpu' on it.
import { BackendError, tf } from '@llmkit/core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { getGpu, noAdapterError, type GpuSource } from './gpu-provider.js';
import { installNodeReadSync } from './read-sync.js';

interface AdapterLike {
  features: Set<string>;
  limits: Record<string, number>;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  requestDevice(descriptor: unknown): Promise<DeviceLike>;
}
interface DeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  limits: Record<string, number>;
}

/** What the webgpu backend found, for `describe()`. */
export interface WebGpuDeviceInfo {
  source: GpuSource;
  vendor: string;
  architecture: string;
  description: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

let lostReason: string | null = null;

/** Throws if the device was lost (driver reset, out of memory, `destroy()`), naming the reason. */
export function assertDeviceAlive(): void {
  if (lostReason !== null) throw new BackendError(`The WebGPU device was lost (${lostReason}); create a new backend or restart.`);
}

/** Finds an adapter and device and registers tfjs's 'webgpu' backend on them. */
export async function registerWebGpuBackend(powerPreference: 'low-power' | 'high-performance'): Promise<WebGpuDeviceInfo> {
  const { gpu, source } = await getGpu();
  const adapter = (await gpu.requestAdapter({ powerPreference })) as AdapterLike | null;
  if (!adapter) throw await noAdapterError(source);
  const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
  const requiredLimits = Object.fromEntries(LIMITS.map((k) => [k, adapter.limits[k]]));
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  void device.lost.then((info) => {
    lostReason = `${info.reason}: ${info.message}`;
  });
  const info = adapter.info ?? {};
  if (source === 'dawn (npm webgpu)') installNodeReadSync();
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device as never, info as never), 3);
  return {
    source,
    vendor: info.vendor || 'unknown vendor',
    architecture: info.architecture || '',
    description: info.description || info.device || '',
    maxBufferSize: device.limits.maxBufferSize ?? 0,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize ?? 0,
  };
}
