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
static void node_id(struct textout *o, const char *kind, const char *name)
{
	char *id;

	if (dot_plain(name)) {	/* every valid name: written as it is, nothing made */
		to_ch(o, '"');
		to_str(o, kind);
		to_ch(o, ':');
		to_str(o, name);
		to_ch(o, '"');
		return;
	}
	id = xasprintf("%s:%s", kind, name);
	to_quoted(o, id, true);
	free(id);
}

int emit_dot(const struct topology *t, FILE *f)
{
	struct textout o;
	char *text;
	size_t i, j;

	textout_init(&o, f);
	text = xasprintf("%s: %s backend, %s", t->name.s, backend_name(t->backend),
			 arch_name(t->arch));
	to_lit(&o, "digraph xenshm {\n\tgraph [rankdir=LR, label=");
	to_quoted(&o, text, true);
	to_lit(&o, ", labelloc=t, fontname=\"Helvetica\"];\n"
		   "\tnode [fontname=\"Helvetica\", fontsize=11];\n"
		   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	free(text);

	/* VMs in start order, so the layout reads in boot order */
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];

		text = xasprintf("%s\n#%zu in start order, %s", vm->name.s, (size_t)vm->start_index + 1,
				 hsize(vm->k->memory.v));
		to_ch(&o, '\t');
		node_id(&o, "vm", vm->name.s);
		to_lit(&o, " [shape=box, style=rounded, label=");
		to_quoted(&o, text, true);
		to_lit(&o, "];\n");
		free(text);
	}
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		char *host = r->host_placed ? xasprintf("\nhost %s", haddr(r->host_base)) : xstrdup("");

		text = xasprintf("%s\n%s%s%s%s", r->id, hsize(r->eff_size), host,
				 r->decl->description.s ? "\n" : "",
				 r->decl->description.s ? r->decl->description.s : "");
		to_ch(&o, '\t');
		node_id(&o, "region", r->id);
		to_lit(&o, " [shape=cylinder, style=filled, fillcolor=\"#e8f0fe\", label=");
		to_quoted(&o, text, true);
		to_lit(&o, "];\n");
		free(text);
		free(host);
	}
	/* one edge per mapping, labelled with the guest address; the owner's is bold */
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		for (j = 0; j < r->nmembers; j++) {
			const struct mapping *m = r->members[j];
			bool owner = mapping_is_owner(m);

			to_ch(&o, '\t');
			node_id(&o, "vm", m->vm->name.s);
			to_lit(&o, " -> ");
			node_id(&o, "region", r->id);
			to_lit(&o, " [label=\"0x");
			to_hex(&o, m->gaddr, 8);
			to_str(&o, owner ? " (owner)\", style=bold, penwidth=2, color=\"#1a56c4\"];\n"
					 : "\", style=dashed];\n");
		}
	}
	to_lit(&o, "}\n");
	return textout_finish(&o);
}
