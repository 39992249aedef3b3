// Completes tfjs-core's Node bundle, which registers neither gradients (Add, MatMul, Reshape, ...)
// nor chained ops (`x.reshape(...)`). Both live in ESM modules with extensionless imports that
// plain Node cannot load, so tsup bundles them into core's dist (see tsup.config.ts), and the lazy
// requires below keep a second copy of core — or the union `@tensorflow/tfjs` package — from
// registering them twice. They act on the one global tfjs engine and Tensor class, so every
// backend and every copy sees them.
import { getGradient, Tensor } from '@tensorflow/tfjs-core';

declare const require: (id: string) => unknown;

/** Registers tfjs's gradients and chained ops unless some copy of tfjs already did. Idempotent. */
export function registerTfjsGradientsAndChainedOps(): void {
  if (getGradient('Abs') == null || getGradient('BatchMatMul') == null) {
    // esbuild turns these requires of bundled ESM modules into lazy initialiser calls.
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
  }
  if (typeof (Tensor.prototype as { reshape?: unknown }).reshape !== 'function') {
    require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
  }
}
