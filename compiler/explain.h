/* What each check means, why it matters on Xen and how to fix it, by check id. */
#ifndef XENSHM_EXPLAIN_H
#define XENSHM_EXPLAIN_H

#include "checklist.h"

struct explanation {
	const char *summary;	/* one line, lower case, no full stop: fires when ... */
	const char *meaning;	/* paragraph(s): what the check means */
	const char *why;	/* paragraph(s): why it matters on Xen */
	const char *fix;	/* paragraph(s): how to fix it, may hold an indented YAML example */
};

/* NULL when the check has no explanation (a test makes sure every check has one) */
const struct explanation *explain_of(enum check_id id);

#endif
