#!/usr/bin/env python3
"""capture-nlparse.py OUTDIR: the corpus of fuzz_nlparse, real rtnetlink messages from this kernel.

Run as root in a network namespace of its own (nothing outside it changes):
    sudo unshare -n python3 tests/fuzz/capture-nlparse.py tests/fuzz/corpus/nlparse
It subscribes to the link and address groups netmon.c reads, makes links and addresses come, change
and go with ip(8), and writes every datagram the kernel sent (and the namespace's dumps) to
OUTDIR/NN-what, one datagram a file."""
import os
import socket
import subprocess
import sys

RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
ev.bind((0, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR))
ev.setblocking(False)
count = 0


def save(what, data):
    global count
    count += 1
    with open(os.path.join(out, "%02d-%s" % (count, what)), "wb") as f:
        f.write(data)


def drain(what):
    while True:
        try:
            save(what, ev.recv(65536))
        except BlockingIOError:
            return


def ip(*args, what, optional=False):
    """optional: a link type this kernel may lack (its module not loaded)"""
    r = subprocess.run(["ip"] + list(args), check=not optional, stderr=subprocess.DEVNULL)
    if r.returncode == 0:
        drain(what)


def dump(msgtype, what):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    # nlmsghdr (len, type, flags REQUEST|DUMP, seq, pid) + rtgenmsg (AF_UNSPEC), padded
    req = (20).to_bytes(4, "little") + msgtype.to_bytes(2, "little") + \
        (0x301).to_bytes(2, "little") + (1).to_bytes(4, "little") + bytes(4) + bytes(4)
    s.send(req)
    while True:
        data = s.recv(65536)
        save(what, data)
        if int.from_bytes(data[4:6], "little") in (2, 3):  # NLMSG_ERROR, NLMSG_DONE
            break
    s.close()


ip("link", "set", "lo", "up", what="lo-up")
ip("link", "add", "rail0", "type", "veth", "peer", "name", "rail1", what="veth-add")
ip("link", "set", "rail0", "mtu", "9000", what="mtu")
ip("link", "set", "rail0", "up", what="up-no-carrier")
ip("link", "set", "rail1", "up", what="carrier-up")
ip("addr", "add", "192.168.100.10/24", "dev", "rail0", what="addr4-add")
ip("addr", "add", "10.9.9.1", "peer", "10.9.9.2/32", "dev", "rail0", what="addr4-peer")
ip("addr", "add", "fd00:1::10/64", "dev", "rail0", "nodad", what="addr6-add")
ip("addr", "add", "169.254.3.4/16", "dev", "rail0", what="addr4-linklocal")
ip("link", "set", "rail1", "down", what="carrier-down")
ip("addr", "del", "192.168.100.10/24", "dev", "rail0", what="addr4-del")
ip("link", "add", "twin7", "type", "veth", "peer", "name", "twin9", what="veth2-add")
ip("link", "set", "twin7", "name", "twin8", what="rename")
ip("link", "add", "tun4", "type", "ipip", "local", "10.1.1.1", "remote", "10.1.1.2", what="ipip",
   optional=True)
ip("link", "add", "tun6", "type", "ip6tnl", "local", "fd00::1", "remote", "fd00::2",
   what="ip6tnl", optional=True)
dump(18, "dump-links")  # RTM_GETLINK
dump(22, "dump-addrs")  # RTM_GETADDR
ip("link", "del", "rail0", what="veth-del")
ip("link", "del", "twin8", what="veth2-del")
print("%d datagrams in %s" % (count, out))
