// The parts of credential injection that are plain logic: templates over
// secrets, the rule checks that refuse a bad injection before it is
// saved, setting headers and query parameters on a parsed request, and
// masking injected values in what comes back.
#include "egress/http_request_framer.h"
#include "egress/inject/placeholder_scanner.h"
#include "egress/inject/request_injection.h"
#include "egress/inject/secret_redactor.h"
#include "egress/inject/secret_template.h"

#include "paddock/egress.h"

#include <QTest>

Q_DECLARE_METATYPE(paddock::EgressInjection)

using namespace paddock;
using namespace paddock::egress;

namespace {

const GateConnection kApi { "api.test", false, 443, 443 };

std::unique_ptr<RequestFramer> parsed(std::string raw)
{
    auto framer = std::make_unique<RequestFramer>();
    if (framer->readHead(raw, kApi) != RequestFramer::State::Ready) return nullptr;
    return framer;
}

std::string redacted(SecretRedactor &r, const std::vector<std::string> &pieces)
{
    std::string out;
    for (const std::string &p : pieces)
        r.feed(p, out);
    r.flush(out);
    return out;
}

EgressRule injecting(EgressAction action, EgressInjections inject)
{
    EgressRule rule;
    rule.pattern = QStringLiteral("api.test");
    rule.action = action;
    rule.inject = std::move(inject);
    return rule;
}

} // namespace

