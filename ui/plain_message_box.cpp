#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QMessageBox>

namespace paddock::ui {

namespace {

int showPlain(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text,
              QMessageBox::StandardButtons buttons, QMessageBox::StandardButton safe)
{
    QMessageBox box(icon, title, displayText(text), buttons, parent);
    box.setTextFormat(Qt::PlainText);
    // Enter and Escape both take the answer that changes nothing.
    box.setDefaultButton(safe);
    box.setEscapeButton(safe);
    return box.exec();
}

} // namespace

bool askPlain(QWidget *parent, const QString &title, const QString &text)
{
    return showPlain(parent, QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

void warnPlain(QWidget *parent, const QString &title, const QString &text)
{
    showPlain(parent, QMessageBox::Warning, title, text, QMessageBox::Ok, QMessageBox::Ok);
}

} // namespace paddock::ui
