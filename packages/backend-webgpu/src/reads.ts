// Reading results back, with two guards tfjs-webgpu lacks:
// - Device errors. WebGPU reports an invalid pipeline or binding as an "uncaptured error" event
//   and carries on: the dispatch is dropped and its output keeps stale memory. Every error is
//   recorded, and the next read throws it instead of returning those numbers.
// - Synchronous reads in Node. In browsers tfjs reads GPU buffers synchronously through
//   OffscreenCanvas; Node has none and Dawn maps buffers only asynchronously, so `dataSync()` on a
//   GPU-resident tensor cannot work there. tfjs would fail with "OffscreenCanvas is not defined";
//   this says what to do instead.
import { BackendError } from '@llmkit/core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

const deviceErrors: string[] = [];
let installed = false;

/** Records a device error (from the device's `uncapturederror` event); the next read throws it. */
export function recordDeviceError(message: string): void {
  if (deviceErrors.length < 5) deviceErrors.push(message);
}

function throwDeviceErrors(): void {
  if (deviceErrors.length === 0) return;
  const messages = deviceErrors.splice(0);
  throw new BackendError(
    `The WebGPU device reported ${messages.length === 5 ? 'at least 5 errors' : `${messages.length} error(s)`} since the last read, so results computed since then ` +
      `are not trustworthy: ${messages.join(' | ')}`,
  );
}

interface TensorData {
  values: unknown;
  dtype: string;
  shape: number[];
}
type BackendThis = { tensorMap: { get(id: object): TensorData } };

/** Wraps WebGPUBackend's read paths once per program. `nodeSync`: replace the sync read's failure in Node. */
export function installReadGuards(nodeSync: boolean): void {
  if (installed) return;
  installed = true;
  const proto = WebGPUBackend.prototype as unknown as {
    read(dataId: object): Promise<unknown>;
    readSync(dataId: object): unknown;
  };
  const read = proto.read;
  proto.read = async function guardedRead(this: BackendThis, dataId: object) {
    const values = await read.call(this, dataId);
    throwDeviceErrors();
    return values;
  };
  const readSync = proto.readSync;
  const canReadSync = !nodeSync || typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined';
  proto.readSync = function guardedReadSync(this: BackendThis, dataId: object) {
    const data = this.tensorMap.get(dataId);
    if (!canReadSync && data.values == null && data.dtype !== 'string') {
      throw new BackendError(
        `dataSync()/arraySync() cannot read a GPU tensor (${data.dtype} [${data.shape.join(', ')}]) on the webgpu backend in Node: ` +
          'Dawn maps buffers only asynchronously. Use `await tensor.data()` / `await tensor.array()` instead.',
      );
    }
    const values = readSync.call(this, dataId);
    throwDeviceErrors();
    return values;
  };
}
