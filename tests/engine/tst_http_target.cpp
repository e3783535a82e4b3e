// The HTTP gate's path normaliser: what rules decide on is what the
// upstream is sent, spelled one way, and what cannot be reduced safely is
// refused with the reason. Table-driven: each row an input and the one
// canonical path (or the refusal) it must give.
#include "egress/http_target.h"
#include "egress/rule_matcher.h"

#include <QTest>

using namespace paddock;
using namespace paddock::egress;

class TstHttpTarget : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void originFormIsReducedToOneCanonicalPath_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("sent");
        const auto row = [](const char *name, const char *target, const char *path,
                             const char *sent = nullptr) {
            QTest::newRow(name) << QByteArray(target) << QByteArray(path)
                                << QByteArray(sent ? sent : path);
        };
        row("root", "/", "/");
        row("plain", "/docs/a.txt", "/docs/a.txt");
        row("query kept as sent", "/a?x=1&y=%2F..", "/a", "/a?x=1&y=%2F..");
        row("empty query kept", "/a?", "/a", "/a?");
        row("dot-dot removed", "/public/../admin.txt", "/admin.txt");
        row("dot removed", "/./admin", "/admin");
        row("encoded dot-dot removed", "/public/%2e%2E/admin.txt", "/admin.txt");
        row("encoded letters decoded", "/%61dmin.txt", "/admin.txt");
        row("repeated slashes collapse", "//admin", "/admin");
        row("repeated slashes inside", "/a///b//c", "/a/b/c");
        row("trailing slash kept", "/docs/", "/docs/");
        row("trailing dot is a directory", "/docs/.", "/docs/");
        row("trailing dot-dot is a directory", "/docs/a/..", "/docs/");
        row("climb back to root", "/a/..", "/");
        row("star is encoded", "/a*b", "/a%2Ab");
        row("encoded star stays encoded", "/a%2ab", "/a%2Ab");
        row("escapes upper-cased", "/caf%c3%a9", "/caf%C3%A9");
        row("raw utf-8 encoded", "/caf\xc3\xa9", "/caf%C3%A9");
        row("space encoded", "/a%20b", "/a%20b");
        row("quote and angle encoded", "/a\"<>`{}|^", "/a%22%3C%3E%60%7B%7D%7C%5E");
        row("sub-delims kept", "/a;b=c,d!$&'()+:@", "/a;b=c,d!$&'()+:@");
        row("unreserved decoded", "/%7E%2D%5F%2E", "/~-_.");
        row("encoded question mark stays encoded", "/a%3Fb", "/a%3Fb");
        row("percent itself", "/100%25", "/100%25");
        row("matrix parameter kept", "/a;jsessionid=1/b", "/a;jsessionid=1/b");
    }
    void originFormIsReducedToOneCanonicalPath()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, sent);
        const HttpTarget t
            = normalizeOriginForm(std::string_view(target.constData(), size_t(target.size())));
        QVERIFY2(t.ok(), t.problem.c_str());
        QCOMPARE(QByteArray::fromStdString(t.path), path);
        QCOMPARE(QByteArray::fromStdString(t.encoded()), sent);
        // Canonical is a fixed point: the path sent upstream normalises to itself.
        QCOMPARE(QByteArray::fromStdString(normalizeOriginForm(t.path).path), path);
        QVERIFY(t.path.find('*') == std::string::npos);
    }

    void unsafeTargetsAreRefusedWithTheReason_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("reason");
        const auto row = [](const char *name, QByteArray target, const char *reason) {
            QTest::newRow(name) << target << QString::fromUtf8(reason);
        };
        row("absolute-form", "http://other.test/admin", "absolute-form");
        row("authority-form", "other.test:80", "only origin-form");
        row("asterisk-form", "*", "asterisk-form");
        row("empty", "", "only origin-form");
        row("encoded slash", "/public/..%2Fadmin.txt", "encoded '/' (%2F)");
        row("encoded slash lower case", "/a%2fb", "encoded '/' (%2F)");
        row("encoded backslash", "/public/..%5Cadmin", "%5C");
        row("raw backslash", "/public/..\\admin", "'\\'");
        row("encoded NUL", "/public/a%00.txt", "encoded control byte (%00)");
        row("raw NUL", QByteArray("/public/a\0.txt", 14), "control byte (%00)");
        row("encoded newline", "/a%0d%0aX: y", "encoded control byte (%0D)");
        row("DEL", "/a\x7f", "control byte (%7F)");
        row("control byte in the query", "/a?b\x01", "query holds a control byte");
        row("fragment", "/a#b", "fragment");
        row("climbs above root", "/../etc/passwd", "climbs above the root");
        row("climbs above root later", "/a/../../b", "climbs above the root");
        row("encoded climb", "/%2e%2e/x", "climbs above the root");
        row("tomcat dot-dot-semicolon", "/public/..;/admin", "read as '.' or '..'");
        row("tomcat dot-semicolon", "/public/.;x/admin", "read as '.' or '..'");
        row("encoded semicolon form", "/public/%2e%2e%3b/admin", "read as '.' or '..'");
        row("three dots", "/public/.../admin", "read as '.' or '..'");
        row("dots and space", "/public/..%20/admin", "read as '.' or '..'");
        row("bad escape", "/a%zz", "starts no %XX escape");
        row("cut escape", "/a%4", "starts no %XX escape");
        row("lone percent", "/a%", "starts no %XX escape");
        row("overlong dot", "/%c0%ae%c0%ae/admin", "not valid UTF-8");
        row("invalid utf-8", "/a%ff", "not valid UTF-8");
        row("surrogate", "/a%ed%a0%80", "not valid UTF-8");
    }
    void unsafeTargetsAreRefusedWithTheReason()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, reason);
        const HttpTarget t
            = normalizeOriginForm(std::string_view(target.constData(), size_t(target.size())));
        QVERIFY2(!t.ok(), t.path.c_str());
        QVERIFY2(QString::fromStdString(t.problem).contains(reason), t.problem.c_str());
    }

    // Rule paths are spelled the same way before they are compared.
    void rulePathsMatchInCanonicalSpelling_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("matches");
        QTest::newRow("decoded letter") << "/admin*"
                                        << "/%61dmin.txt" << true;
        QTest::newRow("encoded pattern") << "/%61dmin*"
                                         << "/admin.txt" << true;
        QTest::newRow("dot-dot out of prefix") << "/public/*"
                                               << "/public/../admin.txt" << false;
        QTest::newRow("double slash") << "/admin*"
                                      << "//admin" << true;
        QTest::newRow("utf-8 pattern") << QStringLiteral("/caf\u00e9") << "/caf%C3%A9" << true;
        QTest::newRow("literal star only as %2A") << "/a%2Ab"
                                                  << "/a*b" << true;
        QTest::newRow("literal star pattern is exact") << "/a%2Ab"
                                                       << "/axb" << false;
        QTest::newRow("exact path is exact") << "/a"
                                             << "/a/b" << false;
    }
    void rulePathsMatchInCanonicalSpelling()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, target);
        QFETCH(bool, matches);
        EgressRule rule;
        rule.pattern = QStringLiteral("web.test");
        rule.path = pattern;
        rule.action = EgressAction::Allow;
        QVERIFY(validateEgressRule(rule));
        Destination dest { QStringLiteral("web.test"), QHostAddress(QStringLiteral("198.18.0.9")),
            80 };
        const QByteArray raw = target.toUtf8();
        const HttpTarget t
            = normalizeOriginForm(std::string_view(raw.constData(), size_t(raw.size())));
        QVERIFY2(t.ok(), t.problem.c_str());
        const HttpRequestInfo info { QStringLiteral("GET"), QString::fromStdString(t.path) };
        QCOMPARE(ruleMatches(rule, dest, &info), matches);
    }

    // A lenient server reads "/Admin/" as "/admin": rules that refuse or
    // hold back cover that spelling too; rules that let a request (and a
    // secret) through cover only what they say.
    void onlyRulesThatRefuseCoverLenientSpellings_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("coversAdminUpperCase");
        QTest::newRow("deny") << "deny" << true;
        QTest::newRow("ask") << "ask" << true;
        QTest::newRow("handler") << "handler" << true;
        QTest::newRow("allow") << "allow" << false;
        QTest::newRow("inject") << "inject" << false;
    }
    void onlyRulesThatRefuseCoverLenientSpellings()
    {
        QFETCH(QString, kind);
        QFETCH(bool, coversAdminUpperCase);
        EgressRule rule;
        rule.pattern = QStringLiteral("web.test");
        rule.path = QStringLiteral("/admin");
        rule.action = kind == QLatin1String("deny") ? EgressAction::Deny
            : kind == QLatin1String("ask")          ? EgressAction::Ask
            : kind == QLatin1String("allow")        ? EgressAction::Allow
                                                    : EgressAction::Inspect;
        if (kind == QLatin1String("inject"))
            rule.inject = { EgressInjection { EgressInjection::Kind::Header, QStringLiteral("Authorization"),
                QStringLiteral("Bearer {{secret.TOKEN}}") } };
        if (kind == QLatin1String("handler"))
            rule.handler = EgressHandler { QStringLiteral("h.js"), QStringLiteral("function handle(r) { return r; }"), {} };
        const Destination dest { QStringLiteral("web.test"), QHostAddress(QStringLiteral("198.18.0.9")), 443 };
        for (const QString &path : { QStringLiteral("/Admin"), QStringLiteral("/admin/"), QStringLiteral("/admin;x"),
                 QStringLiteral("/admin.") }) {
            const HttpRequestInfo info { QStringLiteral("GET"), path };
            QVERIFY2(ruleMatches(rule, dest, &info) == coversAdminUpperCase, qPrintable(path));
        }
        const HttpRequestInfo exact { QStringLiteral("GET"), QStringLiteral("/admin") };
        QVERIFY(ruleMatches(rule, dest, &exact));
    }

    // Refused for want of a rule, where a rule names the host on another
    // port: the reason points at it.
    void aRuleOnAnotherPortIsNamedInTheRefusal()
    {
        EgressRule rule;
        rule.id = 7;
        rule.pattern = QStringLiteral("api.test");
        rule.port = 443;
        rule.action = EgressAction::Allow;
        const Destination dest { QStringLiteral("api.test"), QHostAddress(QStringLiteral("198.18.0.9")), 8443 };
        const Decision d = decide({ rule }, dest, false, nullptr);
        QCOMPARE(d.action, EgressAction::Deny);
        QVERIFY2(d.reason.contains(QStringLiteral("rule 7 is for port 443 only")), qPrintable(d.reason));
        const Destination other { QStringLiteral("other.test"), QHostAddress(QStringLiteral("198.18.0.10")), 8443 };
        QVERIFY(!decide({ rule }, other, false, nullptr).reason.contains(QStringLiteral("port 443")));
    }

    void pathPatternsWithStrayPercentAreRefused()
    {
        EgressRule rule;
        rule.pattern = QStringLiteral("web.test");
        rule.path = QStringLiteral("/100%");
        auto r = validateEgressRule(rule);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("two hex digits")),
            qPrintable(r.error().message));
        rule.path = QStringLiteral("/a%2");
        QVERIFY(!validateEgressRule(rule));
        rule.path = QStringLiteral("/a%2A*");
        QVERIFY(validateEgressRule(rule));
    }
};

QTEST_GUILESS_MAIN(TstHttpTarget)
#include "tst_http_target.moc"
