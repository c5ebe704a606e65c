/* Front end: libyaml events -> model, with the schema-level checks and positions. */
#include "load.h"
#include "evstream.h"
#include "text.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/*
 * The loader walks the event stream once, directed by the schema: each
 * reader is entered on a node's first event and returns on its last one.
 * Subtrees the schema does not want are skipped with a depth counter, never
 * by recursion, so nesting depth costs nothing.
 */
struct loader {
	struct evstream es;
	const yaml_event_t *ev;	/* the current event, the stream's until the next */
	bool failed;		/* yaml-syntax was reported: stop reading */
	size_t depth;		/* collections open at the current event */
	struct topology *t;
	struct diag_set *d;
	const struct source *src;
	struct srcpos root_pos;
	struct mapping *maps;	/* the VM being read grows its mappings here */
	size_t maps_alloc;
	struct mapping_given *given;	/* and their `at` and `size`: mapping->given */
	size_t given_alloc;
	uint32_t ngiven;
	struct str_at *deps;	/* and its depends_on */
	size_t deps_alloc;
};

/* A key reader: consumes the value node of one key of a schema mapping. */
typedef void (*key_fn)(struct loader *ld, void *obj, const struct srcpos *kpos);
/* An item reader: consumes item i of a sequence. */
typedef void (*item_fn)(struct loader *ld, void *obj, size_t i);

struct enum_word {
	const char *word;
	int value;
};

/*
 * A schema mapping is one table of rows, one per key, so that it reads like
 * the format's documentation. Plain values are read by their kind into the
 * field at 'off' of the mapping's object; keys with structure or rules of
 * their own keep a reader of their own (K_CUSTOM).
 */
enum key_kind {
	K_SIZE,		/* num_at */
	K_ADDR,		/* num_at */
	K_INT,		/* num_at, in [lo, hi] */
	K_STRING,	/* str_at; messages say it should be 'what' */
	K_ENUM,		/* str_at, one of 'words'; its value goes to the enum at 'val' */
	K_LIST,		/* a sequence, null for empty; 'item' reads each item */
	K_CUSTOM,	/* 'fn' reads it */
};

#define NO_FIELD SIZE_MAX	/* a K_ENUM whose text is all the model keeps */

struct key_row {
	const char *key;
	enum key_kind kind;
	bool required;		/* missing-key when absent */
	bool keys;		/* off is in the VM's keys (obj is a struct vm) */
	size_t off;
	uint64_t lo, hi;
	const char *what;
	const struct enum_word *words;	/* up to a NULL word */
	size_t val;
	item_fn item;
	key_fn fn;
};

struct schema {
	const char *what;		/* "a VM", "'xen'", ... for messages */
	const struct key_row *keys;
	size_t nkeys;
};

/* where a row's value goes */
#define TOPO(f) offsetof(struct topology, f)
#define VM(f) offsetof(struct vm, f)
#define KEYS(f) offsetof(struct vm_keys, f)	/* rows with .keys: in the VM's own keys */
#define REGION(f) offsetof(struct region_decl, f)

static struct srcpos mark_pos(const yaml_mark_t *m)
{
	return srcpos_at(m->line + 1, m->column + 1, 0);
}

/* Position of the current event, underlining a one-line scalar. */
static struct srcpos ev_pos(const struct loader *ld)
{
	struct srcpos p = mark_pos(&ld->ev->start_mark);

	if (ld->ev->type == YAML_SCALAR_EVENT && ld->ev->end_mark.line == ld->ev->start_mark.line &&
	    ld->ev->end_mark.column > ld->ev->start_mark.column)
		p = srcpos_at(p.line, p.col, ld->ev->end_mark.column - ld->ev->start_mark.column);
	return p;
}

/* line:col of a byte offset (libyaml's reader errors give only that) */
static struct srcpos offset_pos(const struct source *src, size_t off)
{
	size_t lo = 0, hi = source_nlines(src), i, start, len, col = 1;
	const char *text;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (source_line_start(src, (uint32_t)mid + 1) <= off)
			lo = mid;
		else
			hi = mid;
	}
	start = source_line_start(src, (uint32_t)lo + 1);
	text = source_line(src, (uint32_t)lo + 1, &len);
	for (i = 0; start + i < off && i < len; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			col++;
	return srcpos_at(lo + 1, col, 0);
}

static void report_syntax(struct loader *ld)
{
	yaml_parser_t *p = &ld->es.parser;
	struct srcpos pos;
	struct diagnostic *dg;

	if (p->error == YAML_READER_ERROR) {
		pos = offset_pos(ld->src, p->problem_offset);
		if (p->problem_value != -1)
			report(ld->d, C_YAML_SYNTAX, &pos, "%s (byte 0x%02x)",
			       p->problem ? p->problem : "unreadable input", p->problem_value & 0xff);
		else
			report(ld->d, C_YAML_SYNTAX, &pos, "%s",
			       p->problem ? p->problem : "unreadable input");
		return;
	}
	pos = mark_pos(&p->problem_mark);
	dg = report(ld->d, C_YAML_SYNTAX, &pos, "%s", p->problem ? p->problem : "invalid YAML");
	if (p->context) {
		struct srcpos cpos = mark_pos(&p->context_mark);
		diag_note(dg, &cpos, "%s", p->context);
	}
}

/*
 * libyaml's scanner costs time proportional to the nesting depth for every
 * token, so deep nesting is quadratic; a topology needs 5 levels. Past this
 * the input is refused where the limit is crossed, and any input of N
 * bytes is read in time linear in N (docs/limits.md).
 */
#define MAX_DEPTH 64

/* Tracks nesting; false after reporting a collection opened past MAX_DEPTH. */
static bool within_depth(struct loader *ld)
{
	struct srcpos pos;

	if (ld->ev->type == YAML_SEQUENCE_END_EVENT || ld->ev->type == YAML_MAPPING_END_EVENT)
		ld->depth--;
	if (ld->ev->type != YAML_SEQUENCE_START_EVENT && ld->ev->type != YAML_MAPPING_START_EVENT)
		return true;
	if (++ld->depth <= MAX_DEPTH)
		return true;
	pos = ev_pos(ld);
	report(ld->d, C_YAML_SYNTAX, &pos, "nesting deeper than %d levels; a topology needs 5 "
	       "(extensions under x- included)", MAX_DEPTH);
	return false;
}

/* what the loader sees once the input failed */
static const yaml_event_t no_event;

/* Moves to the next event; false (and an empty event) once the input failed. */
static bool next(struct loader *ld)
{
	if (ld->failed) {
		ld->ev = &no_event;
		return false;
	}
	ld->ev = evstream_next(&ld->es);
	if (!ld->ev) {
		report_syntax(ld);
		ld->failed = true;
		ld->ev = &no_event;
		return false;
	}
	if (!within_depth(ld)) {
		ld->failed = true;
		return false;
	}
	return true;
}

