#include "overview_page.h"

#include <QFormLayout>
#include <QLabel>

namespace paddock::ui {

OverviewPage::OverviewPage(QWidget *parent) : SandboxPage(parent)
{
    auto *form = new QFormLayout(this);
    for (auto [label, field] : { std::pair { tr("ID"), &m_id }, { tr("Name"), &m_name }, { tr("State"), &m_state },
                                 { tr("Created"), &m_created }, { tr("Base image"), &m_image },
                                 { tr("Data"), &m_data } }) {
        *field = new QLabel(this);
        (*field)->setTextFormat(Qt::PlainText);
        (*field)->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, *field);
    }
}

void OverviewPage::showSandbox(const std::optional<SandboxInfo> &sb)
{
    m_id->setText(sb ? sb->id : QString());
    m_name->setText(sb ? sb->name : QString());
    m_state->setText(sb ? sandboxStateName(sb->state) : QString());
    m_created->setText(sb ? sb->createdAt.toLocalTime().toString(Qt::ISODate) : QString());
    m_image->setText(sb ? sb->baseImage : QString());
    m_data->setText(sb ? sb->dataDir : QString());
}

} // namespace paddock::ui
