// Sum over the leading axes of a [rows, cols] float32 tensor (every bias gradient: dy summed over
// the B·T rows): rows added in order, in float32, as tfjs's reduction and the JavaScript loop it
// replaces (the same bits), 4 columns at a time.
#include "simd-math.h"

EXPORT(sum_rows)
void sum_rows(const float *x, float *y, int rows, int cols) {
  const int full = cols & ~3;
  for (int c = 0; c < cols; c++) y[c] = x[c];
  for (int r = 1; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    int c = 0;
    for (; c < full; c += 4) store(y + c, add(load(y + c), load(xr + c)));
    for (; c < cols; c++) y[c] += xr[c];
  }
}
