#!/bin/bash
# cli_no_strtok: no strtok() in core/ or ui/. Worker threads (apply, pair, rollback) parse text
# while the console's thread parses the journal; strtok keeps its place in one hidden pointer
# that every thread shares, so one thread's loop can go on in another thread's string. strtok_r
# (or strsep, or memchr) keeps it in the caller's own variable.
set -u
src=$(cd -- "$(dirname -- "$0")/../.." && pwd)
[ -d "$src/core" ] && [ -d "$src/ui" ] || { echo "FAIL [cli_no_strtok]: no core/ or ui/ under $src" >&2; exit 1; }
if hits=$(grep -nE '(^|[^_[:alnum:]])strtok[[:space:]]*\(' "$src"/core/*.[ch] "$src"/ui/*.[ch]); then
	echo "FAIL [cli_no_strtok]: strtok() is not reentrant; use strtok_r:" >&2
	printf '%s\n' "$hits" >&2
	exit 1
fi
echo "PASS [cli_no_strtok]"
