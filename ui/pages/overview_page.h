// Overview tab: what a sandbox is and where its files live.
#pragma once

#include "sandbox_page.h"

class QLabel;

namespace paddock::ui {

class OverviewPage : public SandboxPage {
    Q_OBJECT
public:
    explicit OverviewPage(QWidget *parent = nullptr);
    QString title() const override { return tr("Overview"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

private:
    QLabel *m_id, *m_name, *m_state, *m_created, *m_image, *m_data;
};

} // namespace paddock::ui
