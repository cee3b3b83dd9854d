#!/bin/bash
# lab_lab_nm: NetworkManager nodes (sparklab up --renderer NetworkManager) are shaped like DGX OS,
# judged by the system tools inside the nodes. NetworkManager manages the ConnectX ports and puts
# its automatic "Wired connection" DHCP profile on a cabled port; enP7s7 is under the profile
# netplan rendered from the node's 90-NM-<uuid>.yaml. An address added with a bare `ip addr add`
# on a port under "Wired connection" is gone once the DHCP attempt times out; an address from a
# 40-cx7.yaml + `netplan apply` is on the port and still there after that timeout. `netplan apply`
# restarts the node's NetworkManager: the management address disappears and comes back. The
# daemon command controls NetworkManager; `down` leaves no process, namespace or mount.
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require

nmcon() { lx "$1" nmcli -t -f NAME,UUID,TYPE,DEVICE con show; }
devstate() { lx "$1" nmcli -t -f DEVICE,STATE dev | awk -F: -v d="$2" '$1 == d { print $2 }'; }
has_addr() { lx "$1" ip -4 -o addr show dev "$2" | grep -qF " $3/"; }
no_addr() { ! has_addr "$@"; }
con_on() { nmcon "$1" | grep -qE "^$2:[^:]*:802-3-ethernet:$3\$"; } # node name-regex device

step "a bad renderer is refused before anything is built"
out=$("$SPARKLAB" up --renderer systemd 2>&1) && fail "up --renderer systemd succeeded"
case $out in *"--renderer must be networkd or NetworkManager, not 'systemd'"*) ;;
*) fail "up --renderer systemd did not name the option and the value: $out" ;; esac
ip netns list | grep -qE '^(spark-[0-9]+|sparklab-net)( |$)' && fail "a refused up left namespaces"

step "the nodes' root file system (built once per machine, then cached)"
rf=$("$SPARKLAB" rootfs) || fail "sparklab rootfs failed: $rf"
printf '%s\n' "$rf" | sed 's/^/  | /'

step "up --renderer NetworkManager"
t0=$SECONDS
lab_up --renderer NetworkManager
note "up took $((SECONDS - t0))s"
st=$("$SPARKLAB" status) || fail "sparklab status failed"
for n in 1 2; do
	grep -q "^spark-$n .* renderer NetworkManager\$" <<<"$st" || fail "status does not show spark-$n as a NetworkManager node: $st"
done
[ "$(grep -cE '^  networkmanager +pid [0-9]+ +alive$' <<<"$st")" -eq 2 ] ||
	fail "status does not show NetworkManager alive on both nodes: $st"
grep -q '^  networkd ' <<<"$st" && fail "status shows a networkd on a NetworkManager node: $st"
note "spark-1 runs $(lx spark-1 NetworkManager --version | head -n1 | sed 's/^/NetworkManager /'), $(lx spark-1 dpkg-query -W -f '${Package} ${Version}' netplan.io)"

step "NetworkManager manages the ConnectX ports; a cabled one is under a 'Wired connection'"
# b2b cabling: p1 is cabled (enp1s0f1np1 and its twin enP2p1s0f1np1), p0 is not
for n in 1 2; do
	for dev in enp1s0f1np1 enP2p1s0f1np1; do
		wait_until 20 "spark-$n $dev is not under an automatic 'Wired connection' ($(nmcon spark-$n | tr '\n' ' '))" \
			con_on "spark-$n" 'Wired connection [0-9]+' "$dev"
	done
	for dev in enp1s0f0np0 enP2p1s0f0np0 enp1s0f1np1 enP2p1s0f1np1; do
		s=$(devstate "spark-$n" "$dev")
		case $s in '' | unmanaged) fail "spark-$n $dev is not managed by NetworkManager (state '$s')" ;; esac
	done
	[ "$(devstate "spark-$n" enp1s0f0np0)" = unavailable ] ||
		fail "spark-$n enp1s0f0np0 (no cable) is not 'unavailable': $(devstate "spark-$n" enp1s0f0np0)"