static const char *node_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a scalar";
	}
}

static const yaml_char_t *ev_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/* Anchors and aliases are refused wherever they are, x- keys included. */
static void refuse_alias(struct loader *ld)
{
	struct srcpos pos = ev_pos(ld);
	const yaml_char_t *anchor = ev_anchor(ld->ev);

	if (ld->ev->type == YAML_ALIAS_EVENT)
		report(ld->d, C_YAML_ALIAS, &pos,
		       "alias '*%s' refused: aliases can expand exponentially; write the value out",
		       q((const char *)ld->ev->data.alias.anchor));
	else if (anchor)
		report(ld->d, C_YAML_ALIAS, &pos,
		       "anchor '&%s' refused: anchors and aliases are not supported; write the value out",
		       q((const char *)anchor));
}

/* Skips the node starting at the current event, checking its anchors. */
static void skip_node(struct loader *ld)
{
	size_t depth = 0;

	for (;;) {
		refuse_alias(ld);
		switch (ld->ev->type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (depth == 0 || !next(ld))
			return;
	}
}

static bool is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	switch (v[0]) {	/* asked of every scalar: no strcmp unless it could be */
	case '\0': return true;
	case '~': return !v[1];
	case 'n': return !strcmp(v, "null");
	case 'N': return !strcmp(v, "Null") || !strcmp(v, "NULL");
	default: return false;
	}
}

/*
 * The first control character of s other than tab and newline, or 0.
 * libxlutil reads only \a \b \f \n \r \t \v escapes in strings (its \x
 * and octal escapes drop the character), so no value may hold the others;
 * tab and newline are written as \t and \n everywhere.
 */
static char control_char(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') || *s == 0x7f)
			return *s;
	return 0;
}

/*
 * Reads a scalar into *out (strdup'd, caller of the loader frees via the
 * model). Anything else is a `type` error naming 'what' and is skipped.
 */
/*
 * The current scalar, checked (a scalar, not null, no NUL or control
 * character), still in libyaml's event: valid until the next event. NULL
 * after a report. *pos: where it is, even when it is invalid.
 */
static const char *scalar_text(struct loader *ld, const char *key, const char *what,
			       enum check_id invalid, struct srcpos *pos_out)
{
	struct srcpos pos = ev_pos(ld);
	char bad;

	*pos_out = pos;
	refuse_alias(ld);
	if (ld->ev->type == YAML_ALIAS_EVENT)
		return NULL;
	if (ld->ev->type != YAML_SCALAR_EVENT) {
		report(ld->d, C_TYPE, &pos, "'%s' must be %s, not %s", key, what,
		       node_kind(ld->ev));
		skip_node(ld);
		return NULL;
	}
	if (is_null(ld->ev)) {
		report(ld->d, C_TYPE, &pos, "'%s' has no value; expected %s", key, what);
		return NULL;
	}
	if (memchr(ld->ev->data.scalar.value, '\0', ld->ev->data.scalar.length)) {
		report(ld->d, invalid, &pos, "'%s' contains a NUL character", key);
		return NULL;
	}
	if ((bad = control_char((const char *)ld->ev->data.scalar.value))) {
		report(ld->d, invalid, &pos, "'%s' contains a control character (byte 0x%02x), "
		       "which an xl config cannot carry; only tab and newline may appear", key,
		       (unsigned char)bad);
		return NULL;
	}
	return (const char *)ld->ev->data.scalar.value;
}

static bool read_scalar_as(struct loader *ld, const char *key, const char *what,
			   struct str_at *out, enum check_id invalid)
{
	/* out->pos is set even when the value is invalid: it was given, not also missing */
	const char *text = scalar_text(ld, key, what, invalid, &out->pos);

	if (!text)
		return false;
	out->s = arena_strndup(&ld->t->arena, text, ld->ev->data.scalar.length);
	return true;
}

static bool read_scalar(struct loader *ld, const char *key, const char *what, struct str_at *out)
{
	return read_scalar_as(ld, key, what, out, C_TYPE);
}

/* Number readers: parse failures are `bad-number`, quoting the text back. */
static bool read_num(struct loader *ld, const char *key, struct num_at *out,
		     int (*parse)(const char *, uint64_t *, const char **), const char *what)
{
	const char *text = scalar_text(ld, key, what, C_TYPE, &out->pos), *why;
	uint64_t v;

	if (!text)
		return false;
	if (parse(text, &v, &why)) {
		report(ld->d, C_BAD_NUMBER, &out->pos, "'%s' is not a valid %s: %s", q(text), what, why);
		return false;
	}
	out->v = v;
	out->pos.set = true;
	return true;
}

/* An integer in [lo, hi]; out of range is a `type` error. */
static bool read_int(struct loader *ld, const char *key, struct num_at *out, uint64_t lo,
		     uint64_t hi)
{
	struct num_at n = { 0 };
	const char *v = (const char *)ld->ev->data.scalar.value;

	/* a word where an integer goes is the wrong type; a malformed number is bad-number */
	if (ld->ev->type == YAML_SCALAR_EVENT && !is_null(ld->ev) && v[0] != '-' &&
	    v[0] != '+' && (v[0] < '0' || v[0] > '9')) {
		struct srcpos pos = ev_pos(ld);
		refuse_alias(ld);
		report(ld->d, C_TYPE, &pos, "'%s' must be an integer, not '%s'", key, q(v));
		return false;
	}
	if (!read_num(ld, key, &n, parse_number, "number"))
		return false;
	if (n.v < lo || n.v > hi) {
		report(ld->d, C_TYPE, &n.pos, "'%s' must be between %llu and %llu, not %llu", key,
		       (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)n.v);
		return false;
	}
	*out = n;
	return true;
}

/* One of words; otherwise `type`, with the nearest word suggested. */
static bool read_enum(struct loader *ld, const char *key, const struct enum_word *words,
		      struct str_at *text, int *out)
{
	struct suggest near;
	size_t i, n;
	char *list = NULL;

	if (!read_scalar(ld, key, "a word", text))
		return false;
	suggest_init(&near, text->s);
	for (n = 0; words[n].word; n++) {
		if (!strcmp(text->s, words[n].word)) {
			*out = words[n].value;
			return true;
		}
		suggest_consider(&near, words[n].word);
	}
	for (i = 0; i < n; i++) {
		char *l = xasprintf("%s%s'%s'", list ? list : "", i ? (i + 1 == n ? " or " : ", ") : "",
				    words[i].word);
		free(list);
		list = l;
	}
	if (suggest_result(&near))
		report(ld->d, C_TYPE, &text->pos, "'%s' must be %s, not '%s'; did you mean '%s'?",
		       key, list, q(text->s), suggest_result(&near));
	else
		report(ld->d, C_TYPE, &text->pos, "'%s' must be %s, not '%s'", key, list, q(text->s));
	free(list);
	text->s = NULL;
	return false;
}

