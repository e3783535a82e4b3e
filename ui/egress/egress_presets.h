// Rule presets: named sets of destinations a user often allows at once
// (package registries, GitHub, an LLM API). They live in a JSON file the
// user may edit — egress-presets.json in Paddock's config directory —
// written with the defaults the first time it is needed:
//
//   {"presets": [{"name": "GitHub", "patterns": ["github.com", "*.github.com"], "port": 443}]}
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace paddock::ui {

struct EgressPreset {
    QString name;
    QStringList patterns;
    quint16 port = 0; // 0: any
};

struct EgressPresets {
    QList<EgressPreset> presets;
    QString path; // where they are kept
    QString problem; // set when the file could not be read (the defaults are used)
};

EgressPresets loadEgressPresets();
QList<EgressPreset> defaultEgressPresets();

} // namespace paddock::ui
