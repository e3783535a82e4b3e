// Overview tab: a sandbox at a glance — state and uptime, background
// processes, listening ports, the disk its own layer uses, recent egress —
// refreshed every two seconds while the tab is on screen (and never while
// it is not), plus what it is and where its files live.
#pragma once

#include "engine_bridge.h"
#include "sandbox_page.h"

#include <QTimer>

class QFormLayout;
class QLabel;

namespace paddock::ui {

class OverviewPage : public SandboxPage {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 2000;

    explicit OverviewPage(EngineBridge &engine, QWidget *parent = nullptr);
    QString title() const override { return tr("Overview"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    // For tests: how many refreshes have been answered since the page was made.
    int refreshes() const { return m_refreshes; }
    const SandboxVitals &lastVitals() const { return m_last; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLabel *addFigure(QFormLayout *form, const QString &label, const QString &objectName);
    void setFigure(QLabel *field, const QString &text);
    void refresh();
    void onVitals(const Result<SandboxVitals> &vitals);
    void showVitals(const SandboxVitals &vitals);

    EngineBridge &m_engine;
    std::optional<SandboxInfo> m_sandbox;
    QTimer m_timer;
    int m_generation = 0; // bumped when another sandbox is shown
    bool m_inFlight = false;
    int m_refreshes = 0;
    SandboxVitals m_last;
    QLabel *m_state, *m_uptime, *m_processes, *m_ports, *m_disk, *m_egress;
    QLabel *m_name, *m_id, *m_created, *m_image, *m_data;
};

} // namespace paddock::ui
