#include "memory/VectorKernels.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define KINBOT_HAVE_AVX2_KERNEL 1
#include <immintrin.h>
#endif

namespace kinbot::memory::kernels {

void dotRowsPortable(const int8_t *rows, int count, int stride, const int8_t *q, const uint8_t *mask, int32_t *out)
{
    for (int r = 0; r < count; ++r) {
        if (mask && !mask[r])
            continue;
        const int8_t *x = rows + size_t(r) * size_t(stride);
        int32_t acc = 0;
        for (int i = 0; i < stride; ++i)
            acc += int32_t(x[i]) * int32_t(q[i]);
        out[r] = acc;
    }
}

#ifdef KINBOT_HAVE_AVX2_KERNEL

// |x| · (q·sign(x)) pairs through maddubs (u8 × s8 → s16; at most 2·127·127 = 32258, no saturation), then madd with 1s
// to s32. Two accumulators over 64-byte steps hide the latency of the chain.
__attribute__((target("avx2"))) static void dotRowsAvx2(const int8_t *rows, int count, int stride, const int8_t *q,
                                                        const uint8_t *mask, int32_t *out)
{
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = 0; r < count; ++r) {
        if (mask && !mask[r])
            continue;
        const int8_t *x = rows + size_t(r) * size_t(stride);
        __m256i acc0 = _mm256_setzero_si256();
        __m256i acc1 = _mm256_setzero_si256();
        int i = 0;
        for (; i + 64 <= stride; i += 64) {
            const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i));
            const __m256i q0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(q + i));
            const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i + 32));
            const __m256i q1 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(q + i + 32));
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_sign_epi8(x0, x0), _mm256_sign_epi8(q0, x0));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_sign_epi8(x1, x1), _mm256_sign_epi8(q1, x1));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(p1, ones));
        }
        if (i < stride) { // stride is a multiple of 32: at most one 32-byte step left
            const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i));
            const __m256i q0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(q + i));
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_sign_epi8(x0, x0), _mm256_sign_epi8(q0, x0));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
        }
        const __m256i acc = _mm256_add_epi32(acc0, acc1);
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
        out[r] = _mm_cvtsi128_si32(s);
    }
}

bool avx2Available()
{
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return available;
}

DotRowsFn selectDotRows(bool allowSimd)
{
    return allowSimd && avx2Available() ? &dotRowsAvx2 : &dotRowsPortable;
}

const char *kernelName(DotRowsFn fn)
{
    return fn == &dotRowsAvx2 ? "avx2" : "portable";
}

#else

bool avx2Available() { return false; }

DotRowsFn selectDotRows(bool) { return &dotRowsPortable; }

const char *kernelName(DotRowsFn) { return "portable"; }

#endif

} // namespace kinbot::memory::kernels
