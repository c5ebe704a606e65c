/* `check FILE`: load and check a topology, report every problem in one run. */
#include "cli.h"
#include "compile.h"

#include <stdio.h>

static const char usage[] =
	"xenshm-compose check FILE [--format text|json|sarif] [-W NAME] [-Wno-NAME] [-E NAME] "
	"[-Werror] [-q]";

int check_main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "sarif", NULL };
	struct options o;
	struct compile c = { 0 };
	int fmt = FORMAT_TEXT, ret;

	ret = parse_options(argc, argv, OPT_FORMAT | OPT_QUIET, usage, &o);
	if (ret || o.help)
		return ret;
	if (o.format && (fmt = parse_format(o.format, formats, usage)) < 0)
		return EXIT_USAGE;
	ret = compile_file(&c, o.file, &o.diag, false);
	if (ret)
		return ret;
	diag_print(&c.d, (enum diag_format)fmt, stdout, stderr);
	ret = diag_exit_code(&c.d);
	if (fmt == FORMAT_TEXT && !o.quiet) {
		diag_print_summary(&c.d, stderr);
		/* severity options silenced a guard: reported, not ok (docs/diagnostics.md 4) */
		if (ret == EXIT_OK && !compile_may_emit(&c))
			compile_print_refusal(&c, "not ok for build, plan or up");
		else if (ret == EXIT_OK)
			printf("%s: ok: %zu VM%s, %zu region%s\n", c.src.name, c.t.nvms,
			       c.t.nvms == 1 ? "" : "s", c.t.nmapped, c.t.nmapped == 1 ? "" : "s");
	}
	compile_release_at_exit(&c);
	return ret;
}
