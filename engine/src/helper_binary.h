// Where the engine finds the programs it runs beside itself (paddock-init,
// paddock-handler): the variable that names one (tests point it at their
// build), else beside this executable, else in ../lib/paddock/ (installed).
#pragma once

#include <QString>

namespace paddock {

QString helperBinary(const QString &fileName, const char *variable);

} // namespace paddock
