/* `plan FILE`: the steps `up` would take (what `up --dry-run` prints). */
#include "cli.h"
#include "compile.h"
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"xenshm-compose plan FILE [--format text|json] [--no-scrub] [-W NAME] [-Wno-NAME] "
	"[-E NAME] [-Werror]";

int plan_main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	struct options o;
	struct compile c = { 0 };
	bool scrub = true;
	int fmt = 0, ret, i, n = 0;
	char **args = calloc((size_t)argc + 1, sizeof(*args));

	if (!args)
		return EXIT_USAGE;
	/* --no-scrub is plan's own word; the rest are the common options */
	for (i = 0; i < argc; i++) {
		if (i && !strcmp(argv[i], "--no-scrub"))
			scrub = false;
		else
			args[n++] = argv[i];
	}
	ret = parse_options(n, args, OPT_FORMAT, usage, &o);
	if (!ret && o.format && (fmt = parse_format(o.format, formats)) < 0)
		ret = EXIT_USAGE;
	if (!ret)
		ret = compile_file(&c, o.file, &o.diag, false);
	free(args);
	if (ret)
		return ret;
	diag_print(&c.d, FORMAT_TEXT, stdout, stderr);
	ret = diag_exit_code(&c.d);
	if (ret == EXIT_OK) {
		char *hash = topology_hash(&c.t);
		if ((fmt ? emit_plan_json(&c.t, hash, stdout)
			 : emit_plan_text(&c.t, hash, scrub, stdout)))
			ret = EXIT_USAGE;
		free(hash);
	} else {
		diag_print_summary(&c.d, stderr);
	}
	compile_release(&c);
	return ret;
}
