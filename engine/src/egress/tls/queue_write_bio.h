// A BIO that TLS writes its records into: they are appended to a ByteQueue
// that the bridge sends itself. OpenSSL's socket BIO makes a write(2) per
// 16 KiB record, and each wakes the reader on the other side; from the
// queue a large body leaves in a few large sends.
//
// Bounded like a socket's buffer: once the queue holds `most` bytes a
// write is refused as "retry later", and OpenSSL reports SSL_ERROR_WANT_WRITE.
// Without that, a peer that asks for answers (TLS 1.3 key updates) and
// never reads them would grow the queue without end.
#pragma once

#include "egress/byte_queue.h"

#include <openssl/bio.h>

namespace paddock::egress::tls {

struct QueueWriteTarget {
    ByteQueue *queue = nullptr;
    size_t most = 0; // set by the owner before each use of the SSL
};

// Owned by whoever it is given to (SSL_set_bio); `target` outlives it.
// Null when OpenSSL cannot make one.
BIO *newQueueWriteBio(QueueWriteTarget *target);

} // namespace paddock::egress::tls
