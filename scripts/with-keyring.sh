#!/usr/bin/env bash
# Runs a command with a real, throwaway Secret Service (gnome-keyring) on a
# private D-Bus session, so keychain tests never touch the user's own keyring.
# Usage: scripts/with-keyring.sh <command...>
set -euo pipefail
if [ "$(uname)" != Linux ]; then exec "$@"; fi
if [ -z "${CHORUS_IN_DBUS_SESSION:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || {
      echo "scripts/with-keyring.sh: '$tool' is missing. On Debian/Ubuntu: sudo apt-get install dbus gnome-keyring libsecret-1-0" >&2
      exit 1
    }
  done
  export CHORUS_IN_DBUS_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the new keyring's password from stdin and creates it unlocked.
eval "$(printf 'chorus-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL CHORUS_TEST_KEYRING=1
"$@"
