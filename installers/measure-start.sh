#!/usr/bin/env bash
# Times the installed studio's warm start: exec of the launcher to the main window being mapped,
# under a private Xvfb, on a fresh data folder. One first start (it unpacks libtorch and the
# sample workspace) is done and reported apart; then RUNS warm starts, each closed before the next.
#   installers/measure-start.sh APP_DIR [RUNS]     APP_DIR: the installed /opt/anneal (or an
#                                                  extracted package's opt/anneal); RUNS: 7
# Extra launcher settings go through the environment (e.g. JAVA_TOOL_OPTIONS=-Xlog:...).
# Needs Xvfb and xdotool (apt-get install xvfb xdotool).
set -euo pipefail
CHECK=measure-start
WORK="$(mktemp -d /tmp/anneal-measure.XXXXXX)"
source "$(dirname "$0")/lib/studio.sh"
trap 'studio_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

APP="${1:?usage: measure-start.sh APP_DIR [RUNS]}"
RUNS="${2:-7}"
[ -x "$APP/bin/Anneal" ] || fail "$APP/bin/Anneal not found: give the installed app's folder (/opt/anneal)"
need Xvfb "apt-get install xvfb"
need xdotool "apt-get install xdotool"

export ANNEAL_HOME="$WORK/home"
xvfb_start
studio_start "$APP/bin/Anneal" "$WORK/first.log"
say "first start: window after $SECONDS_TO_WINDOW s"
wait_for_libtorch "$ANNEAL_HOME"
sleep 2
studio_stop

times=()
busy=()
for run in $(seq 1 "$RUNS"); do
  busy+=("$(cpu_busy)")
  studio_start "$APP/bin/Anneal" "$WORK/warm$run.log"
  times+=("$SECONDS_TO_WINDOW")
  say "warm start $run: $SECONDS_TO_WINDOW s (CPUs ${busy[-1]} busy the second before)"
  sleep 1
  studio_stop
done
say "warm start: $(stats "${times[@]}"); CPUs busy before each run: ${busy[*]} ($(nproc) cores)"