/*
 * Enters a mapping or sequence value; false when the node is something else
 * (a `type` error, skipped) or a null that allow_null accepts as empty.
 */
static bool enter(struct loader *ld, yaml_event_type_t want, const char *what, bool allow_null)
{
	struct srcpos pos = ev_pos(ld);

	refuse_alias(ld);
	if (ld->ev->type == want)
		return true;
	if (ld->ev->type == YAML_ALIAS_EVENT)
		return false;
	if (allow_null && is_null(ld->ev))
		return false;
	report(ld->d, C_TYPE, &pos, "%s must be %s, not %s", what,
	       want == YAML_MAPPING_START_EVENT ? "a mapping" : "a sequence", node_kind(ld->ev));
	skip_node(ld);
	return false;
}

/*
 * The keys seen in a mapping, for duplicate-key. A topology's mappings have
 * a handful of short keys: the first SEEN_INLINE live in the struct itself
 * and are found by a linear scan, with no allocation (a 32 752-VM topology
 * has hundreds of thousands of such mappings); the rest go to a hash map,
 * so a hostile mapping of many keys still costs linear time.
 */
#define SEEN_INLINE 8
struct seen_keys {
	char buf[256];
	size_t used, nsmall;
	const char *small[SEEN_INLINE];
	struct srcpos small_pos[SEEN_INLINE];
	struct strmap map;	/* beyond those */
	char **keys;
	struct srcpos *pos;
	size_t n, alloc, pos_alloc;
};

static void seen_release(struct seen_keys *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->pos);
	if (s->n)
		strmap_release(&s->map);
}

/* where key was first given, or NULL */
static const struct srcpos *seen_find(const struct seen_keys *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nsmall; i++)
		if (!strcmp(s->small[i], key))
			return &s->small_pos[i];
	return s->n && strmap_get(&s->map, key, &i) ? &s->pos[i] : NULL;
}

/*
 * Records key (n bytes, NUL-terminated); returns the copy kept, which lives
 * as long as s, or NULL (after reporting) when the mapping had it already.
 */
static const char *seen_add(struct loader *ld, struct seen_keys *s, const char *key, size_t n,
			    const struct srcpos *pos)
{
	const struct srcpos *first = seen_find(s, key);
	char *k;

	if (first) {
		struct diagnostic *dg = report(ld->d, C_DUPLICATE_KEY, pos,
					       "duplicate key '%s'; the first one is used", q(key));
		diag_note(dg, first, "'%s' first given here", q(key));
		return NULL;
	}
	if (s->nsmall < SEEN_INLINE && n < sizeof(s->buf) - s->used) {
		k = memcpy(s->buf + s->used, key, n + 1);
		s->used += n + 1;
		s->small[s->nsmall] = k;
		s->small_pos[s->nsmall++] = *pos;
		return k;
	}
	if (!s->n)
		strmap_init(&s->map);
	k = xstrndup(key, n);
	ALLOC_GROW(s->keys, s->n + 1, s->alloc);
	ALLOC_GROW(s->pos, s->n + 1, s->pos_alloc);
	s->keys[s->n] = k;
	s->pos[s->n] = *pos;
	strmap_add(&s->map, k, s->n);
	s->n++;
	return k;
}

typedef void (*entry_fn)(struct loader *ld, void *obj, const char *key,
			 const struct srcpos *kpos);

/*
 * Walks a mapping (current event: its start): for each scalar key neither
 * repeated nor an x- extension, calls fn with the value as current event.
 */
static void walk_mapping(struct loader *ld, void *obj, entry_fn fn)
{
	struct seen_keys seen;

	seen.used = seen.nsmall = seen.n = seen.alloc = seen.pos_alloc = 0;
	seen.keys = NULL;
	seen.pos = NULL;
	while (next(ld) && ld->ev->type != YAML_MAPPING_END_EVENT) {
		struct srcpos kpos = ev_pos(ld);
		const char *key;
		bool wanted;

		refuse_alias(ld);
		if (ld->ev->type != YAML_SCALAR_EVENT ||
		    memchr(ld->ev->data.scalar.value, '\0', ld->ev->data.scalar.length)) {
			if (ld->ev->type != YAML_ALIAS_EVENT)
				report(ld->d, C_TYPE, &kpos, "a key must be a plain string, not %s",
				       ld->ev->type == YAML_SCALAR_EVENT ? "a string with a NUL character"
								       : node_kind(ld->ev));
			skip_node(ld);
			if (next(ld))
				skip_node(ld);
			continue;
		}
		key = seen_add(ld, &seen, (const char *)ld->ev->data.scalar.value,
			       ld->ev->data.scalar.length, &kpos);
		wanted = key && strncmp(key, "x-", 2);
		if (next(ld)) {
			if (wanted)
				fn(ld, obj, key, &kpos);
			else
				skip_node(ld);
		}
	}
	seen_release(&seen);
}

/* Walks a sequence (current event: its start), item is the current event. */
static void walk_sequence(struct loader *ld, void *obj, item_fn fn)
{
	size_t i = 0;

	while (next(ld) && ld->ev->type != YAML_SEQUENCE_END_EVENT)
		fn(ld, obj, i++);
}

/* A list key: null is an empty list. */
static void read_list(struct loader *ld, const struct key_row *r, void *obj)
{
	char what[32];	/* "'KEY'" for a message: keys are short, formatted for every list */
	size_t n = strlen(r->key);

	if (n > sizeof(what) - 3)
		n = sizeof(what) - 3;
	what[0] = '\'';
	memcpy(what + 1, r->key, n);
	memcpy(what + 1 + n, "'", 2);
	if (enter(ld, YAML_SEQUENCE_START_EVENT, what, true))
		walk_sequence(ld, obj, r->item);
}

/* K_ENUM stores a word's int value into the model's enum fields */
_Static_assert(sizeof(enum arch) == sizeof(int) && sizeof(enum backend) == sizeof(int) &&
	       sizeof(enum vm_type) == sizeof(int), "an enum field is not int-sized");

/* Reads the value of row r's key into obj. */
static void read_row(struct loader *ld, const struct key_row *r, void *obj,
		     const struct srcpos *kpos)
{
	void *field = (char *)(r->keys ? (void *)vm_keys_own(ld->t, obj) : obj) + r->off;
	int v;

	switch (r->kind) {
	case K_SIZE:
		read_num(ld, r->key, field, parse_size, "size");
		break;
	case K_ADDR:
		read_num(ld, r->key, field, parse_addr, "address");
		break;
	case K_INT:
		read_int(ld, r->key, field, r->lo, r->hi);
		break;
	case K_STRING:
		read_scalar(ld, r->key, r->what, field);
		break;
	case K_ENUM:
		if (read_enum(ld, r->key, r->words, field, &v) && r->val != NO_FIELD)
			memcpy((char *)obj + r->val, &v, sizeof(v));
		break;
	case K_LIST:
		read_list(ld, r, obj);
		break;
	case K_CUSTOM:
		r->fn(ld, obj, kpos);
		break;
	}
}

