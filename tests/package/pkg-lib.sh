# pkg-lib.sh: helpers for the package tests (sourced): build a .deb with scripts/deb, check what
# a user would check of it. Everything lives in a private temporary directory removed on exit.
#   pkg_init NAME            start a test: $tmp, the trap, $SRC/$SPARKLINK/$OUT checked
#   pkg_build ARCH           scripts/deb for ARCH into $OUT (warnings as errors); sets $deb
#   pkg_check_contents       dpkg-deb -c lists the programs, man pages, README and copyright
#   pkg_check_control ARCH   Package, Version (= $version), Architecture, Depends, Recommends,
#                            Suggests (iperf3)
#   pkg_lintian              lintian reports no error and no warning
#   pkg_same_ports NAME DIR CMD...  CMD prints the fixture tree $fx (DIR as CMD sees it) as
#                            $SPARKLINK does: ports, -v, --json
# shellcheck shell=bash
export LC_ALL=C

pkg_name=package
fail() { echo "FAIL [$pkg_name]: $*" >&2; exit 1; }
skip() { echo "SKIP [$pkg_name]: $*" >&2; exit 77; }
pass() { echo "PASS [$pkg_name]"; exit 0; }
note() { echo "[$pkg_name] $*"; }

pkg_cleanup() {
	if [ -n "${tmp:-}" ] && [ -d "$tmp" ]; then
		rm -rf --one-file-system -- "$tmp"
	fi
}

pkg_init() {
	pkg_name=$1
	[ -n "${SRC:-}" ] && [ -f "$SRC/debian/control" ] || fail "SRC must name the source tree"
	[ -n "${SPARKLINK:-}" ] && [ -x "$SPARKLINK" ] || fail "SPARKLINK must name the test build's sparklink"
	[ -n "${OUT:-}" ] || fail "OUT must name the directory for the packages"
	[ -n "${PROJECT_VERSION:-}" ] || fail "PROJECT_VERSION must be the project's version"
	for t in dpkg-buildpackage dh lintian; do
		command -v $t >/dev/null 2>&1 || fail "$t is missing (./scripts/install-deps --tests installs it)"
	done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/sparklink-$pkg_name.XXXXXX")
	trap pkg_cleanup EXIT
	trap 'exit 130' INT TERM
	version=$(cmake -DSOURCE="$SRC" -P "$SRC/cmake/version.cmake") || fail "cmake/version.cmake failed"
	case $version in
	"$PROJECT_VERSION" | "$PROJECT_VERSION"+*) ;;
	*) fail "cmake/version.cmake says $version, the project's version is $PROJECT_VERSION" ;;
	esac
}

pkg_build() { # ARCH
	local t0=$SECONDS
	SPARKLINK_WERROR=ON "$SRC/scripts/deb" --arch "$1" --out "$OUT" >"$tmp/deb.out" 2>&1 ||
		fail "scripts/deb --arch $1 failed: $(tail -n 30 "$tmp/deb.out")"
	deb=$(tail -n 1 "$tmp/deb.out")
	[ "$deb" = "$OUT/sparklink_${version}_$1.deb" ] || fail "scripts/deb printed '$deb'"
	[ -f "$deb" ] || fail "$deb was not made"
	note "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - t0)) s"
}

pkg_check_contents() {
	local f
	dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/contents" ||
		fail "dpkg-deb -c $deb failed"
	for f in /usr/bin/sparklink /usr/bin/sparklab /usr/bin/spark-sysfs \
		/usr/share/man/man1/sparklink.1.gz /usr/share/man/man1/sparklab.1.gz \
		/usr/share/man/man1/spark-sysfs.1.gz /usr/share/doc/sparklink/README.md.gz \
		/usr/share/doc/sparklink/copyright; do
		grep -qx -- "$f" "$tmp/contents" || fail "dpkg-deb -c does not list $f: $(cat "$tmp/contents")"
	done
	dpkg-deb -c "$deb" | grep -E '^-rwxr-xr-x root/root .* \./usr/bin/sparklink$' >/dev/null ||
		fail "/usr/bin/sparklink is not root's and mode 0755"
}

pkg_check_control() { # ARCH
	local f
	[ "$(dpkg-deb -f "$deb" Package)" = sparklink ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
	[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] ||
		fail "Version: $(dpkg-deb -f "$deb" Version), expected $version"
	[ "$(dpkg-deb -f "$deb" Architecture)" = "$1" ] ||
		fail "Architecture: $(dpkg-deb -f "$deb" Architecture)"
	depends=$(dpkg-deb -f "$deb" Depends)
	# dpkg-shlibdeps: one package for each library sparklink links with
	for f in libc6 libncursesw6 libtinfo6 libssh-4 libnl-3-200 libnl-route-3-200 libibverbs1 \
		libavahi-client3 libavahi-common3; do
		echo "$depends" | tr ',' '\n' | grep -Eq "^ *$f( |$)" || fail "Depends lacks $f: $depends"
	done
	for f in openssh-client netplan.io iputils-ping avahi-daemon perftest; do
		dpkg-deb -f "$deb" Recommends | tr ',' '\n' | grep -Eq "^ *$f$" ||
			fail "Recommends lacks $f: $(dpkg-deb -f "$deb" Recommends)"
	done
	dpkg-deb -f "$deb" Suggests | tr ',' '\n' | grep -Eq "^ *iperf3$" ||
		fail "Suggests lacks iperf3 (bench --tcp): $(dpkg-deb -f "$deb" Suggests)"
	note "Depends: $depends"
}

pkg_lintian() {
	lintian "$deb" >"$tmp/lintian" 2>&1 || true
	if grep -E '^[EW]: ' "$tmp/lintian" >/dev/null; then
		fail "lintian: $(cat "$tmp/lintian")"
	fi
}

# pkg_same_ports NAME DIR CMD...: CMD (another build of sparklink) prints on the fixture tree
# what $SPARKLINK prints on $fx, byte for byte ("sysfs_root" aside: CMD may see $fx as DIR).
pkg_same_ports() {
	local name=$1 dir=$2 args
	shift 2
	for args in "" "-v" "--json"; do
		# shellcheck disable=SC2086
		"$SPARKLINK" --sysfs "$fx" ports $args >"$tmp/want" 2>&1 ||
			fail "the test build's ports $args failed: $(cat "$tmp/want")"
		# shellcheck disable=SC2086
		"$@" --sysfs "$dir" ports $args >"$tmp/got" 2>&1 ||
			fail "$name: ports $args failed: $(cat "$tmp/got")"
		sed -i 's|^\(  "sysfs_root": \).*|\1"-",|' "$tmp/want" "$tmp/got"
		diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" ||
			fail "$name: ports $args differs from the test build's: $(cat "$tmp/diff")"
	done
	[ -s "$tmp/want" ] || fail "ports --json printed nothing"
}
