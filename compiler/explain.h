/* explain.h: the explanation of each check, for 'xenshm-compose explain' */
#ifndef XENSHM_EXPLAIN_H
#define XENSHM_EXPLAIN_H
#include <stddef.h>
struct explanation {
	const char *name;     /* the check name, kebab-case, as in the spec */
	const char *summary;  /* one line, lower case, no full stop: fires when ... */
	const char *meaning;  /* paragraph(s): what the check means */
	const char *why;      /* paragraph(s): why it matters on Xen */
	const char *fix;      /* paragraph(s): how to fix it, may hold an indented YAML example */
};
extern const struct explanation explanations[];
extern const size_t explanations_count;
/* NULL when no check has that name */
const struct explanation *explain_find(const char *name);
#endif
