/* Back end: the normalized topology (`config`), as YAML or JSON, and its hash. */
#include "emit.h"
#include "text.h"
#include "units.h"

#include <sha2.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Addresses and sizes: "0x..." strings, exact in 64 bits for every JSON reader. */
static json_t *jhex(uint64_t v)
{
	return json_string(hex(v));
}

static void set_str(json_t *o, const char *key, const struct str_at *s)
{
	if (s->s)
		json_object_set_new(o, key, json_string(s->s));
}

static json_t *str_list(const struct str_at *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i].s));
	return a;
}

static json_t *xen_json(const struct topology *t)
{
	json_t *x = json_object();
	char version[16];

	json_object_set_new(x, "arch", json_string(arch_name(t->arch)));
	snprintf(version, sizeof(version), "4.%u", t->xen_minor);
	json_object_set_new(x, "version", json_string(version));
	json_object_set_new(x, "backend", json_string(backend_name(t->backend)));
	if (t->arch == ARCH_ARM64)
		json_object_set_new(x, "gic", json_integer((json_int_t)t->gic.v));
	json_object_set_new(x, "gpaddr_bits", json_integer((json_int_t)t->gpaddr_bits.v));
	if (t->has_pool)
		json_object_set_new(x, "pool", json_pack("{s:o, s:o}", "base", jhex(t->pool_base.v),
							 "size", jhex(t->pool_size.v)));
	return x;
}

static json_t *passthrough_json(const struct vm *vm)
{
	json_t *p = json_object(), *iomem = json_array(), *irqs = json_array();
	size_t i;

	for (i = 0; i < vm->npt_iomem; i++)
		json_array_append_new(iomem, json_string(vm->pt_iomem[i].text.s));
	for (i = 0; i < vm->npt_irqs; i++)
		json_array_append_new(irqs, json_integer((json_int_t)vm->pt_irqs[i].v));
	json_object_set_new(p, "iomem", iomem);
	json_object_set_new(p, "irqs", irqs);
	json_object_set_new(p, "dtdev", str_list(vm->pt_dtdev, vm->npt_dtdev));
	return p;
}

static json_t *xl_json(const struct vm *vm)
{
	json_t *x = json_object();
	size_t i;
	uint64_t v;
	const char *why;

	for (i = 0; i < vm->nxl; i++) {
		const struct xl_extra *e = &vm->xl[i];
		json_t *val;
		if (e->kind == XL_LIST)
			val = str_list(e->items, e->nitems);
		else if (e->kind == XL_INT && !parse_number(e->value.s, &v, &why))
			val = json_integer((json_int_t)v);
		else
			val = json_string(e->value.s);
		json_object_set_new(x, e->key.s, val);
	}
	return x;
}

static json_t *vm_json(const struct topology *t, const struct vm *vm)
{
	json_t *o = json_object(), *shm = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(vm->name.s));
	json_object_set_new(o, "type", json_string(vm_type_name(vm->type)));
	json_object_set_new(o, "memory", jhex(vm->memory.v));
	json_object_set_new(o, "vcpus", json_integer((json_int_t)vm->vcpus.v));
	set_str(o, "kernel", &vm->kernel);
	set_str(o, "ramdisk", &vm->ramdisk);
	set_str(o, "cmdline", &vm->cmdline);
	set_str(o, "device_tree", &vm->device_tree);
	set_str(o, "vuart", &vm->vuart);
	if (vm->dom0less_node.s)
		set_str(o, "dom0less_node", &vm->dom0less_node);
	else if (t->backend == BACKEND_DOM0LESS)
		json_object_set_new(o, "dom0less_node", json_string(vm->name.s));
	if (vm->passthrough_set)
		json_object_set_new(o, "passthrough", passthrough_json(vm));
	if (vm->ndepends_on)
		json_object_set_new(o, "depends_on", str_list(vm->depends_on, vm->ndepends_on));
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		json_array_append_new(shm, json_pack("{s:s, s:o, s:o, s:s}",
			"id", m->id.s, "at", jhex(m->gaddr), "size", jhex(m->region->eff_size),
			"x-role", mapping_is_owner(m) ? "owner" : "borrower"));
	}
	json_object_set_new(o, "shm", shm);
	if (vm->nxl)
		json_object_set_new(o, "xl", xl_json(vm));
	return o;
}

static json_t *region_json(const struct region *r)
{
	json_t *o = json_object(), *members = json_array();
	size_t i;

	if (r->nmembers) {
		json_object_set_new(o, "size", jhex(r->eff_size));
		json_object_set_new(o, "owner", json_string(r->owner->name.s));
	} else if (r->size.set) {
		json_object_set_new(o, "size", jhex(r->size.v));
	}
	if (r->host_placed)
		json_object_set_new(o, "host", jhex(r->host_base));
	json_object_set_new(o, "align", jhex(r->eff_align ? r->eff_align : PAGE_SIZE));
	set_str(o, "description", &r->description);
	for (i = 0; i < r->nmembers; i++)
		json_array_append_new(members, json_string(r->members[i]->vm->name.s));
	json_object_set_new(o, "x-members", members);
	return o;
}

