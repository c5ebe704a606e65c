/* `ps [FILE | -p PROJECT]`: the projects that are up, their VMs and regions, from libxl and xenstore. */
#include "cli.h"
#include "compile.h"
#include "runtime.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "xenshm-compose ps [FILE | -p PROJECT] [--format text|json]";

static const char *role_of(const struct xs_region *r, uint32_t domid)
{
	size_t i;

	for (i = 0; i < r->nmaps; i++)
		if (r->maps[i].domid == domid)
			return r->owner == domid ? "owner" : "borrower";
	return NULL;
}

/* one project as JSON: the model of the text form too */
static json_t *project_json(const struct xs_project *p, const struct xs_region *rec, size_t nrec,
			    const struct xen_domain *doms, size_t ndoms)
{
	json_t *o = json_object(), *vms = json_array(), *regions = json_array();
	struct vm_status *st = calloc(p->nvms + 1, sizeof(*st));
	size_t i, j;

	if (!o || !st) {
		free(st);
		json_decref(o);
		return NULL;
	}
	project_status(p, doms, ndoms, st);
	json_object_set_new(o, "project", json_string(p->name));
	json_object_set_new(o, "topology_hash", json_string(p->hash));
	/* "up"; or where an up stopped: still going ("in progress") or killed ("interrupted") */
	json_object_set_new(o, "state", json_string(p->state));
	json_object_set_new(o, "up", json_string(!strcmp(p->state, JOURNAL_UP) ? "done" :
						 project_busy(p->name) ? "in progress" :
						 "interrupted"));
	for (i = 0; i < p->nvms; i++) {
		const struct xen_domain *d = st[i].dom;
		json_t *roles = json_object();
		for (j = 0; j < nrec; j++) {
			const char *role = strcmp(rec[j].project, p->name) ? NULL :
					   role_of(&rec[j], p->vms[i].domid);
			if (role)
				json_object_set_new(roles, rec[j].id, json_string(role));
		}
		/* the domain it has, or had (gone); null when up never created one */
		json_array_append_new(vms, json_pack("{s:s, s:o, s:s, s:o}",
			"name", p->vms[i].name,
			"domid", d ? json_integer(d->domid) :
				 p->vms[i].domid ? json_integer(p->vms[i].domid) : json_null(),
			"state", d ? domain_state(d) : p->vms[i].domid ? "gone" : "not created",
			"regions", roles));
	}
	free(st);
	for (j = 0; j < nrec; j++) {
		json_t *maps = json_array();
		if (strcmp(rec[j].project, p->name))
			continue;
		for (i = 0; i < rec[j].nmaps; i++)
			json_array_append_new(maps, json_pack("{s:i, s:s, s:s}",
				"domid", (json_int_t)rec[j].maps[i].domid,
				"begin", haddr(rec[j].maps[i].begin), "end", haddr(rec[j].maps[i].end)));
		/* s? packs NULL as null: a region without a host address */
		json_array_append_new(regions, json_pack("{s:s, s:s, s:s?, s:i, s:o}",
			"id", rec[j].id, "size", haddr(rec[j].size),
			"host", rec[j].has_host ? haddr(rec[j].host) : NULL,
			"owner", (json_int_t)rec[j].owner, "mappings", maps));
	}
	json_object_set_new(o, "vms", vms);
	json_object_set_new(o, "regions", regions);
	return o;
}

