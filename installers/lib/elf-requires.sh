# Sourced by build-installer.sh. The system libraries an app image's native code links against,
# as RPM capabilities ("libgtk-3.so.0()(64bit)"). jpackage asks the package database which
# package holds each library only when building the host's own package type, so an .rpm built on
# Debian gets no dependencies; sonames are what every RPM distribution's library packages provide.
elf_requires() {
  local image="$1" suffix=""
  case "$(uname -m)" in x86_64|aarch64|ppc64le|s390x) suffix="()(64bit)" ;; esac
  local inside needed
  inside="$(find "$image" -name '*.so*' -printf '%f\n' | sort -u)"
  needed="$(find "$image" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | xargs -0 readelf -d 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u \
    || true)"   # readelf fails on a non-ELF executable (a script): its NEEDED lines are none
  comm -23 <(echo "$needed") <(echo "$inside") | sed "s/\$/$suffix/" | paste -sd' ' -
}
