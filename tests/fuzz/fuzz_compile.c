/* libFuzzer harness: any bytes through load, every check, diagnostics and config. */
#include <stdio.h>

#include "checks.h"
#include "diag.h"
#include "emit.h"
#include "load.h"

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
	if (load_topology(&t, &d) == 0)
		checks_run(&t, &d);
	diag_print(&d, FORMAT_TEXT, sink, sink);
	diag_print(&d, FORMAT_SARIF, sink, sink);
	if (!diag_has_errors(&d))
		emit_config(&t, CONFIG_YAML, sink);
	diag_release(&d);
	topology_release(&t);
	source_release(&src);
	return 0;
}
