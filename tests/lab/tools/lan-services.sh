#!/bin/sh
# lan-services.sh N [--one-host]: run inside a lab node (as root): that node's avahi-daemon
# announces N more _ssh._tcp services, lan-0 .. lan-(N-1), each on a host of its own, lan-I.local,
# with its own IPv4 address (10.77.1.1 .. 10.77.1.250, 10.77.2.1 ...) and IPv6 address (fd77::1
# ...): a crowded management LAN. The addresses are only announced, never configured: nothing
# answers on them. With --one-host the services are the node's own (its host name and
# addresses): each peer's avahi then caches 3 records a service, not 5 (avahi caches 4096 per
# interface: 1000 services of their own hosts do not fit, 1000 of one host do).
# N=0 takes them away again. Writes /etc/avahi/hosts and /etc/avahi/services/lan-*.service (the
# node's own /etc); (re)start the node's avahi-daemon afterwards (`sparklab daemon NODE avahi
# stop` before, `start` after): a running one reloads everything at each change it sees, which
# with hundreds of files takes minutes.
set -eu
n=${1:?usage: lan-services.sh N [--one-host]}
one=0
[ "${2:-}" = --one-host ] && one=1
case $n in *[!0-9]* | "") echo "lan-services.sh: N must be a number, not '$n'" >&2; exit 2 ;; esac
[ "$n" -le 2000 ] || { echo "lan-services.sh: at most 2000 services" >&2; exit 2; }
rm -f /etc/avahi/services/lan-*.service
i=0
[ $one = 1 ] && i=$n
while [ "$i" -lt "$n" ]; do
	printf '10.77.%d.%d lan-%d.local\nfd77::%x lan-%d.local\n' \
		$((1 + i / 250)) $((1 + i % 250)) "$i" $((i + 1)) "$i"
	i=$((i + 1))
done >/etc/avahi/hosts.new
mv /etc/avahi/hosts.new /etc/avahi/hosts
i=0
while [ "$i" -lt "$n" ]; do
	host="<host-name>lan-$i.local</host-name>"
	[ $one = 1 ] && host=""
	printf '<?xml version="1.0" standalone="no"?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group><name>lan-%d</name><service><type>_ssh._tcp</type><port>22</port>%s</service></service-group>\n' \
		"$i" "$host" >"/etc/avahi/services/lan-$i.service"
	i=$((i + 1))
done
