// GELU forward/backward in one pass each; erf from a rational approximation (|error| < 1.2e-7).
import type { HostKernel } from './host-kernel.js';
import { f32 } from './host-kernel.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const COEF = 0.044715;

/** erf(x) via the Chebyshev fit of erfc in Numerical Recipes (fractional error < 1.2e-7). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

export const geluHost: HostKernel = {
  kernelName: 'LlmkitGelu',
  run({ x }, attrs, mem) {
    const yInfo = mem.alloc(x!.shape, 'float32');
    const X = f32(mem.view(x!)), Y = f32(mem.view(yInfo));
    if (attrs.approximate === 'tanh') {
      for (let i = 0; i < X.length; i++) {
        const v = X[i]!;
        Y[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + COEF * v * v * v)));
      }
    } else {
      for (let i = 0; i < X.length; i++) {
        const v = X[i]!;
        Y[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
      }
    }
    return [yInfo];
  },
};

export const geluGradHost: HostKernel = {
  kernelName: 'LlmkitGeluGrad',
  run({ dy, x }, attrs, mem) {
    const dxInfo = mem.alloc(x!.shape, 'float32');
    const DY = f32(mem.view(dy!)), X = f32(mem.view(x!)), DX = f32(mem.view(dxInfo));
    if (attrs.approximate === 'tanh') {
      for (let i = 0; i < X.length; i++) {
        const v = X[i]!, v2 = v * v;
        const th = Math.tanh(SQRT_2_OVER_PI * v * (1 + COEF * v2));
        const du = SQRT_2_OVER_PI * (1 + 3 * COEF * v2);
        DX[i] = DY[i]! * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du);
      }
    } else {
      for (let i = 0; i < X.length; i++) {
        const v = X[i]!;
        DX[i] = DY[i]! * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
    }
    return [dxInfo];
  },
};
