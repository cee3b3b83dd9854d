#!/bin/bash
# lab_netplan_linklocal: NVIDIA's link-local option on the cable twins, for real: write
# /etc/netplan/40-cx7.yaml (0600, link-local: [ ipv4 ]) in both nodes, `netplan apply`, wait for
# the IPv4LL 169.254/16 addresses, ping the peer on each twin bound to the interface. Then the
# persistent static option (one /24 per twin, MTU 9000, jumbo ping) and the rollback (remove the
# file + apply). Under both renderers ($SPARKLAB_RENDERER: lab_netplan_linklocal on NetworkManager
# nodes, lab_netplan_linklocal_networkd): what netplan rendered is judged as a user would see it,
# networkd's /run/systemd/network/10-netplan-IF.network and `networkctl` "configured", or
# NetworkManager's /run/NetworkManager/system-connections/netplan-IF.nmconnection and `nmcli`
# (the port connected under the profile netplan-IF; after the rollback, back on its automatic
# "Wired connection" and the netplan profile gone). The lab's `netplan apply` is netplan's own
# (generate, then NetworkManager restarted or networkd reloaded, as on the real system).
# The host's /etc/netplan must not change.
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require
TWINS_P1="enp1s0f1np1 enP2p1s0f1np1"

host_netplan_sum() {
	{
		find /etc/netplan -printf '%p %m %U %s %T@\n' 2>/dev/null | sort
		find /etc/netplan -type f -exec sha256sum {} + 2>/dev/null | sort
		ls -la /run/systemd/network /run/NetworkManager/system-connections 2>/dev/null
	} | sha256sum
}
HOST_SUM=$(host_netplan_sum)

step "up (renderer ${SPARKLAB_RENDERER:-NetworkManager, the default})"
lab_up 2
NM=0
"$SPARKLAB" status | grep -q "^spark-1 .*renderer NetworkManager" && NM=1
note "renderer: $([ $NM = 1 ] && echo NetworkManager || echo networkd)"
profile_on() { lx "$1" nmcli -g GENERAL.CONNECTION dev show "$2" 2>/dev/null; }
connected_on() { # node if profile: NetworkManager says the port is connected under that profile
	[ "$(profile_on "$1" "$2")" = "$3" ] &&
		lx "$1" nmcli -g GENERAL.STATE dev show "$2" 2>/dev/null | grep -q '^100 '
}
rendered() { # node ifname: netplan's output for the interface, as the renderer reads it
	if [ $NM = 1 ]; then
		lx "$1" test -f "/run/NetworkManager/system-connections/netplan-$2.nmconnection"
	else
		lx "$1" test -f "/run/systemd/network/10-netplan-$2.network"
	fi
}
in_force() { # node ifname: the renderer runs the netplan definition on the interface
	if [ $NM = 1 ]; then
		connected_on "$1" "$2" "netplan-$2"
	else
		# networkd runs netplan's file for it ("Network File"), configured or still configuring
		# (it may wait for a router advertisement that never comes on a cable: seen > 10 s under
		# load, so the state alone is not the judge)
		lx "$1" networkctl --no-pager status "$2" 2>/dev/null |
			grep -q "Network File: /run/systemd/network/10-netplan-$2\.network" &&
			lx "$1" networkctl --no-pager --no-legend list "$2" | grep -Eq 'configur(ed|ing)'
	fi
}

apply_yaml() { # node yaml
	local node=$1 out
	lx "$node" sh -c 'umask 077; cat >/etc/netplan/40-cx7.yaml' <<<"$2" || fail "cannot write /etc/netplan/40-cx7.yaml in $node"
	out=$(lx "$node" netplan apply 2>&1) || fail "netplan apply failed in $node: $out"
	[ -z "$out" ] || note "netplan apply in $node said: $out"
}

LL_YAML='network:
  version: 2
  ethernets:
    enp1s0f1np1:
      link-local: [ ipv4 ]
    enP2p1s0f1np1:
      link-local: [ ipv4 ]'

step "write 40-cx7.yaml (link-local: [ ipv4 ]) and netplan apply on both nodes"
for node in spark-1 spark-2; do
	apply_yaml "$node" "$LL_YAML"
	mode=$(lx "$node" stat -c %a /etc/netplan/40-cx7.yaml)
	[ "$mode" = 600 ] || fail "/etc/netplan/40-cx7.yaml in $node has mode $mode, expected 600"
	for ifn in $TWINS_P1; do
		rendered "$node" "$ifn" || fail "netplan did not render $ifn in $node: $(lx "$node" ls /run/systemd/network /run/NetworkManager/system-connections 2>&1 | tr '\n' ' ')"
	done
done

have_ll4() { local n i; for n in spark-1 spark-2; do for i in $TWINS_P1; do [ -n "$(ipv4_of "$n" "$i" 169.254.)" ] || return 1; done; done; }
step "wait for the IPv4 link-local addresses (ACD takes a few seconds)"
wait_until 25 "the cable twins did not get 169.254/16 addresses after netplan apply" have_ll4
for n in spark-1 spark-2; do
	for i in $TWINS_P1; do
		note "$n $i $(ipv4_of "$n" "$i" 169.254.)"
		wait_until 10 "$n's renderer does not run netplan's definition of $i ($([ $NM = 1 ] &&
			lx "$n" nmcli -t -f DEVICE,STATE,CONNECTION device | tr '\n' ' '))" in_force "$n" "$i"
	done
