// The engine's side of the paddock-init protocol against a peer that lies:
// a local server here plays a broken or hostile paddock-init.
#include "fake_init.h"
#include "sandbox/init_connection.h"

#include <QElapsedTimer>
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

    // A request whose answers are collected until a Failed one ends it.
    static void stream(InitConnection &conn, QList<wire::Frame> &answers, InitConnection::Deadline deadline)
    {
        conn.request(
            wire::Type::Exec, wire::Exec { 0, {}, { "x" }, {}, {} },
            [&answers](const wire::Frame &f) {
                answers.append(f);
                return f.type == uint8_t(wire::Type::Failed);
            },
            std::move(deadline));
    }

    static wire::Failed failure(const wire::Frame &f)
    {
        wire::Failed failed;
        if (f.type != uint8_t(wire::Type::Failed) || !wire::decodeMessage(f, failed))
            failed.error = -1;
        return failed;
    }

    static std::string output(const char *text)
    {
        return wire::encodeMessage(wire::Type::Output, 1, wire::Output { wire::Stream::Stdout, text });
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

    void unansweredRequestFailsAtItsDeadlineNamingWhatWasAsked()
    {
        FakeInit peer(m_path, { initHello(), 2, {} }); // takes the request, never answers
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        (*conn)->setPeerName(QStringLiteral("the test's helper"));
        QSignalSpy overdue(conn->get(), &InitConnection::answerOverdue);
        QList<wire::Frame> answers;
        QElapsedTimer clock;
        clock.start();
        stream(**conn, answers, { 300, 0, QStringLiteral("exec of 'x'") });
        QVERIFY(QTest::qWaitFor([&] { return !answers.isEmpty(); }, 5000));
        QVERIFY(clock.elapsed() >= 250);
        wire::Failed failed = failure(answers.first());
        QCOMPARE(failed.error, ETIMEDOUT);
        QCOMPARE(QString::fromStdString(failed.message), QStringLiteral("the test's helper did not answer exec of 'x' within 0.3 s"));
        QCOMPARE(overdue.count(), 1);
        QVERIFY((*conn)->isOpen()); // one request failed; its owner decides about the connection
    }

    void eachAnswerRestartsTheDeadlineBetweenAnswers()
    {
        FakeInit peer(m_path, { initHello(), 2, output("first") });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QList<wire::Frame> answers;
        QElapsedTimer clock;
        clock.start();
        stream(**conn, answers, { 5000, 300, QStringLiteral("a read") });
        QVERIFY(QTest::qWaitFor([&] { return answers.size() == 2; }, 5000));
        QCOMPARE(answers.first().type, uint8_t(wire::Type::Output));
        QCOMPARE(failure(answers.last()).error, ETIMEDOUT);
        QVERIFY2(clock.elapsed() < 4000, "the first-answer deadline ran after the first answer");
    }

    void aStreamWithoutADeadlineBetweenAnswersMayStayQuiet()
    {
        FakeInit peer(m_path, { initHello(), 2, output("started") });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QList<wire::Frame> answers;
        stream(**conn, answers, { 300, 0, QStringLiteral("exec of 'x'") });
        QVERIFY(QTest::qWaitFor([&] { return !answers.isEmpty(); }, 5000));
        QTest::qWait(900); // three times the first-answer deadline, in quiet
        QCOMPARE(answers.size(), 1);
    }

    void aHeldDeadlineDoesNotRunUntilReleased()
    {
        FakeInit peer(m_path, { initHello(), 2, {} });
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        QList<wire::Frame> answers;
        stream(**conn, answers, { 300, 300, QStringLiteral("a write") });
        (*conn)->holdDeadline(1, true);
        QTest::qWait(900);
        QVERIFY(answers.isEmpty());
        (*conn)->holdDeadline(1, false);
        QVERIFY(QTest::qWaitFor([&] { return !answers.isEmpty(); }, 5000));
        QCOMPARE(failure(answers.first()).error, ETIMEDOUT);
    }

    void aPeerThatStopsReadingIsCutOffAtTheWriteDeadline()
    {
        FakeInit peer(m_path, { initHello(), 1, {} }); // reads the Hello, then nothing
        auto conn = InitConnection::connectTo(m_path, 2000);
        QVERIFY(conn);
        (*conn)->setPeerName(QStringLiteral("the test's helper"));
        (*conn)->setWriteDeadline(300);
        QSignalSpy closed(conn->get(), &InitConnection::closed);
        QList<wire::Frame> answers;
        stream(**conn, answers, {});
        const std::string chunk(wire::kMaxChunk, 'x');
        for (int i = 0; i < 200; ++i) // 12.5 MiB: far more than the socket holds
            (*conn)->sendWithTag(wire::Type::Input, 1, wire::Input { chunk });
        QVERIFY(closed.wait(5000));
        QCOMPARE(closed.first().first().toString(), QStringLiteral("the test's helper did not read what was sent to it within 0.3 s"));
        QCOMPARE(answers.size(), 1);
        QCOMPARE(failure(answers.first()).error, ETIMEDOUT);
    }
};

QTEST_GUILESS_MAIN(TstInitConnection)
#include "tst_init_connection.moc"
