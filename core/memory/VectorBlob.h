#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>

// Vectors as SQLite BLOBs: little-endian IEEE-754 float32, 4 bytes per dimension, nothing else (the layout sqlite-vec
// and the reference use, so a database can be read by either).
namespace kinbot::memory {

QByteArray packVector(const QList<float> &vector);

// The floats of a BLOB. Errors (INVALID_VECTOR_BLOB): a size that is not a multiple of 4, an empty BLOB, or a
// dimension count different from expectedDimensions when that is > 0.
Result<QList<float>> unpackVector(const QByteArray &blob, int expectedDimensions = 0);

} // namespace kinbot::memory
