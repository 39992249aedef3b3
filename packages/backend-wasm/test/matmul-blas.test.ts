// Matmul cases on the machine's BLAS (blas-matmul.ts; XNNPACK where no BLAS is found, outside CI).
import { describeMatMul } from './matmul-cases.js';

describeMatMul('blas');
