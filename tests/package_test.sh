#!/usr/bin/env bash
# The Debian packages, end to end, on this machine (as root; CI runs the tests
# as root on a fresh Debian 12):
#   1. cpack builds migration-forum-server and migration-forum-client from the
#      build folder; lintian reports neither errors nor warnings; each binary's
#      libraries come from packages its Depends names.
#   2. dpkg -i installs both: the system user, its data folder, the
#      configuration; systemd-analyze verify passes on the unit; the man pages
#      and the desktop entry are valid; --version is the package's version.
#   3. forumd runs as the unit runs it (its ExecStart, User, Group and
#      WorkingDirectory; no init system runs here) with the installed
#      configuration, the listening address edited as a technician would; the
#      installed forumctl creates a classroom-8 session and a bot plays seat 1
#      against the server's bots to the end; SIGTERM stops forumd cleanly and
#      its log (standard error, the journal under systemd) says so.
#   4. The installed client draws its connect screen under Xvfb from the
#      installed icons (the picture is checked: not blank, the app icon's
#      colours present).
#   5. dpkg --purge removes both and leaves the machine as it was: every path
#      of the packages, the data, the configuration, the user and the
#      service's state are gone (paths that existed before stay).
# The machine must not have the packages or the user to begin with (the test
# refuses to touch an installation it did not make).
#
# Before all that, `cmake --install` into a scratch prefix: the programs,
# icons, fonts and scenarios, no system files, and the client finds its
# assets there.
#
# usage: package_test.sh BUILD_DIR CPACK CMAKE
set -euo pipefail
BUILD=$(realpath "$1")
CPACK=$2
CMAKE=$3
SERVER_PKG=migration-forum-server
CLIENT_PKG=migration-forum-client
USER_NAME=migration-forum
UNIT=/lib/systemd/system/forumd.service
CONF=/etc/migration-forum/forumd.conf
DATA=/var/lib/migration-forum

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

[ "$(id -u)" -eq 0 ] || fail "this test installs packages with dpkg: run it as root"
for p in "$SERVER_PKG" "$CLIENT_PKG"; do
  if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
    fail "$p is already on this machine ($(dpkg-query -W -f='${db:Status-Status}' "$p")): the test installs and purges it, so it refuses to run"
  fi
done
if getent passwd "$USER_NAME" >/dev/null || getent group "$USER_NAME" >/dev/null; then
  fail "the user or group $USER_NAME exists already"
fi
for p in /etc/migration-forum "$DATA" /usr/share/migration-forum; do
  if [ -e "$p" ]; then fail "$p exists already"; fi
done

