/* sy_lib.c — minimal Liberty reader (see sy_lib.h).
 *
 * Grammar handled (enough for osu018 and the usual open PDK libraries):
 *   statement := NAME ':' value [';']                      simple attribute
 *              | NAME '(' [arg {',' arg}] ')' ';'           complex attribute
 *              | NAME '(' [arg {',' arg}] ')' '{' statement* '}'   group
 * Comments are C style; a backslash before a newline continues the line.
 */
#include "sy_lib.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sy_io.h"
#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Generic tree                                                                           */

typedef struct sy_lnode sy_lnode;
struct sy_lnode {
    char *key;
    char *value; /* simple attribute value, NULL for groups / complex attrs */
    char **args; /* group or complex attribute arguments */
    int nargs;
    int is_group;
    sy_lnode **kids;
    int nkids, capkids;
};

struct sy_lib {
    sy_lnode *root;
    sy_cell *cells;
    int ncells;
};

static void node_free(sy_lnode *n)
{
    if (!n) return;
    for (int i = 0; i < n->nkids; i++) node_free(n->kids[i]);
    for (int i = 0; i < n->nargs; i++) free(n->args[i]);
    free(n->args);
    free(n->kids);
    free(n->key);
    free(n->value);
    free(n);
}

static void node_add(sy_lnode *parent, sy_lnode *kid)
{
    if (parent->nkids == parent->capkids) {
        parent->capkids = parent->capkids ? 2 * parent->capkids : 8;
        parent->kids = sy_xrealloc(parent->kids, (size_t)parent->capkids * sizeof *parent->kids);
    }
    parent->kids[parent->nkids++] = kid;
}

/* Returns the value of simple attribute `key` of group n, or NULL. */
static const char *node_attr(const sy_lnode *n, const char *key)
{
    for (int i = 0; i < n->nkids; i++)
        if (!n->kids[i]->is_group && n->kids[i]->value && strcmp(n->kids[i]->key, key) == 0)
            return n->kids[i]->value;
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Tokenizer                                                                              */

typedef enum { TK_EOF, TK_WORD, TK_STRING, TK_PUNCT } tk_kind;

typedef struct {
    const char *p, *end;
    int line;
    tk_kind kind;
    char *text; /* WORD / STRING contents (malloced) */
    char punct; /* PUNCT char */
    char *err;
    size_t errlen;
    const char *path;
    int failed;
    int depth; /* group nesting */
} lexer;

/* Deepest group nesting accepted (Liberty files use a handful of levels). */
#define MAX_GROUP_DEPTH 64

static void lex_error(lexer *lx, const char *msg)
{
    if (!lx->failed) snprintf(lx->err, lx->errlen, "%s:%d: %s", lx->path, lx->line, msg);
    lx->failed = 1;
}

static void skip_space(lexer *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->p++;
        } else if (isspace((unsigned char)c) || c == '\\')
            lx->p++;
        else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
            lx->p += 2;
            while (lx->p + 1 < lx->end && !(lx->p[0] == '*' && lx->p[1] == '/')) {
                if (*lx->p == '\n') lx->line++;
                lx->p++;
            }
            lx->p += 2;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n') lx->p++;
        } else
            break;
    }
}

static int is_punct(char c)
{
    return c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',';
}

/* Advances to the next token. */
static void lex_next(lexer *lx)
{
    free(lx->text);
    lx->text = NULL;
    skip_space(lx);
    if (lx->p >= lx->end) {
        lx->kind = TK_EOF;
        return;
    }
    char c = *lx->p;
    if (is_punct(c)) {
        lx->kind = TK_PUNCT;
        lx->punct = c;
        lx->p++;
        return;
    }
    if (c == '"') {
        const char *s = ++lx->p;
        while (lx->p < lx->end && *lx->p != '"') {
            if (*lx->p == '\n') lx->line++;
            lx->p++;
        }
        if (lx->p >= lx->end) {
            lex_error(lx, "unterminated string");
            lx->kind = TK_EOF;
            return;
        }
        lx->text = sy_strndup(s, (size_t)(lx->p - s));
        lx->p++;
        lx->kind = TK_STRING;
        return;
    }
    const char *s = lx->p;
    while (lx->p < lx->end && !isspace((unsigned char)*lx->p) && !is_punct(*lx->p) && *lx->p != '"') lx->p++;
    lx->text = sy_strndup(s, (size_t)(lx->p - s));
    lx->kind = TK_WORD;
}