done

step "enP7s7 is under the profile netplan rendered from the node's 90-NM-<uuid>.yaml"
for n in 1 2; do
	y=$(lx "spark-$n" sh -c 'ls /etc/netplan/90-NM-*.yaml') || fail "spark-$n has no /etc/netplan/90-NM-*.yaml"
	uuid=${y##*/90-NM-}
	uuid=${uuid%.yaml}
	lx "spark-$n" grep -q "^interface-name=enP7s7\$" "/run/NetworkManager/system-connections/netplan-NM-$uuid.nmconnection" ||
		fail "spark-$n: netplan did not render $y into /run/NetworkManager/system-connections"
	nmcon "spark-$n" | grep -qE "^[^:]+:$uuid:802-3-ethernet:enP7s7\$" ||
		fail "spark-$n enP7s7 is not under the netplan profile $uuid: $(nmcon "spark-$n" | tr '\n' ' ')"
	[ "$(devstate "spark-$n" enP7s7)" = connected ] || fail "spark-$n enP7s7 is not connected: $(devstate "spark-$n" enP7s7)"
	has_addr "spark-$n" enP7s7 "10.77.0.$n" || fail "spark-$n has no 10.77.0.$n on enP7s7"
done

step "40-cx7.yaml + netplan apply on spark-1: the address goes on; the management address blips"
mon=$LAB_TMP/mgmt-monitor
ip -n spark-1 -ts monitor address dev enP7s7 >"$mon" 2>&1 &
monpid=$!
lab_on_exit "kill $monpid 2>/dev/null"
lx spark-1 sh -c 'umask 077; printf "%s\n" "network:" "  version: 2" "  ethernets:" "    enp1s0f1np1:" \
	"      addresses: [192.168.201.1/24]" >/etc/netplan/40-cx7.yaml' || fail "cannot write 40-cx7.yaml in spark-1"
t0=$SECONDS
out=$(lx spark-1 netplan apply 2>&1) || fail "netplan apply in spark-1 failed: $out"
note "netplan apply returned after $((SECONDS - t0))s${out:+ saying: $out}"
wait_until 15 "spark-1 enp1s0f1np1 did not get 192.168.201.1 from netplan apply" has_addr spark-1 enp1s0f1np1 192.168.201.1
wait_until 15 "spark-1 enp1s0f1np1 is not under the netplan profile ($(nmcon spark-1 | tr '\n' ' '))" \
	con_on spark-1 netplan-enp1s0f1np1 enp1s0f1np1
wait_until 15 "spark-1's management address did not come back after netplan apply" has_addr spark-1 enP7s7 10.77.0.1
kill "$monpid" 2>/dev/null
wait "$monpid" 2>/dev/null
grep -q 'Deleted .* inet 10\.77\.0\.1/24' "$mon" ||
	fail "the management address did not disappear during netplan apply (ip monitor saw: $(tr '\n' ' ' <"$mon"))"
# the blip: from the address's deletion to its return, by ip monitor's timestamps
blip=$(awk '/inet 10\.77\.0\.1\/24/ {
		t = $0; sub(/\] [^[]*$/, "", t); sub(/.*\[/, "", t); split(t, a, "T"); split(a[2], h, ":")
		s = h[1] * 3600 + h[2] * 60 + h[3]
		if ($0 ~ /Deleted/) { if (d == "") d = s } else if (d != "" && b == "") b = s
	} END { if (d != "" && b != "") printf "%d ms", (b - d) * 1000; else print "unknown" }' "$mon")
note "management address 10.77.0.1 gone for $blip during netplan apply"
lx spark-1 ping -c 1 -W 2 10.77.0.2 >/dev/null || fail "spark-1 does not reach spark-2 over the management LAN after netplan apply"

step "a bare 'ip addr add' under 'Wired connection' is gone after the DHCP timeout; netplan's stays"
con_on spark-1 'Wired connection [0-9]+' enP2p1s0f1np1 ||
	fail "spark-1 enP2p1s0f1np1 is not under 'Wired connection' after netplan apply: $(nmcon spark-1 | tr '\n' ' ')"
lx spark-1 ip addr add 192.168.202.1/24 dev enP2p1s0f1np1 || fail "ip addr add on spark-1 enP2p1s0f1np1 failed"
t0=$SECONDS
has_addr spark-1 enP2p1s0f1np1 192.168.202.1 || fail "the bare address is not on spark-1 enP2p1s0f1np1"
# NetworkManager's DHCP attempt (ipv4.dhcp-timeout in the node's NetworkManager.conf) ends, and it
# resets the port: the address it did not put there goes
wait_until 120 "the bare address on spark-1 enP2p1s0f1np1 was not removed by NetworkManager" \
	no_addr spark-1 enP2p1s0f1np1 192.168.202.1
note "bare address removed by NetworkManager after $((SECONDS - t0))s"
has_addr spark-1 enp1s0f1np1 192.168.201.1 ||
	fail "the netplan address 192.168.201.1 on spark-1 enp1s0f1np1 did not survive NetworkManager's DHCP timeout"
con_on spark-1 netplan-enp1s0f1np1 enp1s0f1np1 || fail "spark-1 enp1s0f1np1 left its netplan profile"

step "sparklab daemon NODE networkmanager"
"$SPARKLAB" daemon spark-2 networkmanager status | grep -q 'running' || fail "daemon status does not say running"
out=$("$SPARKLAB" daemon spark-2 networkd status 2>&1) && fail "daemon networkd on a NetworkManager node succeeded: $out"
case $out in *"spark-2 has no daemon 'networkd'"*) ;; *) fail "daemon networkd on a NetworkManager node: unclear message: $out" ;; esac
old=$(cat "${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-2/pids/networkmanager.pid")
"$SPARKLAB" daemon spark-2 networkmanager stop >/dev/null || fail "daemon stop failed"
"$SPARKLAB" daemon spark-2 networkmanager status >/dev/null
[ $? -eq 3 ] || fail "daemon status of a stopped NetworkManager does not exit 3"
lx spark-2 nmcli general status >/dev/null 2>&1 && fail "nmcli still answers in spark-2 after daemon stop"
"$SPARKLAB" daemon spark-2 networkmanager start >/dev/null || fail "daemon start failed"
new=$(cat "${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-2/pids/networkmanager.pid")
[ "$new" != "$old" ] || fail "NetworkManager of spark-2 kept its PID across stop and start"
lx spark-2 nmcli -t -f RUNNING general | grep -qx running || fail "nmcli does not answer in spark-2 after daemon start"
wait_until 15 "spark-2's management address is not back after a NetworkManager restart" has_addr spark-2 enP7s7 10.77.0.2

step "down leaves no process, namespace or mount"
proc_state() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; echo "$s"; } # pid
procs="" # pid:start time of every daemon (a PID used again later is another process)
for p in $("$SPARKLAB" status | awk '$2 == "pid" { print $3 }'); do
	s=$(proc_state "$p") || fail "daemon $p listed by status does not exist"
	procs="$procs $p:$(awk '{ print $20 }' <<<"$s")"
done
lab_down
for ps in $procs; do
	s=$(proc_state "${ps%:*}") || continue
	[ "$(awk '{ print $20 }' <<<"$s")" = "${ps#*:}" ] || continue
	case ${s%% *} in Z | X) ;; *) fail "process ${ps%:*} of the lab is still running after down" ;; esac
done
ip netns list | grep -qE '^(spark-[0-9]+|sparklab-net)( |$)' && fail "down left lab namespaces: $(ip netns list)"
grep -q '/var/cache/sparklab\|/nodes/spark-[0-9]*/fs' /proc/self/mountinfo && fail "down left a node mount on this machine"
exit 0
