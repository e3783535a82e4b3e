// Two TLS bridges back to back on a worker pool, as inspected egress runs
// them (an Originate bridge as Paddock's client, a Terminate bridge as the
// destination), joined by a socketpair in place of the network:
//
//   test ──plain──▶ [Originate] ══TLS══ [Terminate] ──plain──▶ test
//
// What a bridge does once its plaintext side has ended: it delivers what
// it holds for as long as the peer keeps taking it, and gives up when the
// peer takes nothing — or it would hold its sockets for good, outside
// every connection's lease.
#include "minting_ca.h"

#include "egress/tls/tls_contexts.h"
#include "egress/tls/tls_worker_pool.h"

#include <QTest>

#include <atomic>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace paddock;
using namespace paddock::egress::tls;
using namespace paddock::test;
using namespace std::chrono_literals;

namespace {

const QString kName = QStringLiteral("api.test");

struct SocketPair {
    UniqueFd ours, theirs;
};

// Bridges take non-blocking sockets, as the engine hands them; the test's
// own end blocks.
SocketPair socketPair()
{
    int fds[2] = { -1, -1 };
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) return {};
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) & ~O_NONBLOCK);
    return { UniqueFd(fds[0]), UniqueFd(fds[1]) };
}

// The two bridges; `from` is what the test writes into, `to` what it reads.
struct BridgedLink {
    UniqueFd from, to;
    std::atomic<int> handshaken { 0 }, failed { 0 };
};

} // namespace

class TstTlsBridge : public QObject {
    Q_OBJECT

    MintingCa m_minting;
    std::unique_ptr<LeafMinter> &m_minter = m_minting.minter;
    std::unique_ptr<TlsContexts> m_contexts;

    // `held` rides in both bridges' handshake callbacks, as a gate's end of
    // a plaintext socket does.
    void link(TlsWorkerPool &pool, BridgedLink &link, std::chrono::milliseconds closingTimeout,
        std::shared_ptr<int> held = {})
    {
        SocketPair from = socketPair(), to = socketPair(), wire = socketPair();
        QVERIFY(from.ours.valid() && to.ours.valid() && wire.ours.valid());
        ::fcntl(wire.ours.get(), F_SETFL, ::fcntl(wire.ours.get(), F_GETFL) | O_NONBLOCK);
        const auto done = [&link, held](Result<TlsHandshake> r) { ++(r ? link.handshaken : link.failed); };
        TlsBridgeSpec originate { TlsBridgeSpec::Role::Originate, std::move(wire.ours),
            std::move(from.theirs), kName, m_contexts->clientContext(), nullptr, false, done, {},
            closingTimeout };
        TlsBridgeSpec terminate { TlsBridgeSpec::Role::Terminate, std::move(wire.theirs),
            std::move(to.theirs), kName, m_contexts->serverContext(), m_minter.get(), false, done,
            {}, closingTimeout };
        pool.add(std::make_unique<TlsBridge>(std::move(originate)));
        pool.add(std::make_unique<TlsBridge>(std::move(terminate)));
        link.from = std::move(from.ours);
        link.to = std::move(to.ours);
        QTRY_COMPARE_WITH_TIMEOUT(link.handshaken.load(), 2, 10000);
        QCOMPARE(link.failed.load(), 0);
    }

    // Writes into `fd` until it has taken nothing for `quiet`: every queue
    // and socket buffer on the way is full.
    static size_t fillUntilStuck(int fd, std::chrono::milliseconds quiet)
    {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        const std::string chunk(64 * 1024, 'u');
        size_t written = 0;
        auto lastMoved = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - lastMoved < quiet) {
            const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
            if (n > 0) {
                written += size_t(n);
                lastMoved = std::chrono::steady_clock::now();
                continue;
            }
            pollfd p { fd, POLLOUT, 0 };
            ::poll(&p, 1, 20);
        }
        return written;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_minting.make();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto contexts = TlsContexts::create({ m_minting.ca->certificatePem() });
        QVERIFY2(contexts, contexts ? "" : qPrintable(contexts.error().message));
        m_contexts = std::move(*contexts);
    }

    // A handshake callback is let go once it has run: what it holds (a
    // gate's end of the bridge's own plaintext socket) would otherwise live
    // as long as the bridge, which would then never hear that end close.
    void aBridgeLetsGoOfItsHandshakeCallback()
    {
        TlsWorkerPool pool(1);
        BridgedLink l;
        auto held = std::make_shared<int>(0);
        link(pool, l, 30s, held);
        QCOMPARE(pool.openBridges(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(held.use_count(), 1L, 5000);
    }

    // The gate closed its side while the upstream had stopped reading: the
    // Originate bridge still holds records nobody will take.
    void aBridgeWhosePeerTakesNothingGivesUpOnceItsSideEnds()
    {
        TlsWorkerPool pool(1);
        BridgedLink l;
        link(pool, l, 300ms);
        QVERIFY(fillUntilStuck(l.from.get(), 500ms) > 0);
        QCOMPARE(pool.openBridges(), 2);
        l.from.reset();
        // The Originate bridge goes; the Terminate one, whose reader is
        // still there (only slow), stays.
        QTRY_COMPARE_WITH_TIMEOUT(pool.openBridges(), 1, 5000);
        QTest::qWait(600);
        QCOMPARE(pool.openBridges(), 1);
        l.to.reset();
        QTRY_COMPARE_WITH_TIMEOUT(pool.openBridges(), 0, 5000);
    }

    // A slow reader is not a stuck one: a closing bridge whose peer keeps
    // taking bytes delivers all of them, however long past the timeout.
    void aClosingBridgeDeliversAllWhileItsPeerKeepsTaking()
    {
        TlsWorkerPool pool(1);
        BridgedLink l;
        link(pool, l, 1s);
        constexpr size_t kTotal = 2 * 1024 * 1024;
        std::thread writer([fd = l.from.get()] {
            std::string data(kTotal, '\0');
            for (size_t i = 0; i < kTotal; ++i)
                data[i] = char(i * 7 % 251);
            size_t sent = 0;
            while (sent < kTotal) {
                const ssize_t n = ::send(fd, data.data() + sent, kTotal - sent, MSG_NOSIGNAL);
                if (n <= 0) return;
                sent += size_t(n);
            }
            ::shutdown(fd, SHUT_WR);
        });
        size_t received = 0;
        bool intact = true, ended = false;
        char buf[8 * 1024];
        const auto started = std::chrono::steady_clock::now();
        while (!ended && std::chrono::steady_clock::now() - started < 30s) {
            const ssize_t n = ::recv(l.to.get(), buf, sizeof buf, 0);
            if (n <= 0) {
                ended = n == 0;
                break;
            }
            for (ssize_t i = 0; i < n; ++i)
                intact = intact && buf[i] == char((received + size_t(i)) * 7 % 251);
            received += size_t(n);
            std::this_thread::sleep_for(20ms); // 400 KB/s: far slower than the bridges
        }
        writer.join();
        QCOMPARE(received, kTotal);
        QVERIFY(intact);
        QVERIFY2(ended, "the end of the stream did not arrive");
        QVERIFY(std::chrono::steady_clock::now() - started > 3s); // it outlasted the timeout
    }
};

QTEST_GUILESS_MAIN(TstTlsBridge)
#include "tst_tls_bridge.moc"
