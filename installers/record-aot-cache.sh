#!/usr/bin/env bash
# Records the JVM's AOT cache (JEP 483/514/515) into a jpackage app image, so the installed
# studio starts with its classes already loaded, linked and profiled:
#   installers/record-aot-cache.sh APP_IMAGE        (target/installer/image/Anneal or Anneal.app)
# The image's launcher must already pass -XX:AOTCache=$APPDIR/anneal.aot (build-installer.sh
# does). The cache is only used with the exact class path it was recorded with, so this runs the
# image's own runtime with the class path, main class and options read from the launcher's .cfg,
# and -Danneal.aotTraining=true: the studio opens, draws its window, waits for the engine probe,
# builds a small synthetic dataset through the command line (so the command line's data pipeline
# starts from the cache too) and closes itself (see AotTrainingRun). A first run on a fresh data
# folder unpacks libtorch and the sample workspace, so the recorded run is a warm start, the one
# users repeat.
# Linux: the window opens on a private Xvfb (apt-get install xvfb libgtk-3-0); macOS: on screen.
set -euo pipefail
CHECK=record-aot-cache
WORK="$(mktemp -d /tmp/anneal-aot.XXXXXX)"
source "$(dirname "$0")/lib/studio.sh"
trap 'studio_cleanup; rm -rf "$WORK"' EXIT

IMAGE="${1:?usage: record-aot-cache.sh APP_IMAGE}"
NAME="$(basename "${IMAGE%.app}")"
if [ -d "$IMAGE/Contents" ]; then                      # macOS bundle
  APPDIR="$IMAGE/Contents/app"; JAVA="$IMAGE/Contents/runtime/Contents/Home/bin/java"
  LAUNCHER="$IMAGE/Contents/MacOS/$NAME"
else
  APPDIR="$IMAGE/lib/app"; JAVA="$IMAGE/lib/runtime/bin/java"; LAUNCHER="$IMAGE/bin/$NAME"
fi
CFG="$APPDIR/$NAME.cfg"
CACHE="$APPDIR/anneal.aot"
[ -f "$CFG" ] || fail "$CFG not found: not a jpackage app image"
[ -x "$JAVA" ] || fail "$JAVA not found: the image's runtime has no bin/java"
grep -q '^java-options=-XX:AOTCache=\$APPDIR/anneal.aot$' "$CFG" \
  || fail "$CFG does not pass -XX:AOTCache=\$APPDIR/anneal.aot: the cache would never be used"

# The launcher's class path (in its order), main class and options, with $APPDIR filled in.
# The AOTCache option itself is left out: a training run writes the cache, it does not read it.
cfg_values() { sed -n "s/^$1=//p" "$CFG" | sed "s|\\\$APPDIR|$APPDIR|g"; }
CLASS_PATH="$(cfg_values app.classpath | paste -sd: -)"
MAIN_CLASS="$(cfg_values app.mainclass)"
OPTIONS=()
while IFS= read -r option; do OPTIONS+=("$option"); done < <(cfg_values java-options | grep -v '^-XX:AOTCache=')
[ -n "$CLASS_PATH" ] && [ -n "$MAIN_CLASS" ] || fail "$CFG has no class path or main class"

if [ "$(uname -s)" = Linux ]; then
  need Xvfb "apt-get install xvfb (the training run opens the studio's window on it)"
  xvfb_start
fi
export ANNEAL_HOME="$WORK/home"
rm -f "$CACHE"
# A studio that never closes itself must not hang the build (macOS has no `timeout` of its own).
LIMIT=()
command -v timeout >/dev/null 2>&1 && LIMIT=(timeout 300)
studio_java() {
  local log="$1"; shift
  ${LIMIT[@]+"${LIMIT[@]}"} "$JAVA" "$@" ${OPTIONS[@]+"${OPTIONS[@]}"} -Danneal.aotTraining=true \
    -Djava.class.path="$CLASS_PATH" "$MAIN_CLASS" > "$log" 2>&1 \
    || { tail -20 "$log" >&2; fail "the studio's training run failed or did not close itself (log above)"; }
}
start=$(date +%s)
studio_java "$WORK/warmup.log"
studio_java "$WORK/record.log" -XX:AOTCacheOutput="$CACHE"
[ -s "$CACHE" ] || { tail -20 "$WORK/record.log" >&2; fail "the JVM wrote no AOT cache (log above)"; }
! grep -q "data workload failed" "$WORK/record.log" \
  || { tail -20 "$WORK/record.log" >&2; fail "the training run's dataset build failed (log above)"; }

# The launcher must take the cache as it is: AOTMode=on makes the JVM refuse to start otherwise.
JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$LAUNCHER" --version > "$WORK/verify.log" 2>&1 \
  || { cat "$WORK/verify.log" >&2; fail "the launcher cannot use the recorded cache (log above)"; }
say "$(basename "$CACHE"): $(du -m "$CACHE" | cut -f1) MB, recorded in $(( $(date +%s) - start )) s"