json_t *config_json(const struct topology *t)
{
	json_t *doc = json_object(), *order = json_array(), *vms = json_array();
	json_t *regions = json_object();
	size_t i;

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "name", json_string(t->name.s));
	json_object_set_new(doc, "xen", xen_json(t));
	for (i = 0; i < t->nvms; i++)
		json_array_append_new(order, json_string(t->start_order[i]->name.s));
	json_object_set_new(doc, "x-start-order", order);
	for (i = 0; i < t->nvms; i++)
		json_array_append_new(vms, vm_json(t, t->vms[i]));
	json_object_set_new(doc, "vms", vms);
	/* mapped regions in file order, then declared ones nobody maps */
	for (i = 0; i < t->nmapped; i++)
		json_object_set_new(regions, t->mapped[i]->id, region_json(t->mapped[i]));
	for (i = 0; i < t->nregions; i++)
		if (!t->regions[i]->nmembers)
			json_object_set_new(regions, t->regions[i]->id, region_json(t->regions[i]));
	json_object_set_new(doc, "regions", regions);
	return doc;
}

/* ---- JSON tree -> YAML ---- */

/* keys whose string values are our own numbers: written plain (0x...) */
static bool numeric_key(const char *key)
{
	static const char *const keys[] = { "memory", "at", "size", "base", "host", "align", NULL };
	const char *const *k;

	for (k = keys; key && *k; k++)
		if (!strcmp(key, *k))
			return true;
	return false;
}

/*
 * Plain only when every YAML 1.1 reader takes it as the same string:
 * identifier-like, not a bool/null word, not starting like a number.
 */
static bool plain_safe(const char *s)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
		"false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null",
		"NULL", NULL,
	};
	const char *const *w;
	const char *p;

	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_'))
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("_./-", *p)))
			return false;
	for (w = words; *w; w++)
		if (!strcmp(s, *w))
			return false;
	return true;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -1;
}

static int scalar(yaml_emitter_t *e, const char *s, bool plain)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), plain, 1,
				     plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	return emit(e, &ev);
}

static int node(yaml_emitter_t *e, json_t *j, const char *key)
{
	yaml_event_t ev;
	char buf[32];

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (emit(e, &ev))
			return -1;
		json_object_foreach(j, k, v)
			if (scalar(e, k, plain_safe(k)) || node(e, v, k))
				return -1;
		yaml_mapping_end_event_initialize(&ev);
		return emit(e, &ev);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		/* lists of names read best on one line; lists of mappings as blocks */
		bool flow = json_array_size(j) == 0 || !json_is_object(json_array_get(j, 0));
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
		if (emit(e, &ev))
			return -1;
		json_array_foreach(j, i, v)
			if (node(e, v, NULL))
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev);
	}
	case JSON_STRING:
		return scalar(e, json_string_value(j),
			      numeric_key(key) || plain_safe(json_string_value(j)));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return scalar(e, buf, true);
	case JSON_TRUE:
		return scalar(e, "true", true);
	case JSON_FALSE:
		return scalar(e, "false", true);
	default:
		return scalar(e, "null", true);
	}
}

int yaml_write_json(json_t *doc, FILE *f)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int ret = -1;

	if (!yaml_emitter_initialize(&e))
		return -1;
	yaml_emitter_set_output_file(&e, f);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(&e, &ev))
		goto cleanup;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(&e, &ev) || node(&e, doc, NULL))
		goto cleanup;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(&e, &ev))
		goto cleanup;
	yaml_stream_end_event_initialize(&ev);
	if (emit(&e, &ev) || !yaml_emitter_flush(&e))
		goto cleanup;
	ret = 0;
cleanup:
	yaml_emitter_delete(&e);
	return ret;
}

int emit_config(const struct topology *t, enum config_format fmt, FILE *f)
{
	json_t *doc = config_json(t);
	int ret;

	if (fmt == CONFIG_JSON) {
		ret = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!ret && fputc('\n', f) == EOF)
			ret = -1;
	} else {
		ret = yaml_write_json(doc, f);
	}
	json_decref(doc);
	return ret || fflush(f) ? -1 : 0;
}

char *topology_hash(const struct topology *t)
{
	json_t *doc = config_json(t);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char hex[SHA256_DIGEST_STRING_LENGTH];
	char *out;

	json_decref(doc);
	if (!text) {
		fputs("xenshm-compose: out of memory\n", stderr);
		exit(1);
	}
	SHA256Data((const uint8_t *)text, strlen(text), hex);
	free(text);
	out = xasprintf("sha256:%s", hex);
	return out;
}
