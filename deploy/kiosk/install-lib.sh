# Functions of scripts/install-kiosk.sh (sourced by it; not run on its own): the step report, writing
# a file only when its content, mode or owner differ, reading and changing /etc/kiosk/kiosk.conf, and
# the lines derived from it. They use the script's globals (ETC, step_changed, put_changed, die).
# shellcheck shell=bash

# ---------------------------------------------------------------- reporting
step_changed=false
put_changed=false
begin() {
  step_name=$1
  step_changed=false
}
changed() { step_changed=true; }
end() {
  if $step_changed; then echo "changed    $step_name"; else echo "unchanged  $step_name"; fi
}

# ---------------------------------------------------------------- file helpers
# put FILE MODE OWNER:GROUP < content: writes only when the content differs; fixes mode and owner.
# Sets put_changed=true when it touched anything.
put() {
  local file=$1 mode=$2 owner=$3 temporary
  temporary=$(mktemp)
  cat >"$temporary"
  put_changed=false
  if [[ ! -f $file ]] || ! cmp -s "$temporary" "$file"; then
    install -D -m "$mode" -o "${owner%:*}" -g "${owner#*:}" "$temporary" "$file"
    put_changed=true
  fi
  rm -f "$temporary"
  ownership "$file" "$mode" "$owner"
  if $put_changed; then changed; fi
}
# ownership FILE MODE OWNER:GROUP: fixes mode and owner when they differ (sets put_changed=true).
ownership() {
  if [[ $(stat -c '%a %U:%G' "$1") != "${2#0} $3" ]]; then
    chmod "$2" "$1"
    chown "$3" "$1"
    put_changed=true
    changed
  fi
}
# absent FILE: removes it if present.
absent() {
  if [[ -e $1 || -L $1 ]]; then
    rm -f "$1"
    changed
    put_changed=true
  else
    put_changed=false
  fi
}
# directory DIR MODE OWNER:GROUP
directory() {
  local dir=$1 mode=$2 owner=$3
  if [[ ! -d $dir ]]; then
    install -d -m "$mode" -o "${owner%:*}" -g "${owner#*:}" "$dir"
    changed
  elif [[ $(stat -c '%a %U:%G' "$dir") != "${mode#0} $owner" ]]; then
    chmod "$mode" "$dir"
    chown "$owner" "$dir"
    changed
  fi
}

installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

