#!/bin/bash
# The package for this machine (amd64 here), as `make deb` builds it: dpkg-deb -c lists the
# files, the control fields are right (Version = the project's, Depends from dpkg-shlibdeps),
# lintian is clean; then `dpkg -i` into a throw-away root of Debian 12 and one of Debian 13 (newer
# libraries, as Ubuntu 24.04 on a Spark has), each holding only minbase and the packages its
# Depends name (cached: $PKGTEST_CACHE, default /var/cache/sparklink-tests, built once with
# mmdebstrap), and the installed sparklink's --version and ports (on a fixture tree the installed
# spark-sysfs makes) run there: ports, -v, --json as the test build prints them.
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/pkg-lib.sh disable=SC2154 # $tmp, $deb, $version, $depends come from pkg-lib.sh
. "$here/pkg-lib.sh"
pkg_init package_deb_native
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i and chroot into a throw-away root)"
arch=$(dpkg --print-architecture)
pkg_build "$arch"
pkg_check_contents
pkg_check_control "$arch"
pkg_lintian

# The throw-away roots: minbase + the first choice of each Depends, cached by suite and that list.
pkgs=$(echo "$depends" | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/[[:space:]]//g' | sort -u | paste -sd,)
cache=${PKGTEST_CACHE:-/var/cache/sparklink-tests}
mkdir -p "$cache" || fail "cannot create $cache"
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^[ \t]*#/ { next }
		$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i; next }
		$1 == "deb" { sub(/\[[^]]*\]/, ""); print $2 }' |
	grep -E -m1 '^https?://[^ ]+/debian/?$')
mirror=${mirror:-http://deb.debian.org/debian}

base_for() { # SUITE -> $base, built once (a cache other runs share: under a lock)
	local lock
	base=$cache/$1-$(printf '%s minbase %s\n' "$1" "$pkgs" | sha256sum | cut -c1-10)
	exec {lock}>>"$cache/.lock"
	flock -w 900 "$lock" || fail "$cache/.lock held for 15 minutes"
	if [ ! -e "$base.ok" ]; then
		note "building a $1 root (minbase + $pkgs from $mirror; once): $base"
		rm -rf --one-file-system -- "$cache/$1"-* # for an older Depends (we hold the lock)
		mmdebstrap --variant=minbase --include="$pkgs" "$1" "$base.tmp" "$mirror" \
			>"$base.log" 2>&1 </dev/null || {
			rm -rf --one-file-system -- "$base.tmp"
			fail "mmdebstrap $1 failed (log: $base.log): $(tail -n 5 "$base.log")"
		}
		{ mv -- "$base.tmp" "$base" && touch "$base.ok"; } || fail "cannot move $base.tmp to $base"
	fi
	exec {lock}>&-
}

in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C chroot "$root" "$@"; }

for suite in bookworm trixie; do
	base_for $suite
	root=$tmp/root-$suite
	cp -a -- "$base" "$root" || fail "cannot copy $base"
	cp -- "$deb" "$root/tmp/" || fail "cannot copy the package into the $suite root"
	in_root dpkg -i "/tmp/$(basename "$deb")" >"$tmp/dpkg" 2>&1 ||
		fail "$suite: dpkg -i failed: $(cat "$tmp/dpkg")"
	in_root dpkg-query -W -f='${db:Status-Abbrev}|${Version}|${Depends}\n' sparklink >"$tmp/status" ||
		fail "$suite: dpkg-query -W sparklink failed in the root"
	[ "$(cat "$tmp/status")" = "ii |$version|$depends" ] ||
		fail "$suite: installed: $(cat "$tmp/status"), expected ii |$version|$depends"
	for f in /usr/bin/sparklink /usr/bin/sparklab /usr/bin/spark-sysfs \
		/usr/share/man/man1/sparklink.1.gz; do
		[ -f "$root$f" ] || fail "$suite: $f is not in the root after dpkg -i"
	done
	man=$(zcat "$root/usr/share/man/man1/sparklink.1.gz" | head -n 1)
	echo "$man" | grep -q "^\.TH SPARKLINK 1 .* \"sparklink $version\"" ||
		fail "$suite: the installed man page does not name version $version: $man"

	out=$(in_root sparklink --version 2>&1) || fail "$suite: the installed sparklink --version failed: $out"
	[ "$out" = "sparklink $version" ] ||
		fail "$suite: the installed sparklink --version prints '$out', expected 'sparklink $version'"
	in_root spark-sysfs make /tmp/fx/sys --up p1 >"$tmp/sysfs" 2>&1 ||
		fail "$suite: the installed spark-sysfs failed: $(cat "$tmp/sysfs")"
	fx=$root/tmp/fx/sys
	pkg_same_ports "$suite: the installed sparklink" /tmp/fx/sys in_root sparklink
	note "installed in a $suite root ($(cat "$root/etc/debian_version")); $out"
	rm -rf --one-file-system -- "$root"
done
pass
