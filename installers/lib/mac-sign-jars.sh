# Sourced by build-installer.sh on macOS when it signs. Notarisation looks inside jars too and
# rejects any Mach-O library there that is not signed with a Developer ID, the hardened runtime
# and a timestamp: DJL's libtorch (pytorch-native-cpu osx-aarch64), the tokenizer's and JNA's
# natives. They are signed in place in the app's copies of the jars, before the app image and its
# AOT cache are made (the cache checks each jar's size and time, so the jars must not change later).
# Not run here: this repository's machines are Linux.
sign_jar_natives() {
  local dir="$1" identity="$2" jar entries tmp
  for jar in "$dir"/*.jar; do
    entries="$(unzip -Z1 "$jar" | grep -E '\.(dylib|jnilib)$' || true)"
    [ -n "$entries" ] || continue
    tmp="$(mktemp -d /tmp/anneal-sign.XXXXXX)"
    echo "$entries" | (cd "$tmp" && xargs unzip -q "$jar")
    echo "$entries" | while IFS= read -r entry; do
      codesign --force --timestamp --options runtime --sign "$identity" "$tmp/$entry" \
        || fail "cannot sign $entry from $(basename "$jar")"
    done
    echo "$entries" | (cd "$tmp" && xargs "$JAVA_HOME/bin/jar" uf "$jar")
    rm -rf "$tmp"
    step "signed $(echo "$entries" | grep -c .) native libraries inside $(basename "$jar")"
  done
}
