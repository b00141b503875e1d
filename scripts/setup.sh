#!/usr/bin/env bash
# Idempotent set-up for Torsion on Debian 12: run by `npm start` and `npm test` (prestart/pretest).
# 1. installs the Debian packages Torsion needs when any is missing;
# 2. runs `npm ci` when package-lock.json changed since the last install;
# 3. generates the node-gtk typings (PITFALLS 20) into .types/ (ignored by git).
# Quick (well under a second) when nothing changed. Set TORSION_SKIP_APT=1 to skip step 1.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. Debian packages -------------------------------------------------------------------
DEB_PACKAGES=(
  # GStreamer runtime, tools and plugins
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
  # typelibs for node-gtk (Gst, GstBase, GstApp, GLib/GObject/Gio)
  gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-glib-2.0
  # GIR XML for the typings generator, and headers to build node-gtk from source
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgirepository1.0-dev libcairo2-dev
  # build tools for node-gtk (node-gyp)
  build-essential python3 pkg-config
  # used by tests: CA tools for TLS certificates, procps for process checks, curl as an HTTP
  # client, Chromium (driven by playwright-core) to play the status page's <video>, iproute2
  # (`ip netns`, veth) for the edge servers of test/scale/edges.test.ts
  openssl procps curl chromium fonts-dejavu-core iproute2
  # the Twisted baseline of bench/fanout
  python3-twisted
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ] && [ "${TORSION_SKIP_APT:-0}" != 1 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "Debian packages installed"
fi

# --- 2. npm ci when the lock file changed ------------------------------------------------------
stamp=node_modules/.torsion-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -d node_modules/node-gtk ]; then
  log "package-lock.json changed: running npm ci (node-gtk builds from source, about a minute)"
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$want" > "$stamp"
fi

# --- 3. node-gtk typings ------------------------------------------------------------------------
types_stamp=.types/.stamp
types_want="$want $(dpkg-query -W -f='${Version}' libgstreamer1.0-dev 2>/dev/null || echo none)"
if [ ! -f "$types_stamp" ] || [ "$(cat "$types_stamp")" != "$types_want" ]; then
  log "generating node-gtk typings into .types/girs"
  rm -rf .types/girs
  mkdir -p .types
  npx --no-install ts-for-gir generate Gst-1.0 GstBase-1.0 GstApp-1.0 Gio-2.0 GLib-2.0 GObject-2.0 \
    -g /usr/share/gir-1.0 -e node -b types -o .types/girs --ignoreVersionConflicts >/dev/null
  printf '%s\n' "$types_want" > "$types_stamp"
fi
