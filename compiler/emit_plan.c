/* Back end: the runtime plan as plan.json, as plan.sh for xl users, and as text. */
#include "emit.h"
#include "hostpaths.h"
#include "text.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

#define PLAN_FORMAT "xenshm-compose-plan"
#define PLAN_VERSION 1

static json_t *hexj(uint64_t v)
{
	return json_string(haddr(v));
}

static json_t *vm_plan(const struct vm *vm)
{
	json_t *o = json_object(), *maps = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(vm->name.s));
	json_object_set_new(o, "start_index", json_integer((json_int_t)vm->start_index));
	json_object_set_new(o, "type", json_string(vm_type_name(vm->type)));
	json_object_set_new(o, "memory", hexj(vm->memory.v));
	json_object_set_new(o, "vcpus", json_integer((json_int_t)vm->vcpus.v));
	json_object_set_new(o, "kernel", json_string(vm->kernel.s));
	if (vm->ramdisk.s)
		json_object_set_new(o, "ramdisk", json_string(vm->ramdisk.s));
	if (vm->cmdline.s)
		json_object_set_new(o, "cmdline", json_string(vm->cmdline.s));
	if (vm->device_tree.s)
		json_object_set_new(o, "device_tree", json_string(vm->device_tree.s));
	if (vm->vuart.s)
		json_object_set_new(o, "vuart", json_string(vm->vuart.s));
	json_object_set_new(o, "xl_config", json_sprintf("xl/%s.cfg", vm->name.s));
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		json_array_append_new(maps, json_pack("{s:s, s:o, s:o, s:s}",
			"region", m->id.s, "guest", hexj(m->gaddr), "size", hexj(m->region->eff_size),
			"role", mapping_is_owner(m) ? "owner" : "borrower"));
	}
	json_object_set_new(o, "mappings", maps);
	if (vm->passthrough_set) {
		json_t *pt = json_array();
		for (i = 0; i < vm->npt_iomem; i++)
			json_array_append_new(pt, json_pack("{s:o, s:o, s:o}",
				"host", hexj(vm->pt_iomem[i].start * PAGE_SIZE),
				"guest", hexj(vm->pt_iomem[i].gfn * PAGE_SIZE),
				"size", hexj(vm->pt_iomem[i].num * PAGE_SIZE)));
		json_object_set_new(o, "passthrough_iomem", pt);
	}
	json_object_set_new(o, "raw_xl_keys", json_boolean(vm->nxl > 0));
	return o;
}

static json_t *region_plan(const struct region *r)
{
	json_t *o = json_object(), *maps = json_array();
	size_t i;

	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "size", hexj(r->eff_size));
	json_object_set_new(o, "host", r->host_placed ? hexj(r->host_base) : json_null());
	json_object_set_new(o, "owner", json_string(r->owner->name.s));
	if (r->description.s)
		json_object_set_new(o, "description", json_string(r->description.s));
	for (i = 0; i < r->nmembers; i++) {
		const struct mapping *m = r->members[i];
		json_array_append_new(maps, json_pack("{s:s, s:o, s:o, s:s}",
			"vm", m->vm->name.s, "begin", hexj(m->gaddr),
			"end", hexj(m->gaddr + r->eff_size - 1),
			"role", mapping_is_owner(m) ? "owner" : "borrower"));
	}
	json_object_set_new(o, "mappings", maps);
	return o;
}

static json_t *step(const char *op, const char *key, const char *value)
{
	json_t *s = json_pack("{s:s}", "op", op);

	if (key)
		json_object_set_new(s, key, json_string(value));
	return s;
}

/* the ordered steps `up` takes (spec 7): nothing runs before every region is in place */
static json_t *steps(const struct topology *t)
{
	json_t *v = json_array(), *pre = step("preflight", NULL, NULL);
	size_t i;

	json_object_set_new(pre, "lock", json_sprintf(LOCK_PATH, t->name.s));
	json_array_append_new(v, pre);
	for (i = 0; i < t->nvms; i++)
		json_array_append_new(v, step("create-paused", "vm", t->start_order[i]->name.s));
	for (i = 0; i < t->nmapped; i++)
		json_array_append_new(v, step("scrub", "region", t->mapped[i]->id));
	for (i = 0; i < t->nmapped; i++)
		json_array_append_new(v, step("record", "region", t->mapped[i]->id));
	for (i = 0; i < t->nvms; i++)
		json_array_append_new(v, step("unpause", "vm", t->start_order[i]->name.s));
	return v;
}

