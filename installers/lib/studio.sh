# Shared by the installer checks (sourced, not run): an Xvfb display, starting the installed
# studio and timing its window, and the two-step training through the installed `anneal`.
# The caller sets CHECK (the name its messages start with) and WORK (a scratch folder).

fail() { echo "$CHECK: FAILED: $*" >&2; exit 1; }
say() { echo "$CHECK: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found: $2"; }

XVFB_PID=""
APP_PID=""

# Ends what this check started (the studio, Xvfb); the caller's EXIT trap calls it.
studio_cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
}

# Starts a private Xvfb (it picks a free display number itself) and exports DISPLAY.
xvfb_start() {
  exec 3>"$WORK/display"
  Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp > "$WORK/xvfb.log" 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
  [ -s "$WORK/display" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
  export DISPLAY=":$(head -1 "$WORK/display")"
}

# Whether the studio's main window ("Anneal — <workspace>") is mapped. xdotool asks the X server
# for viewable windows only: a window that exists but is not yet shown does not count.
main_window_up() {
  xdotool search --onlyvisible --name '^Anneal — ' >/dev/null 2>&1
}

# Starts launcher $1 with its output in $2; sets SECONDS_TO_WINDOW to the time from exec to the
# main window being mapped. (Not run in $(...): APP_PID must stay in this shell for studio_stop.)
studio_start() {
  local launcher="$1" log="$2" start now
  main_window_up && fail "a studio window is already open on $DISPLAY"
  start=$(date +%s%N)
  "$launcher" > "$log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 3000); do
    if main_window_up; then
      now=$(date +%s%N)
      SECONDS_TO_WINDOW="$(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
      return 0
    fi
    kill -0 "$APP_PID" 2>/dev/null || { cat "$log" >&2; fail "the studio exited before its window came up"; }
    sleep 0.02
  done
  cat "$log" >&2
  fail "no studio window after 60 s"
}

# Closes the studio as a user would (Ctrl+Q: it saves its settings, so the next start reads
# them), or with SIGTERM (as a logout would) when it does not go within 10 s; waits for its
# process and window to go.
studio_stop() {
  local window
  window="$(xdotool search --onlyvisible --name '^Anneal — ' 2>/dev/null | head -1 || true)"
  if [ -n "$window" ]; then
    xdotool windowfocus --sync "$window" key ctrl+q 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.05; done
  fi
  kill "$APP_PID" 2>/dev/null && say "the studio did not close on Ctrl+Q: sent SIGTERM" || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  for _ in $(seq 1 100); do
    xdotool search --name '^Anneal' >/dev/null 2>&1 || return 0
    sleep 0.05
  done
}

# Waits until the first start has finished unpacking libtorch into data folder $1.
wait_for_libtorch() {
  for _ in $(seq 1 600); do
    [ -n "$(find "$1/djl/pytorch" -name 'libtorch.so' 2>/dev/null | head -1)" ] && return 0
    sleep 0.1
  done
  fail "libtorch was not unpacked into $1/djl/pytorch within 60 s"
}

# "median X s (min A, max B, n N)" of the numbers given.
stats() {
  printf '%s\n' "$@" | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "median %.2f s (min %.2f, max %.2f, n %d)", m, v[1], v[NR], NR }'
}

# How busy the machine's CPUs were over the last second, in percent of all cores, from
# /proc/stat (taken while nothing of ours runs): whether a timing was taken on a quiet machine.
cpu_busy() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  awk -v u=$((b[1] + b[2] + b[3] + b[6] + b[7] - a[1] - a[2] - a[3] - a[6] - a[7])) \
      -v i=$((b[4] + b[5] - a[4] - a[5])) 'BEGIN { printf "%.0f%%", (u + i) ? 100 * u / (u + i) : 0 }'
}
