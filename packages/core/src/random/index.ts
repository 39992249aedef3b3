// Seeded random numbers and parameter initializers, independent of any tfjs backend.
export { Rng, type RngState } from './rng.js';
export {
  zeros,
  ones,
  uniform,
  normal,
  truncatedNormal,
  zerosInitializer,
  onesInitializer,
  uniformInitializer,
  normalInitializer,
  truncatedNormalInitializer,
  type Initializer,
  type UniformOptions,
  type NormalOptions,
  type TruncatedNormalOptions,
} from './initializers.js';
