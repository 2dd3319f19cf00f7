#pragma once

#include <cstdint>

// The scan kernel of VectorIndex: int8 · int8 dot products of many rows with one query. An AVX2 version is compiled
// with a target attribute (the build stays baseline x86-64) and chosen at run time; every arch has the portable one.
namespace kinbot::memory::kernels {

// out[r] = Σ rows[r·stride + i] · q[i] for r < count. `stride` is a multiple of 32 and the bytes past the vector's
// length are 0 in rows and q. Values are in [-127, 127]. When mask is not null, rows whose mask byte is 0 are skipped
// and their out[r] is left untouched.
using DotRowsFn = void (*)(const int8_t *rows, int count, int stride, const int8_t *q, const uint8_t *mask, int32_t *out);

void dotRowsPortable(const int8_t *rows, int count, int stride, const int8_t *q, const uint8_t *mask, int32_t *out);

// True when this build has the AVX2 kernel and the CPU runs it.
bool avx2Available();

// The AVX2 kernel when allowed and available, else the portable one.
DotRowsFn selectDotRows(bool allowSimd);

// "avx2" or "portable", for logs, the bench and tests.
const char *kernelName(DotRowsFn fn);

} // namespace kinbot::memory::kernels
