/* findings.h: the model's findings (findings.c), each with a level, a code, a sentence and a
 * fix. */
#ifndef SPARKLINK_FINDINGS_H
#define SPARKLINK_FINDINGS_H

#include "core/net/model.h"

/* Recompute m->findings from the ports and netdevs (after ports_group). */
void findings_compute(struct model *m);

#endif
