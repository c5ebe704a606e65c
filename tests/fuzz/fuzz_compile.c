/*
 * libFuzzer harness: any bytes through the whole pipeline, under the default
 * severities and under flags drawn from the input (every check randomly
 * demoted, silenced or promoted, -Werror, for `up` or not). Whatever passes
 * the gate every command uses (compile_may_emit) goes through every back end
 * and the runtime's records; the model's invariants are asserted first, so
 * a flag that lets a broken model through is a crash here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "compile.h"
#include "emit.h"
#include "runtime.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Severity flags from the input's bytes: reproducible, and varied by every mutation. */
static void flags_of(const unsigned char *data, size_t size, struct diag_config *cfg,
		     bool *for_up)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	diag_config_init(cfg);
	for (i = 0; i < C__COUNT; i++) {
		/* a SplitMix64 step per check: two bits each */
		uint64_t z = (h += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		if (check_info(i)->severity == SEV_FATAL)
			continue;
		switch ((z ^ (z >> 31)) & 3) {
		case 1:
			cfg->sev[i] = SEV_WARNING;
			break;
		case 2:
			cfg->sev[i] = SEV_OFF;
			break;
		case 3:
			cfg->sev[i] = SEV_ERROR;
			break;
		}
	}
	cfg->werror = h & 1;
	*for_up = h & 2;
}

#define REQUIRE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "invariant broken past the gate: %s\n", #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

/* What every back end and `up` take for granted (docs/diagnostics.md, severity options). */
static void require_invariants(const struct topology *t)
{
	size_t i, j;

	REQUIRE(t->name.s && name_valid(NAME_PROJECT, t->name.s));
	REQUIRE(t->nvms == 0 || t->start_order);
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		REQUIRE(vm->name.s && name_valid(NAME_VM, vm->name.s) && !vm->dup_of);
		REQUIRE(vm->k->kernel.s && vm->k->memory.pos.set && vm->k->memory.v);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			REQUIRE(m->region && !m->dup && m->placed && mapping_size(m));
			REQUIRE(m->gaddr % PAGE_SIZE == 0);
		}
	}
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		REQUIRE(name_valid(NAME_REGION_ID, r->id) && r->eff_size && r->owner);
		REQUIRE(r->eff_size % PAGE_SIZE == 0);
		REQUIRE(!topology_uses_pool(t) || !t->has_pool || r->host_placed);
		/* iomem: inside the pool, which up scrubs */
		REQUIRE(t->backend != BACKEND_IOMEM ||
			(r->host_placed && r->host_base >= t->pool_base.v &&
			 r->host_base - t->pool_base.v <= t->pool_size.v &&
			 t->pool_size.v - (r->host_base - t->pool_base.v) >= r->eff_size));
	}
}

static void emit_everything(const struct topology *t, FILE *sink)
{
	char *hash = topology_hash(t);
	uint32_t *domids = calloc(t->nvms + 1, sizeof(*domids));
	struct xs_region *records = NULL;
	struct xs_project project;
	size_t i;

	emit_config(t, CONFIG_YAML, sink);
	emit_config(t, CONFIG_JSON, sink);
	emit_plan_json(t, hash, sink);
	emit_plan_sh(t, hash, sink);
	emit_plan_text(t, hash, true, sink);
	emit_dot(t, sink);
	if (wants_host_dtsi(t))
		emit_host_dtsi(t, hash, sink);
	if (wants_dom0less_dtsi(t))
		emit_dom0less_dtsi(t, hash, sink);
	for (i = 0; i < t->nvms; i++) {
		domids[i] = (uint32_t)i + 1;
		emit_xl(t, t->vms[i], hash, sink);
		emit_guest_header(t, t->vms[i], hash, sink);
		emit_guest_dtsi(t, t->vms[i], hash, sink);
	}
	/* what up writes to xenstore, built as up builds it: the journal, then the records */
	if (journal_build(t, hash, &project) == 0)
		xs_project_release(&project);
	if (domids && records_build(t, domids, hash, &records) == 0)
		xs_regions_free(records, t->nmapped);
	free(domids);
	free(hash);
}

static void one_run(const unsigned char *data, size_t size, const struct diag_config *cfg,
		    bool for_up, FILE *sink)
{
	struct compile c = { 0 };

	compile_buffer(&c, "fuzz.yaml", (const char *)data, size, cfg, for_up);
	diag_print(&c.d, FORMAT_TEXT, sink, sink);
	diag_print(&c.d, FORMAT_SARIF, sink, sink);
	if (compile_may_emit(&c)) {
		require_invariants(&c.t);
		emit_everything(&c.t, sink);
	}
	compile_release(&c);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *sink;
	struct diag_config cfg;
	bool for_up;

	if (size > SOURCE_MAX_BYTES)
		return 0;
	if (!sink)
		sink = fopen("/dev/null", "w");
	one_run(data, size, NULL, false, sink);
	flags_of(data, size, &cfg, &for_up);
	one_run(data, size, &cfg, for_up, sink);
	return 0;
}