json_t *plan_json(const struct topology *t, const char *hash)
{
	json_t *p = json_object(), *vms = json_array(), *regions = json_array();
	char version[16];
	size_t i;

	json_object_set_new(p, "format", json_string(PLAN_FORMAT));
	json_object_set_new(p, "version", json_integer(PLAN_VERSION));
	json_object_set_new(p, "generator", json_string("xenshm-compose " XENSHM_VERSION));
	json_object_set_new(p, "project", json_string(t->name.s));
	json_object_set_new(p, "topology_hash", json_string(hash));
	json_object_set_new(p, "arch", json_string(arch_name(t->arch)));
	json_object_set_new(p, "backend", json_string(backend_name(t->backend)));
	snprintf(version, sizeof(version), "4.%u", t->xen_minor);
	json_object_set_new(p, "xen_version", json_string(version));
	json_object_set_new(p, "pool", t->has_pool ? json_pack("{s:o, s:o}",
		"base", hexj(t->pool_base.v), "size", hexj(t->pool_size.v)) : json_null());
	json_object_set_new(p, "xenstore_root", json_string(XS_REGIONS));
	for (i = 0; i < t->nvms; i++)
		json_array_append_new(vms, vm_plan(t->start_order[i]));
	json_object_set_new(p, "vms", vms);
	for (i = 0; i < t->nmapped; i++)
		json_array_append_new(regions, region_plan(t->mapped[i]));
	json_object_set_new(p, "regions", regions);
	json_object_set_new(p, "steps", steps(t));
	return p;
}

int emit_plan_json(const struct topology *t, const char *hash, FILE *f)
{
	json_t *p = plan_json(t, hash);
	int ret = json_dumpf(p, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(p);
	fputc('\n', f);
	return ret ? -1 : emit_status(f);
}

/*
 * POSIX sh (dom0 is often busybox): VM names are [A-Za-z0-9_.-], so they
 * need no quoting; the trap destroys what this run created, newest first.
 */
int emit_plan_sh(const struct topology *t, const char *hash, FILE *f)
{
	size_t i;

	fprintf(f, "#!/bin/sh\n"
		   "# Starts project '%s' with plain xl: every VM created paused in start order,\n"
		   "# then unpaused, so no guest runs before all shared memory is mapped.\n"
		   "# Generated by xenshm-compose from topology %s: do not edit.\n"
		   "# 'xenshm-compose up' does the same through libxl and also scrubs the regions\n"
		   "# and records them in xenstore under " XS_REGIONS ".\n"
		   "set -e\n"
		   "cd \"$(dirname \"$0\")\"\n\n"
		   "created=\"\"\n"
		   "rollback() {\n"
		   "\tstatus=$?\n"
		   "\tif [ \"$status\" -ne 0 ]; then\n"
		   "\t\tfor vm in $created; do\n"
		   "\t\t\techo \"plan.sh: destroying $vm\" >&2\n"
		   "\t\t\txl destroy \"$vm\" || true\n"
		   "\t\tdone\n"
		   "\tfi\n"
		   "\texit \"$status\"\n"
		   "}\n"
		   "trap rollback EXIT\n\n", t->name.s, hash);
	for (i = 0; i < t->nvms; i++) {
		const char *n = t->start_order[i]->name.s;
		fprintf(f, "xl create -p xl/%s.cfg\ncreated=\"%s $created\"\n", n, n);
	}
	if (t->nvms)
		fputc('\n', f);
	for (i = 0; i < t->nvms; i++)
		fprintf(f, "xl unpause %s\n", t->start_order[i]->name.s);
	fputs("\ntrap - EXIT\n", f);
	return emit_status(f);
}

int emit_plan_text(const struct topology *t, const char *hash, bool scrub, FILE *f)
{
	size_t i, j, n = 1;

	fprintf(f, "plan for project '%s' (%s backend, %s, Xen 4.%u)\ntopology %s\n", t->name.s,
		backend_name(t->backend), arch_name(t->arch), t->xen_minor, hash);
	fprintf(f, "%3zu. preflight: lock " LOCK_DIR "/%s.lock, refuse region IDs or VM names "
		   "in use by others\n", n++, t->name.s);
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];
		char *kernel = comment_text(vm->kernel.s);	/* one line, whatever the path */
		fprintf(f, "%3zu. create %s paused: %s, %llu vCPU%s, %s\n", n++, vm->name.s,
			hsize(vm->memory.v), (unsigned long long)vm->vcpus.v,
			vm->vcpus.v == 1 ? "" : "s", kernel);
		free(kernel);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			fprintf(f, "       map %s (%s, %s) at guest %s", m->id.s,
				mapping_is_owner(m) ? "owner" : "borrower", hsize(m->region->eff_size),
				haddr(m->gaddr));
			if (m->region->host_placed)
				fprintf(f, " <- host %s", haddr(m->region->host_base));
			fputc('\n', f);
		}
	}
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		if (!scrub)
			break;
		fprintf(f, "%3zu. scrub %s: zero %s", n++, r->id, hsize(r->eff_size));
		if (r->host_placed)
			fprintf(f, " at host %s", haddr(r->host_base));
		fputc('\n', f);
	}
	for (i = 0; i < t->nmapped; i++)
		fprintf(f, "%3zu. record " XS_REGIONS "/%s (owner %s, %zu mapping%s)\n", n++,
			t->mapped[i]->id, t->mapped[i]->owner->name.s, t->mapped[i]->nmembers,
			t->mapped[i]->nmembers == 1 ? "" : "s");
	for (i = 0; i < t->nvms; i++)
		fprintf(f, "%3zu. unpause %s\n", n++, t->start_order[i]->name.s);
	return emit_status(f);
}