/* Schema mappings: dispatch keys to their rows, refuse the rest, want required keys. */
struct schema_walk {
	const struct schema *schema;
	void *obj;
	uint64_t present;	/* bit per key index */
};

static void suggest_key(struct loader *ld, const struct schema *s, const char *key,
			const struct srcpos *kpos)
{
	struct suggest near;
	size_t i;

	suggest_init(&near, key);
	for (i = 0; i < s->nkeys; i++)
		suggest_consider(&near, s->keys[i].key);
	if (suggest_result(&near))
		report(ld->d, C_UNKNOWN_KEY, kpos, "unknown key '%s' in %s; did you mean '%s'?",
		       q(key), s->what, suggest_result(&near));
	else
		report(ld->d, C_UNKNOWN_KEY, kpos, "unknown key '%s' in %s", q(key), s->what);
}

static void schema_entry(struct loader *ld, void *obj, const char *key, const struct srcpos *kpos)
{
	struct schema_walk *w = obj;
	size_t i;

	for (i = 0; i < w->schema->nkeys; i++) {
		if (!strcmp(key, w->schema->keys[i].key)) {
			w->present |= 1ull << i;
			read_row(ld, &w->schema->keys[i], w->obj, kpos);
			return;
		}
	}
	suggest_key(ld, w->schema, key, kpos);
	skip_node(ld);
}

/* missing-key at where for each required key not in present (bit per key index) */
static void want_required(struct loader *ld, const struct schema *s, uint64_t present,
			  const struct srcpos *where, const char *why)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++)
		if (s->keys[i].required && !(present & (1ull << i)))
			report(ld->d, C_MISSING_KEY, where, "missing key '%s' in %s%s",
			       s->keys[i].key, s->what, why);
}

/* Reads a schema mapping (current event: its start) into obj. */
static void read_schema(struct loader *ld, const struct schema *s, void *obj,
			const struct srcpos *where)
{
	struct schema_walk w = { s, obj, 0 };

	walk_mapping(ld, &w, schema_entry);
	if (!ld->failed)
		want_required(ld, s, w.present, where, "");
}

/* ---- regions IDs and VM names ---- */

static bool check_region_id(struct loader *ld, const char *s, const struct srcpos *pos,
			    const char *hint)
{
	size_t n = strlen(s);

	if (!strncmp(s, "x-", 2)) {
		report(ld->d, C_REGION_ID, pos,
		       "region ID '%s' must not start with 'x-' (reserved for extensions)", q(s));
		return false;
	}
	if (!name_chars_valid(NAME_REGION_ID, s)) {
		report(ld->d, C_REGION_ID, pos,
		       "region ID '%s' may hold only letters, digits, '_' and '-'%s", q(s),
		       hint ? hint : "");
		return false;
	}
	if (!name_valid(NAME_REGION_ID, s)) {
		report(ld->d, C_REGION_ID, pos,
		       "region ID '%s' must have 1 to 15 characters (Xen's limit), not %zu", q(s), n);
		return false;
	}
	return true;
}

/* ---- xen ---- */

static const struct enum_word arch_words[] = {
	{ "arm64", ARCH_ARM64 }, { "x86_64", ARCH_X86_64 }, { NULL, 0 },
};
static const struct enum_word backend_words[] = {
	{ "iomem", BACKEND_IOMEM }, { "static-shm", BACKEND_STATIC_SHM },
	{ "dom0less", BACKEND_DOM0LESS }, { NULL, 0 },
};

static void xen_version(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;
	const char *s, *why;
	uint64_t minor;

	(void)kpos;
	if (!read_scalar(ld, "version", "a Xen release \"4.N\"", &t->xen_version))
		return;
	s = t->xen_version.s;
	if (strncmp(s, "4.", 2) || parse_number(s + 2, &minor, &why) || s[2] == '0' ||
	    minor < 17 || minor > 9999) {
		report(ld->d, C_TYPE, &t->xen_version.pos,
		       "'version' must be a Xen release \"4.N\" with N >= 17, not '%s'", q(s));
		return;
	}
	t->xen_minor = (unsigned)minor;
}

static const struct key_row pool_keys[] = {
	{ "base", K_ADDR,   .required = true, .off = TOPO(pool_base) },
	{ "size", K_SIZE,   .required = true, .off = TOPO(pool_size) },
};
static const struct schema pool_schema = { "'pool'", pool_keys, ARRAY_SIZE(pool_keys) };

static void xen_pool(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;
	struct srcpos pos = ev_pos(ld);

	if (!enter(ld, YAML_MAPPING_START_EVENT, "'pool'", false))
		return;
	t->has_pool = true;
	t->pool_pos = *kpos;
	read_schema(ld, &pool_schema, t, &pos);
}

static const struct key_row xen_keys[] = {
	{ "arch",        K_ENUM,   .required = true, .off = TOPO(arch_text), .words = arch_words,
	  .val = TOPO(arch) },
	{ "version",     K_CUSTOM, .fn = xen_version },
	{ "backend",     K_ENUM,   .off = TOPO(backend_text), .words = backend_words,
	  .val = TOPO(backend) },
	{ "gic",         K_INT,    .off = TOPO(gic), .lo = 2, .hi = 3 },
	{ "gpaddr_bits", K_INT,    .off = TOPO(gpaddr_bits), .lo = 32, .hi = 52 },
	{ "pool",        K_CUSTOM, .fn = xen_pool },
};
static const struct schema xen_schema = { "'xen'", xen_keys, ARRAY_SIZE(xen_keys) };

/* ---- VMs ---- */

static void vm_name(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct vm *vm = obj;
	const char *s;

	(void)kpos;
	if (!read_scalar_as(ld, "name", "a VM name", &vm->name, C_VM_NAME))
		return;
	s = vm->name.s;
	vm->name_ok = name_valid(NAME_VM, s);
	if (!vm->name_ok && name_chars_valid(NAME_VM, s) && strspn(s, "0123456789") == strlen(s))
		report(ld->d, C_VM_NAME, &vm->name.pos,
		       "invalid VM name '%s': xl reads a name of digits only as a domain ID "
		       "(xl destroy %s would destroy domain %s); add a letter", q(s), q(s), q(s));
	else if (!vm->name_ok)
		report(ld->d, C_VM_NAME, &vm->name.pos,
		       "invalid VM name '%s': it must start with a letter or digit and hold only "
		       "letters, digits, '_', '.' and '-', at most 64 characters", q(s));
}