static void print_text(json_t *projects)
{
	size_t i, j, k;
	json_t *p, *v, *r, *m;

	json_array_foreach(projects, i, p) {
		const char *key;
		json_t *role;
		const char *name = json_string_value(json_object_get(p, "project"));
		const char *up = json_string_value(json_object_get(p, "up"));
		printf("%sproject %s (topology %.19s...)\n", i ? "\n" : "", name,
		       json_string_value(json_object_get(p, "topology_hash")));
		if (!strcmp(up, "interrupted"))
			printf("  INTERRUPTED: an up stopped while %s; 'xenshm-compose up' finishes it, "
			       "'xenshm-compose down -p %s' removes it\n",
			       json_string_value(json_object_get(p, "state")), name);
		else if (strcmp(up, "done"))
			printf("  an up is in progress (%s)\n",
			       json_string_value(json_object_get(p, "state")));
		printf("  %-20s %6s  %-11s %s\n", "VM", "DOMID", "STATE", "REGIONS");
		json_array_foreach(json_object_get(p, "vms"), j, v) {
			json_t *domid = json_object_get(v, "domid");
			char id[24] = "-";
			bool first = true;
			if (json_is_integer(domid))
				snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(domid));
			printf("  %-20s %6s  %-11s ", json_string_value(json_object_get(v, "name")), id,
			       json_string_value(json_object_get(v, "state")));
			json_object_foreach(json_object_get(v, "regions"), key, role) {
				printf("%s%s (%s)", first ? "" : ", ", key, json_string_value(role));
				first = false;
			}
			putchar('\n');
		}
		printf("  %-16s %-12s %-12s %5s  %s\n", "REGION", "SIZE", "HOST", "OWNER",
		       "MAPPINGS (domid:guest range)");
		json_array_foreach(json_object_get(p, "regions"), j, r) {
			json_t *host = json_object_get(r, "host");
			printf("  %-16s %-12s %-12s %5lld ", json_string_value(json_object_get(r, "id")),
			       json_string_value(json_object_get(r, "size")),
			       json_is_string(host) ? json_string_value(host) : "-",
			       (long long)json_integer_value(json_object_get(r, "owner")));
			json_array_foreach(json_object_get(r, "mappings"), k, m)
				printf(" %lld:%s-%s", (long long)json_integer_value(json_object_get(m, "domid")),
				       json_string_value(json_object_get(m, "begin")),
				       json_string_value(json_object_get(m, "end")));
			putchar('\n');
		}
	}
	if (!json_array_size(projects))
		printf("no project is up\n");
}

int ps_main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	struct options o;
	struct compile c = { 0 };
	struct xen *x = NULL;
	struct xs_region *rec = NULL;
	struct xen_domain *doms = NULL;
	char **names = NULL;
	size_t nrec = 0, ndoms = 0, nnames = 0, i;
	json_t *projects = json_array();
	int fmt = 0, ret;

	ret = parse_options(argc, argv, OPT_PROJECT | OPT_FORMAT, usage, &o);
	if (ret || o.help)
		goto cleanup;
	if (o.format && (fmt = parse_format(o.format, formats, usage)) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (o.file) {
		ret = compile_file(&c, o.file, &o.diag, false);
		if (ret)
			goto cleanup;
		if (!c.t.name.s) {
			diag_print(&c.d, FORMAT_TEXT, stdout, stderr);
			ret = EXIT_USAGE;
			goto cleanup;
		}
	}
	if (runtime_open(&x, "ps")) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (xen_list_projects(x, &names, &nnames) || xen_read_regions(x, &rec, &nrec) ||
	    xen_list(x, &doms, &ndoms)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		ret = EXIT_USAGE;
		goto cleanup;
	}
	for (i = 0; i < nnames; i++) {
		struct xs_project p;
		const char *want = o.project ? o.project : o.file ? c.t.name.s : NULL;
		if (want && strcmp(want, names[i]))
			continue;
		if (xen_read_project(x, names[i], &p)) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
			ret = EXIT_USAGE;
			goto cleanup;
		}
		bool recorded = p.name[0] != '\0';
		json_t *pj = recorded ? project_json(&p, rec, nrec, doms, ndoms) : NULL;
		xs_project_release(&p);
		if (recorded && !pj) {
			fprintf(stderr, "xenshm-compose: out of memory\n");
			ret = EXIT_USAGE;
			goto cleanup;
		}
		if (pj)
			json_array_append_new(projects, pj);
	}
	if (fmt) {
		json_dumpf(projects, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (!json_array_size(projects) && (o.project || o.file)) {
		printf("project '%s' is not up\n", o.project ? o.project : c.t.name.s);
	} else {
		print_text(projects);
	}
cleanup:
	json_decref(projects);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(doms);
	xs_regions_free(rec, nrec);
	xen_close(x);
	if (o.file)
		compile_release(&c);
	return ret;
}
