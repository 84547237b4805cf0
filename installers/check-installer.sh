#!/usr/bin/env bash
# End-to-end check of the Linux installers, as a user would meet them:
#   installers/check-installer.sh [--no-build] [TYPE...]       TYPE: deb (default), rpm
#   installers/check-installer.sh --missing-tools [TYPE...]    what this machine lacks, if anything
# For each package:
#   1. builds it (./mvnw -B -Pinstaller package; --no-build takes the one in target/installer),
#   2. extracts it (dpkg-deb -x, rpm2cpio | cpio: no root needed, nothing is installed) and looks
#      at what it declares (dependencies, menu entry, the /usr/bin/anneal link, the AOT cache),
#   3. checks that the launcher takes the AOT cache as packaged (-XX:AOTMode=on refuses otherwise),
#   4. starts the installed studio under Xvfb on a fresh data folder, then times warm starts,
#      one of them with the AOT cache removed (it must still start), and saves a screenshot,
#   5. trains two steps of the sample workspace through the installed `anneal` command.
# Prints the figures the README quotes and exits non-zero on the first thing that does not work.
# Writes only under /tmp and target/installer. Needs: see installers/lib/tools.sh.
set -euo pipefail
CHECK=check-installer
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/installers/lib/studio.sh"
source "$ROOT/installers/lib/tools.sh"

BUILD=1
TYPES=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --missing-tools) MISSING_ONLY=1 ;;
    deb|rpm) TYPES+=("$arg") ;;
    *) fail "unknown argument '$arg': [--no-build|--missing-tools] [deb] [rpm]" ;;
  esac
done
[ ${#TYPES[@]} -gt 0 ] || TYPES=(deb)
if [ -n "${MISSING_ONLY:-}" ]; then missing_tools "${TYPES[@]}"; exit 0; fi
missing="$(missing_tools "${TYPES[@]}")"
[ -z "$missing" ] || fail "missing: $(echo "$missing" | paste -sd, -)"

WORK="$(mktemp -d /tmp/anneal-check.XXXXXX)"
trap 'studio_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
OUT="$ROOT/target/installer"

# 1. Build.
if [ "$BUILD" = 1 ]; then
  say "building: ${TYPES[*]}"
  build_start=$(date +%s)
  (cd "$ROOT" && ./mvnw -B ${MVN_ARGS:-} -Pinstaller package "-Dinstaller.type=${TYPES[*]}") \
    > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "the installer build failed (log above)"; }
  say "built in $(( $(date +%s) - build_start )) s (maven, jlink, jpackage, AOT cache)"
fi

xvfb_start

# 2. Extract a package into $1 and check what it declares.
extract_and_inspect() {
  local type="$1" pkg="$2" root="$3" deps scripts
  mkdir -p "$root"
  case "$type" in
    deb)
      dpkg-deb -x "$pkg" "$root"
      deps="$(dpkg-deb -f "$pkg" Depends)"
      scripts="$(dpkg-deb -I "$pkg" postinst)" ;;
    rpm)
      (cd "$root" && rpm2cpio "$pkg" | cpio -idm --quiet)
      deps="$(rpm -qpR "$pkg" 2>/dev/null | paste -sd' ' -)"
      scripts="$(rpm -qp --scripts "$pkg" 2>/dev/null)"
      # grep without -q reads to the end: quitting early would fail rpm on SIGPIPE (pipefail).
      rpm -qpl "$pkg" 2>/dev/null | grep -x /opt/anneal/lib/app/anneal.aot >/dev/null \
        || fail "$(basename "$pkg") does not list /opt/anneal/lib/app/anneal.aot" ;;
  esac
  say "$type dependencies: $deps"
  case "$deps" in *libgtk-3*) ;; *) fail "the $type does not depend on GTK 3: JavaFX's libraries were not seen" ;; esac
  [[ "$scripts" == *"/usr/bin/anneal"* ]] || fail "the $type's install script does not link /usr/bin/anneal"
  APP="$root/opt/anneal"
  for launcher in Anneal anneal; do
    [ -x "$APP/bin/$launcher" ] || fail "the $type has no launcher opt/anneal/bin/$launcher"
  done
  local desktops
  desktops="$(find "$APP/lib" -maxdepth 1 -name '*.desktop')"
  [ "$(echo "$desktops" | grep -c .)" = 1 ] || fail "the $type should have one menu entry, it has: $desktops"
  grep -q '^Categories=Development;Science;' "$desktops" || fail "$desktops: not in the Development menu"
  [ -s "$APP/lib/app/anneal.aot" ] || fail "the $type has no AOT cache (lib/app/anneal.aot)"
}