static void vm_dom0less_node(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct vm_keys *k = vm_keys_own(ld->t, obj);

	(void)kpos;
	if (!read_scalar(ld, "dom0less_node", "a device-tree node name", &k->dom0less_node))
		return;
	if (!name_valid(NAME_DT_NODE, k->dom0less_node.s)) {
		report(ld->d, C_TYPE, &k->dom0less_node.pos,
		       "'dom0less_node' must be a device-tree node name (1 to 31 of "
		       "[A-Za-z0-9,._+-]), not '%s'", q(k->dom0less_node.s));
		k->dom0less_node.s = NULL;
	}
}

static void depends_item(struct loader *ld, void *obj, size_t i)
{
	struct vm *vm = obj;
	struct str_at s = { 0 };

	(void)i;
	if (!read_scalar(ld, "depends_on", "a VM name", &s))
		return;
	ALLOC_GROW(ld->deps, vm->ndepends_on + 1, ld->deps_alloc);
	vm->depends_on = ld->deps;
	vm->depends_on[vm->ndepends_on++] = s;
}

/* passthrough.iomem: "START,NUM[@GFN]", hex page numbers without 0x, as xl reads them */
static void pt_iomem_item(struct loader *ld, void *obj, size_t i)
{
	struct vm *vm = obj;
	struct vm_extra *ex;
	struct pt_iomem pt = { 0 };
	const char *s, *comma, *at;

	(void)i;
	if (!read_scalar(ld, "iomem", "a string \"START,NUM[@GFN]\"", &pt.text))
		return;
	s = pt.text.s;
	comma = strchr(s, ',');
	at = strchr(s, '@');
	pt.ok = comma && (!at || at > comma) &&
		!parse_hex_pfn(s, (size_t)(comma - s), &pt.start) &&
		!parse_hex_pfn(comma + 1, at ? (size_t)(at - comma - 1) : strlen(comma + 1),
			       &pt.num);
	if (pt.ok && at)
		pt.ok = !parse_hex_pfn(at + 1, strlen(at + 1), &pt.gfn);
	else if (pt.ok)
		pt.gfn = pt.start;
	if (pt.ok && (pt.num == 0 || pt.start + pt.num > (1ull << 52) ||
		      pt.gfn + pt.num > (1ull << 52)))
		pt.ok = false;
	if (!pt.ok)
		report(ld->d, C_BAD_NUMBER, &pt.text.pos,
		       "'%s' is not a valid iomem range: expected \"START,NUM[@GFN]\", hex page "
		       "numbers without 0x, NUM > 0 (e.g. \"40000,10@50000\")", q(s));
	ex = vm_extra_own(ld->t, vm);
	ALLOC_GROW(ex->pt_iomem, ex->npt_iomem + 1, ex->pt_iomem_alloc);
	ex->pt_iomem[ex->npt_iomem++] = pt;
}

static void pt_irq_item(struct loader *ld, void *obj, size_t i)
{
	struct vm *vm = obj;
	struct vm_extra *ex;
	struct num_at n = { 0 };

	(void)i;
	if (!read_int(ld, "irqs", &n, 0, 65535))
		return;
	ex = vm_extra_own(ld->t, vm);
	ALLOC_GROW(ex->pt_irqs, ex->npt_irqs + 1, ex->pt_irqs_alloc);
	ex->pt_irqs[ex->npt_irqs++] = n;
}

static void pt_dtdev_item(struct loader *ld, void *obj, size_t i)
{
	struct vm *vm = obj;
	struct vm_extra *ex;
	struct str_at s = { 0 };

	(void)i;
	if (!read_scalar(ld, "dtdev", "a device-tree path", &s))
		return;
	ex = vm_extra_own(ld->t, vm);
	ALLOC_GROW(ex->pt_dtdev, ex->npt_dtdev + 1, ex->pt_dtdev_alloc);
	ex->pt_dtdev[ex->npt_dtdev++] = s;
}

static const struct key_row pt_keys[] = {
	{ "iomem", K_LIST,   .item = pt_iomem_item },
	{ "irqs",  K_LIST,   .item = pt_irq_item },
	{ "dtdev", K_LIST,   .item = pt_dtdev_item },
};
static const struct schema pt_schema = { "'passthrough'", pt_keys, ARRAY_SIZE(pt_keys) };

static void vm_passthrough(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct vm *vm = obj;

	(void)kpos;
	vm_extra_own(ld->t, vm)->passthrough_set = true;
	if (enter(ld, YAML_MAPPING_START_EVENT, "'passthrough'", true))
		read_schema(ld, &pt_schema, vm, NULL);
}

/* ---- shm mappings ---- */

/*
 * Position of part [off, off+len) of the current scalar, when the text maps
 * onto the source one to one (plain or quoted without escapes on one line);
 * the scalar's own position otherwise.
 */
static struct srcpos sub_pos(const struct loader *ld, size_t off, size_t len)
{
	struct srcpos p = ev_pos(ld);
	const char *v = (const char *)ld->ev->data.scalar.value;
	yaml_scalar_style_t style = ld->ev->data.scalar.style;
	size_t line_len, i, col, skip = 0;
	const char *line;

	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		skip = 1;
	else if (style != YAML_PLAIN_SCALAR_STYLE)
		return p;
	col = p.col + skip;
	for (i = 0; i < off; i++)
		if (((unsigned char)v[i] & 0xC0) != 0x80)
			col++;
	/* verify against the source: an escape before the part shifts it */
	line = source_line(ld->src, p.line, &line_len);
	{
		size_t b = 0, c = 1;
		while (b < line_len && c < col) {
			if (((unsigned char)line[b] & 0xC0) != 0x80)
				c++;
			b++;
			while (b < line_len && ((unsigned char)line[b] & 0xC0) == 0x80)
				b++;
		}
		if (b + len > line_len || memcmp(line + b, v + off, len))
			return p;
	}
	return srcpos_at(p.line, col, len);
}

/*
 * The mapping's ID, checked: a valid one links the mapping to its region
 * (made at its first mention), whose ID the mapping then reads; an invalid
 * one is reported and leaves the mapping unlinked.
 */
static void set_map_id(struct loader *ld, struct mapping *m, const char *id, const char *hint)
{
	if (check_region_id(ld, id, &m->id_pos, hint))
		m->region = topology_region(ld->t, id);
}

/* a new mapping of vm, in the loader's array until the VM is read (vms_item) */
static struct mapping *add_mapping(struct loader *ld, struct vm *vm)
{
	struct mapping *m;

	ALLOC_GROW(ld->maps, vm->nmaps + 1, ld->maps_alloc);
	vm->maps = ld->maps;
	m = &vm->maps[vm->nmaps];
	memset(m, 0, sizeof(*m));
	vm->nmaps++;
	return m;
}

