// Replays the fuzz corpus (tests/fuzz/corpus) on every test run: through the
// fuzz target's own checks, and as the byte stream of a hostile paddock-init
// against the engine's real connection code, which must end the connection
// cleanly and answer every pending request, never crash or hang.
#include "fake_init.h"
#include "init_stream_feeder.h"
#include "sandbox/init_connection.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace paddock;
using namespace paddock::sandbox;
using paddock::test::FakeInit;
using paddock::test::initHello;

class TstFuzzCorpus : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_round = 0;

    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void corpus_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(PADDOCK_FUZZ_CORPUS));
        const QStringList files = dir.entryList(QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 20, "the fuzz corpus is missing or tiny");
        for (const QString &name : files)
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
    }

    void corpus()
    {
        QFETCH(QString, path);
        const QByteArray input = read(path);
        paddock::fuzz::feedInitStream(reinterpret_cast<const uint8_t *>(input.constData()), size_t(input.size()));

        const QString socketPath = m_dir.filePath(QStringLiteral("init-%1.sock").arg(++m_round));
        // The fuzz input's first byte picks read sizes; the rest is the stream.
        FakeInit peer(socketPath, { initHello(), 2, input.mid(1).toStdString(), true });
        auto conn = InitConnection::connectTo(socketPath, 5000);
        QVERIFY2(conn, conn ? "" : qPrintable(conn.error().message));
        QSignalSpy closed(conn->get(), &InitConnection::closed);
        std::optional<wire::Frame> last;
        (*conn)->request(wire::Type::ListProcesses, wire::Empty {}, [&last](const wire::Frame &f) {
            last = f;
            return f.type == uint8_t(wire::Type::ProcessList) || f.type == uint8_t(wire::Type::Failed);
        });
        QVERIFY2(closed.count() > 0 || closed.wait(5000), "the engine hung on a hostile stream");
        QVERIFY2(last.has_value(), "a pending request was never answered");
    }
};

QTEST_GUILESS_MAIN(TstFuzzCorpus)
#include "tst_fuzz_corpus.moc"