static int lex_is(const lexer *lx, char c) { return lx->kind == TK_PUNCT && lx->punct == c; }

/* ------------------------------------------------------------------------------------ */
/* Parser                                                                                 */

static sy_lnode *parse_statement(lexer *lx);

/* Parses statements until '}' (consumed) or EOF (error unless top level). */
static void parse_body(lexer *lx, sy_lnode *group, int top)
{
    while (!lx->failed) {
        if (lx->kind == TK_EOF) {
            if (!top) lex_error(lx, "unexpected end of file (missing '}')");
            return;
        }
        if (lex_is(lx, '}')) {
            if (top) {
                lex_error(lx, "unbalanced '}'");
                return;
            }
            lex_next(lx);
            return;
        }
        if (lex_is(lx, ';')) {
            lex_next(lx);
            continue;
        }
        sy_lnode *kid = parse_statement(lx);
        if (kid) node_add(group, kid);
    }
}

/* "key : value ;" after the ':': the value into n (a few libraries write unquoted multi-word
   values: words up to ';' on the same line are joined). 0, or -1 after a lexer error. */
static int parse_value(lexer *lx, sy_lnode *n)
{
    if (lx->kind != TK_WORD && lx->kind != TK_STRING) {
        lex_error(lx, "expected a value after ':'");
        return -1;
    }
    size_t len = strlen(lx->text);
    n->value = sy_strndup(lx->text, len);
    int line = lx->line;
    lex_next(lx);
    while ((lx->kind == TK_WORD || lx->kind == TK_STRING) && lx->line == line) {
        size_t add = strlen(lx->text);
        n->value = sy_xrealloc(n->value, len + add + 2);
        n->value[len] = ' ';
        memcpy(n->value + len + 1, lx->text, add + 1);
        len += add + 1;
        lex_next(lx);
    }
    if (lex_is(lx, ';')) lex_next(lx);
    return 0;
}

/* "key ( arg, ... )" after the '(': the arguments into n, up to and including ')'. 0, or -1
   after a lexer error. */
static int parse_arglist(lexer *lx, sy_lnode *n)
{
    int cap = 0;
    while (!lx->failed && !lex_is(lx, ')')) {
        if (lx->kind == TK_EOF) {
            lex_error(lx, "unterminated argument list");
            break;
        }
        if (lex_is(lx, ',')) {
            lex_next(lx);
            continue;
        }
        if (lx->kind != TK_WORD && lx->kind != TK_STRING) {
            lex_error(lx, "bad argument");
            break;
        }
        if (n->nargs == cap) {
            cap = cap ? 2 * cap : 4;
            n->args = sy_xrealloc(n->args, (size_t)cap * sizeof *n->args);
        }
        n->args[n->nargs++] = lx->text;
        lx->text = NULL;
        lex_next(lx);
    }
    if (lx->failed) return -1;
    lex_next(lx); /* ')' */
    return 0;
}

/* One statement: "key : value ;", "key ( args ) ;" or the group "key ( args ) { ... }".
   NULL after a lexer error. */
