#include "terminal_appearance.h"

#include "terminal_theme.h"

#include <QSettings>

namespace paddock::ui {

namespace {
const QString kFontSizeKey = QStringLiteral("terminal/fontSize");
}

TerminalAppearance::TerminalAppearance(const QPalette &palette, QObject *parent)
    : QObject(parent)
    , m_fontSize(qBound(
          kMinFontSize, QSettings().value(kFontSizeKey, kDefaultFontSize).toInt(), kMaxFontSize))
    , m_theme(terminalTheme(palette))
{
}

QVariantMap TerminalAppearance::forPage() const
{
    return { { QStringLiteral("fontSize"), m_fontSize }, { QStringLiteral("theme"), m_theme } };
}

void TerminalAppearance::zoom(int steps)
{
    const int size
        = steps == 0 ? kDefaultFontSize : qBound(kMinFontSize, m_fontSize + steps, kMaxFontSize);
    if (size == m_fontSize) return;
    m_fontSize = size;
    QSettings settings;
    if (size == kDefaultFontSize)
        settings.remove(kFontSizeKey);
    else
        settings.setValue(kFontSizeKey, size);
    Q_EMIT changed();
}

void TerminalAppearance::followPalette(const QPalette &palette)
{
    QVariantMap theme = terminalTheme(palette);
    if (theme == m_theme) return;
    m_theme = std::move(theme);
    Q_EMIT changed();
}

} // namespace paddock::ui
