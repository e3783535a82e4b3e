// The engine's side of the paddock-init protocol against a peer that lies:
// a local server here plays a broken or hostile paddock-init.
#include "fake_init.h"
#include "sandbox/init_connection.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace paddock;
using namespace paddock::sandbox;
using paddock::test::FakeInit;
using paddock::test::initHello;

class TstInitConnection : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_round = 0;
    QString m_path;

    static void listProcesses(InitConnection &conn, std::optional<wire::Frame> &answer)
    {
        conn.request(wire::Type::ListProcesses, wire::Empty {}, [&answer](const wire::Frame &f) {
            answer = f;
            return true;
        });
    }

private Q_SLOTS:
    void init() { m_path = m_dir.filePath(QStringLiteral("init-%1.sock").arg(++m_round)); }

    void helloWithAnotherVersionIsRefused()
    {
        FakeInit peer(m_path, { initHello(99) });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(!conn);
        QCOMPARE(conn.error().code, ErrorCode::Protocol);
        QVERIFY(conn.error().message.contains(QLatin1String("protocol 99")));
    }

    void silentPeerTimesOut()
    {
        FakeInit peer(m_path, { {} });
        auto conn = InitConnection::connectTo(m_path, 300);
        QVERIFY(!conn);
        QCOMPARE(conn.error().code, ErrorCode::Timeout);
    }

    void nonHelloFirstFrameIsRefused()
    {
        FakeInit peer(m_path, { wire::encodeMessage(wire::Type::Started, 1, wire::Started { 5 }) });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(!conn);
        QCOMPARE(conn.error().code, ErrorCode::Protocol);
    }

    void oversizedFrameClosesTheConnectionAndFailsPendingRequests()
    {
        wire::Writer huge;
        huge.u32(wire::kMaxFrameBody + 1);
        FakeInit peer(m_path, { initHello(), 2, huge.buffer() });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QSignalSpy closed(conn->get(), &InitConnection::closed);
        std::optional<wire::Frame> answer;
        listProcesses(**conn, answer);
        QVERIFY(closed.wait(2000));
        QVERIFY(closed.first().first().toString().contains(QLatin1String("protocol violation")));
        QVERIFY(answer);
        QCOMPARE(answer->type, uint8_t(wire::Type::Failed));
    }

    void malformedBackgroundExitClosesTheConnection()
    {
        // A procId that would name a file outside the logs directory.
        FakeInit peer(m_path, { initHello(), 2, wire::encodeMessage(wire::Type::Exited, 0, wire::Exited { "../../x", 0, 0 }) });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QSignalSpy closed(conn->get(), &InitConnection::closed);
        QSignalSpy exited(conn->get(), &InitConnection::backgroundExited);
        std::optional<wire::Frame> answer;
        listProcesses(**conn, answer); // the peer answers it with the bad frame
        QVERIFY(closed.wait(2000));
        QCOMPARE(exited.count(), 0);
    }

    void answersForUnknownTagsAreIgnored()
    {
        std::string late = wire::encodeMessage(wire::Type::Output, 77, wire::Output { wire::Stream::Stdout, "late" });
        late += wire::encodeMessage(wire::Type::Exited, 0, wire::Exited { "p3", 2, 0 });
        FakeInit peer(m_path, { initHello(), 2, late });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QSignalSpy closed(conn->get(), &InitConnection::closed);
        QSignalSpy exited(conn->get(), &InitConnection::backgroundExited);
        std::optional<wire::Frame> answer;
        listProcesses(**conn, answer);
        QVERIFY(exited.wait(2000));
        QCOMPARE(exited.first().first().toString(), QStringLiteral("p3"));
        QCOMPARE(closed.count(), 0);
    }

    void peerGoingAwayFailsPendingRequests()
    {
        FakeInit peer(m_path, { initHello(), 2, {}, true });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        std::optional<wire::Frame> answer;
        listProcesses(**conn, answer);
        QVERIFY(QTest::qWaitFor([&] { return answer.has_value(); }, 2000));
        wire::Failed failed;
        QVERIFY(wire::decodeMessage(*answer, failed));
        QCOMPARE(failed.error, ECONNRESET);
    }
};

QTEST_GUILESS_MAIN(TstInitConnection)
#include "tst_init_connection.moc"
