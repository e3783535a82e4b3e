#include "appearance.h"
#include "dark_contrast_style.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace paddock::ui {

namespace {

const QString kKey = QStringLiteral("view/appearance");

// What the platform gave before we changed anything, to return to "System".
struct SystemLook {
    QString styleName;
    QPalette palette;
};

SystemLook &systemLook()
{
    static SystemLook look { QApplication::style()->name(), QApplication::palette() };
    return look;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x82, 0x87), highlight(0x35, 0x74, 0xf0);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x3a, 0x3c, 0x41));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x52));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x42, 0x47));
    p.setColor(QPalette::Mid, QColor(0x30, 0x32, 0x36));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa6, 0xff));
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

void apply(Appearance appearance)
{
    SystemLook &system = systemLook(); // captured before the first change
    if (appearance == Appearance::System) {
        QApplication::setStyle(QStyleFactory::create(system.styleName));
        QApplication::setPalette(system.palette);
        return;
    }
    QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion"));
    const QPalette palette = appearance == Appearance::Dark ? darkPalette() : fusion->standardPalette();
    QApplication::setStyle(appearance == Appearance::Dark ? new DarkContrastStyle(fusion) : fusion);
    QApplication::setPalette(palette);
}

} // namespace

void setAppearance(Appearance appearance)
{
    QSettings().setValue(kKey, int(appearance));
    apply(appearance);
}

Appearance savedAppearance()
{
    int value = QSettings().value(kKey, int(Appearance::System)).toInt();
    return value >= int(Appearance::System) && value <= int(Appearance::Dark) ? Appearance(value)
                                                                              : Appearance::System;
}

void applySavedAppearance()
{
    systemLook();
    if (savedAppearance() != Appearance::System) apply(savedAppearance());
}

bool paletteIsDark()
{
    const QPalette p = QApplication::palette();
    return p.color(QPalette::WindowText).lightness() > p.color(QPalette::Window).lightness();
}

} // namespace paddock::ui
