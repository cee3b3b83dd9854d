#!/bin/bash
# The arm64 package, as `make deb ARCH=arm64` builds it (cross-compiled with Debian's multiarch
# toolchain): dpkg-deb -c, the control fields, lintian; then its sparklink, taken out of the
# package, runs under qemu-user (qemu-aarch64-static, given the binary: no binfmt_misc needed)
# with the arm64 libraries multiarch installed: --version, and ports, -v, --json on a fixture
# tree print exactly what the test build (amd64) prints.
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/pkg-lib.sh disable=SC2154 # $tmp, $deb, $version, $depends come from pkg-lib.sh
. "$here/pkg-lib.sh"
pkg_init package_deb_arm64
[ "$(dpkg --print-architecture)" != arm64 ] || skip "this machine is arm64: package_deb_native covers it"
[ "$(id -u)" = 0 ] || skip "needs root (dpkg-buildpackage's files are root's)"
command -v qemu-aarch64-static >/dev/null || fail "qemu-aarch64-static is missing (./scripts/install-deps --tests)"
pkg_build arm64
pkg_check_contents
pkg_check_control arm64
pkg_lintian

dpkg-deb -x "$deb" "$tmp/x" || fail "dpkg-deb -x failed"
bin=$tmp/x/usr/bin/sparklink
file -b "$bin" 2>/dev/null | grep -q 'ARM aarch64' || [ ! -x /usr/bin/file ] ||
	fail "/usr/bin/sparklink is not an arm64 program: $(file -b "$bin")"
run() { qemu-aarch64-static "$bin" "$@"; }
out=$(run --version 2>&1) || fail "sparklink --version under qemu failed: $out"
[ "$out" = "sparklink $version" ] || fail "arm64 sparklink --version prints '$out', expected 'sparklink $version'"
"$SRC/assets/lab/spark-sysfs" make "$tmp/fx/sys" --up p1 >"$tmp/sysfs" 2>&1 ||
	fail "spark-sysfs failed: $(cat "$tmp/sysfs")"
fx=$tmp/fx/sys
pkg_same_ports "arm64 sparklink under qemu" "$fx" run
note "arm64 sparklink under qemu: $out"
pass
