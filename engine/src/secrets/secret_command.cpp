#include "secret_command.h"

#include "paddock/secrets.h"

#include <QProcess>
#include <QTimer>

namespace paddock::secrets {

namespace {

QString firstLine(const QByteArray &text)
{
    const QString line
        = QString::fromUtf8(text.left(200)).section(QLatin1Char('\n'), 0, 0).trimmed();
    return line.isEmpty() ? QString() : QStringLiteral(": ") + line;
}

// One run of the command; deletes itself (later, never inside a signal of
// its own process) once `done` has run.
class SecretCommandRun : public QObject {
public:
    SecretCommandRun(QString name, Callback<QByteArray> done)
        : m_name(std::move(name))
        , m_done(std::move(done))
    {
        connect(&m_process, &QProcess::readyReadStandardOutput, this, &SecretCommandRun::readOut);
        connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
            const QByteArray err = m_process.readAllStandardError();
            if (m_err.size() < 4096) m_err += err.left(4096);
        });
        connect(&m_process, &QProcess::finished, this, [this] {
            readOut();
            finish();
        });
        connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e != QProcess::FailedToStart) return; // a crash or a kill ends in finished() too
            m_failure = QStringLiteral("could not start: %1").arg(m_process.errorString());
            finish();
        });
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            m_failure
                = QStringLiteral("did not finish within %1 s").arg(m_deadline.interval() / 1000);
            m_process.kill();
        });
    }

    void start(const QString &command, int timeoutMs)
    {
        m_process.setStandardInputFile(QProcess::nullDevice());
        m_deadline.start(timeoutMs);
        m_process.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), command });
    }

private:
    void readOut()
    {
        m_out += m_process.readAllStandardOutput();
        if (m_out.size() > kMaxSecretBytes + 1 && m_failure.isEmpty()) {
            m_failure = QStringLiteral("printed more than %1 bytes").arg(kMaxSecretBytes);
            m_process.kill();
        }
    }

    void finish()
    {
        if (!m_done) return;
        const Callback<QByteArray> done = std::move(m_done);
        m_done = nullptr;
        m_deadline.stop();
        deleteLater();
        const QString what = QStringLiteral("the command of secret %1").arg(m_name);
        if (!m_failure.isEmpty())
            done(fail(ErrorCode::Io, what + QLatin1Char(' ') + m_failure));
        else if (m_process.exitStatus() != QProcess::NormalExit || m_process.exitCode() != 0)
            done(fail(ErrorCode::Io,
                what
                    + QStringLiteral(" failed (exit status %1)%2")
                          .arg(m_process.exitCode())
                          .arg(firstLine(m_err))));
        else if (m_out.isEmpty() || m_out == "\n")
            done(fail(ErrorCode::Io, what + QStringLiteral(" printed nothing")));
        else {
            if (m_out.endsWith('\n')) m_out.chop(1);
            done(std::move(m_out));
        }
    }

    QString m_name;
    Callback<QByteArray> m_done;
    QProcess m_process;
    QTimer m_deadline;
    QByteArray m_out;
    QByteArray m_err;
    QString m_failure; // set when the run is given up
};

} // namespace

void runSecretCommand(
    const QString &name, const QString &command, Callback<QByteArray> done, int timeoutMs)
{
    (new SecretCommandRun(name, std::move(done)))->start(command, timeoutMs);
}

} // namespace paddock::secrets