DIR=$(mktemp -d /tmp/mf_package_XXXXXX)
chmod 755 "$DIR"
FORUMD_PID=
INSTALLED=0
cleanup() {
  if [ -n "$FORUMD_PID" ]; then kill -9 "$FORUMD_PID" 2>/dev/null || true; fi
  if [ "$INSTALLED" -eq 1 ]; then
    dpkg_retry --purge "$CLIENT_PKG" "$SERVER_PKG" >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT

# dpkg, waiting while another dpkg or apt holds its lock (other jobs on the machine).
dpkg_retry() {
  local i
  for i in $(seq 1 150); do
    if dpkg "$@" >"$DIR/dpkg.log" 2>&1; then
      cat "$DIR/dpkg.log"
      return 0
    fi
    if ! grep -q "locked by another process" "$DIR/dpkg.log"; then
      cat "$DIR/dpkg.log" >&2
      return 1
    fi
    sleep 2
  done
  cat "$DIR/dpkg.log" >&2
  return 1
}

# --- 0. cmake --install ---------------------------------------------------------------
step "cmake --install --prefix"
PREFIX=$DIR/prefix
"$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$DIR/install-prefix.log" 2>&1 ||
  { cat "$DIR/install-prefix.log"; fail "cmake --install failed"; }
for f in bin/forumd bin/forumctl bin/forum-client share/migration-forum/assets/icons/app_icon.png \
  share/migration-forum/assets/fonts/DejaVuSans.ttf share/migration-forum/scenarios/classroom-8.textproto \
  share/man/man1/forumd.1.gz share/applications/migration-forum.desktop \
  share/bash-completion/completions/forumctl; do
  [ -f "$PREFIX/$f" ] || fail "cmake --install did not install $f"
done
if grep -qE "Installing: (/etc|/lib/systemd)" "$DIR/install-prefix.log"; then
  fail "cmake --install wrote outside its prefix"
fi
(cd "$DIR" && env -u MF_CLIENT_ASSETS xvfb-run -a "$PREFIX/bin/forum-client" \
  --screenshot "$DIR/prefix.png" --after-ms 200) >"$DIR/prefix-client.out" 2>&1 ||
  { cat "$DIR/prefix-client.out"; fail "the client installed with cmake --install failed"; }
grep -q "icons from $PREFIX/bin/../share/migration-forum/assets, font $PREFIX/" \
  "$DIR/prefix-client.out" || fail "the client did not use its installed assets: $(cat "$DIR/prefix-client.out")"
echo "cmake --install: $(find "$PREFIX" -type f | wc -l) files under the prefix, the client uses them"

# --- 1. Build and lint ------------------------------------------------------------
step "cpack"
"$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$DIR/out" >"$DIR/cpack.log" 2>&1 ||
  { cat "$DIR/cpack.log"; fail "cpack failed"; }
SERVER_DEB=$(ls "$DIR"/out/${SERVER_PKG}_*.deb)
CLIENT_DEB=$(ls "$DIR"/out/${CLIENT_PKG}_*.deb)
VERSION=$(dpkg-deb -f "$SERVER_DEB" Version)
[ "$(dpkg-deb -f "$CLIENT_DEB" Version)" = "$VERSION" ] || fail "the two packages differ in version"
echo "packages $VERSION: $(du -k "$SERVER_DEB" | cut -f1) KB, $(du -k "$CLIENT_DEB" | cut -f1) KB"

step "lintian"
# Exit 0: no tag at or above "warning"; 1: such tags; 2: lintian itself failed.
lintian_status=0
lintian --pedantic --fail-on error,warning "$SERVER_DEB" "$CLIENT_DEB" >"$DIR/lintian.log" 2>&1 ||
  lintian_status=$?
grep -v "running with root privileges" "$DIR/lintian.log" || true
[ "$lintian_status" -eq 0 ] || fail "lintian exit $lintian_status (errors or warnings above)"

# Every path of each package, and whether it existed before the install.
for deb in "$SERVER_DEB" "$CLIENT_DEB"; do
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$'
done | sort -u >"$DIR/paths"
grep -qx /usr/bin/forumd "$DIR/paths" || fail "forumd is not in the server package"
grep -qx /usr/bin/forum-client "$DIR/paths" || fail "forum-client is not in the client package"
for f in /usr/bin/forumctl "$CONF" "$UNIT" /usr/share/man/man1/forumd.1.gz \
  /usr/share/man/man1/forumctl.1.gz /usr/share/man/man1/forum-client.1.gz \
  /usr/share/bash-completion/completions/forumctl \
  /usr/share/migration-forum/scenarios/classroom-8.textproto \
  /usr/share/migration-forum/assets/icons/app_icon.png \
  /usr/share/applications/migration-forum.desktop \
  /usr/share/icons/hicolor/64x64/apps/migration-forum.png; do
  grep -qx "$f" "$DIR/paths" || fail "$f is in neither package"
done
while read -r p; do [ -e "$p" ] && echo "$p"; done <"$DIR/paths" >"$DIR/existed"
dpkg-deb --ctrl-tarfile "$SERVER_DEB" | tar -xO ./conffiles | grep -qx "$CONF" ||
  fail "$CONF is not a conffile"

# --- 2. Install ---------------------------------------------------------------------
step "dpkg -i"
INSTALLED=1
dpkg_retry -i "$SERVER_DEB" "$CLIENT_DEB" >"$DIR/install.log" ||
  { cat "$DIR/install.log"; fail "dpkg -i failed"; }
for p in "$SERVER_PKG" "$CLIENT_PKG"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p")" = installed ] || fail "$p is not installed"
done

# Depends: every library a binary links comes from a package it names.
check_depends() {
  local pkg=$1 bin=$2 depends soname path owner
  depends=$(dpkg-query -W -f='${Depends}' "$pkg")
  for soname in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    path=$(ldd "$bin" | awk -v s="$soname" '$1 == s { print $3 }')
    [ -n "$path" ] || fail "$bin: $soname is not found"
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null ||
      dpkg -S "${path#/usr}" 2>/dev/null) || fail "$bin: no package owns $path"
    owner=${owner%%:*}
    echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$owner" ||
      fail "$bin links $soname from $owner, which $pkg does not depend on ($depends)"
  done
}
check_depends "$SERVER_PKG" /usr/bin/forumd
check_depends "$SERVER_PKG" /usr/bin/forumctl
check_depends "$CLIENT_PKG" /usr/bin/forum-client
dpkg-query -W -f='${Depends}' "$CLIENT_PKG" | grep -q fonts-dejavu-core ||
  fail "the client does not depend on its font"
dpkg-query -W -f='${Depends}' "$SERVER_PKG" | grep -q fonts-dejavu-core ||
  fail "the server package (forumctl's charts) does not depend on its font"