# 3. The launcher must take the cache where the package put it: with AOTMode=on the JVM refuses
#    to start rather than run without it (a different class path or a touched jar would do that).
check_aot_cache() {
  JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$APP/bin/anneal" --version > "$WORK/aot.log" 2>&1 \
    || { cat "$WORK/aot.log" >&2; fail "the installed launcher cannot use its AOT cache (log above)"; }
  say "AOT cache: $(du -m "$APP/lib/app/anneal.aot" | cut -f1) MB, taken by the installed launcher"
}

# 4. The studio on a data folder of its own: a first start, warm starts, one without the cache.
check_studio() {
  local type="$1" warm=() run
  export ANNEAL_HOME="$WORK/$type/home"
  studio_start "$APP/bin/Anneal" "$WORK/$type-first.log"
  say "first start (unpacks libtorch behind a splash, then the sample workspace): window after $SECONDS_TO_WINDOW s"
  wait_for_libtorch "$ANNEAL_HOME"
  sleep 2
  studio_stop
  for run in 1 2 3; do
    studio_start "$APP/bin/Anneal" "$WORK/$type-warm$run.log"
    warm+=("$SECONDS_TO_WINDOW")
    if [ "$run" = 3 ] && [ -x /usr/bin/convert ] && command -v xwd >/dev/null; then
      sleep 3
      xwd -root -silent | /usr/bin/convert xwd:- "$OUT/check-$type-window.png"
      say "screenshot: target/installer/check-$type-window.png"
    fi
    studio_stop
  done
  say "warm start: window after ${warm[*]} s (CPUs $(cpu_busy) busy just after)"
  mv "$APP/lib/app/anneal.aot" "$WORK/anneal.aot"
  studio_start "$APP/bin/Anneal" "$WORK/$type-nocache.log"
  studio_stop
  mv "$WORK/anneal.aot" "$APP/lib/app/anneal.aot"
  say "without the AOT cache the studio still starts: window after $SECONDS_TO_WINDOW s"
}

# 5. Two training steps of the sample workspace through the installed command line.
check_cli() {
  local corpus="$ANNEAL_HOME/sample-workspace/corpus" dir="$WORK/$1/cli" metrics
  [ -d "$corpus" ] || fail "the studio did not unpack the sample workspace into $corpus"
  mkdir -p "$dir"
  cli() { say "anneal $*"; (cd "$dir" && "$APP/bin/anneal" "$@") || fail "anneal $* exited with $?"; }
  cli --version
  cli dataset build "$corpus" --out ds --quiet
  cli tokenizer train ds --vocab-size 4096 --quiet
  cli dataset prepare ds --seq-len 256 --quiet
  cli train nano --data ds --steps 2 --out runs
  metrics="$(find "$dir/runs" -name metrics.jsonl | head -1)"
  [ -n "$metrics" ] && grep -q '"step" *: *2' "$metrics" || fail "no step 2 in the run's metrics.jsonl"
  say "trained 2 steps: ${metrics#"$WORK/"}"
}

for type in "${TYPES[@]}"; do
  case "$type" in
    deb) pkg="$(ls "$OUT"/anneal_*.deb 2>/dev/null | head -1 || true)" ;;
    rpm) pkg="$(ls "$OUT"/anneal-*.rpm 2>/dev/null | head -1 || true)" ;;
  esac
  [ -n "$pkg" ] || fail "no $type in target/installer: build it first (drop --no-build)"
  say "$(basename "$pkg"): $(du -m "$pkg" | cut -f1) MB"
  extract_and_inspect "$type" "$pkg" "$WORK/$type/root"
  check_aot_cache
  check_studio "$type"
  check_cli "$type"
  rm -rf "$WORK/$type/root"
  say "$type OK"
done
say "OK"
