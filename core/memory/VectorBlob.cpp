#include "memory/VectorBlob.h"

#include <QtEndian>

#include <cstring>

namespace kinbot::memory {

QByteArray packVector(const QList<float> &vector)
{
    QByteArray blob(vector.size() * qsizetype(sizeof(float)), Qt::Uninitialized);
    char *out = blob.data();
    for (qsizetype i = 0; i < vector.size(); ++i)
        qToLittleEndian<float>(vector.at(i), out + i * 4);
    return blob;
}

Result<QList<float>> unpackVector(const QByteArray &blob, int expectedDimensions)
{
    if (blob.isEmpty() || blob.size() % 4 != 0)
        return ApiError::unprocessable(QStringLiteral("INVALID_VECTOR_BLOB"),
                                       QStringLiteral("A vector BLOB of %1 bytes is not a float32 array").arg(blob.size()));
    const qsizetype dims = blob.size() / 4;
    if (expectedDimensions > 0 && dims != expectedDimensions)
        return ApiError::unprocessable(QStringLiteral("INVALID_VECTOR_BLOB"),
                                       QStringLiteral("A vector BLOB has %1 dimensions, %2 expected").arg(dims).arg(expectedDimensions));
    QList<float> v(dims);
    const char *in = blob.constData();
    for (qsizetype i = 0; i < dims; ++i)
        v[i] = qFromLittleEndian<float>(in + i * 4);
    return v;
}

} // namespace kinbot::memory
