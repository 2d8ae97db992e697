#!/usr/bin/env bash
# Installs the Debian packages the kiosk system needs (real PC/SC stack, serial ptys, CUPS with a PDF
# queue, fonts for Japanese certificates, Chromium for the browser tests). Idempotent: does nothing when
# everything is present. As root it runs apt itself; otherwise it prints the one apt line to run.
set -euo pipefail

# iproute2 and util-linux (unshare, setpriv): the virtual card's pcscd runs in its own network namespace.
# espeak-ng: the kiosk's spoken guidance, synthesized offline (issue 17).
# open-jtalk + open-jtalk-mecab-naist-jdic: Japanese guidance with a natural voice that reads kanji, the
# synthesizer and its dictionary (the voice itself comes from scripts/ensure-jtalk-voice.sh: Debian main
# has none); the speech tests render with the real ones.
PACKAGES=(pcscd vsmartcard-vpcd libpcsclite-dev pkg-config socat cups printer-driver-cups-pdf poppler-utils
  fonts-noto-cjk umockdev chromium iproute2 util-linux opensc pcsc-tools espeak-ng open-jtalk
  open-jtalk-mecab-naist-jdic)
# Other scripts name their own packages (ensure-postgres.sh: postgresql): `ensure-system.sh pkg…`.
if [[ $# -gt 0 ]]; then
  PACKAGES=("$@")
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run this once, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages' postinst scripts must not start daemons: our scripts start pcscd and cupsd themselves,
# on loopback, and stop them again.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
