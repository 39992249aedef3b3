// Matmul cases on XNNPACK with the BLAS turned off (fast-matmul.ts: the browser's path, and Node's without a BLAS).
import { describeMatMul } from './matmul-cases.js';

describeMatMul('xnnpack');
