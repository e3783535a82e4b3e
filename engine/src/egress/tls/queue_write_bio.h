// A BIO that TLS writes its records into: they are appended to a ByteQueue
// that the bridge sends itself. OpenSSL's socket BIO makes a write(2) per
// 16 KiB record, and each wakes the reader on the other side; from the
// queue a large body leaves in a few large sends.
#pragma once

#include "egress/byte_queue.h"

#include <openssl/bio.h>

namespace paddock::egress::tls {

// Owned by whoever it is given to (SSL_set_bio); `queue` outlives it.
// Null when OpenSSL cannot make one.
BIO *newQueueWriteBio(ByteQueue *queue);

} // namespace paddock::egress::tls
