// Leaves minted from Paddock's CA: each verifies against the CA for its own
// name (or address) and no other, lives a day, is minted once per name
// while fresh, and the cache of them stays bounded whatever names come.
#include "minting_ca.h"

#include <QTest>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>

using namespace paddock;
using namespace paddock::egress::tls;
using namespace paddock::test;

namespace {

using StorePtr = std::unique_ptr<X509_STORE, OpensslFree<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpensslFree<X509_STORE_CTX_free>>;

// What a client that trusts only `ca` says of `leaf` for `host`: empty when it accepts.
QString verify(const PaddockCa &ca, X509 *leaf, const QByteArray &host)
{
    StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca.certificate());
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    if (QHostAddress(QString::fromLatin1(host)).isNull())
        X509_VERIFY_PARAM_set1_host(param, host.constData(), size_t(host.size()));
    else
        X509_VERIFY_PARAM_set1_ip_asc(param, host.constData());
    if (X509_verify_cert(ctx.get()) == 1) return {};
    return QString::fromLatin1(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
}

} // namespace

class TstTlsMinting : public QObject {
    Q_OBJECT

    MintingCa m_minting;
    std::optional<PaddockCa> &m_ca = m_minting.ca;
    std::unique_ptr<LeafMinter> &m_minter = m_minting.minter;

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_minting.make();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void aLeafVerifiesForItsOwnNameOnly()
    {
        auto leaf = m_minter->leafFor(QStringLiteral("api.example.test"));
        QVERIFY2(leaf, leaf ? "" : qPrintable(leaf.error().message));
        QCOMPARE(verify(*m_ca, (*leaf)->certificate.get(), "api.example.test"), QString());
        QVERIFY(!verify(*m_ca, (*leaf)->certificate.get(), "other.example.test").isEmpty());
        QVERIFY(!verify(*m_ca, (*leaf)->certificate.get(), "example.test").isEmpty());
        QCOMPARE(X509_check_ca((*leaf)->certificate.get()), 0); // cannot sign anything itself
        QCOMPARE(X509_check_private_key((*leaf)->certificate.get(), (*leaf)->key), 1);
    }

    void anAddressGetsAnAddressName()
    {
        auto leaf = m_minter->leafFor(QStringLiteral("127.0.0.1"));
        QVERIFY(leaf);
        QCOMPARE(verify(*m_ca, (*leaf)->certificate.get(), "127.0.0.1"), QString());
        QVERIFY(!verify(*m_ca, (*leaf)->certificate.get(), "127.0.0.2").isEmpty());
    }

    void aLeafLivesADayAndIsMintedOncePerName()
    {
        auto first = m_minter->leafFor(QStringLiteral("cached.test"));
        auto again = m_minter->leafFor(QStringLiteral("cached.test"));
        QVERIFY(first && again);
        QCOMPARE(first->get(), again->get());
        const time_t now = std::time(nullptr);
        QVERIFY((*first)->notAfter > now + 23 * 3600);
        QVERIFY((*first)->notAfter <= now + LeafMinter::kValidHours * 3600);
        time_t inADay = now + LeafMinter::kValidHours * 3600 + 60;
        QVERIFY(X509_cmp_time(X509_get0_notAfter((*first)->certificate.get()), &inADay) < 0);
    }

    // A sandbox that connects to ever new names (random subdomains) never
    // grows the cache past its bound; the names used most recently stay.
    void theCacheStaysBounded()
    {
        auto kept = m_minter->leafFor(QStringLiteral("kept.test"));
        auto dropped = m_minter->leafFor(QStringLiteral("dropped.test"));
        QVERIFY(kept && dropped);
        const void *droppedLeaf = dropped->get();
        dropped = {};
        for (size_t i = 0; i < LeafMinter::kCachedNames; ++i) {
            QVERIFY(m_minter->leafFor(QStringLiteral("n%1.flood.test").arg(i)));
            if (i % 100 == 0)
                QCOMPARE(m_minter->leafFor(QStringLiteral("kept.test"))->get(), kept->get());
        }
        QCOMPARE(m_minter->leafFor(QStringLiteral("kept.test"))->get(), kept->get());
        QVERIFY(m_minter->leafFor(QStringLiteral("dropped.test"))->get() != droppedLeaf);
    }

    void whatIsNotANameGetsNoCertificate_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("space") << QStringLiteral("a b.test");
        QTest::newRow("wildcard") << QStringLiteral("*.test");
        QTest::newRow("empty label") << QStringLiteral("a..test");
        QTest::newRow("upper case") << QStringLiteral("API.test");
        QTest::newRow("too long") << QString(300, QLatin1Char('a'));
        QTest::newRow("NUL") << QStringLiteral("a.test") + QChar(0) + QStringLiteral("evil.test");
    }

    void whatIsNotANameGetsNoCertificate()
    {
        QFETCH(QString, name);
        auto leaf = m_minter->leafFor(name);
        QVERIFY(!leaf);
        QCOMPARE(leaf.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TstTlsMinting)
#include "tst_tls_minting.moc"
