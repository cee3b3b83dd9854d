#!/bin/bash
# cli_no_strtok: no strtok() in core/ or ui/ (every folder under them). Worker threads (apply,
# pair, rollback) parse text while the console's thread parses the journal; strtok keeps its
# place in one hidden pointer that every thread shares, so one thread's loop can go on in another
# thread's string. strtok_r (or strsep, or memchr) keeps it in the caller's own variable.
set -u
src=$(cd -- "$(dirname -- "$0")/../.." && pwd)
[ -d "$src/core" ] && [ -d "$src/ui" ] || { echo "FAIL [cli_no_strtok]: no core/ or ui/ under $src" >&2; exit 1; }
# the sources are in folders by layer (core/base/, ui/console/, ...): search them all, and make
# sure there is something to search, so that a move of the tree cannot make this pass unread
nfiles=$(find "$src/core" "$src/ui" -type f -name '*.[ch]' | wc -l)
if [ "$nfiles" -lt 20 ]; then
	echo "FAIL [cli_no_strtok]: only $nfiles C files under $src/core and $src/ui" >&2
	exit 1
fi
hits=$(grep -rnE --include='*.[ch]' '(^|[^_[:alnum:]])strtok[[:space:]]*\(' "$src/core" "$src/ui")
case $? in
0)
	echo "FAIL [cli_no_strtok]: strtok() is not reentrant; use strtok_r:" >&2
	printf '%s\n' "$hits" >&2
	exit 1
	;;
1) ;;
*)
	echo "FAIL [cli_no_strtok]: grep could not read $src/core or $src/ui" >&2
	exit 1
	;;
esac
echo "PASS [cli_no_strtok] ($nfiles files)"
