/* node.c: what both kinds of node (node.h) share: the file snapshot and freeing a node. */
#include "core/node.h"

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
