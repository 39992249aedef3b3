// Synchronous reads in Node. In browsers tfjs-webgpu reads GPU buffers synchronously through
// OffscreenCanvas; Node has none, and Dawn can only map buffers asynchronously, so `dataSync()` on
// a GPU-resident tensor cannot work there. tfjs would fail with "OffscreenCanvas is not defined";
// this replaces that with an error that says what to do instead.
import { BackendError } from '@llmkit/core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

let installed = false;

export function installNodeReadSync(): void {
  if (installed || typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return;
  installed = true;
  const proto = WebGPUBackend.prototype as unknown as { readSync(dataId: object): unknown };
  const original = proto.readSync;
  proto.readSync = function readSync(this: { tensorMap: { get(id: object): { values: unknown; dtype: string; shape: number[] } } }, dataId: object) {
    const data = this.tensorMap.get(dataId);
    if (data.values != null || data.dtype === 'string') return original.call(this, dataId);
    throw new BackendError(
      `dataSync()/arraySync() cannot read a GPU tensor (${data.dtype} [${data.shape.join(', ')}]) on the webgpu backend in Node: ` +
        'Dawn maps buffers only asynchronously. Use `await tensor.data()` / `await tensor.array()` instead.',
    );
  };
}