static sy_lnode *parse_statement(lexer *lx)
{
    if (lx->kind != TK_WORD) {
        lex_error(lx, "expected an attribute or group name");
        return NULL;
    }
    sy_lnode *n = sy_xcalloc(1, sizeof *n);
    n->key = lx->text;
    lx->text = NULL;
    lex_next(lx);
    if (lex_is(lx, ':')) {
        lex_next(lx);
        if (parse_value(lx, n) == 0) return n;
        node_free(n);
        return NULL;
    }
    if (!lex_is(lx, '(')) {
        lex_error(lx, "expected ':' or '('");
        node_free(n);
        return NULL;
    }
    lex_next(lx);
    if (parse_arglist(lx, n) != 0) {
        node_free(n);
        return NULL;
    }
    if (lex_is(lx, '{')) {
        n->is_group = 1;
        if (++lx->depth > MAX_GROUP_DEPTH) {
            lex_error(lx, "groups nested more than 64 deep");
            node_free(n);
            return NULL;
        }
        lex_next(lx);
        parse_body(lx, n, 0);
        lx->depth--;
    } else if (lex_is(lx, ';')) {
        lex_next(lx);
    }
    return n;
}

/* ------------------------------------------------------------------------------------ */
/* Cell extraction                                                                        */

static sy_pin_dir pin_dir(const char *s)
{
    if (!s) return SY_PIN_INTERNAL;
    if (strcmp(s, "input") == 0) return SY_PIN_INPUT;
    if (strcmp(s, "output") == 0) return SY_PIN_OUTPUT;
    if (strcmp(s, "inout") == 0) return SY_PIN_INOUT;
    return SY_PIN_INTERNAL;
}

