// Paddock's CA and what sandboxes trust: the CA is made once per data dir
// with a key only its user can read, replaced (the old one kept aside) when
// it can no longer be trusted; every sandbox's system bundle is the host's
// plus Paddock's CA, the variables TLS stacks read point at it, and the key
// is nowhere a workload can see.
#include "test_support.h"
#include "upstream_servers.h"

#include "egress/tls/leaf_minter.h"
#include "egress/tls/paddock_ca.h"
#include "sandbox/trust_layer.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

using namespace paddock;
using namespace paddock::egress::tls;
using namespace paddock::test;

namespace {

// The CA's directory in a data dir made as Engine::open makes it.
QString caDir(const TestDataDir &data)
{
    if (auto made = data.paths().ensureExists(); !made)
        qWarning("%s", qPrintable(made.error().message));
    return data.paths().caDir();
}

mode_t modeOf(const QString &path)
{
    struct stat st { };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

QByteArray fileText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString subjectOf(X509 *cert)
{
    char text[512] = {};
    X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof text);
    return QString::fromUtf8(text);
}

int certificatesIn(const QByteArray &bundle)
{
    return int(bundle.count("-----BEGIN CERTIFICATE-----"));
}

} // namespace

class TstSandboxTrust : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theCaIsMadeOnceWithAKeyOnlyItsUserReads()
    {
        TestDataDir data;
        QStringList notes;
        auto first = PaddockCa::loadOrCreate(caDir(data), &notes);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QVERIFY(notes.isEmpty());
        QCOMPARE(modeOf(caDir(data)), mode_t(0700));
        QCOMPARE(modeOf(caDir(data) + QStringLiteral("/paddock-ca.key")), mode_t(0600));
        QVERIFY(X509_check_ca(first->certificate()) >= 1);
        QCOMPARE(EVP_PKEY_get_base_id(first->key()), EVP_PKEY_EC);
        // Every sandbox reads the certificate: it names neither the user nor the machine.
        const QString subject = subjectOf(first->certificate());
        QVERIFY2(subject.contains(QStringLiteral("Paddock sandbox CA")), qPrintable(subject));
        QVERIFY2(
            !subject.contains(QString::fromLocal8Bit(qgetenv("USER"))) || qgetenv("USER").isEmpty(),
            qPrintable(subject));
        QVERIFY2(!subject.contains(QSysInfo::machineHostName()), qPrintable(subject));

        auto again = PaddockCa::loadOrCreate(caDir(data), &notes);
        QVERIFY(again);
        QCOMPARE(again->fingerprint(), first->fingerprint());
        QVERIFY(notes.isEmpty());
    }

    void aKeyOthersCouldReadIsReplacedAndKeptAside()
    {
        TestDataDir data;
        auto first = PaddockCa::loadOrCreate(caDir(data));
        QVERIFY(first);
        QVERIFY(QFile::setPermissions(caDir(data) + QStringLiteral("/paddock-ca.key"),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
        QStringList notes;
        auto second = PaddockCa::loadOrCreate(caDir(data), &notes);
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QVERIFY(second->fingerprint() != first->fingerprint());
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().contains(QStringLiteral("readable by others")),
            qPrintable(notes.first()));
        const QStringList aside
            = QDir(caDir(data)).entryList({ QStringLiteral("unusable-*") }, QDir::Dirs);
        QCOMPARE(aside.size(), 1);
        QCOMPARE(fileText(caDir(data) + QLatin1Char('/') + aside.first()
                     + QStringLiteral("/paddock-ca.pem")),
            first->certificatePem());
        QCOMPARE(modeOf(caDir(data) + QStringLiteral("/paddock-ca.key")), mode_t(0600));
    }

    void aDamagedOrMismatchedCaIsReplaced_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("why");
        QTest::newRow("garbage certificate")
            << QStringLiteral("paddock-ca.pem") << QByteArray("not a certificate")
            << QStringLiteral("certificate does not parse");
        QTest::newRow("empty key") << QStringLiteral("paddock-ca.key") << QByteArray()
                                   << QStringLiteral("key does not parse");
        QTest::newRow("another CA's certificate")
            << QStringLiteral("paddock-ca.pem") << QByteArray("other")
            << QStringLiteral("not the certificate's");
    }

    void aDamagedOrMismatchedCaIsReplaced()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, why);
        TestDataDir data;
        auto first = PaddockCa::loadOrCreate(caDir(data));
        QVERIFY(first);
        if (content == "other") {
            TestDataDir elsewhere;
            auto other = PaddockCa::loadOrCreate(caDir(elsewhere));
            QVERIFY(other);
            content = other->certificatePem();
        }
        QFile f(caDir(data) + QLatin1Char('/') + file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
        f.close();
        QStringList notes;
        auto second = PaddockCa::loadOrCreate(caDir(data), &notes);
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QVERIFY(second->fingerprint() != first->fingerprint());
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().contains(why), qPrintable(notes.first()));
    }

    // Some CAs' files hold the key beside the certificate: what sandboxes
    // get is the certificate re-encoded, never the file as found.
    void aCertificateFileHoldingTheKeyNeverCarriesIt()
    {
        TestDataDir data;
        auto first = PaddockCa::loadOrCreate(caDir(data));
        QVERIFY(first);
        const QString pemPath = caDir(data) + QStringLiteral("/paddock-ca.pem");
        QFile pem(pemPath);
        QVERIFY(pem.open(QIODevice::WriteOnly | QIODevice::Truncate));
        pem.write(
            fileText(caDir(data) + QStringLiteral("/paddock-ca.key")) + first->certificatePem());
        pem.close();
        auto again = PaddockCa::loadOrCreate(caDir(data));
        QVERIFY(again);
        QCOMPARE(again->fingerprint(), first->fingerprint());
        QVERIFY(!again->certificatePem().contains("PRIVATE KEY"));
        QCOMPARE(again->certificatePem(), first->certificatePem());
    }

    // Not a file to read: moved aside like any unusable CA, never waited on.
    void aFifoInPlaceOfTheKeyDoesNotHangTheEngine()
    {
        TestDataDir data;
        QVERIFY(PaddockCa::loadOrCreate(caDir(data)));
        const QString key = caDir(data) + QStringLiteral("/paddock-ca.key");
        QVERIFY(QFile::remove(key));
        QVERIFY(::mkfifo(QFile::encodeName(key).constData(), 0600) == 0);
        QStringList notes;
        auto replaced = PaddockCa::loadOrCreate(caDir(data), &notes);
        QVERIFY2(replaced, replaced ? "" : qPrintable(replaced.error().message));
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().contains(QStringLiteral("not a regular file")),
            qPrintable(notes.first()));
    }

    // Another user who could write into the data dir could have planted a
    // layer every sandbox mounts, or a database linked to their own
    // directory: such a data dir is refused, not tightened and used.
    void aDataDirOthersCouldWriteIsRefused()
    {
        TestDataDir data;
        QVERIFY(QDir().mkpath(data.paths().dataDir()));
        QVERIFY(::chmod(QFile::encodeName(data.paths().dataDir()).constData(), 0777) == 0);
        auto engine = Engine::open(data.paths());
        QVERIFY(!engine);
        QVERIFY2(engine.error().message.contains(QStringLiteral("can be written by other users"))
                && engine.error().message.contains(QStringLiteral("chmod 700")),
            qPrintable(engine.error().message));
        QVERIFY(::chmod(QFile::encodeName(data.paths().dataDir()).constData(), 0755)
            == 0); // readable only: tightened
        QVERIFY(data.paths().ensureExists());
        QCOMPARE(modeOf(data.paths().dataDir()), mode_t(0700));
    }

    // Made 0700 from its first moment, every missing part of the path,
    // whatever the umask: no window for another user to plant anything.
    void aNewDataDirIsPrivateFromItsFirstMoment()
    {
        QTemporaryDir root;
        const QString dir = root.path() + QStringLiteral("/a/b/data");
        const mode_t old = ::umask(0);
        auto made = DataPaths::resolve(dir).ensureExists();
        ::umask(old);
        QVERIFY2(made, made ? "" : qPrintable(made.error().message));
        for (const QString &part :
            { root.path() + QStringLiteral("/a"), root.path() + QStringLiteral("/a/b"), dir })
            QCOMPARE(modeOf(part), mode_t(0700));
    }

    void aSandboxTrustsTheHostsBundleAndPaddocksCa()
    {
        SandboxFixture fx;
        const QString failed = fx.setUp(QStringLiteral("trust"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QString bundle = QString::fromLatin1(sandbox::kSandboxCaBundle);

        const QByteArray inside
            = execIn(*fx.engine, fx.sandbox.id, { QStringLiteral("cat"), bundle }).out;
        const QByteArray host = fileText(bundle);
        auto ca = PaddockCa::loadOrCreate(fx.data->paths().caDir());
        QVERIFY(ca);
        QCOMPARE(certificatesIn(inside), certificatesIn(host) + 1);
        QVERIFY(inside.startsWith(host.trimmed()));
        QVERIFY(inside.endsWith(ca->certificatePem()));

        // OpenSSL finds it both ways: in the bundle and by its hash in the directory.
        for (const QStringList &how : { QStringList { QStringLiteral("-CAfile"), bundle },
                 QStringList { QStringLiteral("-CApath"), QStringLiteral("/etc/ssl/certs") } }) {
            const ExecOutput verify = execIn(*fx.engine, fx.sandbox.id,
                QStringList { QStringLiteral("openssl"), QStringLiteral("verify") } + how
                    + QStringList { QStringLiteral("/etc/ssl/certs/paddock-ca.pem") });
            QVERIFY2(
                verify.shellStatus() == 0 && verify.out.contains(": OK"), verify.out + verify.err);
        }

        const QByteArray env = execIn(*fx.engine, fx.sandbox.id, { QStringLiteral("env") }).out;
        for (const char *name : { "SSL_CERT_FILE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO",
                 "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "PIP_CERT" })
            QVERIFY2(env.contains(QByteArray(name) + '=' + bundle.toUtf8() + '\n'), name);
    }

    // What inspected egress will do, end to end: a server presenting a leaf
    // minted from Paddock's CA is trusted, with no flag or set-up, by curl,
    // Python and Node inside the sandbox.
    void toolsInsideTrustALeafMintedByPaddocksCa()
    {
        SandboxFixture fx;
        const QString failed = fx.setUp(QStringLiteral("minted"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto ca = PaddockCa::loadOrCreate(fx.data->paths().caDir());
        QVERIFY(ca);
        auto minter = LeafMinter::create(*ca);
        QVERIFY(minter);
        auto leaf = (*minter)->leafFor(QStringLiteral("minted.test"));
        QVERIFY(leaf);
        TestCa served;
        served.leaf = QSslCertificate(certificatePem((*leaf)->certificate.get()));
        served.key = QSslKey(privateKeyPem((*leaf)->key), QSsl::Ec);
        QVERIFY(!served.leaf.isNull() && !served.key.isNull());
        HttpsServer server(served);
        QVERIFY(server.isListening());
        QVERIFY(fx.engine->setHostOverride(HostOverride {
            QStringLiteral("minted.test"), QStringLiteral("127.0.0.1"), server.serverPort() }));
        EgressRule allow;
        allow.pattern = QStringLiteral("minted.test");
        allow.action = EgressAction::Allow;
        QVERIFY(fx.engine->addEgressRule(fx.sandbox.id, allow));

        const QList<QStringList> clients {
            { QStringLiteral("curl"), QStringLiteral("-sS"),
                QStringLiteral("https://minted.test/curl") },
            { QStringLiteral("python3"), QStringLiteral("-c"),
                QStringLiteral("import urllib.request; "
                               "print(urllib.request.urlopen('https://minted.test/"
                               "python').read().decode(), end='')") },
            { QStringLiteral("node"), QStringLiteral("-e"),
                QStringLiteral("fetch('https://minted.test/node').then(r => r.text()).then(t => "
                               "process.stdout.write(t))"
                               ".catch(e => { console.error(e.cause || e); process.exit(1); })") },
        };
        for (const QStringList &client : clients) {
            const ExecOutput run = execIn(*fx.engine, fx.sandbox.id, client);
            const QByteArray path
                = client.first() == QLatin1String("python3") ? "python" : client.first().toLatin1();
            QVERIFY2(run.shellStatus() == 0 && run.out == "https GET /" + path + '\n',
                qPrintable(client.first() + QStringLiteral(" (status %1): ").arg(run.shellStatus())
                    + QString::fromUtf8(run.out + run.err)));
        }
        QCOMPARE(server.connections, 3);
    }

    // The key stays with the engine: not mounted, not copied, not in any
    // variable, and the data dir it lives in is not reachable either.
    void theCaKeyIsNowhereInASandbox()
    {
        SandboxFixture fx;
        const QString failed = fx.setUp(QStringLiteral("nokey"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QByteArray key
            = fileText(fx.data->paths().caDir() + QStringLiteral("/paddock-ca.key"));
        QVERIFY(key.contains("PRIVATE KEY"));
        // A line of the key's base64 body: unique to this key.
        const QByteArray line = key.split('\n').value(1);
        QVERIFY(line.size() >= 40);
        // A control first: the same search finds a line planted on purpose.
        QByteArray planted = line;
        std::reverse(planted.begin(), planted.end());
        const ExecOutput search = execIn(*fx.engine, fx.sandbox.id,
            { QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral(
                    "echo '%1' > /root/planted; found() { grep -rqsF -e \"$1\" / "
                    "--exclude-dir=proc "
                    "--exclude-dir=sys --exclude-dir=usr; }; found '%1' && echo PLANTED-FOUND; "
                    "found '%2' && echo KEY-FOUND; env; cat /proc/1/environ | tr '\\0' '\\n'; ls "
                    "-d '%3' 2>&1")
                    .arg(QString::fromLatin1(planted), QString::fromLatin1(line),
                        fx.data->paths().caDir()) });
        QVERIFY2(search.out.contains("PLANTED-FOUND"), search.out + search.err);
        QVERIFY2(!search.out.contains("KEY-FOUND"), search.out);
        QVERIFY2(!search.out.contains(line), search.out);
        QVERIFY2(search.out.contains("No such file or directory"), search.out);
    }
};

QTEST_GUILESS_MAIN(TstSandboxTrust)
#include "tst_sandbox_trust.moc"
