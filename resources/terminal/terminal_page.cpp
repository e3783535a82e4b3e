// Registers the terminal page's resources. They live in a static library,
// whose resource initializers a linker may drop unless called once.
#include <QtCore/qglobal.h>

void paddockInitTerminalPage()
{
    Q_INIT_RESOURCE(terminal_page);
}
