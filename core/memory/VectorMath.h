#pragma once

#include <QList>

#include <cstdint>

// Float and int8 vector arithmetic of the vector index (portable code; the SIMD scan lives in VectorKernels).
namespace kinbot::memory {

// Scales v to unit length. False (v unchanged) when it is empty, all zeros, or holds a NaN/infinity.
bool normalize(QList<float> &v);
bool normalize(float *v, int n);

// Cosine similarity of two vectors of the same length (not assumed normalised); 0 when either has zero length.
float cosine(const QList<float> &a, const QList<float> &b);
float dot(const float *a, const float *b, int n);

// Symmetric int8 quantisation with one scale per vector: out[i] = round(v[i] / scale) in [-127, 127] (never -128, which
// keeps the AVX2 kernel's pairwise sums within int16), v[i] ≈ out[i] * scale. Returns the scale (0 for a zero vector).
// `out` holds `paddedDims` bytes; the tail after n is zeroed.
float quantizeInt8(const float *v, int n, int8_t *out, int paddedDims);

} // namespace kinbot::memory
