#!/usr/bin/env bash
# Set up a Debian 12 machine for Callblock and then either open the app on a
# demo database (`run`) or run the whole test suite (`test`). Every step
# skips what is already there, so running it again is quick.
#
#   bash scripts/setup.sh run     # set up, build, open Callblock on a demo database
#   bash scripts/setup.sh test    # set up, build, run every test (what CI runs)
#   bash scripts/setup.sh deps    # only install what is missing
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE="${1:-}"
case "$MODE" in
  run | test | deps) ;;
  *)
    echo "usage: bash scripts/setup.sh run|test|deps" >&2
    exit 2
    ;;
esac

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "run as root (or install sudo): packages must be installed"
  SUDO="sudo"
fi

# --- System packages ---------------------------------------------------------
APT_PACKAGES=(
  build-essential pkg-config curl ca-certificates file git
  libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev webkit2gtk-driver xvfb imagemagick dbus
  xdotool  # the end-to-end tests type into a second window as a rep's keyboard does
  postgresql  # the team store's tests start their own server (initdb into a temp dir)
  gnome-keyring  # a Secret Service for the keyring test (its own D-Bus session)
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "Debian packages: all present"
fi

# --- Rust --------------------------------------------------------------------
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null; then
  step "Installing Rust (rustup, stable)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
  . "$HOME/.cargo/env"
fi
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null || die "cargo $c is missing and rustup is not available to add it"
    rustup component add "$c"
  fi
done
echo "Rust: $(rustc --version)"

# --- Node.js (Vite 8 needs 20.19 or later) ----------------------------------
node_ok() {
  command -v node >/dev/null && node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'
}
if ! node_ok; then
  step "Installing Node.js 22 (NodeSource)"
  curl -fsSL https://deb.nodesource.com/setup_22.x | $SUDO bash -
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs
  node_ok || die "Node.js 20.19+ is needed; found $(node --version 2>/dev/null || echo none)"
fi
echo "Node: $(node --version), npm $(npm --version 2>/dev/null)"

# --- tauri-driver (end-to-end tests) ----------------------------------------
if [ "$MODE" != run ] && ! command -v tauri-driver >/dev/null; then
  step "Installing tauri-driver"
  cargo install tauri-driver --locked
fi

# --- UI dependencies: npm ci when the lock file changed -----------------------
lock_sum="$(sha256sum ui/package-lock.json | cut -d' ' -f1)"
stamp="ui/node_modules/.callblock-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  step "Installing UI dependencies (npm ci)"
  (cd ui && npm ci --no-audit --no-fund)
  echo "$lock_sum" >"$stamp"
else
  echo "UI dependencies: up to date"
fi

[ "$MODE" = deps ] && exit 0

step "Building the UI"
npm --prefix ui run build

if [ "$MODE" = run ]; then
  step "Building Callblock (release, UI embedded)"
  cargo build --release --features custom-protocol
  BIN="$ROOT/target/release/callblock"
  DATA="${XDG_DATA_HOME:-$HOME/.local/share}/app.callblock.desktop"
  DB="${CALLBLOCK_DEMO_DB:-$DATA/demo.db}"
  mkdir -p "$(dirname "$DB")"
  if [ ! -f "$DB" ]; then
    step "Creating the demo database $DB"
    "$BIN" --db "$DB" demo
  fi
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    # A headless machine: open the window on a virtual display and save a picture of it.
    step "No display: opening Callblock on a virtual display (Xvfb :99)"
    export DISPLAY=:99
    pgrep -f "Xvfb :99" >/dev/null || (Xvfb :99 -screen 0 1366x900x24 -nolisten tcp >/dev/null 2>&1 &)
    sleep 1
    export WEBKIT_DISABLE_COMPOSITING_MODE=1
    "$BIN" --db "$DB" &
    app=$!
    sleep 6
    import -display :99 -window root "$ROOT/callblock-demo.png" && echo "A screenshot of the window: $ROOT/callblock-demo.png"
    echo "Callblock runs on DISPLAY=:99 (pid $app). Stop it with: kill $app"
    wait "$app"
  else
    step "Opening Callblock on $DB"
    exec "$BIN" --db "$DB"
  fi
  exit 0
fi

# --- The whole suite -----------------------------------------------------------
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
start=$(date +%s)
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --features callblock/e2e -- -D warnings
step "UI type check (svelte-check)"
npm --prefix ui run check
step "UI tests (Vitest)"
npm --prefix ui test
step "cargo test: core, app, CLI and end-to-end tests (real app under Xvfb)"
cargo test --workspace --features callblock/e2e
echo
echo "All tests passed in $(($(date +%s) - start)) s."
