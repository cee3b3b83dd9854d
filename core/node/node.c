/* node.c: what both kinds of node (node.h) share: the file snapshot and freeing a node. */
#include "core/node/node.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string.h>

void node_file_init(struct node_file *f)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->data);
}

void node_file_free(struct node_file *f)
{
	buf_free(&f->data);
	f->exists = false;
	f->mode = 0;
}

void node_free(struct node *n)
{
	if (n && n->ops && n->ops->free)
		n->ops->free(n);
}

/* "a.b.c.d/len" (len 1..32) or "x::y/len" (len 1..128);
 * canon gets the address as inet_ntop writes it, with its length (canon may be NULL). */
bool node_cidr_parse(const char *cidr, int *family, unsigned char ip[16], int *plen, char *canon,
		     size_t canonsize)
{
	const char *slash = strchr(cidr, '/');
	char host[INET6_ADDRSTRLEN];
	if (!slash || (size_t)(slash - cidr) >= sizeof(host))
		return false;
	memcpy(host, cidr, (size_t)(slash - cidr));
	host[slash - cidr] = '\0';
	if (inet_pton(AF_INET, host, ip) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, host, ip) == 1)
		*family = AF_INET6;
	else
		return false;
	const char *p = slash + 1;
	size_t digits = strspn(p, "0123456789");
	if (digits < 1 || digits > 3 || p[digits] != '\0')
		return false;
	*plen = atoi(p);
	if (*plen < 1 || *plen > (*family == AF_INET ? 32 : 128))
		return false;
	char a[INET6_ADDRSTRLEN];
	if (!inet_ntop(*family, ip, a, sizeof(a)))
		return false;
	if (canon)
		snprintf(canon, canonsize, "%s/%d", a, *plen);
	return true;
}

bool node_cidr_in_net(const char *cidr, const char *net)
{
	int fa, fb, la, lb;
	unsigned char a[16], b[16];
	if (!node_cidr_parse(cidr, &fa, a, &la, NULL, 0) ||
	    !node_cidr_parse(net, &fb, b, &lb, NULL, 0) || fa != fb)
		return false;
	int whole = lb / 8, rest = lb % 8;
	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	unsigned char mask = (unsigned char)(0xff00u >> rest);
	return rest == 0 || (a[whole] & mask) == (b[whole] & mask);
}
