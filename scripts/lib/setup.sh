# Shared by scripts/run, scripts/test and bench/run: install what is
# missing from Debian's packages, then configure and build one preset.
# Sourced, not run.

PADDOCK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PADDOCK_PRESET=${PADDOCK_PRESET:-dev}
PADDOCK_BUILD_DIR=$PADDOCK_ROOT/build/$PADDOCK_PRESET

# What the build needs.
BUILD_PACKAGES=(cmake ninja-build ccache g++ pkg-config qt6-base-dev libboost-dev
                libexpected-dev libssl-dev libsqlite3-dev libseccomp-dev libnftables-dev qt6-webengine-dev qt6-webchannel-dev
                qt6-declarative-dev libnghttp2-dev libsecret-1-dev)
# What the app needs at run time beyond the libraries the -dev packages pull
# in: Mesa for Qt WebEngine's rendering, a monospace font for terminals, and
# the SVG plugins that draw the bundled icons.
RUNTIME_PACKAGES=(libgl1-mesa-dri fonts-dejavu-core libqt6svg6)
# What the tests run: tools used inside sandboxes (they come from the host's
# /usr; git with its http-backend for inspected git clones), and
# runuser/useradd for the unprivileged pass.
TEST_PACKAGES=(procps python3 bash util-linux passwd findutils iproute2 mount curl netcat-openbsd openssl nftables dbus-daemon git nodejs
               gnome-keyring libsecret-tools)
# What the fuzz preset builds with: clang and its libFuzzer runtime.
FUZZ_PACKAGES=(clang libclang-rt-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm installs xterm.js at build time; the machine's own npm is used when
# there is one, else Debian's.
ensure_npm() {
    command -v npm >/dev/null 2>&1 || install_packages npm
}

configure_and_build() {
    ensure_npm
    log "building preset $PADDOCK_PRESET in $PADDOCK_BUILD_DIR"
    (cd "$PADDOCK_ROOT" && cmake --preset "$PADDOCK_PRESET" -DBUILD_TESTING=ON >/dev/null \
        && cmake --build --preset "$PADDOCK_PRESET")
}
