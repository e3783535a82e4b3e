// The secrets manager over a real engine: a value typed into it is stored
// exactly (a handler signs with it) and afterwards is in no widget at all;
// a refused one says why and stays masked; a command secret is checked
// before it is saved and listed with its TTL; a placeholder is made once
// and shown; removal asks and removes.
#include "egress_editors_fixture.h"
#include "shown_text.h"

#include "egress/problem_label.h"
#include "egress/secret_form.h"
#include "egress/secrets_manager.h"

#include <QFile>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageAuthenticationCode>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstSecretsManager : public QObject {
    Q_OBJECT

    EgressEditorsFixture m_fx;
    std::unique_ptr<SecretsManager> m_manager;
    const QString m_value = QStringLiteral("sk_live_")
        + QString::number(QRandomGenerator::system()->generate64(), 36);

    SecretForm *form() { return m_manager->form(); }
    QString cell(const QString &name, int column)
    {
        const int row = m_manager->secrets().rowOf(name);
        return row < 0 ? QString() : m_manager->secrets().index(row, column).data().toString();
    }
    Result<QList<SecretInfo>> engineSecrets()
    {
        return onEngine<QList<SecretInfo>>(*m_fx.engine, [](Engine &e) { return e.secrets(); });
    }
    void setValue(const QString &name, const QString &value)
    {
        form()->nameEdit()->setText(name);
        form()->setSource(SecretForm::Source::Value);
        form()->valueEdit()->clear();
        QTest::keyClicks(form()->valueEdit(), value); // typed, as a person would
        form()->saveButton()->click();
    }
    // Answers the next message box with `which` once it shows.
    void answerNext(QMessageBox::StandardButton which)
    {
        QTimer::singleShot(20, this, [this, which] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box) return answerNext(which);
            box->button(which)->click();
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp({}); // secrets are no sandbox's
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_manager = std::make_unique<SecretsManager>(*m_fx.engine);
        QSignalSpy listed(m_manager.get(), &SecretsManager::reloaded);
        m_manager->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_manager.get()));
        QVERIFY(listed.wait(kWaitMs) || listed.count() > 0);
        QCOMPARE(m_manager->secrets().rowCount(), 0);
    }
    void cleanupTestCase()
    {
        m_manager.reset();
        m_fx.tearDown();
    }

    void aValueSetInTheManagerIsStoredAndShownNowhere()
    {
        setValue(QStringLiteral("API_KEY"), m_value);
        QTRY_VERIFY(m_manager->secrets().rowOf(QStringLiteral("API_KEY")) >= 0);
        QCOMPARE(cell(QStringLiteral("API_KEY"), SecretListModel::Source),
            QStringLiteral("stored value"));
        QVERIFY(form()->valueEdit()->text().isEmpty());
        QVERIFY2(
            textsContaining(m_value).isEmpty(), qPrintable(textsContaining(m_value).join(u'\n')));
        auto listed = engineSecrets();
        QVERIFY(listed && listed->size() == 1 && listed->first().source == SecretSource::Stored);
        QVERIFY(listed->first().problem.isEmpty());

        // The engine holds exactly what was typed: a handler signs with it,
        // and only the signature comes back.
        const EgressHandler signer { QStringLiteral("probe.js"),
            QStringLiteral("function handle(r, s) { return Paddock.respond(200, "
                           "Paddock.hmacSha256(s.API_KEY, 'probe')); }"),
            { QStringLiteral("API_KEY") } };
        const QJsonObject sample { { QStringLiteral("url"),
            QStringLiteral("https://api.example.com/") } };
        auto report = onEngineAsync<QJsonObject>(
            *m_fx.engine, [signer, sample](Engine &e, Callback<QJsonObject> done) {
                e.tryEgressHandler(signer, sample, std::move(done));
            });
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->value(QStringLiteral("outcome")).toString(), QStringLiteral("respond"));
        const QByteArray expected = QMessageAuthenticationCode::hash(
            "probe", m_value.toUtf8(), QCryptographicHash::Sha256)
                                        .toHex();
        QCOMPARE(report->value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("body"))
                     .toString()
                     .toLatin1(),
            expected);
    }

    void aRefusedValueSaysWhyAndStaysMasked()
    {
        const QString other = QStringLiteral("another-value-")
            + QString::number(QRandomGenerator::system()->generate(), 36);
        setValue(QStringLiteral("1BAD"), other);
        QTRY_VERIFY(m_manager->problem()->isVisible());
        QVERIFY2(m_manager->problem()->text().contains(QStringLiteral("is not a secret name")),
            qPrintable(m_manager->problem()->text()));
        // Kept to save again once the name is fixed, but only as dots.
        QVERIFY(form()->valueEdit()->displayText() != other
            && !form()->valueEdit()->displayText().isEmpty());
        QCOMPARE(form()->valueEdit()->echoMode(), QLineEdit::Password);
        QCOMPARE(m_manager->secrets().rowCount(), 1);
        form()->nameEdit()->setText(QStringLiteral("SECOND_KEY"));
        QTest::keyClick(form()->valueEdit(), Qt::Key_Return); // saves; the window stays
        QVERIFY(m_manager->isVisible());
        QTRY_VERIFY(m_manager->secrets().rowOf(QStringLiteral("SECOND_KEY")) >= 0);
        QVERIFY(!m_manager->problem()->isVisible());
        QVERIFY(textsContaining(other).isEmpty());
    }

    void aCommandSecretIsCheckedThenListedWithItsTtl()
    {
        form()->nameEdit()->setText(QStringLiteral("FROM_PASS"));
        form()->setSource(SecretForm::Source::Command);
        form()->commandEdit()->setText(QStringLiteral("printf '%s' made-by-a-command"));
        form()->ttlBox()->setValue(60);
        form()->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_manager->secrets().rowOf(QStringLiteral("FROM_PASS")) >= 0, kWaitMs);
        QCOMPARE(cell(QStringLiteral("FROM_PASS"), SecretListModel::Source),
            QStringLiteral("command: printf '%s' made-by-a-command"));
        QCOMPARE(cell(QStringLiteral("FROM_PASS"), SecretListModel::Ttl), QStringLiteral("60 s"));
        auto listed = engineSecrets();
        QVERIFY(listed);
        const auto it = std::find_if(listed->begin(), listed->end(),
            [](const SecretInfo &s) { return s.name == QStringLiteral("FROM_PASS"); });
        QVERIFY(it != listed->end() && it->source == SecretSource::Command && it->ttlSeconds == 60);
    }

    void aFailingCommandIsNotSavedAndSaysWhy()
    {
        form()->nameEdit()->setText(QStringLiteral("BROKEN"));
        form()->setSource(SecretForm::Source::Command);
        form()->commandEdit()->setText(QStringLiteral("echo locked vault >&2; exit 3"));
        form()->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_manager->problem()->isVisible(), kWaitMs);
        QVERIFY2(m_manager->problem()->text().contains(
                     QStringLiteral("failed (exit status 3): locked vault")),
            qPrintable(m_manager->problem()->text()));
        QCOMPARE(m_manager->secrets().rowOf(QStringLiteral("BROKEN")), -1);
        auto listed = engineSecrets();
        QVERIFY(listed);
        for (const SecretInfo &s : *listed)
            QVERIFY(s.name != QStringLiteral("BROKEN"));
    }

    void aPlaceholderIsMadeOnceAndShown()
    {
        QVERIFY(m_manager->selectSecret(QStringLiteral("API_KEY")));
        auto *button = m_manager->findChild<QPushButton *>(QStringLiteral("showSecretPlaceholder"));
        QVERIFY(button && button->isEnabled());
        QSignalSpy shown(m_manager.get(), &SecretsManager::placeholderShown);
        button->click();
        QVERIFY(shown.wait(kWaitMs));
        const QString placeholder = m_manager->placeholderEdit()->text();
        QVERIFY2(
            placeholder.startsWith(QStringLiteral("paddock_ph_API_KEY_")), qPrintable(placeholder));
        QCOMPARE(cell(QStringLiteral("API_KEY"), SecretListModel::Placeholder), placeholder);
        auto engines = onEngine<QString>(
            *m_fx.engine, [](Engine &e) { return e.secretPlaceholder(QStringLiteral("API_KEY")); });
        QCOMPARE(engines.value_or(QString()), placeholder);
        button->click();
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(m_manager->placeholderEdit()->text(), placeholder); // made once, the same after
        QVERIFY(!placeholder.contains(m_value));
    }

    void screenshots()
    {
        QVERIFY(m_manager->selectSecret(QStringLiteral("API_KEY")));
        QVERIFY(saveScreenshot(m_manager.get(), QStringLiteral("egress-secrets-light")));
        QVERIFY(wearLook(m_manager.get(), Appearance::Dark));
        QVERIFY(saveScreenshot(m_manager.get(), QStringLiteral("egress-secrets-dark")));
        QVERIFY(wearLook(m_manager.get(), Appearance::System));
    }

    void removingASecretAsksThenRemovesIt()
    {
        QVERIFY(m_manager->selectSecret(QStringLiteral("SECOND_KEY")));
        answerNext(QMessageBox::Yes);
        m_manager->findChild<QPushButton *>(QStringLiteral("removeSecret"))->click();
        QTRY_COMPARE(m_manager->secrets().rowOf(QStringLiteral("SECOND_KEY")), -1);
        auto listed = engineSecrets();
        QVERIFY(listed);
        for (const SecretInfo &s : *listed)
            QVERIFY(s.name != QStringLiteral("SECOND_KEY"));
        QVERIFY(m_manager->secrets().rowOf(QStringLiteral("API_KEY")) >= 0);
        QVERIFY(textsContaining(m_value).isEmpty());
    }

    // The value file restored from an old backup, or lost: the list says
    // so beside the name, and setting the value again mends it.
    void aLostValueIsShownAsAProblemUntilSetAgain()
    {
        QVERIFY(QFile::remove(m_fx.data->paths().secretsDir() + QStringLiteral("/values.json")));
        m_manager->reload();
        QTRY_VERIFY(cell(QStringLiteral("API_KEY"), SecretListModel::Problem)
                        .contains(QStringLiteral("set it again")));
        QVERIFY(cell(QStringLiteral("FROM_PASS"), SecretListModel::Problem)
                    .isEmpty()); // a command has no stored value
        setValue(QStringLiteral("API_KEY"), m_value);
        QTRY_VERIFY(cell(QStringLiteral("API_KEY"), SecretListModel::Problem).isEmpty());
        QVERIFY(textsContaining(m_value).isEmpty());
    }
};

QTEST_MAIN(TstSecretsManager)
#include "tst_secrets_manager.moc"
