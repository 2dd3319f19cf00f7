#include "memory/VectorMath.h"

#include <cmath>
#include <cstring>

namespace kinbot::memory {

float dot(const float *a, const float *b, int n)
{
    // Four partial sums: lets the compiler vectorise without -ffast-math and keeps the rounding error small.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; ++i)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

bool normalize(float *v, int n)
{
    if (n <= 0)
        return false;
    double sum = 0;
    for (int i = 0; i < n; ++i)
        sum += double(v[i]) * double(v[i]);
    if (!(sum > 0) || !std::isfinite(sum))
        return false;
    const double inv = 1.0 / std::sqrt(sum);
    for (int i = 0; i < n; ++i)
        v[i] = float(v[i] * inv);
    return true;
}

bool normalize(QList<float> &v)
{
    return normalize(v.data(), int(v.size()));
}

float cosine(const QList<float> &a, const QList<float> &b)
{
    if (a.size() != b.size() || a.isEmpty())
        return 0;
    const int n = int(a.size());
    const double ab = dot(a.constData(), b.constData(), n);
    const double aa = dot(a.constData(), a.constData(), n);
    const double bb = dot(b.constData(), b.constData(), n);
    if (aa <= 0 || bb <= 0)
        return 0;
    return float(ab / std::sqrt(aa * bb));
}

float quantizeInt8(const float *v, int n, int8_t *out, int paddedDims)
{
    float maxAbs = 0;
    for (int i = 0; i < n; ++i)
        maxAbs = std::max(maxAbs, std::fabs(v[i]));
    std::memset(out, 0, size_t(paddedDims));
    if (!(maxAbs > 0))
        return 0;
    const float scale = maxAbs / 127.0f;
    const float inv = 127.0f / maxAbs;
    for (int i = 0; i < n; ++i) {
        const long q = std::lround(v[i] * inv);
        out[i] = int8_t(q > 127 ? 127 : (q < -127 ? -127 : q));
    }
    return scale;
}

} // namespace kinbot::memory
