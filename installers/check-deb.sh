#!/usr/bin/env bash
# End-to-end check of the Linux installer, as a user would meet it:
#   1. builds the .deb (./mvnw -B -Pinstaller package; --no-build uses the one in target/),
#   2. extracts it (dpkg-deb -x: no root needed, nothing installed on this machine),
#   3. starts the installed studio launcher under Xvfb on a fresh data folder, waits for the
#      window, then starts it again to time a warm start, and saves a screenshot,
#   4. trains two steps of the sample workspace through the installed `anneal` launcher.
# Needs: Xvfb, xwininfo (x11-utils), xwd, ImageMagick's /usr/bin/convert (screenshot only),
# libgtk-3-0; apt-get install xvfb x11-utils x11-apps imagemagick libgtk-3-0
# Prints the figures the README quotes (package size, start times) and exits non-zero on the
# first thing that does not work.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/anneal-check.XXXXXX)"
XVFB_PID=""
APP_PID=""

fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
say() { echo "check-deb: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found: $2"; }
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

need Xvfb "apt-get install xvfb"
need xwininfo "apt-get install x11-utils"
need dpkg-deb "apt-get install dpkg"

# 1. Build.
if [ "${1:-}" != "--no-build" ]; then
  say "building the .deb"
  build_start=$(date +%s)
  (cd "$ROOT" && ./mvnw -B ${MVN_ARGS:-} -Pinstaller package) > "$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; fail "the installer build failed (log above)"; }
  say "built in $(( $(date +%s) - build_start )) s (maven, jlink, jpackage)"
fi
deb="$(ls "$ROOT"/target/installer/anneal_*.deb 2>/dev/null | head -1)"
[ -n "$deb" ] || fail "no target/installer/anneal_*.deb"
say "$(basename "$deb"): $(du -m "$deb" | cut -f1) MB"

# 2. Extract, and look at what the package declares.
dpkg-deb -x "$deb" "$WORK/root"
APP="$WORK/root/opt/anneal"
for launcher in Anneal anneal; do
  [ -x "$APP/bin/$launcher" ] || fail "the package has no launcher opt/anneal/bin/$launcher"
done
desktop="$(find "$APP/lib" -type f -name '*.desktop' | head -1)"
[ -n "$desktop" ] || fail "the package has no desktop entry"
grep -q '^Categories=Development;Science;' "$desktop" || fail "$desktop: no Development menu group"
depends="$(dpkg-deb -f "$deb" Depends)"
say "Depends: $depends"
case "$depends" in *libgtk-3*) ;; *) fail "the package does not depend on GTK 3: JavaFX was not linked into the runtime" ;; esac

# 3. The studio under Xvfb, on a data folder of its own.
export ANNEAL_HOME="$WORK/home"
exec 3>"$WORK/display"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp > "$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
export DISPLAY=":$(head -1 "$WORK/display")"

# Starts the studio launcher; sets SECONDS_TO_WINDOW to the time until its main window is up.
# (Not run in $(...): APP_PID must stay in this shell so stop_studio can end that process.)
start_studio() {
  local log="$1" start now
  xwininfo -root -tree 2>/dev/null | grep -q '"Anneal — ' && fail "a studio window is already open"
  start=$(date +%s%N)
  "$APP/bin/Anneal" > "$log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 1200); do
    if xwininfo -root -tree 2>/dev/null | grep -q '"Anneal — '; then
      now=$(date +%s%N)
      SECONDS_TO_WINDOW="$(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
      return 0
    fi
    kill -0 "$APP_PID" 2>/dev/null || { cat "$log" >&2; fail "the studio exited before its window came up"; }
    sleep 0.05
  done
  cat "$log" >&2
  fail "no studio window after 60 s"
}
stop_studio() {
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  for _ in $(seq 1 100); do
    xwininfo -root -tree 2>/dev/null | grep -q '"Anneal' || return 0
    sleep 0.05
  done
}

start_studio "$WORK/first.log"
say "first start (unpacks libtorch behind a splash, then the sample workspace): window after $SECONDS_TO_WINDOW s"
# The first start goes on unpacking natives behind the window; let it finish before timing again.
for _ in $(seq 1 600); do
  [ -f "$(find "$ANNEAL_HOME/djl/pytorch" -name 'libtorch.so' 2>/dev/null | head -1)" ] && break
  sleep 0.1
done
sleep 2
stop_studio
warm=()
for run in 1 2 3; do
  start_studio "$WORK/warm$run.log"
  warm+=("$SECONDS_TO_WINDOW")
  if [ "$run" = 3 ]; then
    sleep 3
    if [ -x /usr/bin/convert ] && command -v xwd >/dev/null; then
      xwd -root -silent | /usr/bin/convert xwd:- "$ROOT/target/installer/check-window.png"
      say "screenshot: target/installer/check-window.png"
    fi
  fi
  stop_studio
done
say "warm start: window after ${warm[*]} s"

# 4. Two training steps of the sample workspace through the installed command line.
corpus="$ANNEAL_HOME/sample-workspace/corpus"
[ -d "$corpus" ] || fail "the studio did not unpack the sample workspace into $corpus"
cli() { say "anneal $*"; "$APP/bin/anneal" "$@" || fail "anneal $* exited with $?"; }
cd "$WORK"
cli dataset build "$corpus" --out ds --quiet
cli tokenizer train ds --vocab-size 4096 --quiet
cli dataset prepare ds --seq-len 256 --quiet
cli train nano --data ds --steps 2 --out runs
metrics="$(find runs -name metrics.jsonl | head -1)"
[ -n "$metrics" ] && grep -q '"step" *: *2' "$metrics" || fail "no step 2 in the run's metrics.jsonl"
say "trained 2 steps: $metrics"
say "OK"
