#include "help_dialogs.h"

#include "theme/icons.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace paddock::ui {

void showAbout(QWidget *parent)
{
    QMessageBox box(parent);
    box.setObjectName(QStringLiteral("aboutPaddock"));
    box.setWindowTitle(QObject::tr("About Paddock"));
    box.setIconPixmap(appIcon().pixmap(64, 64));
    box.setTextFormat(Qt::PlainText);
    box.setText(QObject::tr("Paddock %1").arg(QStringLiteral(PADDOCK_VERSION)));
    box.setInformativeText(QObject::tr(
        "A workbench for running untrusted, agent-written code in rootless local "
        "sandboxes, with every outbound connection decided by egress rules you can see."));
    box.exec();
}

void showCommandLineUsage(QWidget *parent)
{
    // The everyday verbs; `paddock --help` prints them all.
    const QString text = QObject::tr(
        "Everything in this window can be done with the paddock command:\n\n"
        "  paddock create --name web        create and start a sandbox\n"
        "  paddock ls                       list sandboxes\n"
        "  paddock shell web                a terminal in it\n"
        "  paddock exec web -- make test    run a command; its exit status is yours\n"
        "  paddock spawn web -- npm start   a background process\n"
        "  paddock ps web / logs web PROC   its processes and their output\n"
        "  paddock cp file.txt web:/tmp/    copy files in and out\n"
        "  paddock egress log web --follow  where it tried to connect\n"
        "  paddock egress allow web example.com\n"
        "  paddock stop web / start web / rm web\n\n"
        "paddock --help lists every verb. The command line and this window share one engine:\n"
        "what one does, the other shows at once.");
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("commandLineUsage"));
    dialog.setWindowTitle(QObject::tr("Command-line usage"));
    auto *view = new QPlainTextEdit(text, &dialog);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setAccessibleName(QObject::tr("Command-line usage"));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *column = new QVBoxLayout(&dialog);
    column->addWidget(view);
    column->addWidget(buttons);
    dialog.resize(640, 380);
    dialog.exec();
}

} // namespace paddock::ui
