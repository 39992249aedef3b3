import { describe, it, expect, beforeAll, vi } from 'vitest';
import { BackendError, compositeDefault, currentBackend, getBackend, layerNorm, listBackends, registerBackend, tf, useBackend, type Backend } from '@llmkit/core';

// A backend over tfjs's pure-JS cpu backend, defined here so core's tests need no backend package.
const testCpu: Backend = {
  name: 'test-cpu',
  tfjsBackend: 'cpu',
  priority: -1,
  async init() {
    await import('@tensorflow/tfjs-backend-cpu');
  },
  describe: () => ({ name: 'test-cpu', tfjsBackend: 'cpu', device: 'CPU', fusedKernels: [] }),
};

describe('backend registry', () => {
  it('currentBackend() before any useBackend names the fix', () => {
    expect(() => currentBackend()).toThrow(/No llmkit backend is active. Call `await useBackend\(\)`/);
  });

  it('an unknown backend lists the registered ones', async () => {
    registerBackend(testCpu);
    const err = await useBackend('nope').catch((e: unknown) => e);
    expect(BackendError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/Unknown backend 'nope'\. Registered backends: test-cpu\./);
  });

  it('a known but uninstalled backend says which package to install', async () => {
    // Every known backend package is a workspace member, so the missing one is simulated: importing it fails as an absent package does.
    vi.doMock('@llmkit/backend-cuda', () => {
      throw new Error("Cannot find package '@llmkit/backend-cuda'");
    });
    const err = await useBackend('cuda').catch((e: unknown) => e);
    vi.doUnmock('@llmkit/backend-cuda');
    expect((err as Error).message).toContain('npm i @llmkit/backend-cuda');
    expect((err as Error).message).toContain('Registered backends: test-cpu');
  });

  it('a failing init is a BackendError with the cause, and can be retried', async () => {
    let calls = 0;
    const flaky: Backend = {
      ...testCpu,
      name: 'flaky',
      async init() {
        calls++;
        if (calls === 1) throw new Error('device lost');
        await testCpu.init();
      },
    };
    const err = await useBackend(flaky).catch((e: unknown) => e);
    expect(BackendError.isInstance(err)).toBe(true);
    expect((err as Error).message).toBe("Backend 'flaky' failed to initialise: device lost");
    expect(((err as Error).cause as Error).message).toBe('device lost');
    await expect(useBackend(flaky)).resolves.toBe(flaky);
    expect(calls).toBe(2);
  });

  it('a backend whose tfjs backend does not exist is rejected by name', async () => {
    const ghost: Backend = { ...testCpu, name: 'ghost', tfjsBackend: 'no-such-tfjs-backend', init: async () => {} };
    await expect(useBackend(ghost)).rejects.toThrow(/could not activate TensorFlow.js backend 'no-such-tfjs-backend'/);
  });

  it('registerBackend rejects a backend without a name', () => {
    expect(() => registerBackend({ ...testCpu, name: '' })).toThrow(BackendError);
  });

  describe('switching', () => {
    beforeAll(async () => {
      await useBackend('test-cpu');
    });

    it('useBackend(name) activates the tfjs backend and currentBackend() reports it', () => {
      expect(tf.getBackend()).toBe('cpu');
      expect(currentBackend()).toBe(testCpu);
      expect(getBackend('test-cpu')).toBe(testCpu);
    });

    it('useBackend() picks the highest priority', async () => {
      const preferred: Backend = { ...testCpu, name: 'preferred', priority: 100 };
      registerBackend(preferred);
      expect(listBackends()[0]).toBe('preferred');
      await expect(useBackend()).resolves.toBe(preferred);
    });

    it('compositeDefault: an override can fall back to core\'s composition; an unknown kernel is named', async () => {
      await useBackend('test-cpu');
      const fallback = compositeDefault('LlmkitLayerNorm');
      const fused: Backend = { ...testCpu, name: 'falls-back', kernels: [{ kernelName: 'LlmkitLayerNorm', kernelFunc: (args) => fallback(args) }] };
      const x = tf.tensor2d([[1, 2, 4], [0, -3, 9]]);
      const reference = tf.tidy(() => layerNorm(x, tf.ones([3]), tf.zeros([3])));
      const expected = await reference.array();
      reference.dispose();
      await useBackend(fused);
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => layerNorm(x, tf.ones([3]), tf.zeros([3])));
      expect(await y.array()).toEqual(expected);
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      await useBackend('test-cpu');
      expect(() => compositeDefault('LlmkitNope')).toThrow(/compositeDefault: no composite kernel 'LlmkitNope'; composite kernels: .*LlmkitLayerNorm/);
    });

    it('switching tfjs behind llmkit’s back is reported', async () => {
      await useBackend('test-cpu');
      tf.registerBackend('other-cpu', () => tf.findBackendFactory('cpu')!());
      await tf.setBackend('other-cpu');
      expect(() => currentBackend()).toThrow(/switched to 'other-cpu' behind llmkit's back/);
      await useBackend('test-cpu');
      tf.removeBackend('other-cpu');
    });
  });
});
