#!/usr/bin/env bash
# Turns a fresh Debian 12 machine into a kiosk (issue 19; README "Provisioning a kiosk"):
#
#   sudo scripts/install-kiosk.sh --from DIR --hub https://hub.example --enrol CODE
#
# DIR is a built checkout (npm ci and the build done on a machine of the kiosk's architecture) or an
# unpacked bundled release (`pack-release pack --bundled`). Every step prints "changed" or "unchanged"; a second run with
# the same inputs changes no file. Works on a running system and offline (a chroot or an image build,
# where systemd is not running: units are enabled, nothing is started).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy=$(cd "$here/../deploy/kiosk" && pwd)

readonly OPT=/opt/kiosk
readonly LIB=/usr/local/lib/kiosk
readonly ETC=/etc/kiosk
readonly DATA=/var/lib/kiosk
readonly UNITS=/etc/systemd/system
readonly MIN_NODE=20.19.0
# The development machine's virtual devices: never on a kiosk (vpcd listens for virtual cards).
readonly VIRTUAL_STACK=(vsmartcard-vpcd socat printer-driver-cups-pdf)
# Japanese guidance with a natural voice (SPEECH_JA_VOICE in kiosk.conf): the synthesizer and its
# dictionary (about 105 MB installed), so only on kiosks that have a voice, not in packages.txt.
readonly OPEN_JTALK=(open-jtalk open-jtalk-mecab-naist-jdic)