/* the mapping's `at` and `size`, made on first need, in the loader's array until the VM is read */
static struct mapping_given *map_given(struct loader *ld, struct mapping *m)
{
	if (!m->given) {
		ALLOC_GROW(ld->given, ld->ngiven + 1, ld->given_alloc);
		memset(&ld->given[ld->ngiven], 0, sizeof(*ld->given));
		m->given = ++ld->ngiven;
	}
	return &ld->given[m->given - 1];
}

/* The seed's forms: "ADDR+SIZE = ID", or a bare ID. */
static void shm_short(struct loader *ld, struct vm *vm)
{
	struct srcpos pos = ev_pos(ld);
	const char *v = (const char *)ld->ev->data.scalar.value;
	struct short_form sf;
	struct mapping *m;
	struct mapping_given *g;
	const char *why;
	char *part;

	if (is_null(ld->ev)) {
		report(ld->d, C_TYPE, &pos, "an 'shm' entry must be an ID, \"ADDR+SIZE = ID\" or "
		       "{ id, at, size }, not null");
		return;
	}
	if (memchr(v, '\0', ld->ev->data.scalar.length)) {
		report(ld->d, C_REGION_ID, &pos, "region ID contains a NUL character");
		return;
	}
	m = add_mapping(ld, vm);
	if (!strchr(v, '=')) {
		m->id_pos = pos;
		set_map_id(ld, m, v, strchr(v, '+') ? "; a range is written \"ADDR+SIZE = ID\"" : NULL);
		return;
	}
	if (split_short_form(v, &sf) || !sf.addr_len || !sf.size_len || !sf.id_len) {
		report(ld->d, C_BAD_NUMBER, &pos,
		       "'%s' is not a valid mapping: expected \"ADDR+SIZE = ID\", e.g. "
		       "\"0x05000000+2M = ring0\"", q(v));
		return;
	}
	part = xstrndup(v + sf.id_off, sf.id_len);
	m->id_pos = sub_pos(ld, sf.id_off, sf.id_len);
	set_map_id(ld, m, part, NULL);
	free(part);

	g = map_given(ld, m);
	part = xstrndup(v + sf.addr_off, sf.addr_len);
	g->at_pos = sub_pos(ld, sf.addr_off, sf.addr_len);
	if (parse_addr(part, &m->gaddr, &why))
		report(ld->d, C_BAD_NUMBER, &g->at_pos, "'%s' is not a valid address: %s", q(part), why);
	else
		g->at_pos.set = true;
	free(part);

	part = xstrndup(v + sf.size_off, sf.size_len);
	g->size.pos = sub_pos(ld, sf.size_off, sf.size_len);
	if (parse_size(part, &g->size.v, &why))
		report(ld->d, C_BAD_NUMBER, &g->size.pos, "'%s' is not a valid size: %s", q(part), why);
	else
		g->size.pos.set = true;
	free(part);
}

static void map_id(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct mapping *m = obj;

	const char *text = scalar_text(ld, "id", "a region ID", C_REGION_ID, &m->id_pos);

	(void)kpos;
	if (text)
		set_map_id(ld, m, text, NULL);
}

static void map_at(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct mapping *m = obj;
	struct num_at at = { 0 };

	(void)kpos;
	read_num(ld, "at", &at, parse_addr, "address");
	map_given(ld, m)->at_pos = at.pos;
	m->gaddr = at.v;
}

static void map_size(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	(void)kpos;
	read_num(ld, "size", &map_given(ld, obj)->size, parse_size, "size");
}

static const struct key_row map_keys[] = {
	{ "id",   K_CUSTOM, .required = true, .fn = map_id },
	{ "at",   K_CUSTOM, .fn = map_at },
	{ "size", K_CUSTOM, .fn = map_size },
};
static const struct schema map_schema = { "an 'shm' entry", map_keys, ARRAY_SIZE(map_keys) };

static void shm_item(struct loader *ld, void *obj, size_t i)
{
	struct vm *vm = obj;
	struct srcpos pos = ev_pos(ld);
	struct mapping *m;

	(void)i;
	refuse_alias(ld);
	if (ld->ev->type == YAML_SCALAR_EVENT) {
		shm_short(ld, vm);
	} else if (ld->ev->type == YAML_MAPPING_START_EVENT) {
		m = add_mapping(ld, vm);
		read_schema(ld, &map_schema, m, &pos);	/* a missing or invalid ID: no region */
	} else if (ld->ev->type != YAML_ALIAS_EVENT) {
		report(ld->d, C_TYPE, &pos, "an 'shm' entry must be an ID, \"ADDR+SIZE = ID\" or "
		       "{ id, at, size }, not %s", node_kind(ld->ev));
		skip_node(ld);
	}
}

/* ---- raw xl keys ---- */

/* keys xenshm-compose writes itself; a raw duplicate would silently win or clash */
static const char *const xl_generated[] = {
	"name", "type", "memory", "maxmem", "vcpus", "maxvcpus", "kernel", "ramdisk",
	"cmdline", "extra", "root", "device_tree", "vuart", "gic_version", "iomem", "irqs",
	"dtdev", "static_shm", "builder", NULL,
};

struct xl_walk {
	struct vm *vm;
	struct xl_extra *x;
};

static void xl_list_item(struct loader *ld, void *obj, size_t i)
{
	struct xl_extra *x = obj;
	struct str_at s = { 0 };

	(void)i;
	if (!read_scalar(ld, x->key.s, "a string", &s))
		return;
	ALLOC_GROW(x->items, x->nitems + 1, x->alloc);
	x->items[x->nitems++] = s;
}

static void xl_entry(struct loader *ld, void *obj, const char *key, const struct srcpos *kpos)
{
	struct vm *vm = obj;
	struct vm_extra *ex;
	struct xl_extra *x;
	const char *const *g;
	const char *why;
	uint64_t v;

	if (!name_valid(NAME_XL_KEY, key)) {
		report(ld->d, C_TYPE, kpos, "'%s' is not an xl key: xl reads keys as "
		       "[a-z][a-z0-9_]*", q(key));
		skip_node(ld);
		return;
	}
	for (g = xl_generated; *g; g++) {
		if (!strcmp(key, *g)) {
			report(ld->d, C_DUPLICATE_KEY, kpos, "xl key '%s' is written by xenshm-compose "
			       "from the topology; set it there, not under 'xl'", key);
			skip_node(ld);
			return;
		}
	}
	ex = vm_extra_own(ld->t, vm);
	ALLOC_GROW(ex->xl, ex->nxl + 1, ex->xl_alloc);
	x = &ex->xl[ex->nxl];
	memset(x, 0, sizeof(*x));
	if (ld->ev->type == YAML_SEQUENCE_START_EVENT && !ev_anchor(ld->ev)) {
		x->kind = XL_LIST;
		x->key.s = arena_strdup(&ld->t->arena, key);
		x->key.pos = *kpos;
		ex->nxl++;
		walk_sequence(ld, x, xl_list_item);
		return;
	}
	if (ld->ev->type == YAML_SCALAR_EVENT &&
	    ld->ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !parse_number((const char *)ld->ev->data.scalar.value, &v, &why)) {
		if (v > INT64_MAX) {	/* xl reads integers with strtol */
			struct srcpos pos = ev_pos(ld);
			report(ld->d, C_TYPE, &pos, "'%s' is beyond xl's integer range (2^63 - 1)",
			       key);
			return;
		}
		x->kind = XL_INT;
	} else {
		x->kind = XL_STRING;
	}
	if (!read_scalar(ld, key, "a string, an integer or a list of strings", &x->value))
		return;
	x->key.s = arena_strdup(&ld->t->arena, key);
	x->key.pos = *kpos;
	ex->nxl++;
}

