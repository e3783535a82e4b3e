#!/usr/bin/env bash
# Fails when a module reaches across the boundaries of ARCHITECTURE.md:
# ui/ sees only the engine's public API (never engine/src), the engine and
# the CLI never include Qt GUI or Widgets, paddock-init never includes Qt,
# and SQL stays in engine/src/store.
set -u
root=${1:?usage: check_layering.sh SOURCE_DIR}
cd "$root" || exit 2
fail=0
check() { # description, grep pattern, paths…
    local what=$1 pattern=$2; shift 2
    local hits
    hits=$(grep -rnE "$pattern" "$@" 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "layering violation: $what"; echo "$hits"; fail=1
    fi
}
check "ui/ includes engine internals" '#include "(store|sandbox|api)/|#include ".*engine/src' ui
check "the engine includes Qt GUI or Widgets" '#include <Qt(Gui|Widgets|WebEngine)|#include <Q(Widget|Application|Painter|Image)>' engine
check "the CLI includes Qt GUI, Widgets or Network" '#include <Qt(Gui|Widgets|Network)|#include <Q(Widget|LocalSocket|Application)>' app/cli
check "paddock-init includes Qt" '#include <Q' engine/init engine/wire
check "SQL outside engine/src/store" '(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ' engine/src/sandbox engine/src/api engine/src/*.cpp ui app
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