done

step "ping spark-2 from spark-1 on each twin, bound to the interface"
ok=0
for ifn in $TWINS_P1; do
	a1=$(ipv4_of spark-1 "$ifn" 169.254.)
	a2=$(ipv4_of spark-2 "$ifn" 169.254.)
	lx spark-1 ping -c1 -W2 -I "$ifn" "$a2" >/dev/null 2>&1
	prc=$?
	# the request went out on this twin: ARP on it must have found spark-2's same twin
	nmac=$(lx spark-1 ip neigh show dev "$ifn" to "$a2" | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')
	pmac=$(mac_of spark-2 "$ifn")
	[ "$nmac" = "$pmac" ] ||
		fail "ARP for $a2 on spark-1's $ifn found '$nmac', not spark-2's $ifn ($pmac): the twin is not wired to its twin"
	# spark-2 answers over the twin its routing table picks for spark-1's address (both twins
	# sit in 169.254/16: the routing ambiguity users hit on real Sparks)
	rdev=$(lx spark-2 ip -4 route get "$a1" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
	if [ "$rdev" = "$ifn" ]; then
		[ $prc -eq 0 ] || fail "ping -I $ifn $a2 from spark-1 got no reply, though spark-2 routes the reply over $ifn"
		ok=$((ok + 1))
		note "$ifn: ping -I $ifn $a2 ok"
	elif [ $prc -eq 0 ]; then
		ok=$((ok + 1))
		note "$ifn: ping -I $ifn $a2 ok"
	else
		note "$ifn: ping -I $ifn $a2 lost: spark-2 answers via $rdev (both twins in 169.254/16) - real kernel behaviour; ARP on $ifn is fine"
	fi
done
[ $ok -ge 1 ] || fail "no twin answers a bound ping over the link-local addresses"

STATIC_YAML() { # node number -> playbook's persistent static addressing, one /24 per twin, MTU 9000
	local h=$((9 + $1))
	printf 'network:\n  version: 2\n  ethernets:\n'
	printf '    enp1s0f1np1:\n      dhcp4: no\n      mtu: 9000\n      addresses: [ 192.168.100.%s/24 ]\n' "$h"
	printf '    enP2p1s0f1np1:\n      dhcp4: no\n      mtu: 9000\n      addresses: [ 192.168.101.%s/24 ]\n' "$h"
}
step "replace it with static addressing (192.168.100.x and 192.168.101.x, MTU 9000) and apply"
apply_yaml spark-1 "$(STATIC_YAML 1)"
apply_yaml spark-2 "$(STATIC_YAML 2)"
static_ready() {
	local n i
	for n in spark-1 spark-2; do
		for i in $TWINS_P1; do
			[ -n "$(ipv4_of "$n" "$i" 192.168.10)" ] || return 1
			[ -z "$(ipv4_of "$n" "$i" 169.254.)" ] || return 1
			[ "$(lx "$n" cat "/sys/class/net/$i/mtu")" = 9000 ] || return 1
		done
	done
}
wait_until 15 "after netplan apply of static addresses the twins do not show exactly 192.168.10x.y/24 with MTU 9000" static_ready
for n in spark-1 spark-2; do
	for i in $TWINS_P1; do
		wait_until 10 "$n's renderer does not run netplan's static definition of $i" in_force "$n" "$i"
	done
done
for pair in "enp1s0f1np1 192.168.100.11" "enP2p1s0f1np1 192.168.101.11"; do
	set -- $pair
	out=$(lx spark-1 ping -c1 -W2 -I "$1" "$2" 2>&1) || fail "ping -I $1 $2 from spark-1 failed with one subnet per twin: $out"
	out=$(lx spark-1 ping -c1 -W2 -M "do" -s 8972 -I "$1" "$2" 2>&1) ||
		fail "jumbo ping (ping -M do -s 8972 -I $1 $2) failed with MTU 9000 on both ends: $out"
done
note "both twins answer bound pings, jumbo frames pass"

step "rollback: remove 40-cx7.yaml and netplan apply"
for node in spark-1 spark-2; do
	lx "$node" rm -f /etc/netplan/40-cx7.yaml
	out=$(lx "$node" netplan apply 2>&1) || fail "netplan apply (rollback) failed in $node: $out"
done
gone() { local n i; for n in spark-1 spark-2; do for i in $TWINS_P1; do [ -z "$(ipv4_of "$n" "$i")" ] || return 1; done; done; }
wait_until 10 "after the rollback the twins still have IPv4 addresses" gone
if [ $NM = 1 ]; then # back on the automatic profiles, netplan's gone
	back() {
		local n i
		for n in spark-1 spark-2; do
			for i in $TWINS_P1; do
				rendered "$n" "$i" && return 1
				profile_on "$n" "$i" | grep -qE '^Wired connection [0-9]+$' || return 1
			done
		done
	}
	wait_until 20 "after the rollback a twin is not back on its 'Wired connection' (or netplan's profile is left): $(lx spark-1 nmcli -t -f NAME,DEVICE con show | tr '\n' ' ')" back
fi

step "the host's /etc/netplan and /run/systemd/network did not change"
[ "$(host_netplan_sum)" = "$HOST_SUM" ] || fail "the host's /etc/netplan (or /run/systemd/network) changed during the test"
exit 0
