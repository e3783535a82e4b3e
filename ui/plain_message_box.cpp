#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QMessageBox>

namespace paddock::ui {

namespace {

int showPlain(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text,
              QMessageBox::StandardButtons buttons)
{
    QMessageBox box(icon, title, displayText(text), buttons, parent);
    box.setTextFormat(Qt::PlainText);
    return box.exec();
}

} // namespace

bool askPlain(QWidget *parent, const QString &title, const QString &text)
{
    return showPlain(parent, QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::No) == QMessageBox::Yes;
}

void warnPlain(QWidget *parent, const QString &title, const QString &text)
{
    showPlain(parent, QMessageBox::Warning, title, text, QMessageBox::Ok);
}

} // namespace paddock::ui
