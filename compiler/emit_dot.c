/* Back end: topology.dot, the sharing as a Graphviz graph (VMs, regions, mappings). */
#include "emit.h"
#include "text.h"

#include <stdlib.h>

/* a name dot_quote() leaves as it is: no quote, backslash or control character */
static bool dot_plain(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* node IDs carry a kind prefix: a VM and a region may share a name */
static void node_id(FILE *f, const char *kind, const char *name)
{
	char *id, *qid;

	if (dot_plain(name)) {	/* every valid name: written as it is, nothing made */
		fprintf(f, "\"%s:%s\"", kind, name);
		return;
	}
	id = xasprintf("%s:%s", kind, name);
	qid = dot_quote(id);
	fputs(qid, f);
	free(qid);
	free(id);
}

int emit_dot(const struct topology *t, FILE *f)
{
	char *title, *label;
	size_t i, j;

	title = xasprintf("%s: %s backend, %s", t->name.s, backend_name(t->backend),
			  arch_name(t->arch));
	label = dot_quote(title);
	fputs("digraph xenshm {\n", f);
	fprintf(f, "\tgraph [rankdir=LR, label=%s, labelloc=t, fontname=\"Helvetica\"];\n", label);
	fputs("\tnode [fontname=\"Helvetica\", fontsize=11];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=10];\n", f);
	free(label);
	free(title);

	/* VMs in start order, so the layout reads in boot order */
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];
		char *text = xasprintf("%s\n#%zu in start order, %s", vm->name.s, (size_t)vm->start_index + 1,
				       hsize(vm->k->memory.v));
		label = dot_quote(text);
		fputc('\t', f);
		node_id(f, "vm", vm->name.s);
		fprintf(f, " [shape=box, style=rounded, label=%s];\n", label);
		free(label);
		free(text);
	}
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		char *host = r->host_placed ? xasprintf("\nhost %s", haddr(r->host_base)) : xstrdup("");
		char *text = xasprintf("%s\n%s%s%s%s", r->id, hsize(r->eff_size), host,
				       r->decl->description.s ? "\n" : "",
				       r->decl->description.s ? r->decl->description.s : "");
		label = dot_quote(text);
		fputc('\t', f);
		node_id(f, "region", r->id);
		fprintf(f, " [shape=cylinder, style=filled, fillcolor=\"#e8f0fe\", label=%s];\n",
			label);
		free(label);
		free(text);
		free(host);
	}
	/* one edge per mapping, labelled with the guest address; the owner's is bold */
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		for (j = 0; j < r->nmembers; j++) {
			const struct mapping *m = r->members[j];
			bool owner = mapping_is_owner(m);
			fputc('\t', f);
			node_id(f, "vm", m->vm->name.s);
			fputs(" -> ", f);
			node_id(f, "region", r->id);
			fprintf(f, " [label=\"%s%s\"%s];\n", haddr(m->gaddr), owner ? " (owner)" : "",
				owner ? ", style=bold, penwidth=2, color=\"#1a56c4\"" : ", style=dashed");
		}
	}
	fputs("}\n", f);
	return emit_status(f);
}
