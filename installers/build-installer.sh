#!/usr/bin/env bash
# Builds Anneal's native installers from what `mvn package` left in target/:
#   1. jmods from the platform's JavaFX jars (Maven Central has no JavaFX jmods),
#   2. a runtime image with jlink (the modules in jlink/modules.txt),
#   3. the app's jars (class path) beside it,
#   4. an app image with jpackage (launchers, icon) and the JVM's AOT cache recorded into it,
#   5. each package asked for, around that one image: a menu entry and an `anneal` command.
# Maven's `installer` profile runs it (./mvnw -Pinstaller package); it also runs by hand after
# ./mvnw package:  installers/build-installer.sh [TYPE...]    TYPE: deb, rpm, dmg, app-image;
# none: deb on Linux, dmg on macOS. Packages land in target/installer/.
#
# Settings (environment; the profile passes the first four):
#   JAVA_HOME          a JDK 25 with jlink, jmod and jpackage
#   APP_VERSION        the project version (a -SNAPSHOT suffix is dropped: packages want numbers)
#   JAVAFX_PLATFORM    classifier of the JavaFX jars to link: linux, linux-aarch64, mac-aarch64
#   JVM_FLAGS          flags every entry point needs (the pom's anneal.jvm.flags)
#   ANNEAL_DEB_COMPRESSOR  zstd (default where dpkg-deb supports it) or xz
#   ANNEAL_MAC_SIGN    a "Developer ID Application: Name (TEAMID)" identity to sign the app with
#   ANNEAL_AOT         0 builds without the AOT cache (no display needed; the studio starts slower)
# Also runs on macOS's bash 3.2: under set -u an empty array is expanded as ${a[@]+"${a[@]}"}.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$ROOT/target"
OUT="$TARGET/installer"
TYPES=()
for arg in ${*//,/ }; do TYPES+=("$arg"); done   # "deb rpm" or deb,rpm from -Dinstaller.type

fail() { echo "build-installer: $*" >&2; exit 1; }
step() { echo "build-installer: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found: $2"; }

case "$(uname -s)" in
  Linux)  OS=linux ;;
  Darwin) OS=mac ;;
  *) fail "unsupported OS $(uname -s): Anneal packages for Linux and macOS" ;;
esac
if [ ${#TYPES[@]} = 0 ]; then
  if [ "$OS" = mac ]; then TYPES=(dmg); else TYPES=(deb); fi
fi

JAVA_HOME="${JAVA_HOME:-}"
[ -n "$JAVA_HOME" ] || fail "JAVA_HOME is not set: point it at a JDK 25"
for tool in jmod jlink jpackage; do
  [ -x "$JAVA_HOME/bin/$tool" ] || fail "$JAVA_HOME/bin/$tool not found: JAVA_HOME must be a full JDK 25, not a JRE"
done
jdk_major="$("$JAVA_HOME/bin/java" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }')"
[ "${jdk_major:-0}" -ge 25 ] 2>/dev/null || fail "$JAVA_HOME is JDK ${jdk_major:-?}: the installer needs JDK 25 or newer (JavaFX 25's classes)"
APP_VERSION="${APP_VERSION:-0.1.0}"
APP_VERSION="${APP_VERSION%%-*}"
JVM_FLAGS="${JVM_FLAGS:---enable-native-access=ALL-UNNAMED}"
if [ -z "${JAVAFX_PLATFORM:-}" ]; then
  case "$OS-$(uname -m)" in
    linux-x86_64) JAVAFX_PLATFORM=linux ;;
    linux-aarch64) JAVAFX_PLATFORM=linux-aarch64 ;;
    mac-arm64) JAVAFX_PLATFORM=mac-aarch64 ;;
    *) fail "no JavaFX platform for $OS $(uname -m); set JAVAFX_PLATFORM" ;;
  esac
fi

