// The rule editor over a real engine and sandbox: an injection added in
// it creates the inspect rule in the engine, and the sandbox's request
// then reaches a local HTTPS upstream (tests/helpers/https_echo_server.py)
// with the secret in its header while the sandbox never sees the value;
// the engine's refusals (a reserved header, a template slip, a deny rule
// that would inject, a rule that names no host) are shown in the editor,
// which stays open with everything as typed; removing an injection
// removes it in the engine.
#include "egress_editors_fixture.h"
#include "shown_text.h"
#include "upstream_servers.h"

#include "egress/egress_injection_editor.h"
#include "egress/egress_rule_dialog.h"
#include "egress/problem_label.h"
#include "egress/secrets_manager.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableView>
#include <QTemporaryDir>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

EgressInjection header(const QString &name, const QString &value)
{
    return EgressInjection { EgressInjection::Kind::Header, name, value };
}

} // namespace

class TstEgressRuleEditor : public QObject {
    Q_OBJECT

    EgressEditorsFixture m_fx;
    std::unique_ptr<TestCa> m_ca;
    QTemporaryDir m_gitRoot;
    HttpsEchoUpstream m_echo;
    const QByteArray m_token
        = "ghp_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);

    Result<QList<EgressRule>> engineRules()
    {
        const QString id = m_fx.sandbox.id;
        return onEngine<QList<EgressRule>>(
            *m_fx.engine, [id](Engine &e) { return e.egressRules(id); });
    }
    // The rule editor for the page's first rule, once the page lists it.
    EgressRuleDialog *editFirstRule()
    {
        if (!QTest::qWaitFor([this] { return m_fx.page->rules().rowCount() > 0; }, kWaitMs))
            return nullptr;
        m_fx.page->ruleView()->setCurrentIndex(
            m_fx.page->rules().index(0, EgressRuleModel::Pattern));
        return m_fx.page->editSelectedRule();
    }
    // Saves and waits for the engine's answer: closed (true) or refused.
    bool saveAndClose(EgressRuleDialog *dialog)
    {
        QPointer<EgressRuleDialog> alive(dialog);
        dialog->saveButton()->click();
        (void)QTest::qWaitFor(
            [&] { return !alive || !alive->isVisible() || alive->problem()->isVisible(); },
            kWaitMs);
        return !alive || !alive->isVisible();
    }
    void setCell(EgressRuleDialog *dialog, int row, int column, const QString &text)
    {
        EgressInjectionModel &model = dialog->injections()->model();
        QVERIFY(model.setData(model.index(row, column), text, Qt::EditRole));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ca = makeTestCa({ QStringLiteral("api.echo.test") });
        QVERIFY2(m_ca->error.isEmpty(), qPrintable(m_ca->error));
        const QString started = m_echo.start(m_ca->dir.path() + QStringLiteral("/leaf.pem"),
            m_ca->dir.path() + QStringLiteral("/leaf.key"), m_gitRoot.path());
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const QString failed = m_fx.setUp(QStringLiteral("creds"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QByteArray pem = fileBytes(m_ca->caFile);
        const quint16 port = m_echo.port;
        const QByteArray token = m_token;
        QVERIFY(onEngine<void>(*m_fx.engine, [pem, port, token](Engine &e) -> Result<void> {
            if (auto trusted = e.trustUpstreamCa(pem); !trusted)
                return tl::unexpected(trusted.error());
            if (auto set = e.setSecret(QStringLiteral("GITHUB_TOKEN"), token); !set)
                return tl::unexpected(set.error());
            return e.setHostOverride(HostOverride {
                QStringLiteral("api.echo.test"), QStringLiteral("127.0.0.1"), port });
        }));
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    // Typed as a person would: Add header opens the name for editing, Tab
    // moves to the value, Return commits it.
    void anInjectionAddedInTheEditorCreatesTheRule()
    {
        m_fx.page->findChild<QLineEdit *>(QStringLiteral("egressPattern"))
            ->setText(QStringLiteral("api.echo.test"));
        EgressRuleDialog *dialog = m_fx.page->newRuleFromForm();
        QVERIFY(dialog && dialog->isVisible());
        QAbstractItemModelTester tester(
            &dialog->injections()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(dialog->patternEdit()->text(), QStringLiteral("api.echo.test"));
        dialog->actionBox()->setCurrentText(QStringLiteral("inspect"));
        QVERIFY(!dialog->handlerButton()->isEnabled()); // a new rule gets its handler once added
        dialog->activateWindow();
        QTRY_VERIFY(dialog->isActiveWindow());
        dialog->findChild<QPushButton *>(QStringLiteral("addInjectedHeader"))->click();
        QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("Authorization"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
        QTest::keyClicks(
            QApplication::focusWidget(), QStringLiteral("Bearer {{secret.GITHUB_TOKEN}}"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_COMPARE(dialog->injections()->model().injections(),
            EgressInjections { header(QStringLiteral("Authorization"),
                QStringLiteral("Bearer {{secret.GITHUB_TOKEN}}")) });
        // Return ended the cell's editing, and did not save the rule half
        // typed (a save in flight disables Save at once, a finished one closes).
        QVERIFY(dialog->isVisible() && dialog->saveButton()->isEnabled());
        QCOMPARE(engineRules()->size(), 0);
        QVERIFY(saveExpectingClose(dialog));

        auto rules = engineRules();
        QVERIFY(rules && rules->size() == 1);
        QCOMPARE(rules->first().action, EgressAction::Inspect);
        QCOMPARE(rules->first().pattern, QStringLiteral("api.echo.test"));
        QCOMPARE(rules->first().inject,
            EgressInjections { header(QStringLiteral("Authorization"),
                QStringLiteral("Bearer {{secret.GITHUB_TOKEN}}")) });
        QTRY_COMPARE(m_fx.page->rules().index(0, EgressRuleModel::Credentials).data().toString(),
            QStringLiteral("Authorization"));
    }

    // What the editor saved works: the upstream gets the credential, the
    // sandbox never sees it.
    void theSandboxsRequestCarriesTheSecretItNeverSees()
    {
        const CliRun run = m_fx.cli({ QStringLiteral("exec"), QStringLiteral("creds"),
            QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
            QStringLiteral("https://api.echo.test/whoami") });
        // The upstream echoes what it received; Paddock masks the credential in it.
        QVERIFY2(run.exitCode == 0 && run.out.contains("\"path\": \"/whoami\""), run.out + run.err);
        QJsonObject headers;
        QVERIFY(QTest::qWaitFor(
            [&] { return !(headers = m_echo.headersOf("request GET /whoami")).isEmpty(); },
            kWaitMs));
        QString authorization;
        for (auto it = headers.begin(); it != headers.end(); ++it)
            if (it.key().compare(QStringLiteral("authorization"), Qt::CaseInsensitive) == 0)
                authorization = it.value().toString();
        QCOMPARE(authorization, QStringLiteral("Bearer ") + QString::fromLatin1(m_token));
        QVERIFY(!run.out.contains(m_token) && !run.err.contains(m_token));
        QVERIFY(textsContaining(QString::fromLatin1(m_token)).isEmpty());
    }

    void theEnginesRefusalIsShownAndTheEditorKeepsWhatWasTyped()
    {
        EgressRuleDialog *dialog = editFirstRule();
        QVERIFY(dialog);
        QCOMPARE(dialog->injections()->model().rowCount(), 1);
        dialog->injections()->addInjection(EgressInjection::Kind::Header);
        setCell(dialog, 1, EgressInjectionModel::Name, QStringLiteral("Host"));
        setCell(dialog, 1, EgressInjectionModel::Value, QStringLiteral("evil.test"));
        QVERIFY(!saveAndClose(dialog));
        QVERIFY2(dialog->problem()->text().contains(
                     QStringLiteral("the Host header is Paddock's to write")),
            qPrintable(dialog->problem()->text()));
        QCOMPARE(dialog->injections()->model().rowCount(), 2); // as typed, to fix

        setCell(dialog, 1, EgressInjectionModel::Name, QStringLiteral("X-Api-Key"));
        setCell(dialog, 1, EgressInjectionModel::Value, QStringLiteral("{secret.GITHUB_TOKEN}"));
        QVERIFY(!saveAndClose(dialog));
        QVERIFY2(dialog->problem()->text().contains(
                     QStringLiteral("a secret is written {{secret.NAME}}")),
            qPrintable(dialog->problem()->text()));

        dialog->actionBox()->setCurrentText(QStringLiteral("deny"));
        setCell(dialog, 1, EgressInjectionModel::Value, QStringLiteral("{{secret.GITHUB_TOKEN}}"));
        QVERIFY(!saveAndClose(dialog));
        QVERIFY2(dialog->problem()->text().contains(
                     QStringLiteral("only an inspect (or allow) rule injects")),
            qPrintable(dialog->problem()->text()));

        auto rules = engineRules(); // nothing refused reached the rule
        QVERIFY(rules && rules->size() == 1 && rules->first().inject.size() == 1
            && rules->first().action == EgressAction::Inspect);
        dialog->reject();
    }

    void aRuleForAnyHostCannotInject()
    {
        m_fx.page->findChild<QLineEdit *>(QStringLiteral("egressPattern"))
            ->setText(QStringLiteral("*"));
        EgressRuleDialog *dialog = m_fx.page->newRuleFromForm();
        dialog->actionBox()->setCurrentText(QStringLiteral("inspect"));
        dialog->injections()->addInjection(EgressInjection::Kind::Query);
        setCell(dialog, 0, EgressInjectionModel::Name, QStringLiteral("api_key"));
        setCell(dialog, 0, EgressInjectionModel::Value, QStringLiteral("{{secret.GITHUB_TOKEN}}"));
        QVERIFY(!saveAndClose(dialog));
        QVERIFY2(dialog->problem()->text().contains(QStringLiteral("must name where they go")),
            qPrintable(dialog->problem()->text()));
        dialog->reject();
        QCOMPARE(engineRules()->size(), 1);
    }

    void injectionsAreAddedAndRemovedInTheEngine()
    {
        EgressRuleDialog *dialog = editFirstRule();
        QVERIFY(dialog);
        dialog->findChild<QPushButton *>(QStringLiteral("addInjectedQuery"))->click();
        setCell(dialog, 1, EgressInjectionModel::Name, QStringLiteral("api_key"));
        setCell(dialog, 1, EgressInjectionModel::Value, QStringLiteral("{{secret.GITHUB_TOKEN}}"));
        // Remove the header: select it, then Remove.
        dialog->injections()->view()->setCurrentIndex(
            dialog->injections()->model().index(0, EgressInjectionModel::Name));
        dialog->findChild<QPushButton *>(QStringLiteral("removeInjection"))->click();
        QVERIFY(saveExpectingClose(dialog));
        auto rules = engineRules();
        QVERIFY(rules && rules->size() == 1);
        QCOMPARE(rules->first().inject,
            EgressInjections { (EgressInjection { EgressInjection::Kind::Query,
                QStringLiteral("api_key"), QStringLiteral("{{secret.GITHUB_TOKEN}}") }) });
        QTRY_COMPARE(m_fx.page->rules().index(0, EgressRuleModel::Credentials).data().toString(),
            QStringLiteral("?api_key"));
    }

    // The rule editor changes the rule's fields, never its handler, which
    // the handler editor (or the CLI) may have changed meanwhile.
    void savingTheRuleKeepsAHandlerSetMeanwhile()
    {
        EgressRuleDialog *dialog = editFirstRule();
        QVERIFY(dialog);
        const QString id = m_fx.sandbox.id;
        const qint64 ruleId = m_fx.page->rules().ruleAt(0)->id;
        QVERIFY(onEngine<EgressRule>(*m_fx.engine, [id, ruleId](Engine &e) -> Result<EgressRule> {
            auto rules = e.egressRules(id);
            EgressRule r = rules->first();
            r.handler = EgressHandler { QStringLiteral("meanwhile.js"),
                QStringLiteral("function handle(r) { return r; }"), {} };
            return e.updateEgressRule(id, r);
        }));
        dialog->findChild<QLineEdit *>(QStringLiteral("egressRulePattern"))
            ->setText(QStringLiteral("api.echo.test"));
        dialog->findChild<QLineEdit *>(QStringLiteral("egressRuleReason"))
            ->setText(QStringLiteral("kept"));
        QVERIFY(saveExpectingClose(dialog));
        auto rules = engineRules();
        QVERIFY(rules && rules->size() == 1);
        QCOMPARE(rules->first().id, ruleId);
        QCOMPARE(rules->first().reason, QStringLiteral("kept"));
        QCOMPARE(rules->first().handler.name, QStringLiteral("meanwhile.js"));
        QTRY_COMPARE(m_fx.page->rules().index(0, EgressRuleModel::Credentials).data().toString(),
            QStringLiteral("?api_key, meanwhile.js"));
    }

    void theEditorAndTheSecretsManagerOpenFromTheTab()
    {
        m_fx.page->ruleView()->setCurrentIndex(
            m_fx.page->rules().index(0, EgressRuleModel::Pattern));
        auto *edit = m_fx.page->findChild<QPushButton *>(QStringLiteral("editEgressRule"));
        QVERIFY(edit && edit->isEnabled());
        edit->click();
        EgressRuleDialog *dialog = nullptr;
        for (EgressRuleDialog *d : m_fx.page->findChildren<EgressRuleDialog *>())
            if (d->isVisible()) dialog = d;
        QVERIFY(dialog);
        QVERIFY(dialog->handlerButton()->isEnabled());
        QVERIFY(saveScreenshot(dialog, QStringLiteral("egress-rule-editor")));
        QVERIFY(saveScreenshot(m_fx.page.get(), QStringLiteral("egress-tab-with-editors")));
        dialog->reject();
        m_fx.page->findChild<QPushButton *>(QStringLiteral("openSecrets"))->click();
        SecretsManager *manager = m_fx.page->openSecrets();
        QVERIFY(manager && manager->isVisible());
        QCOMPARE(m_fx.page->findChildren<SecretsManager *>().size(), 1); // one window, raised again
        QTRY_VERIFY(manager->secrets().rowOf(QStringLiteral("GITHUB_TOKEN")) >= 0);
        manager->close();
    }

private:
    bool saveExpectingClose(EgressRuleDialog *dialog)
    {
        if (saveAndClose(dialog)) return true;
        qWarning("the engine refused: %s", qPrintable(dialog->problem()->text()));
        return false;
    }
};

QTEST_MAIN(TstEgressRuleEditor)
#include "tst_egress_rule_editor.moc"