/* -1 with err when the cell's area is present but not a number >= 0. */
static int extract_cell(const sy_lnode *g, sy_cell *c, const char *path, char *err, size_t errlen)
{
    c->name = g->nargs > 0 ? g->args[0] : "";
    const char *area = node_attr(g, "area");
    c->area = 0.0;
    if (area && sy_parse_double(area, 0, 1e12, &c->area) != 0) {
        snprintf(err, errlen, "%s: cell %.80s: area \"%.40s\" is not a number >= 0", path, c->name, area);
        return -1;
    }
    int np = 0, ns = 0;
    for (int i = 0; i < g->nkids; i++) {
        const sy_lnode *k = g->kids[i];
        if (!k->is_group) continue;
        if (strcmp(k->key, "pin") == 0)
            np += k->nargs > 0 ? k->nargs : 0;
        else if (strcmp(k->key, "ff") == 0 || strcmp(k->key, "latch") == 0)
            ns++;
        else if (strcmp(k->key, "statetable") == 0 || strcmp(k->key, "bus") == 0 ||
                 strcmp(k->key, "bundle") == 0 || strcmp(k->key, "ff_bank") == 0 ||
                 strcmp(k->key, "latch_bank") == 0)
            c->unsupported = 1;
    }
    sy_pin *pins = sy_xcalloc((size_t)(np ? np : 1), sizeof *pins);
    sy_seq *seq = sy_xcalloc((size_t)(ns ? ns : 1), sizeof *seq);
    np = ns = 0;
    for (int i = 0; i < g->nkids; i++) {
        const sy_lnode *k = g->kids[i];
        if (!k->is_group) continue;
        if (strcmp(k->key, "pin") == 0) {
            for (int a = 0; a < k->nargs; a++) {
                sy_pin *p = &pins[np++];
                p->name = k->args[a];
                p->dir = pin_dir(node_attr(k, "direction"));
                p->function = node_attr(k, "function");
                p->three_state = node_attr(k, "three_state");
                const char *ck = node_attr(k, "clock"), *cap = node_attr(k, "capacitance");
                p->clock = ck && strcmp(ck, "true") == 0;
                if (cap && sy_parse_double(cap, 0, 1e6, &p->cap_pf) != 0) {
                    snprintf(err, errlen,
                             "%s: cell %.80s pin %.40s: capacitance \"%.40s\" is not a number >= 0", path,
                             c->name, p->name, cap);
                    free(pins);
                    free(seq);
                    return -1;
                }
            }
        } else if (strcmp(k->key, "ff") == 0 || strcmp(k->key, "latch") == 0) {
            sy_seq *s = &seq[ns++];
            s->is_latch = k->key[0] == 'l';
            s->var1 = k->nargs > 0 ? k->args[0] : NULL;
            s->var2 = k->nargs > 1 ? k->args[1] : NULL;
            s->clocked_on = node_attr(k, "clocked_on");
            s->next_state = node_attr(k, "next_state");
            s->enable = node_attr(k, "enable");
            s->data_in = node_attr(k, "data_in");
            s->clear = node_attr(k, "clear");
            s->preset = node_attr(k, "preset");
            s->clear_preset_var1 = node_attr(k, "clear_preset_var1");
            s->clear_preset_var2 = node_attr(k, "clear_preset_var2");
            if (!s->var1 || (!s->is_latch && (!s->clocked_on || !s->next_state)) ||
                (s->is_latch && (!s->enable || !s->data_in)))
                c->unsupported = 1;
        }
    }
    c->npins = np;
    c->pins = pins;
    c->nseq = ns;
    c->seq = seq;
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Public API                                                                             */

sy_lib *sy_lib_read(const char *path, char *err, size_t errlen)
{
    size_t size;
    char rerr[768];
    char *text = sy_read_file(path, &size, rerr, sizeof rerr);
    if (!text) {
        snprintf(err, errlen, "liberty file: %s", rerr);
        return NULL;
    }
    sy_lib *lib = sy_lib_parse(text, size, path, err, errlen);
    free(text);
    return lib;
}

sy_lib *sy_lib_parse(const char *text, size_t size, const char *path, char *err, size_t errlen)
{
    lexer lx = {.p = text, .end = text + size, .line = 1, .err = err, .errlen = errlen, .path = path};
    sy_lnode *root = sy_xcalloc(1, sizeof *root);
    root->key = sy_strdup("<file>");
    root->is_group = 1;
    lex_next(&lx);
    parse_body(&lx, root, 1);
    free(lx.text);
    if (lx.failed) {
        node_free(root);
        return NULL;
    }
    const sy_lnode *libg = NULL;
    for (int i = 0; i < root->nkids; i++)
        if (root->kids[i]->is_group && strcmp(root->kids[i]->key, "library") == 0) libg = root->kids[i];
    if (!libg) {
        snprintf(err, errlen, "%s: no library group: not a Liberty file", path);
        node_free(root);
        return NULL;
    }
    sy_lib *lib = sy_xcalloc(1, sizeof *lib);
    lib->root = root;
    int n = 0;
    for (int i = 0; i < libg->nkids; i++)
        if (libg->kids[i]->is_group && strcmp(libg->kids[i]->key, "cell") == 0) n++;
    lib->cells = sy_xcalloc((size_t)(n ? n : 1), sizeof *lib->cells);
    for (int i = 0; i < libg->nkids; i++)
        if (libg->kids[i]->is_group && strcmp(libg->kids[i]->key, "cell") == 0 &&
            extract_cell(libg->kids[i], &lib->cells[lib->ncells++], path, err, errlen) != 0) {
            sy_lib_free(lib);
            return NULL;
        }
    if (lib->ncells == 0) {
        snprintf(err, errlen, "%s: library has no cells", path);
        sy_lib_free(lib);
        return NULL;
    }
    return lib;
}

void sy_lib_free(sy_lib *lib)
{
    if (!lib) return;
    for (int i = 0; i < lib->ncells; i++) {
        free(lib->cells[i].pins);
        free(lib->cells[i].seq);
    }
    free(lib->cells);
    node_free(lib->root);
    free(lib);
}

const char *sy_lib_name(const sy_lib *lib)
{
    for (int i = 0; i < lib->root->nkids; i++)
        if (strcmp(lib->root->kids[i]->key, "library") == 0 && lib->root->kids[i]->nargs > 0)
            return lib->root->kids[i]->args[0];
    return "";
}

int sy_lib_ncells(const sy_lib *lib) { return lib->ncells; }

const sy_cell *sy_lib_cell(const sy_lib *lib, int i)
{
    assert(i >= 0 && i < lib->ncells);
    return &lib->cells[i];
}

const sy_cell *sy_lib_find(const sy_lib *lib, const char *name)
{
    for (int i = 0; i < lib->ncells; i++)
        if (strcmp(lib->cells[i].name, name) == 0) return &lib->cells[i];
    return NULL;
}
