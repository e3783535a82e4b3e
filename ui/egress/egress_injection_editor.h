// The injections part of the rule editor: a table of headers and query
// parameters with their templates, edited in place, with buttons to add a
// header or a parameter and to remove the selected one.
#pragma once

#include "egress_injection_model.h"

#include <QWidget>

class QPushButton;
class QTableView;

namespace paddock::ui {

class EgressInjectionEditor : public QWidget {
    Q_OBJECT
public:
    explicit EgressInjectionEditor(QWidget *parent = nullptr);

    EgressInjectionModel &model() { return m_model; }
    QTableView *view() const { return m_view; }
    // Adds an empty row of that kind and starts editing its name.
    void addInjection(EgressInjection::Kind kind);
    void removeSelected();

private:
    EgressInjectionModel m_model;
    QTableView *m_view;
    QPushButton *m_remove;
};

} // namespace paddock::ui