class TstEgressInjection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void templatesReadLiteralsAndSecretReferences()
    {
        std::string error;
        auto t = SecretTemplate::parse(
            "Bearer {{secret.GITHUB_TOKEN}} and {{ secret.B2 }}{{secret.GITHUB_TOKEN}}", &error);
        QVERIFY2(t, error.c_str());
        QCOMPARE(t->parts().size(), size_t(5));
        QCOMPARE(t->secretNames(), (std::vector<std::string> { "GITHUB_TOKEN", "B2" }));
        const std::string out = t->render([](const std::string &name) { return "<" + name + ">"; });
        QCOMPARE(out, std::string("Bearer <GITHUB_TOKEN> and <B2><GITHUB_TOKEN>"));
        QVERIFY(SecretTemplate::parse("", &error));
        QVERIFY(SecretTemplate::parse("no references at all", &error));
    }

    void templatesRefuseWhatIsNotAReference_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("unclosed") << "Bearer {{secret.X"
                                  << "not closed";
        QTest::newRow("stray close") << "a }} b"
                                     << "closes no";
        QTest::newRow("other variable") << "{{env.HOME}}"
                                        << "not a secret reference";
        QTest::newRow("empty name") << "{{secret.}}"
                                    << "not a secret name";
        QTest::newRow("name with dash") << "{{secret.A-B}}"
                                        << "not a secret name";
        QTest::newRow("nested") << "{{secret.{{secret.A}}}}"
                                << "inside a reference";
        QTest::newRow("too long") << QString(9000, u'a') << "limited";
    }
    void templatesRefuseWhatIsNotAReference()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        std::string error;
        QVERIFY(!SecretTemplate::parse(text.toStdString(), &error));
        QVERIFY2(QString::fromStdString(error).contains(says), error.c_str());
    }

    void rulesRefuseInjectionsThatCannotBeSent_data()
    {
        using K = EgressInjection::Kind;
        QTest::addColumn<int>("action");
        QTest::addColumn<EgressInjections>("inject");
        QTest::addColumn<QString>("says");
        QTest::newRow("deny injects") << int(EgressAction::Deny)
                                      << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                                             QStringLiteral("{{secret.A}}") } }
                                      << "only an inspect";
        QTest::newRow("reserved header")
            << int(EgressAction::Inspect)
            << EgressInjections { { K::Header, QStringLiteral("Content-Length"),
                   QStringLiteral("1") } }
            << "Paddock's to write";
        QTest::newRow("host") << int(EgressAction::Inspect)
                              << EgressInjections { { K::Header, QStringLiteral("HOST"),
                                     QStringLiteral("evil.test") } }
                              << "Paddock's to write";
        QTest::newRow("bad header name")
            << int(EgressAction::Inspect)
            << EgressInjections { { K::Header, QStringLiteral("X Key"), QStringLiteral("v") } }
            << "not a header name";
        QTest::newRow("bad query name")
            << int(EgressAction::Inspect)
            << EgressInjections { { K::Query, QStringLiteral("a&b"), QStringLiteral("v") } }
            << "not a query parameter name";
        QTest::newRow("control character")
            << int(EgressAction::Inspect)
            << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                   QStringLiteral("a\r\nX-Evil: 1") } }
            << "control character";
        QTest::newRow("bad template") << int(EgressAction::Inspect)
                                      << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                                             QStringLiteral("{{secret.A") } }
                                      << "not closed";
        QTest::newRow("lookalike ${}") << int(EgressAction::Inspect)
                                       << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                                              QStringLiteral("${TOKEN}") } }
                                       << "would be sent as it is";
        QTest::newRow("single braces") << int(EgressAction::Inspect)
                                       << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                                              QStringLiteral("{secret.A}") } }
                                       << "would be sent as it is";
        QTest::newRow("twice") << int(EgressAction::Inspect)
                               << EgressInjections { { K::Header, QStringLiteral("X-Key"),
                                                         QStringLiteral("1") },
                                      { K::Header, QStringLiteral("x-key"), QStringLiteral("2") } }
                               << "set twice";
    }
    void rulesRefuseInjectionsThatCannotBeSent()
    {
        QFETCH(int, action);
        QFETCH(EgressInjections, inject);
        QFETCH(QString, says);
        const auto checked = validateEgressRule(injecting(EgressAction(action), inject));
        QVERIFY(!checked);
        QVERIFY2(checked.error().message.contains(says), qPrintable(checked.error().message));
    }

    // The pattern is where the secret goes: the sandbox must not choose it.
    void anInjectingRuleNamesItsHost_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("host") << "api.test" << true;
        QTest::newRow("subdomains") << "*.api.test" << true;
        QTest::newRow("one address") << "10.0.0.5" << true;
        QTest::newRow("anything") << "*" << false;
        QTest::newRow("a top-level domain") << "*.com" << false;
        QTest::newRow("a block") << "10.0.0.0/8" << false;
        QTest::newRow("v6 block") << "2001:db8::/32" << false;
    }
    void anInjectingRuleNamesItsHost()
    {
        QFETCH(QString, pattern);
        QFETCH(bool, accepted);
        EgressRule rule = injecting(EgressAction::Inspect,
            { { EgressInjection::Kind::Header, QStringLiteral("Authorization"),
                QStringLiteral("Bearer {{secret.A}}") } });
        rule.pattern = pattern;
        const auto checked = validateEgressRule(rule);
        QCOMPARE(bool(checked), accepted);
        if (!accepted)
            QVERIFY(
                checked.error().message.contains(QStringLiteral("wherever the sandbox connects")));
        rule.inject.clear(); // without injections any pattern may inspect
        QVERIFY(validateEgressRule(rule));
    }

    void aGoodInjectingRuleIsAccepted()
    {
        using K = EgressInjection::Kind;
        const EgressRule rule = injecting(EgressAction::Inspect,
            { { K::Header, QStringLiteral("Authorization"), QStringLiteral("Bearer {{secret.A}}") },
                { K::Query, QStringLiteral("api_key"), QStringLiteral("{{secret.B}}") } });
        QVERIFY(validateEgressRule(rule));
        QCOMPARE(injectedSecretNames(rule.inject),
            (QStringList { QStringLiteral("A"), QStringLiteral("B") }));
        QCOMPARE(
            egressActionFromName(QStringLiteral("inspect")), std::optional(EgressAction::Inspect));
    }

    // The sandbox's own Authorization (any spelling) is replaced, not joined.
    void aHeaderReplacesEveryFieldOfItsName()
    {
        auto request
            = parsed("GET /v1/user HTTP/1.1\r\nHost: api.test\r\nauthorization: Bearer forged\r\n"
                     "Accept: */*\r\nAUTHORIZATION: Basic Zm9v\r\n\r\n");
        QVERIFY(request);
        const InjectionOutcome out = applyInjections(*request,
            { { false, "Authorization", "Bearer {{secret.T}}" } }, { { "T", "s3cr3t-value" } });
        QVERIFY2(out.problem.empty(), out.problem.c_str());
        QCOMPARE(out.secretNames, std::vector<std::string> { "T" });
        const std::string head = request->upstreamHead(false);
        QCOMPARE(head,
            std::string("GET /v1/user HTTP/1.1\r\nHost: api.test\r\nAccept: */*\r\nAuthorization: "
                        "Bearer s3cr3t-value\r\n\r\n"));
    }

    void aQueryParameterReplacesEveryOneOfItsName()
    {
        auto request = parsed("GET /search?q=a%20b&api%5Fkey=forged&api_key=again&x "
                              "HTTP/1.1\r\nHost: api.test\r\n\r\n");
        QVERIFY(request);
        const InjectionOutcome out = applyInjections(
            *request, { { true, "api_key", "{{secret.K}}" } }, { { "K", "a+b/c=d&e" } });
        QVERIFY2(out.problem.empty(), out.problem.c_str());
        QVERIFY(std::find(out.sentValues.begin(), out.sentValues.end(), "a%2Bb%2Fc%3Dd%26e")
            != out.sentValues.end());
        const std::string head = request->upstreamHead(false);
        QVERIFY2(head.rfind("GET /search?q=a%20b&x&api_key=a%2Bb%2Fc%3Dd%26e HTTP/1.1\r\n", 0) == 0,
            head.c_str());
    }

    // A value that would split the head goes nowhere; nor does a request
    // missing a value: it is injected whole or not sent.
    void aRequestIsInjectedWholeOrNotAtAll()
    {
        auto request = parsed("GET / HTTP/1.1\r\nHost: api.test\r\n\r\n");
        QVERIFY(request);
        InjectionOutcome out = applyInjections(*request,
            { { false, "X-One", "{{secret.GOOD}}" }, { false, "X-Two", "{{secret.BAD}}" } },
            { { "GOOD", "fine" }, { "BAD", "evil\r\nX-Injected: 1" } });
        QVERIFY(QString::fromStdString(out.problem).contains("control character"));
        QVERIFY(request->upstreamHead(false).find("X-One") == std::string::npos);
        out = applyInjections(*request, { { false, "X-One", "{{secret.ABSENT}}" } }, {});
        QVERIFY(QString::fromStdString(out.problem).contains("ABSENT"));
    }

    void placeholdersAreFoundByTheirShape()
    {
        const std::string digits(24, 'a');
        const std::string good = placeholderFor("API_KEY", "0123456789abcdef01234567");
        const std::string text = "Bearer " + good + " and x" + good + " and "
            + placeholderFor("A", digits) + "," + "paddock_ph_1BAD_" + digits
            + " paddock_ph_SHORT_abc paddock_ph_UPPER_" + std::string(24, 'A');
        const std::vector<PlaceholderHit> hits = findPlaceholders(text);
        QCOMPARE(hits.size(),
            size_t(2)); // not inside a longer word, not a bad name, not short or upper-case digits
        QCOMPARE(hits[0].secretName, std::string("API_KEY"));
        QCOMPARE(text.substr(hits[0].offset, hits[0].length), good);
        QCOMPARE(hits[1].secretName, std::string("A"));
        QVERIFY(findPlaceholders("").empty());
        QVERIFY(findPlaceholders("paddock_ph_").empty());
    }

    // Only the placeholder given out counts: one of the same shape with other digits is not it.
    void placeholdersAreFoundInHeadersAndTheQuery()
    {
        const std::string ph = placeholderFor("K", "0123456789abcdef01234567");
        const std::string forged = placeholderFor("K", "ffffffffffffffffffffffff");
        auto inQuery = parsed("GET /x?key=" + ph + " HTTP/1.1\r\nHost: api.test\r\n\r\n");
        auto inHeader = parsed("GET /x HTTP/1.1\r\nHost: api.test\r\nX-Key: a " + ph + "\r\n\r\n");
        auto forgedOnly = parsed("GET /x?f=" + forged
            + " HTTP/1.1\r\nHost: api.test\r\nX-Other: " + forged + "\r\n\r\n");
        QVERIFY(inQuery && inHeader && forgedOnly);
        QCOMPARE(placeholdersIn(*inQuery, { { "K", ph } }), std::vector<std::string> { "K" });
        QCOMPARE(placeholdersIn(*inHeader, { { "K", ph } }), std::vector<std::string> { "K" });
        QVERIFY(placeholdersIn(*forgedOnly, { { "K", ph } }).empty());
        // Injecting the field it was in replaces it whole.
        const InjectionOutcome out = applyInjections(
            *inHeader, { { false, "X-Key", "{{secret.K}}" } }, { { "K", "value" } });
        QVERIFY(out.problem.empty());
        QVERIFY(placeholdersIn(*inHeader, { { "K", ph } }).empty());
    }

    void theRedactorMasksValuesSplitAcrossReads()
    {
        SecretRedactor r;
        r.addValue("ghs_abcdef123456");
        r.addValue("abc"); // too short to be a credential: left alone
        QCOMPARE(redacted(r, { "{\"auth\": \"Bearer ghs_abc", "def123456\", \"abc\": 1}" }),
            std::string("{\"auth\": \"Bearer ****************\", \"abc\": 1}"));
        QCOMPARE(r.masked(), size_t(1));
        // Byte by byte, twice in a row.
        std::vector<std::string> bytes;
        for (char c : std::string("xghs_abcdef123456ghs_abcdef123456y"))
            bytes.emplace_back(1, c);
        QCOMPARE(redacted(r, bytes), "x" + std::string(32, '*') + "y");
    }

    // An upstream that folds case (an HTTP/2 field name, a lower-casing
    // echo) hands back the value all the same: masked too.
    void theRedactorMasksTheLowerCaseFormOfAValue()
    {
        SecretRedactor r;
        r.addValue("S3cr3tV4lu3-XyZ");
        QCOMPARE(redacted(r, { "x-s3cr3tv4lu3-xyz: 1\r\nA: S3cr3tV4lu3-XyZ" }),
            "x-" + std::string(15, '*') + ": 1\r\nA: " + std::string(15, '*'));
        QCOMPARE(r.masked(), size_t(2));
        // The log's view of header names, too.
        QCOMPARE(r.masked(std::string_view("X-S3cr3tV4lu3-XyZ")), "X-" + std::string(15, '*'));
    }

    // An honest echo of a value: in upper case, or inside a JSON string
    // ('"' and '\' escaped always, '/' by PHP, '<>&' by Go's encoders).
    void theRedactorMasksTheFormsAnEchoGivesAValue()
    {
        SecretRedactor r;
        r.addValue("Ab+/cd=ef&gh\"kl\\mn<op>");
        for (const std::string &echoed : { std::string("AB+/CD=EF&GH\"KL\\MN<OP>"), std::string("Ab+/cd=ef&gh\\\"kl\\\\mn<op>"),
                 std::string("Ab+\\/cd=ef&gh\\\"kl\\\\mn<op>"), std::string("Ab+/cd=ef\\u0026gh\\\"kl\\\\mn\\u003cop\\u003e") }) {
            const std::string out = redacted(r, { "{\"k\": \"" + echoed + "\"}" });
            QVERIFY2(out == "{\"k\": \"" + std::string(echoed.size(), '*') + "\"}", out.c_str());
        }
    }

    // An answer that ends part-way through a value (an upstream that cuts,
    // a range) hands over no piece of it; a short coincidence stays.
    void theRedactorMasksAValueCutShortAtTheEnd()
    {
        SecretRedactor r;
        r.addValue("supersecretvalue123");
        QCOMPARE(redacted(r, { "echo: supersecretvalue12" }),
            std::string("echo: ") + std::string(18, '*'));
        QCOMPARE(redacted(r, { "ends with sup" }), std::string("ends with sup"));
        QCOMPARE(redacted(r, { "ends with supe" }), std::string("ends with ****"));
    }

    // A pause lets held bytes go (a streamed message must not wait); a
    // value they began is masked where it goes on, so the sandbox never
    // gets more of it than the pause let through.
    void aValueSplitByAPauseIsMaskedWhereItGoesOn()
    {
        SecretRedactor r;
        r.addValue("secretvalue123");
        std::string out;
        r.feed("Asec", out);
        r.flush(out);
        QCOMPARE(out, std::string("Asec"));
        r.feed("ret", out); // shorter than the rest: held, still remembered
        r.feed("value123Z and more text", out);
        r.flush(out);
        QCOMPARE(out, std::string("Asec") + std::string(11, '*') + "Z and more text");
        std::string plain;
        r.feed("sec", plain);
        r.flush(plain);
        r.feed("ond message", plain); // begins like the value, is not it
        r.flush(plain);
        QCOMPARE(plain, std::string("second message"));
    }

    // Always the same tail, match or not: what arrives when tells the
    // sandbox nothing about how much of a value it has guessed.
    void theRedactorHoldsBackTheSameWhateverTheBytes()
    {
        for (const std::string &sent : { std::string("hello sec"), std::string("hello xyz") }) {
            SecretRedactor r;
            r.addValue("secret-token");
            std::string out;
            r.feed(sent, out);
            QCOMPARE(out, std::string());
            QCOMPARE(r.held(), size_t(9));
            r.feed("ond thing", out);
            QCOMPARE(out, sent.substr(0, 7));
            QCOMPARE(r.held(), size_t(11));
            r.flush(out); // a pause: what was held goes as it is
            QCOMPARE(out, sent + "ond thing");
        }
    }

    void theLongerOfTwoOverlappingValuesIsMaskedWhole()
    {
        SecretRedactor r;
        r.addValue("token");
        r.addValue("token-with-suffix");
        QCOMPARE(redacted(r, { "a token-with-suffix b token c" }),
            std::string("a ***************** b ***** c"));
    }
};

QTEST_GUILESS_MAIN(TstEgressInjection)
#include "tst_egress_injection.moc"
