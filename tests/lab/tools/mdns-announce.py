#!/usr/bin/env python3
"""mdns-announce: send raw mDNS announcements of an _ssh._tcp service, with any bytes in the
instance and host names (invalid UTF-8, control characters), as a hostile node on the LAN would.
Used by the lab tests from inside a node:  mdns-announce.py IFADDR INSTANCE_HEX HOST_HEX ADDR [N]
INSTANCE_HEX/HOST_HEX are the raw label bytes in hex (HOST without ".local"). Sends N (default 3)
unsolicited responses, one per 200 ms, to 224.0.0.251:5353 from port 5353 on the interface whose
IPv4 address is IFADDR. Talks only to the lab's own multicast group on that link."""
import socket
import struct
import sys
import time


def name(*labels):
    out = b""
    for lab in labels:
        if len(lab) > 63:
            raise SystemExit("label longer than 63 bytes")
        out += bytes([len(lab)]) + lab
    return out + b"\x00"


def rr(rname, rtype, rdata, ttl=120, cache_flush=False):
    cls = 1 | (0x8000 if cache_flush else 0)
    return rname + struct.pack("!HHIH", rtype, cls, ttl, len(rdata)) + rdata


def main():
    ifaddr, inst_hex, host_hex, addr = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    inst, host = bytes.fromhex(inst_hex), bytes.fromhex(host_hex)
    svc = name(b"_ssh", b"_tcp", b"local")
    inst_name = name(inst, b"_ssh", b"_tcp", b"local")
    host_name = name(host, b"local")
    answers = [
        rr(svc, 12, inst_name),                                     # PTR
        rr(inst_name, 33, struct.pack("!HHH", 0, 0, 22) + host_name, cache_flush=True),  # SRV
        rr(inst_name, 16, b"\x00", cache_flush=True),               # TXT (empty)
        rr(host_name, 1, socket.inet_aton(addr), cache_flush=True), # A
    ]
    msg = struct.pack("!HHHHHH", 0, 0x8400, 0, len(answers), 0, 0) + b"".join(answers)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("0.0.0.0", 5353))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ifaddr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    for _ in range(count):
        s.sendto(msg, ("224.0.0.251", 5353))
        time.sleep(0.2)


if __name__ == "__main__":
    main()
