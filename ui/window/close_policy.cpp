#include "close_policy.h"

#include <QCheckBox>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace paddock::ui {

namespace {

const QString kKey = QStringLiteral("window/closeAction");

} // namespace

CloseAction savedCloseAction()
{
    const QString value = QSettings().value(kKey).toString();
    if (value == QLatin1String("keep")) return CloseAction::KeepRunning;
    if (value == QLatin1String("stop")) return CloseAction::StopAll;
    return CloseAction::Ask;
}

void saveCloseAction(CloseAction action)
{
    switch (action) {
    case CloseAction::Ask:
        QSettings().remove(kKey);
        break;
    case CloseAction::KeepRunning:
        QSettings().setValue(kKey, QStringLiteral("keep"));
        break;
    case CloseAction::StopAll:
        QSettings().setValue(kKey, QStringLiteral("stop"));
        break;
    }
}

std::optional<CloseAction> askCloseAction(QWidget *parent, int runningCount)
{
    QMessageBox box(parent);
    box.setObjectName(QStringLiteral("closeQuestion"));
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(QObject::tr("Quit Paddock"));
    box.setTextFormat(Qt::PlainText);
    box.setText(runningCount == 1 ? QObject::tr("1 sandbox is running.")
                                  : QObject::tr("%1 sandboxes are running.").arg(runningCount));
    box.setInformativeText(
        QObject::tr("Sandboxes keep running when Paddock closes: their processes go on, the "
                    "command line still reaches them, and Paddock finds them again next time."));
    QPushButton *keep
        = box.addButton(QObject::tr("Keep running and quit"), QMessageBox::AcceptRole);
    QPushButton *stop
        = box.addButton(QObject::tr("Stop all and quit"), QMessageBox::DestructiveRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(keep);
    box.setEscapeButton(cancel);
    auto *dontAsk = new QCheckBox(QObject::tr("Don't ask again"), &box);
    box.setCheckBox(dontAsk);
    box.exec();
    if (box.clickedButton() != keep && box.clickedButton() != stop) return std::nullopt;
    const CloseAction chosen
        = box.clickedButton() == keep ? CloseAction::KeepRunning : CloseAction::StopAll;
    if (dontAsk->isChecked()) saveCloseAction(chosen);
    return chosen;
}

} // namespace paddock::ui