static void vm_xl(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct vm *vm = obj;

	vm_extra_own(ld->t, vm)->xl_set = true;
	vm->extra->xl_pos = *kpos;
	if (enter(ld, YAML_MAPPING_START_EVENT, "'xl'", true))
		walk_mapping(ld, vm, xl_entry);
}

static const struct enum_word type_words[] = {
	{ "pvh", VM_PVH }, { "hvm", VM_HVM }, { "pv", VM_PV }, { NULL, 0 },
};
static const struct enum_word vuart_words[] = { { "sbsa_uart", 0 }, { NULL, 0 } };

/* Keys a VM may have; the first three may not be given in `defaults`. */
static const struct key_row vm_keys[] = {
	{ "name",          K_CUSTOM, .required = true, .fn = vm_name },
	{ "shm",           K_LIST,   .item = shm_item },
	{ "depends_on",    K_LIST,   .item = depends_item },
	{ "type",          K_ENUM,   .keys = true, .off = KEYS(type_text), .words = type_words, .val = VM(type) },
	{ "memory",        K_SIZE,   .keys = true, .off = KEYS(memory) },
	{ "vcpus",         K_INT,    .keys = true, .off = KEYS(vcpus), .lo = 1, .hi = 128 },
	{ "kernel",        K_STRING, .keys = true, .off = KEYS(kernel), .what = "a path" },
	{ "ramdisk",       K_STRING, .keys = true, .off = KEYS(ramdisk), .what = "a path" },
	{ "cmdline",       K_STRING, .keys = true, .off = KEYS(cmdline), .what = "a string" },
	{ "device_tree",   K_STRING, .keys = true, .off = KEYS(device_tree), .what = "a path" },
	{ "vuart",         K_ENUM,   .keys = true, .off = KEYS(vuart), .words = vuart_words, .val = NO_FIELD },
	{ "passthrough",   K_CUSTOM, .fn = vm_passthrough },
	{ "dom0less_node", K_CUSTOM, .fn = vm_dom0less_node },
	{ "xl",            K_CUSTOM, .fn = vm_xl },
};
static const struct schema vm_schema = { "a VM", vm_keys, ARRAY_SIZE(vm_keys) };
static const struct schema defaults_schema = {
	"'defaults' (which takes every VM key but name, shm and depends_on)",
	vm_keys + 3, ARRAY_SIZE(vm_keys) - 3,
};

static void vms_item(struct loader *ld, void *obj, size_t i)
{
	struct topology *t = obj;
	struct srcpos pos = ev_pos(ld);
	struct vm *vm;

	(void)i;
	if (!enter(ld, YAML_MAPPING_START_EVENT, "each 'vms' entry", false))
		return;
	if (t->nvms >= MAX_VMS) {
		if (!t->vms_dropped++)
			report(ld->d, C_TYPE, &pos, "more than %d VMs: Xen runs at most %d domains",
			       MAX_VMS, MAX_VMS);
		skip_node(ld);
		return;
	}
	vm = topology_add_vm(t);
	vm->pos = pos;
	/* the mappings grow in the loader's array, then move to the arena at their size */
	ld->ngiven = 0;
	read_schema(ld, &vm_schema, vm, &pos);
	/* the mappings, then their given `at` and `size`: mapping_given() */
	vm->maps = arena_alloc(&t->arena, vm->nmaps * sizeof(*vm->maps) +
				       ld->ngiven * sizeof(*ld->given));
	if (vm->nmaps)
		memcpy(vm->maps, ld->maps, vm->nmaps * sizeof(*vm->maps));
	if (ld->ngiven)
		memcpy(vm->maps + vm->nmaps, ld->given, ld->ngiven * sizeof(*ld->given));
	if (vm->ndepends_on)
		vm->depends_on = arena_memdup(&t->arena, ld->deps,
					      vm->ndepends_on * sizeof(*vm->depends_on));
	topology_link_vm(t, vm);
}

/* ---- regions ---- */

static const struct key_row region_keys[] = {
	{ "size",        K_SIZE,   .off = REGION(size) },
	{ "owner",       K_STRING, .off = REGION(owner_name), .what = "a VM name" },
	{ "host",        K_ADDR,   .off = REGION(host) },
	{ "align",       K_SIZE,   .off = REGION(align) },
	{ "description", K_STRING, .off = REGION(description), .what = "a string" },
};
static const struct schema region_schema = { "a region", region_keys, ARRAY_SIZE(region_keys) };

static void regions_entry(struct loader *ld, void *obj, const char *key, const struct srcpos *kpos)
{
	struct topology *t = obj;
	struct region *r;
	struct region_decl *decl;

	if (!check_region_id(ld, key, kpos, NULL)) {
		skip_node(ld);
		return;
	}
	r = topology_region(t, key);
	if (r->declared) {	/* duplicate-key reads only the first */
		skip_node(ld);
		return;
	}
	r->declared = true;
	r->decl = decl = arena_alloc(&t->arena, sizeof(*decl));
	decl->key_pos = *kpos;
	if (enter(ld, YAML_MAPPING_START_EVENT, "a region", true))
		read_schema(ld, &region_schema, decl, NULL);
}

/* ---- top level ---- */

static void top_version(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;
	struct str_at s = { 0 };
	const char *why;
	uint64_t v;

	(void)kpos;
	if (!read_scalar(ld, "version", "1", &s))
		return;
	if (parse_number(s.s, &v, &why) || v != 1)
		report(ld->d, C_VERSION, &s.pos, "unsupported format version '%s'; this tool reads "
		       "version 1", q(s.s));
	else {
		t->version = (struct num_at){ v, s.pos };
		t->version.pos.set = true;
	}
}

