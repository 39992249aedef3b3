// Adapter and device: asks for the adapter ourselves (tfjs would log a TypeError and leave a
// half-registered backend), requests a device with the adapter's full limits, and registers the
// TensorFlow.js backend 'webgpu' on it.
import { tf } from '@llmkit/core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { getGpu, noAdapterError, type GpuSource } from './gpu-provider.js';
import { installReadGuards, recordDeviceError } from './reads.js';

interface AdapterLike {
  features: Set<string>;
  limits: Record<string, number>;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  requestDevice(descriptor: unknown): Promise<DeviceLike>;
}
interface DeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  limits: Record<string, number>;
  addEventListener(type: 'uncapturederror', listener: (event: { error: { message: string } }) => void): void;
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
  // tfjs splits Concat by this limit and llmkit splits AddN: more bindings, fewer splits.
  'maxStorageBuffersPerShaderStage',
] as const;

/** Finds an adapter and device and registers tfjs's 'webgpu' backend on them. */
export async function registerWebGpuBackend(powerPreference: 'low-power' | 'high-performance'): Promise<WebGpuDeviceInfo> {
  const { gpu, source } = await getGpu();
  const adapter = (await gpu.requestAdapter({ powerPreference })) as AdapterLike | null;
  if (!adapter) throw await noAdapterError(source);
  const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
  const requiredLimits = Object.fromEntries(LIMITS.filter((k) => typeof adapter.limits[k] === 'number').map((k) => [k, adapter.limits[k]]));
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  // A lost device (driver reset, out of memory) fails the next read, like any device error.
  void device.lost.then((info) => recordDeviceError(`the device was lost (${info.reason}): ${info.message}`));
  const info = adapter.info ?? {};
  device.addEventListener('uncapturederror', (event) => recordDeviceError(event.error.message));
  installReadGuards(source === 'dawn (npm webgpu)');
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
