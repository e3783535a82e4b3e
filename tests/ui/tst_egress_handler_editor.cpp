// The handler editor over a real engine (its paddock-handler helper runs
// the scripts): a handler tried on a sample request shows the header it
// signs and what it logged, with the secret it was handed masked and in no
// widget; denials, local answers, errors and malformed samples are shown
// as such; a file loads into it; saving replaces the rule's handler and
// nothing else of the rule; removing it leaves the rule.
#include "egress_editors_fixture.h"
#include "shown_text.h"

#include "egress/egress_handler_editor.h"
#include "egress/egress_handler_trial.h"
#include "egress/problem_label.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageAuthenticationCode>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

namespace {

const QString kSigner = QStringLiteral(
    "function handle(request, secrets) {\n"
    "  console.log('signing with ' + secrets.SIGNING_KEY);\n"
    "  request.headers['x-signature'] = Paddock.hmacSha256(secrets.SIGNING_KEY, request.body);\n"
    "  return request;\n"
    "}\n");

} // namespace

class TstEgressHandlerEditor : public QObject {
    Q_OBJECT

    EgressEditorsFixture m_fx;
    QPointer<EgressHandlerEditor> m_editor;
    const QByteArray m_key
        = "sk_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);

    EgressHandlerTrial *trial() { return m_editor->trial(); }
    // Runs the trial and waits for what it shows.
    QString tryIt()
    {
        QSignalSpy tried(trial(), &EgressHandlerTrial::tried);
        trial()->tryButton()->click();
        if (tried.isEmpty() && !tried.wait(kWaitMs)) return QStringLiteral("(no outcome)");
        return trial()->lastOutcome();
    }
    Result<EgressRule> engineRule()
    {
        const QString id = m_fx.sandbox.id;
        return onEngine<EgressRule>(*m_fx.engine, [id](Engine &e) -> Result<EgressRule> {
            auto rules = e.egressRules(id);
            if (!rules) return tl::unexpected(rules.error());
            if (rules->isEmpty()) return fail(ErrorCode::NotFound, QStringLiteral("no rule"));
            return rules->first();
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("handlers"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QString id = m_fx.sandbox.id;
        const QByteArray key = m_key;
        QVERIFY(onEngine<EgressRule>(*m_fx.engine, [id, key](Engine &e) -> Result<EgressRule> {
            if (auto set = e.setSecret(QStringLiteral("SIGNING_KEY"), key); !set)
                return tl::unexpected(set.error());
            if (auto set = e.setSecret(QStringLiteral("UNUSED"), "not-handed-to-it"); !set)
                return tl::unexpected(set.error());
            EgressRule rule;
            rule.pattern = QStringLiteral("api.sign.test");
            rule.action = EgressAction::Inspect;
            rule.method = QStringLiteral("POST");
            rule.reason = QStringLiteral("payments");
            return e.addEgressRule(id, rule);
        }));
        QTRY_COMPARE(m_fx.page->rules().rowCount(), 1);
    }
    void cleanupTestCase()
    {
        delete m_editor;
        m_fx.tearDown();
    }

    void theHandlerButtonOpensTheEditorForTheSelectedRule()
    {
        auto *button = m_fx.page->findChild<QPushButton *>(QStringLiteral("editEgressRuleHandler"));
        QVERIFY(button && !button->isEnabled()); // nothing selected
        m_fx.page->ruleView()->setCurrentIndex(
            m_fx.page->rules().index(0, EgressRuleModel::Pattern));
        QVERIFY(button->isEnabled());
        m_editor = m_fx.page->editSelectedHandler();
        QVERIFY(m_editor && m_editor->isVisible());
        QSignalSpy listed(m_editor.data(), &EgressHandlerEditor::secretsListed);
        QVERIFY(listed.wait(kWaitMs));
        QCOMPARE(m_editor->secretChoices().rowCount(), 2);
        QVERIFY(m_editor->handler().secrets.isEmpty()); // none handed until chosen
        QVERIFY(m_editor->sourceEdit()->toPlainText().contains(
            QStringLiteral("function handle(request, secrets)")));
        QCOMPARE(trial()->urlEdit()->text(), QStringLiteral("https://api.sign.test/"));
        QCOMPARE(trial()->methodBox()->currentText(), QStringLiteral("POST")); // the rule's
    }

    void aTriedHandlerShowsTheSignedHeaderAndNeverTheSecret()
    {
        m_editor->nameEdit()->setText(QStringLiteral("sign.js"));
        m_editor->sourceEdit()->setPlainText(kSigner);
        QVERIFY(m_editor->chooseSecret(QStringLiteral("SIGNING_KEY"), true));
        trial()->headersEdit()->setPlainText(QStringLiteral("Content-Type: application/json"));
        trial()->bodyEdit()->setPlainText(QStringLiteral("{\"amount\":42}"));
        QCOMPARE(tryIt(), QStringLiteral("send"));
        const QString shown = trial()->resultView()->toPlainText();
        const QByteArray signature
            = QMessageAuthenticationCode::hash("{\"amount\":42}", m_key, QCryptographicHash::Sha256)
                  .toHex();
        QVERIFY2(
            shown.startsWith(QStringLiteral("POST https://api.sign.test/\n")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("x-signature: ") + QString::fromLatin1(signature)),
            qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("signing with {{secret.SIGNING_KEY}}")),
            qPrintable(shown));
        QVERIFY(shown.contains(QStringLiteral("{\"amount\":42}")));
        QVERIFY(trial()->outcomeLabel()->text().contains(QStringLiteral("Sent upstream")));
        QVERIFY2(textsContaining(QString::fromLatin1(m_key)).isEmpty(),
            qPrintable(textsContaining(QString::fromLatin1(m_key)).join(u'\n')));
        QVERIFY(saveScreenshot(m_editor, QStringLiteral("egress-handler-editor-light")));
        QVERIFY(wearLook(m_editor, Appearance::Dark));
        QVERIFY(saveScreenshot(m_editor, QStringLiteral("egress-handler-editor-dark")));
        QVERIFY(wearLook(m_editor, Appearance::System));
    }

    void denialsAnswersAndErrorsAreShownAsSuch()
    {
        const QString kept = m_editor->sourceEdit()->toPlainText();
        m_editor->sourceEdit()->setPlainText(QStringLiteral(
            "function handle(r) { return Paddock.deny('no payments from agents'); }"));
        // Return in the URL tries; it does not save and close the editor.
        QSignalSpy tried(trial(), &EgressHandlerTrial::tried);
        QTest::keyClick(trial()->urlEdit(), Qt::Key_Return);
        QVERIFY(tried.count() > 0 || tried.wait(kWaitMs));
        QCOMPARE(tried.count(), 1);
        QCOMPARE(trial()->lastOutcome(), QStringLiteral("deny"));
        QVERIFY(m_editor->isVisible());
        QVERIFY(engineRule()->handler.isEmpty());
        QVERIFY(trial()->resultView()->toPlainText().contains(
            QStringLiteral("Reason: no payments from agents")));

        m_editor->sourceEdit()->setPlainText(
            QStringLiteral("function handle(r) { return Paddock.respond(201, { made: true }); }"));
        QCOMPARE(tryIt(), QStringLiteral("respond"));
        QVERIFY2(trial()->resultView()->toPlainText().startsWith(QStringLiteral("Status 201")),
            qPrintable(trial()->resultView()->toPlainText()));
        QVERIFY(trial()->resultView()->toPlainText().contains(QStringLiteral("\"made\":true")));

        m_editor->sourceEdit()->setPlainText(QStringLiteral(
            "function handle(r, s) { throw new Error('broken with ' + s.SIGNING_KEY); }"));
        QCOMPARE(tryIt(), QStringLiteral("error"));
        QVERIFY2(trial()->resultView()->toPlainText().contains(
                     QStringLiteral("broken with {{secret.SIGNING_KEY}}")),
            qPrintable(trial()->resultView()->toPlainText()));
        QVERIFY(textsContaining(QString::fromLatin1(m_key)).isEmpty());

        m_editor->sourceEdit()->setPlainText(QStringLiteral("function handle(r) { return r; "));
        QCOMPARE(tryIt(), QStringLiteral("error")); // a syntax error
        m_editor->sourceEdit()->setPlainText(kept);
    }

    void aMalformedSampleIsNotTried()
    {
        trial()->headersEdit()->setPlainText(
            QStringLiteral("Content-Type: application/json\nno colon here"));
        QCOMPARE(tryIt(), QStringLiteral("not tried"));
        QVERIFY2(trial()->outcomeLabel()->text().contains(QStringLiteral("header line 2")),
            qPrintable(trial()->outcomeLabel()->text()));
        trial()->headersEdit()->clear();
        trial()->urlEdit()->setText(QStringLiteral("http://api.sign.test/"));
        QCOMPARE(tryIt(), QStringLiteral("not tried"));
        QVERIFY2(trial()->outcomeLabel()->text().contains(QStringLiteral("https URL")),
            qPrintable(trial()->outcomeLabel()->text()));
        trial()->urlEdit()->setText(QStringLiteral("https://api.sign.test/"));
    }

    void aScriptLoadsFromAFile()
    {
        QTemporaryDir dir;
        QFile script(dir.filePath(QStringLiteral("from-disk.js")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("function handle(request) { return request; } // from disk\n");
        script.close();
        const QString before = m_editor->sourceEdit()->toPlainText();
        QSignalSpy loaded(m_editor.data(), &EgressHandlerEditor::fileLoaded);
        m_editor->loadFile(script.fileName());
        QVERIFY(loaded.wait(kWaitMs));
        QVERIFY(m_editor->sourceEdit()->toPlainText().endsWith(QStringLiteral("// from disk\n")));
        QCOMPARE(m_editor->nameEdit()->text(), QStringLiteral("from-disk.js"));

        QFile binary(dir.filePath(QStringLiteral("binary.js")));
        QVERIFY(binary.open(QIODevice::WriteOnly));
        binary.write(QByteArray("\xff\xfe\x00\x01", 4));
        binary.close();
        m_editor->loadFile(binary.fileName());
        QVERIFY(loaded.wait(kWaitMs));
        QVERIFY2(m_editor->problem()->text().contains(QStringLiteral("not UTF-8 text")),
            qPrintable(m_editor->problem()->text()));
        QVERIFY(m_editor->sourceEdit()->toPlainText().endsWith(
            QStringLiteral("// from disk\n"))); // unchanged
        m_editor->sourceEdit()->setPlainText(before);
        m_editor->nameEdit()->setText(QStringLiteral("sign.js"));
    }

    // Only the handler changes: a reason changed meanwhile elsewhere stays.
    void savingReplacesTheRulesHandlerAndNothingElse()
    {
        const QString id = m_fx.sandbox.id;
        QVERIFY(onEngine<EgressRule>(*m_fx.engine, [id](Engine &e) -> Result<EgressRule> {
            EgressRule r = e.egressRules(id)->first();
            r.reason = QStringLiteral("changed meanwhile");
            return e.updateEgressRule(id, r);
        }));
        const EgressHandler expected = m_editor->handler();
        QCOMPARE(expected.secrets, QStringList { QStringLiteral("SIGNING_KEY") });
        QPointer<EgressHandlerEditor> editor = m_editor;
        m_editor->saveButton()->click();
        QTRY_VERIFY(!editor || !editor->isVisible());
        auto rule = engineRule();
        QVERIFY(rule);
        QCOMPARE(rule->handler, expected);
        QCOMPARE(rule->reason, QStringLiteral("changed meanwhile"));
        QCOMPARE(rule->method, QStringLiteral("POST"));
        QTRY_COMPARE(m_fx.page->rules().index(0, EgressRuleModel::Credentials).data().toString(),
            QStringLiteral("sign.js"));
    }

    void aRefusedHandlerSaysWhyAndRemovingItKeepsTheRule()
    {
        m_fx.page->ruleView()->setCurrentIndex(
            m_fx.page->rules().index(0, EgressRuleModel::Pattern));
        m_editor = m_fx.page->editSelectedHandler();
        QVERIFY(m_editor);
        QSignalSpy listed(m_editor.data(), &EgressHandlerEditor::secretsListed);
        QVERIFY(listed.wait(kWaitMs));
        QCOMPARE(m_editor->sourceEdit()->toPlainText(), kSigner); // the saved one, loaded
        QCOMPARE(m_editor->handler().secrets, QStringList { QStringLiteral("SIGNING_KEY") });
        m_editor->sourceEdit()->setPlainText(QStringLiteral("   "));
        m_editor->saveButton()->click();
        QTRY_VERIFY(m_editor->problem()->isVisible());
        QVERIFY2(m_editor->problem()->text().contains(QStringLiteral("a handler needs a script")),
            qPrintable(m_editor->problem()->text()));
        QCOMPARE(engineRule()->handler.source, kSigner);

        m_editor->findChild<QPushButton *>(QStringLiteral("removeEgressHandler"))->click();
        QTRY_VERIFY(engineRule() && engineRule()->handler.isEmpty());
        QCOMPARE(engineRule()->pattern, QStringLiteral("api.sign.test"));
        QVERIFY(m_editor->isVisible()); // the script is still here to save again
        m_editor->reject();
    }
};

QTEST_MAIN(TstEgressHandlerEditor)
#include "tst_egress_handler_editor.moc"