# install_packages NAME...: installs the ones missing (no recommends).
install_packages() {
  local package missing=()
  for package in "$@"; do installed "$package" || missing+=("$package"); done
  ((${#missing[@]} > 0)) || return 0
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  changed
}

# system_user NAME: a system user with its own group, no home and no login shell.
system_user() {
  local name=$1
  if ! getent group "$name" >/dev/null; then
    groupadd --system "$name"
    changed
  fi
  if ! getent passwd "$name" >/dev/null; then
    useradd --system --gid "$name" --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin \
      --comment "kiosk ($name)" "$name"
    changed
  fi
  if [[ $(getent passwd "$name" | cut -d: -f7) != /usr/sbin/nologin ]]; then
    usermod --shell /usr/sbin/nologin "$name"
    changed
  fi
  if [[ $(passwd -S "$name" | cut -d' ' -f2) != L ]]; then
    usermod --lock "$name"
    changed
  fi
}

# conf_get KEY: the value of KEY= in kiosk.conf (everything after the first '='; surrounding quotes
# dropped). Read as data, never sourced.
conf_get() {
  local line
  line=$(grep -E "^$1=" "$ETC/kiosk.conf" | tail -1 || true)
  line=${line#*=}
  line=${line%\"}
  line=${line#\"}
  printf '%s' "$line"
}

# conf_set KEY VALUE: replaces KEY's line (or appends it).
conf_set() {
  local temporary
  temporary=$(mktemp)
  KEY=$1 VALUE=$2 awk -F= '
    $1 == ENVIRON["KEY"] { if (!done) print ENVIRON["KEY"] "=" ENVIRON["VALUE"]; done = 1; next }
    { print }
    END { if (!done) print ENVIRON["KEY"] "=" ENVIRON["VALUE"] }
  ' "$ETC/kiosk.conf" >"$temporary"
  put "$ETC/kiosk.conf" 0644 root:root <"$temporary"
  rm -f "$temporary"
}

# usb_id KEY: the USB identity in kiosk.conf, checked and lower-cased (sysfs prints hex in lower case).
usb_id() {
  local value
  value=$(conf_get "$1")
  [[ -z $value || $value =~ ^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}(:[!-~]{1,64})?$ ]] ||
    die "$1=$value in $ETC/kiosk.conf: expected VVVV:PPPP or VVVV:PPPP:SERIAL (hex, as lsusb prints them)"
  local vendor=${value:0:4} product=${value:5:4}
  [[ -z $value ]] || printf '%s:%s%s' "${vendor,,}" "${product,,}" "${value:9}"
}

# speech_voice KEY: the Open JTalk voice file KEY names in kiosk.conf (empty: none), checked as the agent
# will meet it: an absolute path to an HTS voice (*.htsvoice) that the agent's user (User=kiosk in
# kiosk-agent.service) can read, outside the places that unit hides from the agent (ProtectHome:
# /home, /root, /run/user; PrivateTmp: /tmp, /var/tmp). A voice the agent cannot read would only be
# warned about in its log at start, with espeak-ng speaking Japanese instead: say it here, at once.
speech_voice() {
  local voice where unsafe='[[:space:]"'\''\$]'
  voice=$(conf_get "$1")
  [[ -n $voice ]] || return 0
  where="$1=$voice in $ETC/kiosk.conf"
  [[ $voice == /*.htsvoice ]] || die "$where: expected the absolute path of an Open JTalk voice file (/….htsvoice)"
  # agent.env is read by systemd (EnvironmentFile): one plain value, nothing it would unquote or expand.
  [[ ! $voice =~ $unsafe ]] || die "$where: no spaces, quotes, backslashes or \$ in the path"
  [[ ! $voice =~ ^/(home|root|run/user|tmp|var/tmp)(/|$) ]] ||
    die "$where: kiosk-agent.service hides this place from the agent (ProtectHome, PrivateTmp); put the voice in e.g. /usr/local/share/kiosk-voices/"
  [[ -f $voice ]] || die "$where: no such file"
  setpriv --reuid=kiosk --regid=kiosk --init-groups --no-new-privs -- test -r "$voice" ||
    die "$where: the agent's user kiosk cannot read it (the file needs o+r or group kiosk, its directories o+x)"
  [[ $(head -c 8 "$voice") == '[GLOBAL]' ]] || die "$where: not an HTS voice (an .htsvoice file begins with [GLOBAL])"
  printf '%s' "$voice"
}

# env_line KEY VALUE: one KEY=VALUE line when VALUE is not empty.
env_line() { [[ -z $2 ]] || printf '%s=%s\n' "$1" "$2"; }

# udev_rules: serial lines get the kiosk group and a stable symlink; HID devices' hidraw node goes to
# the kiosk group and their input events are hidden from the compositor (a PIN typed on the PIN pad
# reaches the agent and the card, never the browser).
udev_match() {
  local id=$1
  printf 'ATTRS{idVendor}=="%s", ATTRS{idProduct}=="%s"' "${id:0:4}" "${id:5:4}"
  [[ ${#id} -le 9 ]] || printf ', ATTRS{serial}=="%s"' "${id:10}"
}
udev_serial() {
  [[ -z $2 ]] || printf 'SUBSYSTEM=="tty", %s, SYMLINK+="%s", OWNER="root", GROUP="kiosk", MODE="0660"\n' "$(udev_match "$2")" "$1"
}
udev_hid() {
  [[ -z $2 ]] && return 0
  printf 'SUBSYSTEM=="hidraw", %s, SYMLINK+="%s", OWNER="root", GROUP="kiosk", MODE="0660"\n' "$(udev_match "$2")" "$1"
  printf 'SUBSYSTEM=="input", %s, ENV{LIBINPUT_IGNORE_DEVICE}="1"\n' "$(udev_match "$2")"
}