echo "Depends cover every linked library"

for p in forumd forumctl forum-client; do
  [ "$(/usr/bin/$p --version)" = "$p $VERSION" ] || fail "$p --version: $(/usr/bin/$p --version)"
  [ "$(man -w "$p")" = "/usr/share/man/man1/$p.1.gz" ] || fail "man -w $p: $(man -w "$p")"
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l \
    "/usr/share/man/man1/$p.1.gz" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man page of $p: $warnings"
  man -l "/usr/share/man/man1/$p.1.gz" 2>/dev/null | grep -q -- "--version" ||
    fail "the man page of $p does not document --version"
done
desktop-file-validate /usr/share/applications/migration-forum.desktop ||
  fail "desktop-file-validate"
# The installed completion completes forumctl's commands and their options.
completed=$(bash -c 'source /usr/share/bash-completion/completions/forumctl
  COMP_WORDS=(forumctl balance --sc); COMP_CWORD=2; _forumctl; echo "${COMPREPLY[*]}"')
[ "$completed" = "--scenario" ] || fail "bash completion of forumctl balance --sc: '$completed'"

step "the user, the data folder, the unit"
entry=$(getent passwd "$USER_NAME")
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "$USER_NAME is not a system user: $entry"
[ "$(echo "$entry" | cut -d: -f6)" = "$DATA" ] || fail "home of $USER_NAME: $entry"
[ "$(stat -c '%U:%G %a' "$DATA")" = "$USER_NAME:$USER_NAME 750" ] ||
  fail "$DATA: $(stat -c '%U:%G %a' "$DATA")"
verify=$(systemd-analyze verify "$UNIT" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
unit_value() { sed -n "s/^$1=//p" "$UNIT"; }
EXEC=$(unit_value ExecStart)
RUN_USER=$(unit_value User)
RUN_GROUP=$(unit_value Group)
WORKDIR=$(unit_value WorkingDirectory)
[ "$EXEC" = "/usr/bin/forumd --config $CONF" ] || fail "ExecStart: $EXEC"
[ "$RUN_USER" = "$USER_NAME" ] && [ "$RUN_GROUP" = "$USER_NAME" ] || fail "User/Group"
[ "$(unit_value StateDirectory)" = migration-forum ] || fail "StateDirectory"
# Logs: standard output and error go to the journal (systemd's default).
if grep -qE '^Standard(Output|Error)=' "$UNIT"; then fail "the unit sends the log elsewhere"; fi

step "the installed configuration"
# As shipped: it parses, and it serves on the network from the data folder.
setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups -- \
  /usr/bin/forumd --config "$CONF" --print-config >"$DIR/shipped.conf" ||
  fail "forumd --print-config refuses the shipped configuration"
grep -qx "listen = 0.0.0.0:50051" "$DIR/shipped.conf" || fail "shipped listen"
grep -qx "data = $DATA" "$DIR/shipped.conf" || fail "shipped data"
# Edited as the README says, on a port nobody else uses.
sed -i 's/^listen = .*/listen = 127.0.0.1:0/' "$CONF"
grep -qx "listen = 127.0.0.1:0" "$CONF" || fail "could not edit $CONF"

# --- 3. The service's command line, a session -----------------------------------------
step "forumd as the unit runs it"
(
  cd "$WORKDIR"
  # shellcheck disable=SC2086  # ExecStart is a plain command line without quotes.
  exec setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups -- $EXEC
) >"$DIR/forumd.out" 2>"$DIR/forumd.err" &
FORUMD_PID=$!
for _ in $(seq 1 200); do
  grep -q '^forumd listening on ' "$DIR/forumd.out" && break
  kill -0 "$FORUMD_PID" 2>/dev/null || { cat "$DIR/forumd.err"; fail "forumd exited"; }
  sleep 0.05
done
ADDR=$(sed -n 's/^forumd listening on //p' "$DIR/forumd.out")
[ -n "$ADDR" ] || { cat "$DIR/forumd.err"; fail "forumd did not start"; }
[ "$(stat -c %U "/proc/$FORUMD_PID")" = "$RUN_USER" ] || fail "forumd does not run as $RUN_USER"
echo "forumd (pid $FORUMD_PID, user $RUN_USER) on $ADDR"

/usr/bin/forumctl session create --server "$ADDR" --scenario classroom-8 --bots 1-7:easy \
  --pace 5 --seed 7 >"$DIR/session.json"
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$DIR/session.json" "$1"; }
CODE=$(field join_code)
SESSION=$(field session)
TOKEN=$(field facilitator_token)
/usr/bin/forumctl bot --server "$ADDR" --join "$CODE" --seat 0 --name technician >"$DIR/bot.json"
cat "$DIR/bot.json"
grep -q '"finished":true' "$DIR/bot.json" || fail "the bot did not see the end of the game"
/usr/bin/forumctl record --server "$ADDR" --session "$SESSION" --token "$TOKEN" >"$DIR/record.json"
grep -q '"finished": true' "$DIR/record.json" || fail "the record is not finished"
[ "$(stat -c %U "$DATA/forum.db")" = "$RUN_USER" ] || fail "the database is not in $DATA"

kill -TERM "$FORUMD_PID"
status=0
wait "$FORUMD_PID" || status=$?
FORUMD_PID=
[ "$status" -eq 0 ] || { cat "$DIR/forumd.err"; fail "forumd exited $status on SIGTERM"; }
grep -q "SIGTERM, shutting down" "$DIR/forumd.err" && grep -q "stopped" "$DIR/forumd.err" ||
  { cat "$DIR/forumd.err"; fail "forumd's log does not tell its stop"; }
echo "a classroom-8 session played to the end through the installed forumd and forumctl"

# --- 4. The installed client ----------------------------------------------------------
step "forum-client under Xvfb"
(cd "$DIR" && env -u MF_CLIENT_ASSETS xvfb-run -a -s "-screen 0 1280x720x24" \
  /usr/bin/forum-client --screenshot "$DIR/connect.png" --after-ms 500) >"$DIR/client.out" 2>&1 ||
  { cat "$DIR/client.out"; fail "forum-client failed"; }
grep '^wrote' "$DIR/client.out"
icons=$(sed -n 's/.*; icons from \(.*\), font .*/\1/p' "$DIR/client.out")
font=$(sed -n 's/.*, font \(.*\)$/\1/p' "$DIR/client.out")
[ "$(realpath -m "$icons")" = /usr/share/migration-forum/assets ] ||
  fail "the client drew with icons from '$icons', not the installed ones"
[ "$(dpkg -S "$font" 2>/dev/null | cut -d: -f1)" = fonts-dejavu-core ] ||
  fail "the client's font $font is not fonts-dejavu-core's"
# The picture: not blank, and the app icon's role colours (badge orange,
# pink, blue) appear where the connect screen draws it.
python3 - "$DIR/connect.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, chunks = 8, {}
idat = b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), (depth, ctype)
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
rows, prev, i = [], bytearray(stride), 0
for _ in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
px = [(r[x], r[x + 1], r[x + 2]) for r in rows for x in range(0, stride, bpp)]
lum = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in px]
mean = sum(lum) / len(lum)
sd = (sum((v - mean) ** 2 for v in lum) / len(lum)) ** 0.5
colours = len(set(px))
def near(c, d=40):
    return sum(1 for p in px if sum((p[k] - c[k]) ** 2 for k in range(3)) < d * d)
