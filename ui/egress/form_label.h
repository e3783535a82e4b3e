// A form row's label whose mnemonic (the letter after '&') focuses
// `buddy`. QFormLayout gives a label a buddy only when the row's field is
// one widget; for a row of several, the label would show the '&' itself.
#pragma once

#include <QLabel>

namespace paddock::ui {

inline QLabel *formLabel(const QString &text, QWidget *buddy)
{
    auto *label = new QLabel(text, buddy->parentWidget());
    label->setBuddy(buddy);
    return label;
}

} // namespace paddock::ui
