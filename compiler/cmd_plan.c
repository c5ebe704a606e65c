/* `plan FILE`: the steps `up` would take (what `up --dry-run` prints). */
#include "cli.h"
#include "compile.h"
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
	"xenshm-compose plan FILE [--format text|json] [--no-scrub] [-W NAME] [-Wno-NAME] "
	"[-E NAME] [-Werror]";

int plan_main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	struct options o;
	struct compile c = { 0 };
	int fmt = 0, ret;

	ret = parse_options(argc, argv, OPT_FORMAT | OPT_SCRUB, usage, &o);
	if (ret || o.help)
		return ret;
	if (o.format && (fmt = parse_format(o.format, formats, usage)) < 0)
		return EXIT_USAGE;
	ret = compile_checked(&c, o.file, &o.diag, false);
	if (ret == EXIT_OK) {
		char *hash = topology_hash(&c.t);
		if ((fmt ? emit_plan_json(&c.t, hash, stdout)
			 : emit_plan_text(&c.t, hash, !o.no_scrub, stdout)))
			ret = EXIT_USAGE;
		free(hash);
	}
	compile_release_at_exit(&c);
	return ret;
}
