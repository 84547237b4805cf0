# Sourced by check-installer.sh: what building and checking each package type needs on a
# Debian-like machine, as "command:apt package" pairs, and which of those are missing.
tools_for() {
  echo "Xvfb:xvfb xdotool:xdotool libgtk-3.so.0:libgtk-3-0"
  case "$1" in
    deb) echo "dpkg-deb:dpkg fakeroot:fakeroot" ;;
    rpm) echo "rpmbuild:rpm rpm2cpio:rpm cpio:cpio readelf:binutils" ;;
  esac
}

# Prints "TOOL (apt-get install PACKAGE)" for each tool the types need that is not here.
missing_tools() {
  local type pair tool
  for type in "$@"; do
    for pair in $(tools_for "$type"); do
      tool="${pair%%:*}"
      case "$tool" in
        # grep without -q reads to the end: quitting early would fail ldconfig on SIGPIPE.
        *.so.*) /sbin/ldconfig -p 2>/dev/null | grep -F "$tool" >/dev/null && continue ;;
        *) command -v "$tool" >/dev/null 2>&1 && continue ;;
      esac
      echo "$tool (apt-get install ${pair#*:})"
    done
  done | sort -u
}
