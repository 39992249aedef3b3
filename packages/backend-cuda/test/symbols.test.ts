// Every C function the FFI layer binds exists, under the versioned name we bind (cuMemAlloc_v2,
// cublasSgemm_v2, cublasLtMatmul, ...), in the real libcuda/libcublas/libcublasLt/libnvrtc of Debian's packages: a typo or a
// symbol a library version lacks fails here instead of at a user's first call.
import { expect, it } from 'vitest';
import { DRIVER_DECLARATIONS, declaredName } from '../src/ffi/driver.js';
import { CUBLAS_DECLARATIONS } from '../src/ffi/cublas.js';
import { CUBLASLT_DECLARATIONS } from '../src/ffi/cublaslt.js';
import { NVRTC_DECLARATIONS } from '../src/ffi/nvrtc.js';
import { LIBCUBLAS, LIBCUBLASLT, LIBCUDA, LIBNVRTC, type LibrarySpec } from '../src/ffi/discovery.js';
import { describeWithLibrary } from './cuda-libs.js';

const tables: [LibrarySpec, readonly string[]][] = [
  [LIBCUDA, DRIVER_DECLARATIONS],
  [LIBCUBLAS, CUBLAS_DECLARATIONS],
  [LIBCUBLASLT, CUBLASLT_DECLARATIONS],
  [LIBNVRTC, NVRTC_DECLARATIONS],
];

for (const [spec, declarations] of tables) {
  describeWithLibrary(spec, `${spec.label} exports every bound symbol`, (lib) => {
    for (const d of declarations) {
      it(declaredName(d), () => {
        expect(typeof lib.func(d)).toBe('function');
      });
    }
    it('a symbol the library lacks is reported (the check can fail)', () => {
      expect(() => lib.func('int cuLlmkitNoSuchFunction_v9(int x)')).toThrow(/cuLlmkitNoSuchFunction_v9/);
    });
  });
}

it('declaredName reads the C name of each declaration', () => {
  expect(declaredName('int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)')).toBe('cuMemAlloc_v2');
  expect(declaredName('const char *nvrtcGetErrorString(int result)')).toBe('nvrtcGetErrorString');
});
