// How every terminal looks: its font size (zoomed with Ctrl+= / Ctrl+- /
// Ctrl+0 and remembered across sessions) and its colours, which follow
// the application palette. One per Terminal tab, shared by its terminals,
// so zooming one zooms them all, as in VS Code.
#pragma once

#include <QObject>
#include <QPalette>
#include <QVariantMap>

namespace paddock::ui {

class TerminalAppearance : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultFontSize = 13;
    static constexpr int kMinFontSize = 6;
    static constexpr int kMaxFontSize = 40;

    explicit TerminalAppearance(const QPalette &palette, QObject *parent = nullptr);

    int fontSize() const { return m_fontSize; }
    QVariantMap theme() const { return m_theme; }
    // What the page applies: { fontSize, theme }.
    QVariantMap forPage() const;

    void zoom(int steps); // 0 resets to the default size
    void followPalette(const QPalette &palette);

Q_SIGNALS:
    void changed();

private:
    int m_fontSize;
    QVariantMap m_theme;
};

} // namespace paddock::ui