for type in "${TYPES[@]}"; do
  case "$type" in
    deb) [ "$OS" = linux ] || fail "a .deb is built on Linux"
         need dpkg-deb "install it with: apt-get install dpkg-dev"
         need fakeroot "install it with: apt-get install fakeroot" ;;
    rpm) [ "$OS" = linux ] || fail "an .rpm is built on Linux"
         need rpmbuild "install it with: apt-get install rpm (or dnf install rpm-build)"
         need readelf "install it with: apt-get install binutils" ;;
    dmg) [ "$OS" = mac ] || fail "a .dmg is built on a Mac (jpackage cannot cross-build)"
         need hdiutil "it comes with macOS" ;;
    app-image) ;;
    *) fail "unknown package type '$type': deb, rpm, dmg or app-image" ;;
  esac
done
[ -f "$TARGET/anneal.jar" ] || fail "$TARGET/anneal.jar not found: run ./mvnw package first"
[ -d "$TARGET/lib" ] || fail "$TARGET/lib not found: run ./mvnw package first"

rm -rf "$OUT"
mkdir -p "$OUT/jmods" "$OUT/input/lib" "$OUT/work"
START=$(date +%s)

# 1. JavaFX jmods: each platform jar's classes and resources, its native libraries as --libs.
step "JavaFX jmods ($JAVAFX_PLATFORM)"
JAVAFX_MODULES=()
shopt -s nullglob
fx_jars=("$TARGET"/lib/javafx-*-"$JAVAFX_PLATFORM".jar)
[ ${#fx_jars[@]} -gt 0 ] || fail "no $TARGET/lib/javafx-*-$JAVAFX_PLATFORM.jar: was the build made for this platform?"
for jar in "${fx_jars[@]}"; do
  artifact="$(basename "$jar")"
  artifact="${artifact%%-[0-9]*}"            # javafx-graphics
  module="${artifact//-/.}"                  # javafx.graphics
  work="$OUT/work/$module"
  mkdir -p "$work/classes" "$work/libs"
  (cd "$work/classes" && "$JAVA_HOME/bin/jar" xf "$jar")
  for lib in "$work"/classes/*.so "$work"/classes/*.dylib; do mv "$lib" "$work/libs/"; done
  # The SWT bridge and GraalVM's substrate hints are not for a desktop runtime.
  rm -rf "$work/classes/META-INF" "$work/classes/javafx-swt.jar"
  [ -f "$work/classes/module-info.class" ] || fail "$jar has no module-info.class"
  libs=()
  if [ -n "$(ls -A "$work/libs")" ]; then libs=(--libs "$work/libs"); fi
  "$JAVA_HOME/bin/jmod" create --class-path "$work/classes" ${libs[@]+"${libs[@]}"} "$OUT/jmods/$module.jmod"
  JAVAFX_MODULES+=("$module")
done
shopt -u nullglob

# 2. The runtime image. The JDK's modules come from its jmods/ if it has one, else from the
#    running image (JEP 493, Temurin 25).
MODULES="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$ROOT/jlink/modules.txt" | grep -v '^$' | paste -sd, -)"
for module in "${JAVAFX_MODULES[@]}"; do
  case ",$MODULES," in *",$module,"*) ;; *) fail "jlink/modules.txt does not list $module" ;; esac
done
MODULE_PATH="$OUT/jmods"
[ -d "$JAVA_HOME/jmods" ] && MODULE_PATH="$MODULE_PATH:$JAVA_HOME/jmods"
# The runtime's default CDS archive (28 MB) only serves a launcher without the AOT cache: a JVM
# given -XX:AOTCache uses that cache or, failing it, no archive at all.
CDS=()
[ "${ANNEAL_AOT:-1}" = 0 ] && CDS=(--generate-cds-archive)
step "jlink runtime: $MODULES"
"$JAVA_HOME/bin/jlink" @"$ROOT/jlink/jlink.options" ${CDS[@]+"${CDS[@]}"} --module-path "$MODULE_PATH" \
  --add-modules "$MODULES" --output "$OUT/runtime"

# 3. The app: anneal.jar with its libraries beside it in lib/ (the jar's manifest Class-Path);
#    the JavaFX jars stay out, JavaFX is in the runtime.
cp "$TARGET/anneal.jar" "$OUT/input/"
for jar in "$TARGET"/lib/*.jar; do
  case "$(basename "$jar")" in javafx-*) ;; *) cp "$jar" "$OUT/input/lib/" ;; esac
done
if [ "$OS" = mac ] && [ -n "${ANNEAL_MAC_SIGN:-}" ]; then
  source "$ROOT/installers/lib/mac-sign-jars.sh"
  sign_jar_natives "$OUT/input/lib" "$ANNEAL_MAC_SIGN"
fi

DESCRIPTION="Turn a code repository into a training set, train code language models, compare them."
# The AOT cache is recorded into the image after it is built (record-aot-cache.sh); a launcher
# whose cache is missing or stale still starts, only slower, so its warnings are not shown.
JAVA_OPTIONS="$JVM_FLAGS --enable-native-access=javafx.graphics"
IMAGE_ARGS=(
  --type app-image --dest "$OUT/image"
  --name Anneal --app-version "$APP_VERSION"
  --vendor "Anneal" --description "$DESCRIPTION" --copyright "Anneal developers"
  --runtime-image "$OUT/runtime"
  --input "$OUT/input" --main-jar anneal.jar --main-class dev.anneal.Main
  --java-options "$JAVA_OPTIONS"
)
# C2's inlining budgets lowered, as ./anneal does: a cold dataset build compiled for 2.1 s instead
# of 3.6 s and finished 10% sooner, with warm builds and training steps no slower.
IMAGE_ARGS+=(--java-options -XX:FreqInlineSize=100 --java-options -XX:InlineSmallCode=1000)
if [ "${ANNEAL_AOT:-1}" != 0 ]; then
  IMAGE_ARGS+=(--java-options '-XX:AOTCache=$APPDIR/anneal.aot' --java-options '-Xlog:aot=off')
fi
PACKAGE_ARGS=(--dest "$OUT" --name Anneal --app-version "$APP_VERSION"
  --vendor "Anneal" --description "$DESCRIPTION" --copyright "Anneal developers")
if [ "$OS" = linux ]; then
  # The Java heap on transparent huge pages (a Linux-only flag; the JVM on other systems refuses
  # it): a dataset build fills a gigabyte or two of fresh heap, 4 KB faults cost it about 0.7 s in
  # 50 MB. Where the kernel grants none (enabled: never) the JVM goes on without them and would
  # say so on stdout at every start, hence the pagesize log turned off.
  IMAGE_ARGS+=(--java-options -XX:+UseTransparentHugePages --java-options -Xlog:pagesize=off)
  IMAGE_ARGS+=(--icon "$ROOT/assets/icon.png" --resource-dir "$ROOT/installers/linux"
    --add-launcher anneal="$ROOT/installers/linux/anneal-cli.properties")
  PACKAGE_ARGS+=(--icon "$ROOT/assets/icon.png" --resource-dir "$ROOT/installers/linux"
    --linux-package-name anneal --linux-shortcut --linux-menu-group "Development;Science;"
    --linux-app-category devel)
  APP_IMAGE="$OUT/image/Anneal"
else
  # macOS: the .icns is made from the same PNG with the system's sips and iconutil.
  iconset="$OUT/work/Anneal.iconset"
  mkdir -p "$iconset"
  for size in 16 32 128 256 512; do
    sips -z $size $size "$ROOT/assets/icon.png" --out "$iconset/icon_${size}x${size}.png" >/dev/null
    double=$((size * 2))
    sips -z $double $double "$ROOT/assets/icon.png" --out "$iconset/icon_${size}x${size}@2x.png" >/dev/null
  done
  iconutil -c icns "$iconset" -o "$OUT/work/Anneal.icns"
  IMAGE_ARGS+=(--icon "$OUT/work/Anneal.icns" --resource-dir "$ROOT/installers/macos"
    --mac-package-identifier dev.anneal.studio --mac-package-name Anneal
    --mac-app-category public.app-category.developer-tools)
  PACKAGE_ARGS+=(--resource-dir "$ROOT/installers/macos")
  APP_IMAGE="$OUT/image/Anneal.app"
fi

# 4. The app image (launchers, runtime, jars), then its AOT cache, then the package around it.
#    The image is signed only once the cache is in it: adding a file afterwards breaks a signature.
step "jpackage --type app-image"
"$JAVA_HOME/bin/jpackage" ${ANNEAL_JPACKAGE_VERBOSE:+--verbose} "${IMAGE_ARGS[@]}"
if [ "$OS" = linux ]; then
  # jpackage 25 records the CLI launcher's linux-shortcut=false as <shortcut> in the image's
  # .jpackage.xml but reads <linux-shortcut> back when packaging it: without this the package
  # would put a second, terminal-less "anneal" entry in the menu.
  sed -i 's|<shortcut>false</shortcut>|<linux-shortcut>false</linux-shortcut>|' "$APP_IMAGE/lib/app/.jpackage.xml"
fi
if [ "${ANNEAL_AOT:-1}" != 0 ]; then
  step "AOT cache (a training run of the studio)"
  "$ROOT/installers/record-aot-cache.sh" "$APP_IMAGE"
else
  step "no AOT cache (ANNEAL_AOT=0): the studio starts without one, slower"
fi
if [ "$OS" = mac ] && [ -n "${ANNEAL_MAC_SIGN:-}" ]; then
  step "signing $APP_IMAGE"
  # The full certificate name ("Developer ID Application: Name (TEAMID)"), as `security
  # find-identity -v -p codesigning` lists it; jpackage signs every Mach-O file inside with the
  # hardened runtime and the entitlements. The .dmg around it is signed after (installers/README.md).
  "$JAVA_HOME/bin/jpackage" --type app-image --app-image "$APP_IMAGE" --mac-sign \
    --mac-app-image-sign-identity "$ANNEAL_MAC_SIGN" \
    --mac-entitlements "$ROOT/installers/macos/entitlements.plist"
fi

# 5. The packages, each around the same image.
for type in "${TYPES[@]}"; do
  case "$type" in
    app-image) step "app image in $APP_IMAGE"; continue ;;
    deb)
      # xz takes minutes on the 110 MB libtorch jar; zstd seconds (dpkg 1.21.18+ installs it).
      compressor="${ANNEAL_DEB_COMPRESSOR:-}"
      dpkg_help="$(dpkg-deb --help 2>&1 || true)"
      if [ -z "$compressor" ] && [[ "$dpkg_help" == *zstd* ]]; then compressor=zstd; fi
      [ -n "$compressor" ] && export DPKG_DEB_COMPRESSOR_TYPE="$compressor"
      step "dpkg-deb compression: ${DPKG_DEB_COMPRESSOR_TYPE:-dpkg-deb default}"
      TYPE_ARGS=(--linux-deb-maintainer "anneal@users.noreply.github.com") ;;
    rpm)
      # jpackage looks dependencies up only for the host's own package type: on a Debian host an
      # .rpm gets none (its note: "app-image dir not generated by jpackage"). So name them.
      source "$ROOT/installers/lib/elf-requires.sh"
      TYPE_ARGS=(--linux-package-deps "$(elf_requires "$APP_IMAGE")") ;;
    dmg) TYPE_ARGS=() ;;
  esac
  step "jpackage --type $type"
  "$JAVA_HOME/bin/jpackage" ${ANNEAL_JPACKAGE_VERBOSE:+--verbose} --type "$type" \
    --app-image "$APP_IMAGE" "${PACKAGE_ARGS[@]}" ${TYPE_ARGS[@]+"${TYPE_ARGS[@]}"}
done

step "built in $(( $(date +%s) - START )) s"
for f in "$OUT"/*.deb "$OUT"/*.rpm "$OUT"/*.dmg; do
  [ -f "$f" ] && step "$(basename "$f"): $(du -m "$f" | cut -f1) MB"
done
exit 0