role = {"orange": near((230, 159, 0)), "pink": near((204, 121, 167)), "blue": near((0, 114, 178))}
print("connect screen %dx%d: mean luminance %.1f, sd %.1f, %d colours, icon pixels %s"
      % (w, h, mean, sd, colours, role))
assert (w, h) == (1280, 720), "size"
assert sd > 10 and colours > 50, "the picture is blank or flat"
assert min(role.values()) >= 3, "the app icon is not drawn"
EOF

# --- 5. Purge ---------------------------------------------------------------------------
step "dpkg --purge"
dpkg_retry --purge "$CLIENT_PKG" "$SERVER_PKG" >"$DIR/purge.log" ||
  { cat "$DIR/purge.log"; fail "dpkg --purge failed"; }
INSTALLED=0
left=()
while read -r p; do
  if [ -e "$p" ] && ! grep -qxF "$p" "$DIR/existed"; then left+=("$p"); fi
done <"$DIR/paths"
for p in /etc/migration-forum "$DATA" /usr/share/migration-forum /usr/share/doc/$SERVER_PKG \
  /usr/share/doc/$CLIENT_PKG /var/lib/systemd/deb-systemd-helper-enabled/forumd.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-masked/forumd.service \
  /etc/systemd/system/multi-user.target.wants/forumd.service; do
  if [ -e "$p" ] || [ -L "$p" ]; then left+=("$p"); fi
done
[ ${#left[@]} -eq 0 ] || fail "the purge left: ${left[*]}"
if getent passwd "$USER_NAME" >/dev/null || getent group "$USER_NAME" >/dev/null; then
  fail "the purge left the user or group $USER_NAME"
fi
for p in "$SERVER_PKG" "$CLIENT_PKG"; do
  s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || echo not-installed)
  [ "$s" = not-installed ] || fail "$p is $s after the purge"
done
echo "ok: built, linted, installed, served a session, drew the client, purged without a trace"
