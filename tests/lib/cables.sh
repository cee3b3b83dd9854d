# shellcheck shell=bash
# tests/lib/cables.sh: checks of the lab's QSFP cables, as a user sees them with ip and ping.
# Source after lab.sh. Gives:
#   twins_of PORT                  "netdev:rdma-device" per twin of p0|p1 (domain 0000 first)
#   expect_port NODE PORT up|down  carrier, ip -br link flags, fixture RDMA state of both twins
#   reach NODE PORT PEER PEERPORT  each twin of NODE PORT pings PEER's same twin (IPv6 link-local)
#   no_reach NODE IF PEER PIF      NODE's netdev IF must not reach PEER's PIF (another cable, twin)

# port -> "netdev:rdma-device", one line per twin (domain 0000 first)
twins_of() {
	case $1 in
	p0) printf '%s\n' enp1s0f0np0:rocep1s0f0 enP2p1s0f0np0:roceP2p1s0f0 ;;
	p1) printf '%s\n' enp1s0f1np1:rocep1s0f1 enP2p1s0f1np1:roceP2p1s0f1 ;;
	esac
}

# expect_port NODE PORT up|down: carrier, ip -br link flags, fixture state of both twins
expect_port() {
	local node=$1 port=$2 want=$3 t ifn dev c br st fc
	for t in $(twins_of "$port"); do
		ifn=${t%%:*} dev=${t##*:}
		c=$(carrier_of "$node" "$ifn")
		br=$(lx "$node" ip -br link show dev "$ifn")
		st=$(lx "$node" sh -c "cat \"\$SPARKLINK_SYSFS/class/infiniband/$dev/ports/1/state\"")
		fc=$(lx "$node" sh -c "cat \"\$SPARKLINK_SYSFS/class/net/$ifn/carrier\"")
		case $br in *'<'*UP*'>'*) ;; *) fail "$node $ifn is not admin UP: $br" ;; esac
		if [ "$want" = up ]; then
			[ "$c" = 1 ] || fail "$node $ifn ($port) has no carrier with the cable plugged: $br"
			case $br in *LOWER_UP*) ;; *) fail "$node $ifn: ip -br link does not show LOWER_UP: $br" ;; esac
			[ "$st" = "4: ACTIVE" ] || fail "$node fixture $dev port state is '$st', expected '4: ACTIVE'"
		else
			[ "$c" = 0 ] || fail "$node $ifn ($port) still has carrier with the cable pulled: $br"
			case $br in *NO-CARRIER*) ;; *) fail "$node $ifn: ip -br link does not show NO-CARRIER: $br" ;; esac
			[ "$st" = "1: DOWN" ] || fail "$node fixture $dev port state is '$st', expected '1: DOWN'"
		fi
		[ "$fc" = "$c" ] || fail "$node fixture class/net/$ifn/carrier ($fc) does not follow the real netdev ($c)"
	done
}

# reach NODE PORT PEER PEERPORT: each twin of NODE PORT pings PEER's same twin over IPv6 link-local
reach() {
	local node=$1 port=$2 peer=$3 pport=$4 i t ifn pif ll out
	local -a mine theirs
	mine=(); for t in $(twins_of "$port"); do mine+=("${t%%:*}"); done
	theirs=(); for t in $(twins_of "$pport"); do theirs+=("${t%%:*}"); done
	for i in 0 1; do
		ifn=${mine[$i]} pif=${theirs[$i]}
		wait_ll6 "$node" "$ifn" >/dev/null
		ll=$(wait_ll6 "$peer" "$pif")
		out=$(lx "$node" ping -c1 -W2 "$ll%$ifn" 2>&1) ||
			fail "$node $ifn cannot reach $peer $pif ($ll) over the cable: $out"
	done
	note "$node $port <-> $peer $pport: both twins reach each other"
}

no_reach() { # NODE IF PEER PIF: NODE's netdev IF must not reach PEER's PIF
	local ll
	ll=$(wait_ll6 "$3" "$4")
	if lx "$1" ping -c1 -W1 "$ll%$2" >/dev/null 2>&1; then
		fail "$1 $2 reaches $3 $4 ($ll): the cabling is miswired"
	fi
	return 0
}
