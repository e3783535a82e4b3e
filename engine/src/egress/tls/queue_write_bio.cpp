#include "queue_write_bio.h"

#include <string_view>

namespace paddock::egress::tls {

namespace {

QueueWriteTarget *targetOf(BIO *bio)
{
    return static_cast<QueueWriteTarget *>(BIO_get_data(bio));
}

// A record past the bound goes in whole (at most one over); the next waits.
int writeInto(BIO *bio, const char *data, size_t length, size_t *written)
{
    QueueWriteTarget *target = targetOf(bio);
    BIO_clear_retry_flags(bio);
    if (target->queue->size() >= target->most) {
        BIO_set_retry_write(bio);
        *written = 0;
        return 0;
    }
    target->queue->append(std::string_view(data, length));
    *written = length;
    return 1;
}

long control(BIO *bio, int command, long, void *)
{
    switch (command) {
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_DUP:
        return 1;
    case BIO_CTRL_WPENDING:
        return long(targetOf(bio)->queue->size());
    default: // pending reads, kTLS, descriptors: none of them here
        return 0;
    }
}

int create(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

// Made once, kept for the process: every bridge on every worker uses it.
BIO_METHOD *queueMethod()
{
    static BIO_METHOD *const method = [] {
        BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "paddock byte queue");
        if (m && BIO_meth_set_write_ex(m, writeInto) == 1 && BIO_meth_set_ctrl(m, control) == 1
            && BIO_meth_set_create(m, create) == 1)
            return m;
        BIO_meth_free(m);
        return static_cast<BIO_METHOD *>(nullptr);
    }();
    return method;
}

} // namespace

BIO *newQueueWriteBio(QueueWriteTarget *target)
{
    BIO_METHOD *method = queueMethod();
    BIO *bio = method ? BIO_new(method) : nullptr;
    if (bio) BIO_set_data(bio, target);
    return bio;
}

} // namespace paddock::egress::tls
