#!/bin/bash
# cli_commands: the commands come from one table (ui/main.c): the list in `sparklink --help`,
# the man page's SYNOPSIS and its COMMANDS section (docs/*.1) name exactly the same commands, in
# the same order, and each of them is dispatched (its --help answers with its usage, exit 0).
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_commands
src=$(cd -- "$(dirname -- "$0")/../.." && pwd)

sl "$tmp/help" "$tmp/err" --help
[ "$rc" -eq 0 ] || fail "--help: exit $rc"
# the table: in the "Commands:" block, each command's first line starts with two spaces and its
# name (continuation lines are indented further)
awk '/^Commands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { print $1 }' \
	"$tmp/help" >"$tmp/table"
[ -s "$tmp/table" ] || fail "--help lists no command: $(cat "$tmp/help")"

mans=("$src"/docs/*.1)
[ -f "${mans[0]}" ] || fail "no man page under $src/docs"
for man in "${mans[@]}"; do
	[ "$(basename "$man")" = sparklink.1 ] || continue
	# SYNOPSIS: ".B NAME" right after each ".RI [ OPTIONS ]"
	awk '/^\.SH / { s = ($2 == "SYNOPSIS") } s && prev ~ /^\.RI \[ OPTIONS \]/ && /^\.B / { print $2 }
		{ prev = $0 }' "$man" >"$tmp/synopsis"
	# COMMANDS: the first word of each top-level .TP entry (the options of a command are
	# inside .RS/.RE), each name once
	awk '/^\.SH / { s = ($2 == "COMMANDS"); depth = 0 }
		s && /^\.RS/ { depth++ } s && /^\.RE/ { depth-- }
		s && depth == 0 && prev == ".TP" && /^\.B / && $2 !~ /^\\-/ && !seen[$2]++ { print $2 }
		{ prev = $0 }' "$man" >"$tmp/section"
	for part in synopsis section; do
		if ! cmp -s "$tmp/table" "$tmp/$part"; then
			echo "--- sparklink --help (-) vs $man $part (+):" >&2
			diff -u "$tmp/table" "$tmp/$part" >&2
			fail "$man: its $part does not name exactly the commands of the table"
		fi
	done
	checked=1
done
[ "${checked:-}" = 1 ] || fail "no docs/sparklink.1"

while read -r cmd; do
	sl "$tmp/out" "$tmp/err" "$cmd" --help
	[ "$rc" -eq 0 ] || fail "$cmd --help: exit $rc ($(cat "$tmp/err"))"
	grep -q "^Usage: sparklink $cmd" "$tmp/out" ||
		grep -q "^       sparklink $cmd" "$tmp/out" ||
		fail "$cmd --help: not its usage: $(head -3 "$tmp/out")"
done <"$tmp/table"
pass