static void top_name(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;
	const char *s;

	(void)kpos;
	if (!read_scalar(ld, "name", "a project name", &t->name))
		return;
	s = t->name.s;
	if (!name_valid(NAME_PROJECT, s)) {
		report(ld->d, C_TYPE, &t->name.pos, "invalid project name '%s': it must match "
		       "[a-z0-9][a-z0-9_-]{0,31}", q(s));
		t->name.s = NULL;
	}
}

static void top_xen(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;
	struct srcpos pos = ev_pos(ld);

	t->xen_pos = *kpos;
	if (!enter(ld, YAML_MAPPING_START_EVENT, "'xen'", false))
		return;
	t->has_xen = true;
	read_schema(ld, &xen_schema, t, &pos);
}

static void top_defaults(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	struct topology *t = obj;

	(void)kpos;
	if (!enter(ld, YAML_MAPPING_START_EVENT, "'defaults'", true))
		return;
	t->has_defaults = true;
	read_schema(ld, &defaults_schema, &t->defaults, NULL);
}

static void top_vms(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	(void)kpos;
	if (enter(ld, YAML_SEQUENCE_START_EVENT, "'vms'", false))
		walk_sequence(ld, obj, vms_item);
}

static void top_regions(struct loader *ld, void *obj, const struct srcpos *kpos)
{
	(void)kpos;
	if (enter(ld, YAML_MAPPING_START_EVENT, "'regions'", true))
		walk_mapping(ld, obj, regions_entry);
}

static const struct key_row top_keys[] = {
	{ "version",  K_CUSTOM, .required = true, .fn = top_version },
	{ "name",     K_CUSTOM, .required = true, .fn = top_name },
	{ "xen",      K_CUSTOM, .required = true, .fn = top_xen },
	{ "defaults", K_CUSTOM, .fn = top_defaults },
	{ "vms",      K_CUSTOM, .required = true, .fn = top_vms },
	{ "regions",  K_CUSTOM, .fn = top_regions },
};
static const struct schema top_schema = { "the topology", top_keys, ARRAY_SIZE(top_keys) };

/*
 * Rules that need the whole file (xen may come after vms): values that are
 * valid alone but not for this arch, and required VM keys after defaults.
 */
static void after_load(struct loader *ld)
{
	struct topology *t = ld->t;
	bool arm = t->arch == ARCH_ARM64;
	size_t i;

	if (!arm && t->gic.pos.set)
		report(ld->d, C_TYPE, &t->gic.pos, "'gic' applies to arm64 only");
	/* x86 misfits given in defaults: said once there, not once per VM */
	if (!arm && t->defaults.k->vuart.s)
		report(ld->d, C_TYPE, &t->defaults.k->vuart.pos, "'vuart' applies to arm64 only");
	if (!arm && t->defaults.k->device_tree.s)
		report(ld->d, C_TYPE, &t->defaults.k->device_tree.pos,
		       "'device_tree' applies to arm64 only");
	if (arm && t->defaults.k->type_text.s && t->defaults.type != VM_PVH)
		report(ld->d, C_TYPE, &t->defaults.k->type_text.pos,
		       "type '%s' does not exist on arm64, where every guest is 'pvh'",
		       vm_type_name(t->defaults.type));
	topology_apply_defaults(t);
	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];

		if (arm && vm->type != VM_PVH && vm->k->type_text.s &&
		    srcpos_cmp(&vm->k->type_text.pos, &t->defaults.k->type_text.pos))
			report(ld->d, C_TYPE, &vm->k->type_text.pos,
			       "type '%s' does not exist on arm64, where every guest is 'pvh'",
			       vm_type_name(vm->type));
		if (arm && vm->type != VM_PVH)
			vm->type = VM_PVH;
		if (!arm && vm->k->vuart.s && srcpos_cmp(&vm->k->vuart.pos, &t->defaults.k->vuart.pos))
			report(ld->d, C_TYPE, &vm->k->vuart.pos, "'vuart' applies to arm64 only");
		if (!arm && vm->k->device_tree.s &&
		    srcpos_cmp(&vm->k->device_tree.pos, &t->defaults.k->device_tree.pos))
			report(ld->d, C_TYPE, &vm->k->device_tree.pos,
			       "'device_tree' applies to arm64 only");
		/* the node name defaults to the VM name, which may be too long for one */
		if (t->backend == BACKEND_DOM0LESS && !vm->k->dom0less_node.s && vm->name.s &&
		    strlen(vm->name.s) > name_max(NAME_DT_NODE))
			report(ld->d, C_TYPE, &vm->name.pos, "name '%s' is longer than 31 characters, "
			       "the limit of a device-tree node name; set 'dom0less_node'",
			       q(vm->name.s));
		if (!vm->k->memory.pos.set && !vm->k->memory.pos.line)
			report(ld->d, C_MISSING_KEY, &vm->pos, "missing key 'memory' in VM '%s' "
			       "(give it there or in 'defaults')", vm->name.s ? q(vm->name.s) : "?");
		if (!vm->k->kernel.s && !vm->k->kernel.pos.line)
			report(ld->d, C_MISSING_KEY, &vm->pos, "missing key 'kernel' in VM '%s' "
			       "(give it there or in 'defaults')", vm->name.s ? q(vm->name.s) : "?");
	}
}

int load_topology(struct topology *t, struct diag_set *d)
{
	struct loader ld = { 0 };

	ld.t = t;
	ld.d = d;
	ld.src = t->src;
	ld.root_pos = srcpos_at(1, 1, 0);
	ld.ev = &no_event;
	if (evstream_init(&ld.es, t->src)) {
		report(d, C_YAML_SYNTAX, &ld.root_pos, "cannot initialise the YAML parser");
		return -1;
	}

	if (next(&ld) && next(&ld)) {	/* STREAM-START, then a document or the end */
		if (ld.ev->type == YAML_DOCUMENT_START_EVENT && next(&ld)) {
			ld.root_pos = ev_pos(&ld);
			ld.root_pos.len = 0;
			if (enter(&ld, YAML_MAPPING_START_EVENT, "the topology", false))
				read_schema(&ld, &top_schema, t, &ld.root_pos);
			if (next(&ld) && next(&ld) && ld.ev->type == YAML_DOCUMENT_START_EVENT) {
				struct srcpos pos = ev_pos(&ld);
				report(d, C_YAML_SYNTAX, &pos,
				       "a topology is one YAML document; a second one starts here");
				ld.failed = true;
			}
		} else if (ld.ev->type == YAML_STREAM_END_EVENT) {
			want_required(&ld, &top_schema, 0, &ld.root_pos, " (the file is empty)");
		}
	}
	evstream_release(&ld.es);
	free(ld.maps);
	free(ld.given);
	free(ld.deps);
	topology_gather_members(t);
	ld.ev = &no_event;
	if (ld.failed)
		return -1;
	after_load(&ld);
	return 0;
}
