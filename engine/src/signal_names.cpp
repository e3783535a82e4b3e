#include "paddock/signal_names.h"

#include <csignal>

namespace paddock {

namespace {

struct SignalName {
    const char *name;
    int number;
};

constexpr SignalName kSignals[] = {
    { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
    { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
    { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH },
};

} // namespace

std::optional<int> parseSignal(const QString &text)
{
    bool isNumber = false;
    int number = text.toInt(&isNumber);
    if (isNumber)
        return number > 0 && number < 65 ? std::optional<int>(number) : std::nullopt;
    QString name = text.toUpper();
    if (name.startsWith(QLatin1String("SIG")))
        name = name.mid(3);
    for (const SignalName &s : kSignals)
        if (name == QLatin1String(s.name))
            return s.number;
    return std::nullopt;
}

} // namespace paddock