usage() {
  cat <<'EOF'
usage: install-kiosk.sh --from DIR [--hub URL] [--municipality NAME] [--enrol CODE] [--node FILE]
                         [--release-key FILE]
  --from DIR          built checkout, or unpacked bundled release, to install as the agent
  --hub URL           the hub (written to /etc/kiosk/kiosk.conf; needed on the first run)
  --municipality NAME the municipality the kiosk serves (written to /etc/kiosk/kiosk.conf)
  --enrol CODE        one-time enrolment code from the hub; used once, when the kiosk has no identity
  --node FILE         Node.js 20.19+ binary to run the agent with (default: DIR/node/bin/node, the one
                      already installed, or `node` on PATH when recent enough; Debian 12's is too old)
  --release-key FILE  the release public key (PEM) updates must be signed with (kept in /etc/kiosk)
EOF
}

from='' hub='' municipality='' enrol='' node_source='' release_key=''
while (($# > 0)); do
  case $1 in
    --from) from=${2:?--from needs a directory}; shift 2 ;;
    --hub) hub=${2:?--hub needs a URL}; shift 2 ;;
    --municipality) municipality=${2:?--municipality needs a name}; shift 2 ;;
    --enrol) enrol=${2:?--enrol needs a code}; shift 2 ;;
    --node) node_source=${2:?--node needs a file}; shift 2 ;;
    --release-key) release_key=${2:?--release-key needs a file}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-kiosk: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() {
  echo "install-kiosk: $*" >&2
  exit 1
}
[[ $(id -u) == 0 ]] || die "run as root"
[[ -n $from ]] || { usage >&2; exit 2; }
from=$(cd "$from" && pwd) || die "--from $from: not a directory"
# shellcheck source=/dev/null
[[ -r /etc/os-release ]] && . /etc/os-release
[[ ${ID:-} == debian && ${VERSION_ID:-} == 12 ]] || die "this script provisions Debian 12 (found ${PRETTY_NAME:-an unknown system})"
if [[ -n $hub && ! $hub =~ ^https?://[^[:space:]]+$ ]]; then die "--hub: expected http(s)://…"; fi
if [[ -n $enrol && ! $enrol =~ ^[!-~]{8,64}$ ]]; then die "--enrol: an enrolment code is 8-64 printable characters"; fi
if [[ -n $release_key ]] && ! grep -q -- '-----BEGIN PUBLIC KEY-----' "$release_key"; then die "--release-key: $release_key is not a PEM public key"; fi

# shellcheck source=deploy/kiosk/install-lib.sh
. "$deploy/install-lib.sh"

# Live actions to take once everything is written (booted machines only).
reload_units=false restart_agent=false restart_screen=false reload_udev=false apply_sysctl=false
restart_timesyncd=false restart_printer=false

# systemd running (a booted machine) or not (a chroot, an image build): only the former starts things.
booted=false
[[ -d /run/systemd/system ]] && booted=true

# ---------------------------------------------------------------- 1. Debian packages
begin "Debian packages (deploy/kiosk/packages.txt)"
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$deploy/packages.txt" | grep -v '^$')
install_packages "${packages[@]}"
end

begin "no virtual devices (${VIRTUAL_STACK[*]})"
present=()
for package in "${VIRTUAL_STACK[@]}"; do installed "$package" && present+=("$package"); done
if ((${#present[@]} > 0)); then
  echo "removing: ${present[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${present[@]}"
  changed
fi
end

# ---------------------------------------------------------------- 2. users
begin "users kiosk (agent, devices) and kiosk-screen (browser)"
system_user kiosk
system_user kiosk-screen
end

# ---------------------------------------------------------------- 3. the one config file
begin "$ETC/kiosk.conf"
directory "$ETC" 0755 root:root
if [[ ! -f $ETC/kiosk.conf ]]; then
  put "$ETC/kiosk.conf" 0644 root:root <"$deploy/kiosk.conf.example"
fi
if [[ -n $hub && $(conf_get HUB_URL) != "$hub" ]]; then conf_set HUB_URL "$hub"; fi
if [[ -n $municipality && $(conf_get KIOSK_MUNICIPALITY) != "$municipality" ]]; then conf_set KIOSK_MUNICIPALITY "$municipality"; fi
ownership "$ETC/kiosk.conf" 0644 root:root
end
[[ -n $(conf_get HUB_URL) ]] || die "no hub: pass --hub URL (it is kept in $ETC/kiosk.conf)"
ui_port=$(conf_get AGENT_UI_PORT)
ui_port=${ui_port:-7401}
if [[ ! $ui_port =~ ^[0-9]{1,5}$ ]] || ((ui_port == 0 || ui_port > 65535)); then die "AGENT_UI_PORT=$ui_port is not a port"; fi
ui_url="http://127.0.0.1:$ui_port/"

receipt_printer=$(usb_id RECEIPT_PRINTER_USB)
cash_bus=$(usb_id CASH_BUS_USB)
barcode_scanner=$(usb_id BARCODE_SCANNER_USB)
pin_pad=$(usb_id PIN_PAD_USB)
printer_uri=$(conf_get DOCUMENT_PRINTER_URI)
printer_model=$(conf_get DOCUMENT_PRINTER_MODEL)
ja_voice=$(speech_voice SPEECH_JA_VOICE)

begin "Open JTalk for Japanese speech (SPEECH_JA_VOICE${ja_voice:+=$ja_voice})"
if [[ -n $ja_voice ]]; then
  install_packages "${OPEN_JTALK[@]}"
elif installed open-jtalk-mecab-naist-jdic; then
  # Kept: emptying the key is a switch a technician may flip back, and the packages may be wanted for
  # something else; the agent no longer uses them once AGENT_SPEECH_JA_VOICE is gone from agent.env.
  echo "no voice set: Open JTalk stays installed, unused (apt-get purge ${OPEN_JTALK[*]} frees about 105 MB)"
fi
end

# ---------------------------------------------------------------- 4. Node.js runtime
begin "Node.js runtime ($OPT/node/bin/node)"
node_target=$OPT/node/bin/node
if [[ -z $node_source ]]; then
  if [[ -x $from/node/bin/node ]]; then node_source=$from/node/bin/node
  elif [[ -x $node_target ]]; then node_source=$node_target
  else node_source=$(command -v node || true)
  fi
fi
[[ -n $node_source && -x $node_source ]] ||
  die "no Node.js $MIN_NODE+: pass --node FILE (Debian 12's nodejs package is 18, too old for the agent)"
node_version=$("$node_source" -p 'process.versions.node')
[[ $(printf '%s\n%s\n' "$MIN_NODE" "$node_version" | sort -V | head -1) == "$MIN_NODE" ]] ||
  die "$node_source is Node.js $node_version; the agent needs $MIN_NODE or later (--node FILE)"
directory "$OPT" 0755 root:root
directory "$OPT/node" 0755 root:root
directory "$OPT/node/bin" 0755 root:root
if [[ $node_source != "$node_target" ]]; then put "$node_target" 0755 root:root <"$node_source"; fi
end

# ---------------------------------------------------------------- 5. the agent (A/B layout)
# /opt/kiosk/releases/<version>/ holds one agent, read-only to the kiosk user; /opt/kiosk/current is a
# symlink to the release provisioning installed. A second run of the same DIR compares the staged copy
# with the installed one and keeps the installed one untouched.
begin "agent release in $OPT/releases (current -> the installed version)"
directory "$OPT/releases" 0755 root:root
staging=$(mktemp -d "$OPT/releases/.staging-XXXXXX")
trap 'rm -rf "$staging"' EXIT
version=$("$node_target" "$deploy/stage-release.mjs" "$from" "$staging/release")
chown -R root:root "$staging/release"
chmod -R u=rwX,go=rX "$staging/release"
release=$OPT/releases/$version
if [[ -d $release ]] && diff -r --no-dereference -q "$staging/release" "$release" >/dev/null; then
  rm -rf "$staging/release"
else
  if [[ -d $release ]]; then
    mv "$release" "$staging/old"
  fi
  mv "$staging/release" "$release"
  changed
  restart_agent=true
fi
if [[ $(readlink "$OPT/current" 2>/dev/null) != "releases/$version" ]]; then
  ln -sfn "releases/$version" "$OPT/current.new"
  mv -T "$OPT/current.new" "$OPT/current"
  changed
  restart_agent=true
fi
rm -rf "$staging"
trap - EXIT
end

# The update supervisor runs the agent when the release has one (A/B updates, edge-agent/src/update/):
# its install root, where downloaded releases are unpacked, is in the data dir, the agent's only
# writable place.
if [[ -f $OPT/current/edge-agent/dist/update/supervisor-main.js ]]; then
  agent_entry=$OPT/current/edge-agent/dist/update/supervisor-main.js
  install_root=$DATA/install
else
  agent_entry=$OPT/current/edge-agent/dist/main.js
  install_root=''
fi

begin "release public key ($ETC/release-key.pub.pem)"
if [[ -n $release_key ]]; then
  put "$ETC/release-key.pub.pem" 0644 root:root <"$release_key"
  $put_changed && restart_agent=true
fi
end

begin "helpers in $LIB"
directory "$LIB" 0755 root:root
for helper in enrol.mjs ensure-printer-queue wait-for-ui; do
  mode=0755
  [[ $helper == *.mjs ]] && mode=0644
  put "$LIB/$helper" "$mode" root:root <"$deploy/$helper"
done
end

# ---------------------------------------------------------------- 6. settings derived from kiosk.conf
begin "$ETC/agent.env, screen.env, printer.env"
put "$ETC/agent.env" 0644 root:root < <(
  echo "# Written by install-kiosk.sh from $ETC/kiosk.conf: edit that file and run the script again."
  env_line HUB_URL "$(conf_get HUB_URL)"
  env_line HUB_PUBLIC_URL "$(conf_get HUB_PUBLIC_URL)"
  env_line KIOSK_MUNICIPALITY "$(conf_get KIOSK_MUNICIPALITY)"
  env_line AGENT_DATA_DIR "$DATA"
  env_line AGENT_UI_PORT "$ui_port"
  env_line AGENT_DEVICES real
  env_line AGENT_RECEIPT_PRINTER "${receipt_printer:+/dev/kiosk-receipt-printer}"
  env_line AGENT_CASH_BUS "${cash_bus:+/dev/kiosk-cash-bus}"
  env_line AGENT_COIN_ACCEPTOR_ADDRESS "$(conf_get COIN_ACCEPTOR_ADDRESS)"
  env_line AGENT_HOPPERS "$(conf_get HOPPERS)"
  env_line AGENT_BARCODE_SCANNER "${barcode_scanner:+hid:$barcode_scanner}"
  env_line AGENT_PIN_PAD "${pin_pad:+hid:$pin_pad}"
  env_line AGENT_CARD_READER_PATTERN "$(conf_get CARD_READER_PATTERN)"
  env_line AGENT_DOCUMENT_PRINTER_URI "${printer_uri:+ipp://localhost:631/printers/kiosk-a4}"
  env_line AGENT_SPEECH_JA_VOICE "$ja_voice"
  env_line AGENT_INSTALL_ROOT "$install_root"
  [[ ! -f $ETC/release-key.pub.pem ]] || env_line AGENT_RELEASE_PUBLIC_KEY_FILE "$ETC/release-key.pub.pem"
  env_line NODE_ENV production
)
$put_changed && restart_agent=true
put "$ETC/screen.env" 0644 root:root < <(printf '# Written by install-kiosk.sh.\nKIOSK_UI_URL=%s\nAGENT_UI_PORT=%s\n' "$ui_url" "$ui_port")
$put_changed && restart_screen=true
put "$ETC/printer.env" 0644 root:root < <(
  echo "# Written by install-kiosk.sh from $ETC/kiosk.conf."
  printf 'DOCUMENT_PRINTER_URI=%s\nDOCUMENT_PRINTER_MODEL=%s\n' "$printer_uri" "${printer_model:-everywhere}"
)
$put_changed && restart_printer=true
end

begin "udev rules for the kiosk's devices (/etc/udev/rules.d/70-kiosk-devices.rules)"
put /etc/udev/rules.d/70-kiosk-devices.rules 0644 root:root < <(
  echo "# Written by install-kiosk.sh from the USB ids in $ETC/kiosk.conf: edit that file and run the script again."
  echo "# Serial devices (receipt printer, ccTalk cash bus): the agent's, under a stable name."
  udev_serial kiosk-receipt-printer "$receipt_printer"
  udev_serial kiosk-cash-bus "$cash_bus"
  echo "# HID devices (barcode scanner, PIN pad): the agent reads hidraw; the screen never sees their keys."
  udev_hid kiosk-barcode-scanner "$barcode_scanner"
  udev_hid kiosk-pin-pad "$pin_pad"
)
$put_changed && reload_udev=true
end

begin "the screen: Chromium policy, PAM, logind, sysctl"
put /etc/chromium/policies/managed/kiosk.json 0644 root:root < <(sed "s|@KIOSK_UI_URL@|$ui_url|" "$deploy/chromium-policy.json")
$put_changed && restart_screen=true
put /etc/pam.d/kiosk-screen 0644 root:root <"$deploy/pam-kiosk-screen"
put /etc/systemd/logind.conf.d/kiosk.conf 0644 root:root <"$deploy/logind-kiosk.conf"
put /etc/sysctl.d/90-kiosk.conf 0644 root:root <"$deploy/sysctl-kiosk.conf"
$put_changed && apply_sysctl=true
end

begin "time sync (systemd-timesyncd)"
ntp_servers=$(conf_get NTP_SERVERS)
if [[ -n $ntp_servers ]]; then
  put /etc/systemd/timesyncd.conf.d/kiosk.conf 0644 root:root < <(
    printf '# Written by install-kiosk.sh from NTP_SERVERS in %s.\n[Time]\nNTP=%s\n' "$ETC/kiosk.conf" "$ntp_servers"
  )
else
  absent /etc/systemd/timesyncd.conf.d/kiosk.conf
fi
$put_changed && restart_timesyncd=true
end

# ---------------------------------------------------------------- 7. systemd units
begin "systemd units (kiosk-agent, kiosk-screen, kiosk-printer)"
for unit in kiosk-agent.service kiosk-screen.service kiosk-printer.service; do
  put "$UNITS/$unit" 0644 root:root < <(sed "s|@AGENT_ENTRY@|$agent_entry|" "$deploy/$unit")
  if $put_changed; then
    reload_units=true
    case $unit in
      kiosk-agent.service) restart_agent=true ;;
      kiosk-screen.service) restart_screen=true ;;
      kiosk-printer.service) restart_printer=true ;;
    esac
  fi
done
end

begin "services enabled at boot, graphical target, nothing else on tty1"
for unit in kiosk-agent.service kiosk-screen.service kiosk-printer.service pcscd.socket cups.service systemd-timesyncd.service; do
  if [[ $(systemctl is-enabled "$unit" 2>/dev/null) != enabled ]]; then
    systemctl enable --quiet "$unit"
    changed
  fi
done
if [[ $(systemctl get-default) != graphical.target ]]; then
  systemctl set-default --quiet graphical.target
  changed
fi
if [[ $(systemctl is-enabled getty@tty1.service 2>/dev/null) != masked ]]; then
  systemctl mask --quiet getty@tty1.service
  changed
fi
end

# ---------------------------------------------------------------- 8. data dir and enrolment
begin "data dir $DATA (kiosk, 0700)"
directory "$DATA" 0700 kiosk:kiosk
[[ -z $install_root ]] || directory "$install_root" 0700 kiosk:kiosk
end

begin "enrolment"
if [[ -f $DATA/identity.json ]]; then
  [[ -z $enrol ]] || echo "already enrolled: the code was not used"
elif [[ -n $enrol ]]; then
  mapfile -t agent_env < <(grep -E '^[A-Z_]+=' "$ETC/agent.env")
  setpriv --reuid=kiosk --regid=kiosk --init-groups --no-new-privs -- \
    env -i PATH=/usr/bin:/bin "${agent_env[@]}" AGENT_ENROLMENT_CODE="$enrol" LOG_LEVEL=warn \
    "$node_target" "$LIB/enrol.mjs" "$OPT/current"
  changed
  restart_agent=true
else
  echo "not enrolled yet: run again with --enrol CODE (an enrolment code from the hub)"
fi
end

# ---------------------------------------------------------------- 9. apply on a running system
begin "running services"
if $booted; then
  if $reload_units; then systemctl daemon-reload; changed; fi
  if $reload_udev; then udevadm control --reload && udevadm trigger --subsystem-match=tty --subsystem-match=hidraw --subsystem-match=input; changed; fi
  if $apply_sysctl; then sysctl --quiet --load=/etc/sysctl.d/90-kiosk.conf; changed; fi
  if $restart_timesyncd; then systemctl restart systemd-timesyncd.service; changed; fi
  systemctl start pcscd.socket cups.service systemd-timesyncd.service
  if $restart_printer; then systemctl restart kiosk-printer.service; changed; fi
  if [[ ! -f $DATA/identity.json ]]; then
    echo "the agent and the screen start once the kiosk is enrolled (--enrol CODE)"
  else
    if $restart_agent || ! systemctl is-active --quiet kiosk-agent.service; then systemctl restart kiosk-agent.service; changed; fi
    if $restart_screen || ! systemctl is-active --quiet kiosk-screen.service; then systemctl restart kiosk-screen.service; changed; fi
  fi
else
  echo "systemd is not running here: everything starts at the next boot"
fi
end
echo "kiosk provisioned: agent $version, hub $(conf_get HUB_URL), screen on tty1 showing $ui_url"
