// The one TensorFlow.js namespace that llmkit packages and user scripts share, with gradients
// registered and chained ops (`x.reshape(...)`) available. Import tensor ops from here (`import { tf } from '@llmkit/core'`) so a program
// holds one engine and one kernel registry.
import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradientsAndChainedOps } from './gradients/register-tfjs.js';

registerTfjsGradientsAndChainedOps();

export { tf };
