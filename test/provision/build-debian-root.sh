#!/usr/bin/env bash
# A Debian 12 root for the provisioning test (issue 19), built once and cached: debootstrap, then the
# kiosk's packages (deploy/kiosk/packages.txt) plus the development machine's virtual stack (socat,
# vsmartcard-vpcd, cups-pdf), which install-kiosk.sh must remove. Cached under $KIOSK_PROVISION_CACHE
# (default /var/cache/kiosk-provision-test) in a folder named by a hash of the package list and of this
# script's recipe version, so a changed list builds a new root and older ones are deleted. Prints the root's path.
# Needs root and Debian's mirror; the test runs the install script in an overlay on top of this root,
# so the cached root itself is never changed by a test.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${KIOSK_PROVISION_CACHE:-/var/cache/kiosk-provision-test}
mirror=${KIOSK_PROVISION_MIRROR:-http://deb.debian.org/debian}
packages_file=$repo/deploy/kiosk/packages.txt
virtual_stack=(socat vsmartcard-vpcd printer-driver-cups-pdf)

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$packages_file" | grep -v '^$')
# Bump when the recipe below changes what the root holds.
recipe=1
key=$( { cat "$packages_file"; echo "recipe $recipe ${virtual_stack[*]}"; } | sha256sum | cut -c1-16)
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9
if [[ -e $cache/$key/complete ]]; then
  echo "$cache/$key/root"
  exit 0
fi

build=$cache/$key.building
root=$build/root
cleanup() {
  for mount in "$root/dev" "$root/sys" "$root/proc"; do
    if mountpoint -q "$mount"; then umount -l "$mount"; fi
  done
}
trap cleanup EXIT
rm -rf "$build"
mkdir -p "$build"
started=$SECONDS
echo "building a Debian 12 root in $build (once per package list)" >&2
debootstrap --include=ca-certificates bookworm "$root" "$mirror" >"$build/debootstrap.log" 2>&1 ||
  { tail -20 "$build/debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Services must not start inside the build (the root has no running systemd).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
chroot "$root" apt-get update -qq
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
  "${packages[@]}" "${virtual_stack[@]}" >"$build/apt.log" 2>&1 || { tail -20 "$build/apt.log" >&2; exit 1; }
chroot "$root" apt-get clean
rm -f "$root/usr/sbin/policy-rc.d"
cleanup
echo "$((SECONDS - started)) s, $(du -sh "$root" | cut -f1)" >"$build/complete"
for old in "$cache"/*/; do
  [[ $old == "$cache/$key/" || $old == "$build/" ]] || rm -rf "$old"
done
mv "$build" "$cache/$key"
echo "built in $(cat "$cache/$key/complete")" >&2
echo "$cache/$key/root"
