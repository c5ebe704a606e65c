/* Back end: the runtime plan as plan.json, as plan.sh for xl users, and as text. */
#include "emit.h"
#include "docwriter.h"
#include "hostpaths.h"
#include "text.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

#define PLAN_FORMAT "xenshm-compose-plan"
#define PLAN_VERSION 1

/* host and guest addresses as plan.json has always written them: 0x%08llx */
static void key_addr(struct dw *w, const char *key, uint64_t v)
{
	dw_key_hex(w, key, v, 8);
}

static void key_int(struct dw *w, const char *key, long long v)
{
	dw_key(w, key);
	dw_int(w, v);
}

static void vm_plan(const struct vm *vm, struct dw *w)
{
	char *cfg = xasprintf("xl/%s.cfg", vm->name.s);
	size_t i;

	dw_object(w);
	dw_key_string(w, "name", vm->name.s);
	key_int(w, "start_index", (long long)vm->start_index);
	dw_key_word(w, "type", vm_type_name(vm->type));
	key_addr(w, "memory", vm->k->memory.v);
	key_int(w, "vcpus", (long long)vm->k->vcpus.v);
	dw_key_string(w, "kernel", vm->k->kernel.s);
	if (vm->k->ramdisk.s)
		dw_key_string(w, "ramdisk", vm->k->ramdisk.s);
	if (vm->k->cmdline.s)
		dw_key_string(w, "cmdline", vm->k->cmdline.s);
	if (vm->k->device_tree.s)
		dw_key_string(w, "device_tree", vm->k->device_tree.s);
	if (vm->k->vuart.s)
		dw_key_string(w, "vuart", vm->k->vuart.s);
	dw_key_string(w, "xl_config", cfg);
	free(cfg);
	dw_key(w, "mappings");
	dw_array(w, true);
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		dw_object(w);
		dw_key_string(w, "region", mapping_id(m));
		key_addr(w, "guest", m->gaddr);
		key_addr(w, "size", m->region->eff_size);
		dw_key_word(w, "role", mapping_is_owner(m) ? "owner" : "borrower");
		dw_end_object(w);
	}
	dw_end_array(w);
	if (vm_ex(vm)->passthrough_set) {
		dw_key(w, "passthrough_iomem");
		dw_array(w, true);
		for (i = 0; i < vm_ex(vm)->npt_iomem; i++) {
			dw_object(w);
			key_addr(w, "host", vm_ex(vm)->pt_iomem[i].start * PAGE_SIZE);
			key_addr(w, "guest", vm_ex(vm)->pt_iomem[i].gfn * PAGE_SIZE);
			key_addr(w, "size", vm_ex(vm)->pt_iomem[i].num * PAGE_SIZE);
			dw_end_object(w);
		}
		dw_end_array(w);
	}
	dw_key(w, "raw_xl_keys");
	dw_bool(w, vm_ex(vm)->nxl > 0);
	dw_end_object(w);
}

static void member_plan(struct dw *w, size_t i, const void *arg)
{
	const struct region *r = arg;
	const struct mapping *m = r->members[i];

	dw_object(w);
	dw_key_string(w, "vm", m->vm->name.s);
	key_addr(w, "begin", m->gaddr);
	key_addr(w, "end", m->gaddr + r->eff_size - 1);
	dw_key_word(w, "role", mapping_is_owner(m) ? "owner" : "borrower");
	dw_end_object(w);
}

static void region_plan(const struct region *r, struct dw *w)
{
	dw_object(w);
	dw_key_string(w, "id", r->id);
	key_addr(w, "size", r->eff_size);
	dw_key(w, "host");
	if (r->host_placed)
		dw_string(w, haddr(r->host_base));
	else
		dw_null(w);
	dw_key_string(w, "owner", r->owner->name.s);
	if (r->decl->description.s)
		dw_key_string(w, "description", r->decl->description.s);
	dw_key(w, "mappings");
	dw_array(w, true);
	dw_items(w, r->nmembers, 120, member_plan, r);
	dw_end_array(w);
	dw_end_object(w);
}

static void step(struct dw *w, const char *op, const char *key, const char *value)
{
	dw_object(w);
	dw_key_word(w, "op", op);
	if (key)
		dw_key_string(w, key, value);
	dw_end_object(w);
}

/* the steps for each VM in start order, or each mapped region */
static void create_step(struct dw *w, size_t i, const void *t)
{
	step(w, "create-paused", "vm", ((const struct topology *)t)->start_order[i]->name.s);
}

static void scrub_step(struct dw *w, size_t i, const void *t)
{
	step(w, "scrub", "region", ((const struct topology *)t)->mapped[i]->id);
}

static void record_step(struct dw *w, size_t i, const void *t)
{
	step(w, "record", "region", ((const struct topology *)t)->mapped[i]->id);
}

static void unpause_step(struct dw *w, size_t i, const void *t)
{
	step(w, "unpause", "vm", ((const struct topology *)t)->start_order[i]->name.s);
}

