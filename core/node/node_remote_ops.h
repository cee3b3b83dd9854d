/* node_remote_ops.h: the peer's operations' parsers (node_remote_ops.c runs each operation as a
 * fixed script over SSH and parses its answer strictly with these). */
#ifndef SPARKLINK_NODE_REMOTE_OPS_H
#define SPARKLINK_NODE_REMOTE_OPS_H

#include "core/base/util.h"
#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

/* The parsers of what the peer's scripts print, as the operations use them: pure (no I/O),
 * exported for the fuzz targets (tests/fuzz). The peer may be hostile: each takes any bytes, and
 * what it keeps is checked or cleaned text. */
/* PROBE_IF's output (`ip -o link show dev IF`, "addr_gen_mode N", `ip -o addr show dev IF`; text
 * is NUL-terminated and split in place) into the fields of out it names: up, carrier, mtu,
 * IPv4 and IPv6 link-local addresses, addr_gen_mode. The caller sets out first (ifname,
 * addr_gen_mode -1). False if no `ip -o link` line was understood. */
bool node_remote_parse_probe_if(char *text, struct node_if *out);
/* FILE_READ's "MODE SIZE\nBASE64" (USER_READ's "MODE SIZE GID\nBASE64" when gid is not NULL)
 * into f (which the caller initialised). False if it is not that; *changed when the content
 * does not have the size the header told (the file was written while it was read). */
bool node_remote_parse_file(const struct buf *out, struct node_file *f, bool *changed,
			    unsigned long *gid);
/* DIR_LIST's NUL-terminated names: each clean, plain file name once, sorted, one per line,
 * appended to names. */
void node_remote_parse_dir_list(const char *data, size_t len, struct buf *names);
/* SESSION_IF's output ("$SSH_CONNECTION" line, then `ip -o addr show`; NUL-terminated, split in
 * place): the interface holding the session's server address into ifname; left as it is when
 * none does. */
void node_remote_parse_session_if(char *text, char *ifname, size_t size);
/* HOSTNAME's output: its first line (at most 255 bytes), cleaned as a name (text.h TEXT_NAME). */
void node_remote_parse_hostname(const char *data, size_t len, char *out, size_t size);
/* CABLES' output (NUL-terminated, split in place): "if NAME CARRIER SPEED PCI" lines (SPEED and
 * PCI "-" when unknown), "@addrs" and `ip -o addr show`, "@browse" and `avahi-browse -prt
 * _ssh._tcp` (browse_output.h). Keeps the ConnectX twins only (a PCI function, else a name as
 * systemd derives it from one: en[Pd]pBsSfFnpN; port F, twin 0 in domain 0000), their IPv4 and
 * IPv6 link-local addresses, and the sightings on those twins. */
void node_remote_parse_cables(char *text, struct node_cables *out);

#endif
