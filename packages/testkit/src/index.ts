// @llmkit/testkit: the PyTorch fixtures and the conformance suite every llmkit backend runs,
// published so that a third-party backend can run the same checks (see README.md).
export { runConformance, type ConformanceOptions } from './conformance.js';
export { loadFixture, toTensor, type FixtureCase, type FixtureFile, type TensorSpec } from './fixtures.js';
export { expectClose, expectCloseAsync, compareArrays, type Tolerance, type Mismatch } from './compare.js';
export { opCases, type OpCase } from './cases.js';
export { adamwStep, adamwReferenceCases, type AdamWConfig } from './adamw.js';
export { compositeOpRunners, type CompositeOpRunner, type OpInputs } from './runners.js';
export { recordKernels, missingKernels } from './kernel-coverage.js';
