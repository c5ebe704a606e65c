/* `check FILE...`: load and check topologies, report every problem in one run. */
#include "cli.h"
#include "compile.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
	"xenshm-compose check FILE... [--format text|json|sarif] [-W NAME] [-Wno-NAME] [-E NAME] "
	"[-Werror] [-q]";

/* the worse of two exit codes: a file not read or not YAML, then check errors */
static int worse(int a, int b)
{
	if (a == EXIT_USAGE || b == EXIT_USAGE)
		return EXIT_USAGE;
	return a > b ? a : b;
}

/* one file's text report: diagnostics, the summary, and "ok" when all is well */
static void report_text(struct compile *c, bool quiet, int ret)
{
	diag_print(&c->d, FORMAT_TEXT, stdout, stderr);
	if (quiet)
		return;
	diag_print_summary(&c->d, stderr);
	/* severity options silenced a guard: reported, not ok (docs/diagnostics.md 4) */
	if (ret == EXIT_OK && !compile_may_emit(c))
		compile_print_refusal(c, "not ok for build, plan or up");
	else if (ret == EXIT_OK)
		printf("%s: ok: %zu VM%s, %zu region%s\n", c->src.name, c->t.nvms,
		       c->t.nvms == 1 ? "" : "s", c->t.nmapped, c->t.nmapped == 1 ? "" : "s");
}

/*
 * Several files are checked one after the other, like a compiler's; the
 * exit code is the worst of theirs. Text is reported as each is checked;
 * JSON and SARIF, one document for all, once every file is.
 */
int check_main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "sarif", NULL };
	struct options o;
	struct compile *c;
	const struct diag_set **sets;
	size_t i, n = 0;
	int fmt = FORMAT_TEXT, ret, worst = EXIT_OK;

	ret = parse_options(argc, argv, OPT_FORMAT | OPT_QUIET | OPT_FILES, usage, &o);
	if (ret || o.help)
		return ret;
	if (o.format && (fmt = parse_format(o.format, formats, usage)) < 0)
		return EXIT_USAGE;
	c = xcalloc((size_t)o.nfiles, sizeof(*c));
	sets = xcalloc((size_t)o.nfiles, sizeof(*sets));
	for (i = 0; i < (size_t)o.nfiles; i++) {
		ret = compile_file(&c[n], o.files[i], &o.diag, false);
		if (ret) {	/* not read: said on stderr, in no document */
			worst = worse(worst, ret);
			continue;
		}
		ret = diag_exit_code(&c[n].d);
		worst = worse(worst, ret);
		if (fmt == FORMAT_TEXT) {
			report_text(&c[n], o.quiet, ret);
			/* the last one's model is left to the kernel; the others go before the next */
			if (i + 1 < (size_t)o.nfiles)
				compile_release(&c[n]);
			else
				compile_release_at_exit(&c[n]);
			continue;
		}
		topology_release(&c[n].t);	/* the report needs the file and the diagnostics only */
		sets[n] = &c[n].d;
		n++;
	}
	if (fmt != FORMAT_TEXT && n)
		diag_print_many(sets, n, (enum diag_format)fmt, stdout, stderr);
	for (i = 0; i < n; i++)
		compile_release(&c[i]);
	free(sets);
	free(c);
	return worst;
}
