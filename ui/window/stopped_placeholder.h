// Covers a tab that needs a running sandbox (Processes, Terminal, Files) while
// the selected one is stopped: "'web' is stopped" and a Start button, instead
// of a blank page. One overlay per page, driven by the frame, so no page
// implements it itself.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace paddock::ui {

class StoppedPlaceholder : public QWidget {
    Q_OBJECT
public:
    // Covers page (follows its size) when shown.
    explicit StoppedPlaceholder(QWidget *page);
    // Shows the placeholder for sandbox name in text, or hides it (empty name).
    void showFor(const QString &name, const QString &stateText, bool canStart);
    QPushButton *startButton() const { return m_start; }

Q_SIGNALS:
    void startRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QLabel *m_message;
    QPushButton *m_start;
};

} // namespace paddock::ui
