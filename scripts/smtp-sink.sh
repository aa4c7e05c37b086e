#!/usr/bin/env bash
# Postfix's smtp-sink (a C SMTP server that accepts and discards every message) on ADDRESS,
# for the load runs: an SMTP sink written in Python (aiosmtpd) tops out near 250 messages a
# second on two cores and would measure itself, not us. Taken from Debian's postfix package
# without installing it (no mail service is configured or started): `apt-get download` and
# `dpkg -x` into var/postfix, once.
#
#     bash scripts/smtp-sink.sh 127.0.0.1:2525      # prints "mesg=N" counts with -c
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$here/var/postfix"
if [ ! -x "$root/usr/sbin/smtp-sink" ]; then
    mkdir -p "$root"
    tmp="$(mktemp -d)" && chmod 755 "$tmp"  # apt's _apt user downloads into it
    (cd "$tmp" && apt-get download postfix >/dev/null)
    dpkg -x "$tmp"/postfix_*.deb "$root"
    rm -rf "$tmp"
fi
user=()
[ "$(id -u)" = 0 ] && user=(-u nobody)
export LD_LIBRARY_PATH="$root/usr/lib/postfix"
exec "$root/usr/sbin/smtp-sink" -c "${user[@]}" "$1" 1000
