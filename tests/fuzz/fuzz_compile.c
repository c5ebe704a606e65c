/* libFuzzer harness: any bytes through load, resolve, every check, diagnostics and every back end. */
#include <stdio.h>
#include <stdlib.h>

#include "checks.h"
#include "diag.h"
#include "emit.h"
#include "load.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *sink;
	struct source src;
	struct topology t;
	struct diag_set d;

	if (size > SOURCE_MAX_BYTES)
		return 0;
	if (!sink)
		sink = fopen("/dev/null", "w");
	source_from_buffer(&src, "fuzz.yaml", (const char *)data, size);
	topology_init(&t, &src);
	diag_init(&d, &src, NULL);
	if (load_topology(&t, &d) == 0) {
		resolve_topology(&t);
		checks_run(&t, &d, CHECKS_IN_ORDER);
	}
	diag_print(&d, FORMAT_TEXT, sink, sink);
	diag_print(&d, FORMAT_SARIF, sink, sink);
	if (!diag_has_errors(&d)) {
		char *hash = topology_hash(&t);
		size_t i;

		emit_config(&t, CONFIG_YAML, sink);
		emit_plan_json(&t, hash, sink);
		emit_plan_sh(&t, hash, sink);
		emit_plan_text(&t, hash, true, sink);
		emit_dot(&t, sink);
		if (wants_host_dtsi(&t))
			emit_host_dtsi(&t, hash, sink);
		if (wants_dom0less_dtsi(&t))
			emit_dom0less_dtsi(&t, hash, sink);
		for (i = 0; i < t.nvms; i++) {
			emit_xl(&t, t.vms[i], hash, sink);
			emit_guest_header(&t, t.vms[i], hash, sink);
			emit_guest_dtsi(&t, t.vms[i], hash, sink);
		}
		free(hash);
	}
	diag_release(&d);
	topology_release(&t);
	source_release(&src);
	return 0;
}
