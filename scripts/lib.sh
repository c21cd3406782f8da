# Shared by scripts/up and scripts/test: the project's own environment, made from the
# package registries only, so a fresh machine needs nothing installed by hand.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

ensure_venv() {
    local extras="$1"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    local stamp="$VENV/.installed-$extras"
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        echo "installing the project into $VENV (log: $VENV/install.log)..."
        if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
            "$VENV/bin/python" -m pip install -e "$ROOT${extras:+[$extras]}"; } >"$VENV/install.log" 2>&1; then
            tail -n 30 "$VENV/install.log" >&2
            echo "installation failed; see $VENV/install.log" >&2
            exit 1
        fi
        touch "$stamp"
    fi
}

ensure_debian() {
    # $1: a command, $2: the Debian package that brings it.
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (for $1)..."
        if [ "$(id -u)" -eq 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
        else
            sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
        fi
    fi
}

private_data() {
    # $1: the data folder. Cases hold IINs: whatever the servers and the worker create
    # from now on is for this user alone, the Temporal dev server's SQLite file included.
    umask 077
    mkdir -p "$1"
    # What an older version (or an older umask) left readable is tightened too.
    chmod -R go-rwx "$1"
}