/* the ordered steps `up` takes (spec 7): nothing runs before every region is in place */
static void steps(const struct topology *t, struct dw *w)
{
	char *lock = xasprintf(LOCK_PATH, t->name.s);

	dw_array(w, true);
	dw_object(w);
	dw_key_string(w, "op", "preflight");
	dw_key_string(w, "lock", lock);
	dw_end_object(w);
	free(lock);
	/* items of the one array from four lists: each list starts after an item */
	dw_items(w, t->nvms, 70, create_step, t);
	dw_items(w, t->nmapped, 70, scrub_step, t);
	dw_items(w, t->nmapped, 70, record_step, t);
	dw_items(w, t->nvms, 70, unpause_step, t);
	dw_end_array(w);
}

static void vm_item(struct dw *w, size_t i, const void *t)
{
	vm_plan(((const struct topology *)t)->start_order[i], w);
}

static void region_item(struct dw *w, size_t i, const void *t)
{
	region_plan(((const struct topology *)t)->mapped[i], w);
}

/* plan.json, written as the model is walked: no tree in memory, whatever its size */
int emit_plan_json(const struct topology *t, const char *hash, FILE *f)
{
	char version[16];
	struct dw w;
	size_t per_vm = 300 + 130 * (t->nvms ? t->nmappings / t->nvms : 0);
	size_t per_region = 250 + 120 * (t->nmapped ? t->nmappings / t->nmapped : 0);

	dw_open(&w, DW_JSON, f);
	dw_object(&w);
	dw_key_string(&w, "format", PLAN_FORMAT);
	key_int(&w, "version", PLAN_VERSION);
	dw_key_string(&w, "generator", "xenshm-compose " XENSHM_VERSION);
	dw_key_string(&w, "project", t->name.s);
	dw_key_string(&w, "topology_hash", hash);
	dw_key_string(&w, "arch", arch_name(t->arch));
	dw_key_string(&w, "backend", backend_name(t->backend));
	snprintf(version, sizeof(version), "4.%u", t->xen_minor);
	dw_key_string(&w, "xen_version", version);
	dw_key(&w, "pool");
	if (t->has_pool) {
		dw_object(&w);
		key_addr(&w, "base", t->pool_base.v);
		key_addr(&w, "size", t->pool_size.v);
		dw_end_object(&w);
	} else {
		dw_null(&w);
	}
	dw_key_string(&w, "xenstore_root", XS_REGIONS);
	dw_key(&w, "vms");
	dw_array(&w, true);
	dw_items(&w, t->nvms, per_vm, vm_item, t);
	dw_end_array(&w);
	dw_key(&w, "regions");
	dw_array(&w, true);
	dw_items(&w, t->nmapped, per_region, region_item, t);
	dw_end_array(&w);
	dw_key(&w, "steps");
	steps(t, &w);
	dw_end_object(&w);
	return dw_close(&w, NULL) ? -1 : emit_status(f);
}

/*
 * POSIX sh (dom0 is often busybox): VM names are [A-Za-z0-9_.-], so they
 * need no quoting; the trap destroys what this run created, newest first.
 */
int emit_plan_sh(const struct topology *t, const char *hash, FILE *f)
{
	struct textout o;
	size_t i;

	textout_init(&o, f);
	to_lit(&o, "#!/bin/sh\n"
		   "# Starts project '");
	to_str(&o, t->name.s);
	to_lit(&o, "' with plain xl: every VM created paused in start order,\n"
		   "# then unpaused, so no guest runs before all shared memory is mapped.\n"
		   "# Generated by xenshm-compose from topology ");
	to_str(&o, hash);
	to_lit(&o, ": do not edit.\n"
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
		   "trap rollback EXIT\n\n");
	for (i = 0; i < t->nvms; i++) {
		const char *n = t->start_order[i]->name.s;

		to_lit(&o, "xl create -p xl/");
		to_str(&o, n);
		to_lit(&o, ".cfg\ncreated=\"");
		to_str(&o, n);
		to_lit(&o, " $created\"\n");
	}
	if (t->nvms)
		to_ch(&o, '\n');
	for (i = 0; i < t->nvms; i++) {
		to_lit(&o, "xl unpause ");
		to_str(&o, t->start_order[i]->name.s);
		to_ch(&o, '\n');
	}
	to_lit(&o, "\ntrap - EXIT\n");
	return textout_finish(&o);
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
		char *kernel = comment_text(vm->k->kernel.s);	/* one line, whatever the path */
		fprintf(f, "%3zu. create %s paused: %s, %llu vCPU%s, %s\n", n++, vm->name.s,
			hsize(vm->k->memory.v), (unsigned long long)vm->k->vcpus.v,
			vm->k->vcpus.v == 1 ? "" : "s", kernel);
		free(kernel);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			fprintf(f, "       map %s (%s, %s) at guest %s", mapping_id(m),
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
			t->mapped[i]->id, t->mapped[i]->owner->name.s, (size_t)t->mapped[i]->nmembers,
			t->mapped[i]->nmembers == 1 ? "" : "s");
	for (i = 0; i < t->nvms; i++)
		fprintf(f, "%3zu. unpause %s\n", n++, t->start_order[i]->name.s);
	return emit_status(f);
}
