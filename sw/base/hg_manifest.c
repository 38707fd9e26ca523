/* hg_manifest.c — see hg_manifest.h. */
#include "hg_manifest.h"

#include "hg_config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hg_file.h"
#include "hg_util.h"

/* ---- allocation (out of memory ends the program: a reader has nothing to recover) ---- */

static void *oom(void *p)
{
    if (!p) {
        fputs("out of memory\n", stderr);
        abort();
    }
    return p;
}
static void *xcalloc(size_t n, size_t size) { return oom(calloc(n ? n : 1, size ? size : 1)); }
static void *xrealloc(void *p, size_t n) { return oom(realloc(p, n ? n : 1)); }
static char *xstrdup(const char *s) { return oom(strdup(s)); }
static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : oom(malloc((size_t)n + 1));
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return oom(s);
}

/* An identifier of at most HG_MANIFEST_MAX_NAME characters. */
static int is_name(const char *s) { return hg_is_ident(s) && strlen(s) <= HG_MANIFEST_MAX_NAME; }

/* A plain file name of the directory: [A-Za-z0-9_][A-Za-z0-9_.-]*, at most
   HG_MANIFEST_MAX_NAME characters (no '/', no leading '.' or '-'). */
static int is_filename(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HG_MANIFEST_MAX_NAME || s[0] == '.' || s[0] == '-') return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isascii((unsigned char)s[i]) && (isalnum((unsigned char)s[i]) || strchr("_.-", s[i]))))
            return 0;
    return 1;
}

/* 1 if dir/f is a regular file. */
static int is_file_of(const char *dir, const char *f)
{
    char *full = xasprintf("%s/%s", dir, f);
    struct stat st;
    int ok = stat(full, &st) == 0 && S_ISREG(st.st_mode);
    free(full);
    return ok;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int valid_block(const hg_manifest *m, const char *b)
{
    for (int i = 0; i < m->nblocks; i++)
        if (strcmp(m->blocks[i], b) == 0) return 1;
    return 0;
}

/* "blocks": 1..HG_MAX_BLOCKS objects with a "name", an identifier, each once. */
static int read_blocks(const cJSON *jb, hg_manifest *m, const char *path, char *err, size_t errlen)
{
    int n = cJSON_IsArray(jb) ? cJSON_GetArraySize(jb) : 0;
    if (n < 1 || n > HG_MAX_BLOCKS) {
        snprintf(err, errlen,
                 "%s: \"blocks\" missing or not an array of 1..%d blocks (a manifest of "
                 "an older hadgen? regenerate the RTL)",
                 path, HG_MAX_BLOCKS);
        return -1;
    }
    m->blocks = xcalloc((size_t)n, sizeof *m->blocks);
    for (int i = 0; i < n; i++) {
        const char *name = jstr(cJSON_GetArrayItem(jb, i), "name");
        if (!name || !is_name(name)) {
            snprintf(err, errlen, "%s: blocks[%d]: \"name\" missing or not an identifier", path, i);
            return -1;
        }
        if (valid_block(m, name)) {
            snprintf(err, errlen, "%s: block %s listed twice", path, name);
            return -1;
        }
        m->blocks[m->nblocks++] = xstrdup(name);
    }
    return 0;
}

/* Integer field `key` of o in [lo, hi] into *v; dflt when absent. -1 with a message naming
 * the file, the place (what), the key and the value when present but not such an integer. */
static int jint(const cJSON *o, const char *key, double lo, double hi, double dflt, double *v,
                const char *path, const char *what, char *err, size_t errlen)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j) {
        *v = dflt;
        return 0;
    }
    double x = cJSON_IsNumber(j) ? j->valuedouble : NAN;
    if (!isfinite(x) || x != floor(x) || x < lo || x > hi) {
        char *txt = cJSON_PrintUnformatted(j);
        snprintf(err, errlen, "%s: %s%s is %.40s: must be an integer in %.0f..%.0f", path, what, key,
                 txt ? txt : "?", lo, hi);
        free(txt);
        return -1;
    }
    *v = x;
    return 0;
}

/* Limits of the manifest's numbers (generous: they keep every product of them in range). */
#define MAX_PARAM 1048576.0
#define MAX_COUNT 16777216.0

static int read_ports(const cJSON *jm, hg_mmod *mod, const char *path, char *err, size_t errlen)
{
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(jm, "ports");
    if (!cJSON_IsArray(jp) || cJSON_GetArraySize(jp) == 0) {
        snprintf(err, errlen, "%s: module %s: \"ports\" missing or empty", path, mod->name);
        return -1;
    }
    int n = cJSON_GetArraySize(jp);
    mod->ports = xcalloc((size_t)n, sizeof *mod->ports);
    char *what = xasprintf("module %s: port ", mod->name);
    for (int i = 0; i < n; i++) {
        const cJSON *p = cJSON_GetArrayItem(jp, i);
        const char *name = jstr(p, "name"), *dir = jstr(p, "dir");
        double w = 0;
        if (!name || !dir || !cJSON_GetObjectItemCaseSensitive(p, "width")) {
            snprintf(err, errlen, "%s: module %s: port %d needs name, dir and width", path, mod->name, i);
            break;
        }
        if (!is_name(name)) {
            snprintf(err, errlen,
                     "%s: module %s: port name \"%.80s\" is not an identifier "
                     "([A-Za-z_][A-Za-z0-9_]*, at most %d characters)",
                     path, mod->name, name, HG_MANIFEST_MAX_NAME);
            break;
        }
        if (jint(p, "width", 1, 1e6, 0, &w, path, what, err, errlen) != 0) break;
        int dup = 0;
        for (int k = 0; k < mod->nports; k++) dup |= strcmp(mod->ports[k].name, name) == 0;
        if (dup) {
            snprintf(err, errlen, "%s: module %s: port %s listed twice", path, mod->name, name);
            break;
        }
        hg_mport *mp = &mod->ports[mod->nports++];
        mp->name = xstrdup(name);
        mp->width = (int)w;
        if (strcmp(dir, "input") == 0)
            mp->dir = HG_DIR_IN;
        else if (strcmp(dir, "output") == 0)
            mp->dir = HG_DIR_OUT;
        else if (strcmp(dir, "inout") == 0)
            mp->dir = HG_DIR_INOUT;
        else {
            snprintf(err, errlen, "%s: module %s: port %s has dir \"%.40s\" (valid: input, output, inout)",
                     path, mod->name, name, dir);
            break;
        }
    }
    free(what);
    return mod->nports == n ? 0 : -1;
}

/* "sources" of a module: absent, or 1..8 plain file names of the directory (the hand-written
   blocks its body instantiates), each a regular file there. */
static int read_sources(const cJSON *js, hg_mmod *mod, const hg_manifest *m, const char *path, char *err,
                        size_t errlen)
{
    if (!js) return 0;
    int n = cJSON_IsArray(js) ? cJSON_GetArraySize(js) : 0;
    if (n < 1 || n > 8) {
        snprintf(err, errlen, "%s: module %s: \"sources\" must be an array of 1..8 file names", path,
                 mod->name);
        return -1;
    }
    mod->sources = xcalloc((size_t)n, sizeof *mod->sources);
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(js, i);
        const char *f = cJSON_IsString(x) ? x->valuestring : NULL;
        if (!f || !is_filename(f)) {
            snprintf(err, errlen,
                     "%s: module %s: sources[%d] is not a plain file name of the directory "
                     "([A-Za-z0-9_][A-Za-z0-9_.-]*)",
                     path, mod->name, i);
            return -1;
        }
        if (!is_file_of(m->dir, f)) {
            snprintf(err, errlen, "%s: module %s: source %s is not a file of %s", path, mod->name, f, m->dir);
            return -1;
        }
        mod->sources[mod->nsources++] = xstrdup(f);
    }
    return 0;
}

/* A cell name of a unit's module: identifiers joined by '.', each with an optional decimal
   [index] (a generate loop's instance: "g_lane[3].g_xnor.u_lane"). */
static int valid_cell(const char *s)
{
    if (strlen(s) > 2 * HG_MANIFEST_MAX_NAME) return 0;
    for (;;) {
        if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
        while (isalnum((unsigned char)*s) || *s == '_') s++;
        if (*s == '[') {
            if (!isdigit((unsigned char)*++s)) return 0;
            while (isdigit((unsigned char)*s)) s++;
            if (*s++ != ']') return 0;
        }
        if (*s == '\0') return 1;
        if (*s++ != '.') return 0;
    }
}

/* "module", "params" and "children" of a unit (all optional). */
static int read_unit(const cJSON *jm, hg_mmod *mod, const char *path, char *err, size_t errlen)
{
    const char *module = jstr(jm, "module");
    if (module && !is_name(module)) {
        snprintf(err, errlen, "%s: module %s: \"module\" \"%.80s\" is not an identifier", path, mod->name,
                 module);
        return -1;
    }
    mod->module = xstrdup(module ? module : mod->name);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(jm, "params"), *p;
    if (params && (!cJSON_IsObject(params) || !module)) {
        snprintf(err, errlen, "%s: module %s: \"params\" must be an object, beside \"module\"", path,
                 mod->name);
        return -1;
    }
    int n = params ? cJSON_GetArraySize(params) : 0;
    mod->param_names = xcalloc((size_t)n + 1, sizeof *mod->param_names);
    mod->param_values = xcalloc((size_t)n + 1, sizeof *mod->param_values);
    cJSON_ArrayForEach(p, params)
    {
        if (!is_name(p->string) || !cJSON_IsNumber(p) || p->valuedouble != (double)(long)p->valuedouble ||
            p->valuedouble < 0 || p->valuedouble > MAX_COUNT) {
            snprintf(err, errlen,
                     "%s: module %s: parameter \"%.40s\" must be an identifier with an integer value "
                     "0..%.0f",
                     path, mod->name, p->string, (double)MAX_COUNT);
            return -1;
        }
        mod->param_names[mod->nparams] = xstrdup(p->string);
        mod->param_values[mod->nparams++] = (long)p->valuedouble;
    }
    const cJSON *kids = cJSON_GetObjectItemCaseSensitive(jm, "children"), *k;
    if (kids && !cJSON_IsArray(kids)) {
        snprintf(err, errlen, "%s: module %s: \"children\" is not an array", path, mod->name);
        return -1;
    }
    n = kids ? cJSON_GetArraySize(kids) : 0;
    mod->child_cells = xcalloc((size_t)n + 1, sizeof *mod->child_cells);
    mod->child_units = xcalloc((size_t)n + 1, sizeof *mod->child_units);
    cJSON_ArrayForEach(k, kids)
    {
        const char *cell = jstr(k, "cell"), *unit = jstr(k, "unit");
        if (!cell || !unit || !valid_cell(cell) || !is_name(unit)) {
            snprintf(err, errlen,
                     "%s: module %s: children[%d] must be {\"cell\": a cell name, \"unit\": a module "
                     "name}",
                     path, mod->name, mod->nchildren);
            return -1;
        }
        mod->child_cells[mod->nchildren] = xstrdup(cell);
        mod->child_units[mod->nchildren++] = xstrdup(unit);
    }
    return 0;
}

/* Every child of a unit is a unit of the manifest. */
static int check_children(const hg_manifest *m, const char *path, char *err, size_t errlen)
{
    for (int i = 0; i < m->nmods; i++)
        for (int k = 0; k < m->mods[i].nchildren; k++)
            if (!hg_manifest_find(m, m->mods[i].child_units[k])) {
                snprintf(err, errlen,
                         "%s: module %s: child %s is of unit \"%s\", which is not in \"modules\"", path,
                         m->mods[i].name, m->mods[i].child_cells[k], m->mods[i].child_units[k]);
                return -1;
            }
    return 0;
}

static int read_module(const cJSON *jm, hg_mmod *mod, const hg_manifest *m, const char *path, char *err,
                       size_t errlen)
{
    const char *name = jstr(jm, "name"), *file = jstr(jm, "file"), *block = jstr(jm, "block");
    if (!name || !file || !block) {
        snprintf(err, errlen, "%s: a module entry lacks name, file or block", path);
        return -1;
    }
    if (!is_name(name)) {
        snprintf(err, errlen,
                 "%s: module name \"%.80s\" is not an identifier ([A-Za-z_][A-Za-z0-9_]*, at most "
                 "%d characters)",
                 path, name, HG_MANIFEST_MAX_NAME);
        return -1;
    }
    if (hg_manifest_find(m, name)) {
        snprintf(err, errlen, "%s: module %s listed twice", path, name);
        return -1;
    }
    if (!is_filename(file)) {
        snprintf(err, errlen,
                 "%s: module %s: file \"%.80s\" is not a plain file name of the directory "
                 "([A-Za-z0-9_][A-Za-z0-9_.-]*)",
                 path, name, file);
        return -1;
    }
    mod->name = xstrdup(name);
    mod->file = xstrdup(file);
    mod->block = xstrdup(block);
    if (!valid_block(m, block)) {
        snprintf(err, errlen, "%s: module %s: block \"%.40s\" is not one of the manifest's \"blocks\"", path,
                 name, block);
        return -1;
    }
    if (read_sources(cJSON_GetObjectItemCaseSensitive(jm, "sources"), mod, m, path, err, errlen) != 0 ||
        read_unit(jm, mod, path, err, errlen) != 0)
        return -1;
    char *what = xasprintf("module %s: ", name);
    double inst = 0;
    int bad = jint(jm, "instances", 1, MAX_COUNT, 0, &inst, path, what, err, errlen) != 0;
    if (!bad && inst < 1) {
        snprintf(err, errlen, "%s: module %s: \"instances\" missing (an integer >= 1)", path, name);
        bad = 1;
    }
    mod->instances = (int)inst;
    if (!bad && !is_file_of(m->dir, file)) {
        snprintf(err, errlen, "%s: module %s: file %s is not a file of %s", path, name, file, m->dir);
        bad = 1;
    }
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(jm, "capture");
    mod->capture = cJSON_IsBool(cap) ? cJSON_IsTrue(cap) : -1;
    if (!bad && cap && !cJSON_IsBool(cap)) {
        snprintf(err, errlen, "%s: module %s: \"capture\" must be true or false", path, name);
        bad = 1;
    }
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(jm, "memory");
    mod->is_memory = strcmp(block, "memory") == 0;
    if (!bad && mod->is_memory) {
        double words = 0, width = 0, rp = 1, wp = 1;
        if (!cJSON_IsObject(mem)) {
            snprintf(err, errlen, "%s: memory module %s has no \"memory\" object", path, name);
            bad = 1;
        } else {
            free(what);
            what = xasprintf("memory module %s: ", name);
            bad = jint(mem, "words", 1, MAX_COUNT, 0, &words, path, what, err, errlen) != 0 ||
                  jint(mem, "width", 1, MAX_COUNT, 0, &width, path, what, err, errlen) != 0 ||
                  jint(mem, "read_ports", 0, 64, 1, &rp, path, what, err, errlen) != 0 ||
                  jint(mem, "write_ports", 0, 64, 1, &wp, path, what, err, errlen) != 0;
            if (!bad && (words < 1 || width < 1)) {
                snprintf(err, errlen, "%s: memory module %s: words and width must be given (integers >= 1)",
                         path, name);
                bad = 1;
            }
        }
        mod->words = (long)words;
        mod->width = (long)width;
        mod->read_ports = (int)rp;
        mod->write_ports = (int)wp;
    }
    free(what);
    return bad ? -1 : read_ports(jm, mod, path, err, errlen);
}

/* Reads filelist.f: one file per line, '#' or '//' comments, '+'/'-' options skipped,
 * optional directory prefix. Every file must be one of a module of the manifest. */
static int read_filelist(hg_manifest *m, char *err, size_t errlen)
{
    char *path = xasprintf("%s/filelist.f", m->dir);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        free(path);
        int n = 0;
        for (int i = 0; i < m->nmods; i++) n += 1 + m->mods[i].nsources;
        m->files = xcalloc((size_t)n, sizeof *m->files);
        for (int i = 0; i < m->nmods; i++) {
            for (int k = 0; k <= m->mods[i].nsources; k++) {
                const char *f = k < m->mods[i].nsources ? m->mods[i].sources[k] : m->mods[i].file;
                int seen = 0;
                for (int j = 0; j < m->nfiles; j++) seen |= strcmp(m->files[j], f) == 0;
                if (!seen) m->files[m->nfiles++] = xstrdup(f);
            }
        }
        return 0;
    }
    char why[256];
    size_t len = 0;
    char *text = hg_file_read(path, HG_MANIFEST_MAX_BYTES, &len, why, sizeof why);
    if (!text || strlen(text) != len) {
        snprintf(err, errlen, "'%s': %s", path, text ? "holds a NUL byte (not a text file)" : why);
        free(text);
        free(path);
        return -1;
    }
    int cap = 16, lineno = 0, rc = 0;
    m->files = xcalloc((size_t)cap, sizeof *m->files);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        while (isspace((unsigned char)*line)) line++;
        size_t n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1])) line[--n] = '\0';
        if (!n || line[0] == '#' || (line[0] == '/' && line[1] == '/') || line[0] == '+' || line[0] == '-')
            continue;
        const char *base = strrchr(line, '/');
        base = base ? base + 1 : line;
        int known = 0;
        for (int i = 0; i < m->nmods; i++) {
            known |= strcmp(m->mods[i].file, base) == 0;
            for (int k = 0; k < m->mods[i].nsources; k++) known |= strcmp(m->mods[i].sources[k], base) == 0;
        }
        if (!known) {
            snprintf(err, errlen,
                     "%s: line %d: \"%.80s\" is not the file or a source of a module of "
                     "manifest.json",
                     path, lineno, base);
            rc = -1;
            break;
        }
        if (m->nfiles == cap) {
            cap *= 2;
            m->files = xrealloc(m->files, (size_t)cap * sizeof *m->files);
        }
        m->files[m->nfiles++] = xstrdup(base);
    }
    free(text);
    free(path);
    return rc;
}

/* params and derived numbers; -1 with err on a bad one. */
static int read_params(hg_manifest *m, const cJSON *params, const cJSON *derived, const char *path, char *err,
                       size_t errlen)
{
    const struct {
        const char *key;
        double lo, hi, dflt;
        double *v;
    } f[] = {
        {"d", 1, MAX_PARAM, 0, &m->d},
        {"lanes", 1, MAX_PARAM, 0, &m->lanes},
        {"top_n", 1, MAX_PARAM, 0, &m->top_n},
        {"max_keys", 1, MAX_PARAM, 0, &m->max_keys},
        {"weight_bits", 1, 64, 0, &m->weight_bits},
        {"exp_frac_bits", 0, 64, 0, &m->exp_frac_bits},
        {"out_frac", 0, 64, -1, &m->out_frac},
        {"v_bits", HG_VB_MIN, HG_VB_MAX, 8, &m->v_bits},
        {"load_width", 1, HG_P_MAX, 1, &m->load_width},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        *f[i].v = f[i].dflt;
        if (params &&
            jint(params, f[i].key, f[i].lo, f[i].hi, f[i].dflt, f[i].v, path, "params.", err, errlen))
            return -1;
    }
    m->ii_cycles = 0;
    return derived ? jint(derived, "ii_cycles", 1, MAX_COUNT, 0, &m->ii_cycles, path, "derived.", err, errlen)
                   : 0;
}

/* The core type names a run directory (PLAN_CONFIG): letters, digits, '_' and '-'. */
static int valid_core(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '-') return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isascii((unsigned char)s[i]) && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-')))
            return 0;
    return 1;
}

hg_manifest *hg_manifest_read(const char *dir, char *err, size_t errlen)
{
    char *path = xasprintf("%s/manifest.json", dir);
    char why[256];
    size_t len = 0;
    char *text = hg_file_read(path, HG_MANIFEST_MAX_BYTES, &len, why, sizeof why);
    if (!text) {
        snprintf(err, errlen, "no manifest: '%s': %s (is '%s' a generated RTL directory?)", path, why, dir);
        free(path);
        return NULL;
    }
    /* nothing may follow the value (the length counts the NUL after the text), and a NUL
       byte inside is not JSON */
    cJSON *root = strlen(text) == len ? cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1) : NULL;
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: not valid JSON", path);
        cJSON_Delete(root);
        free(text);
        free(path);
        return NULL;
    }
    hg_manifest *m = xcalloc(1, sizeof *m);
    m->dir = xstrdup(dir);
    m->json = text;
    m->json_len = len;
    const char *top = jstr(root, "top");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
    const cJSON *derived = cJSON_GetObjectItemCaseSensitive(root, "derived");
    const cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "modules");
    const char *core = params ? jstr(params, "core") : NULL;
    const char *cmd = jstr(root, "command");
    const char *prefix = params ? jstr(params, "prefix") : NULL;
    const char *selector = params ? jstr(params, "selector") : NULL;
    const char *sort_cut = params ? jstr(params, "sort_cut") : NULL;
    const char *shadow = params ? jstr(params, "etab_shadow") : NULL;
    m->top = xstrdup(top ? top : "");
    m->core = xstrdup(core ? core : "");
    m->command = xstrdup(cmd ? cmd : "");
    m->prefix = xstrdup(prefix ? prefix : "");
    m->selector = xstrdup(selector ? selector : "");
    m->sort_cut = xstrdup(sort_cut ? sort_cut : "");
    m->etab_shadow = shadow && strcmp(shadow, "on") == 0;
    /* params.av_fan through --av-fan's own parser (hg_cfg_set), kept as its text: "auto" when absent */
    const cJSON *fan = params ? cJSON_GetObjectItemCaseSensitive(params, "av_fan") : NULL;
    int fan_ok = 1;
    snprintf(m->av_fan, sizeof m->av_fan, "auto");
    if (fan) {
        char ftext[32] = "", fwhy[256];
        if (cJSON_IsString(fan))
            snprintf(ftext, sizeof ftext, "%.20s", fan->valuestring);
        else if (cJSON_IsNumber(fan) && fan->valuedouble == floor(fan->valuedouble) &&
                 fabs(fan->valuedouble) < 1e6)
            snprintf(ftext, sizeof ftext, "%d", (int)fan->valuedouble);
        hg_cfg fc;
        hg_cfg_default(&fc, HG_CORE_HAD);
        fan_ok =
            ftext[0] && hg_cfg_set(&fc, "av-fan", ftext, fwhy, sizeof fwhy) == 0 && fc.fan_opt <= HG_D_MAX;
        if (fan_ok) hg_cfg_fan_text(&fc, m->av_fan, sizeof m->av_fan);
    }
    int bad = 1;
    if (!top)
        snprintf(err, errlen, "%s: no \"top\" field", path);
    else if (!is_name(top))
        snprintf(err, errlen,
                 "%s: top \"%.80s\" is not an identifier ([A-Za-z_][A-Za-z0-9_]*, at most %d characters)",
                 path, top, HG_MANIFEST_MAX_NAME);
    else if (core && !valid_core(core))
        snprintf(err, errlen, "%s: params.core \"%.80s\" is not a core name (letters, digits, '_', '-')",
                 path, core);
    else if (prefix && prefix[0] && !is_name(prefix))
        snprintf(err, errlen, "%s: params.prefix \"%.80s\" is not an identifier ([A-Za-z_][A-Za-z0-9_]*)",
                 path, prefix);
    else if (selector && hg_sel_parse(selector, &(hg_sel_kind){HG_SEL_MERGE}) != 0)
        snprintf(err, errlen, "%s: params.selector \"%.80s\" is not a selector (%s)", path, selector,
                 hg_sel_choices((char[64]){0}, 64, ", ", " or "));
    else if (sort_cut && hg_cut_parse(sort_cut, &(hg_cut_kind){HG_CUT_AUTO}) != 0)
        snprintf(err, errlen, "%s: params.sort_cut \"%.80s\" is not a sort cut (auto, on or off)", path,
                 sort_cut);
    else if (shadow && strcmp(shadow, "on") != 0 && strcmp(shadow, "off") != 0)
        snprintf(err, errlen, "%s: params.etab_shadow \"%.80s\" is not on or off", path, shadow);
    else if (!fan_ok)
        snprintf(err, errlen, "%s: params.av_fan is not \"auto\", \"off\" or a whole number in 1..%d", path,
                 HG_D_MAX);
    else if (params && !cJSON_IsObject(params))
        snprintf(err, errlen, "%s: \"params\" is not an object", path);
    else if (!cJSON_IsArray(mods) || cJSON_GetArraySize(mods) == 0)
        snprintf(err, errlen, "%s: \"modules\" missing or empty", path);
    else
        bad = read_params(m, params, derived, path, err, errlen) != 0 ||
              read_blocks(cJSON_GetObjectItemCaseSensitive(root, "blocks"), m, path, err, errlen) != 0;
    if (!bad) {
        m->nmods = cJSON_GetArraySize(mods);
        m->mods = xcalloc((size_t)m->nmods, sizeof *m->mods);
        for (int i = 0; i < m->nmods && !bad; i++)
            bad = read_module(cJSON_GetArrayItem(mods, i), &m->mods[i], m, path, err, errlen) != 0;
    }
    if (!bad) bad = check_children(m, path, err, errlen) != 0;
    if (!bad && !hg_manifest_find(m, m->top)) {
        snprintf(err, errlen, "%s: top module \"%s\" is not in \"modules\"", path, m->top);
        bad = 1;
    }
    cJSON_Delete(root);
    free(path);
    if (!bad) bad = read_filelist(m, err, errlen) != 0;
    if (bad) {
        hg_manifest_free(m);
        return NULL;
    }
    return m;
}

void hg_manifest_free(hg_manifest *m)
{
    if (!m) return;
    for (int i = 0; i < m->nmods; i++) {
        hg_mmod *mod = &m->mods[i];
        for (int p = 0; p < mod->nports; p++) free(mod->ports[p].name);
        free(mod->ports);
        free(mod->name);
        free(mod->file);
        free(mod->block);
        for (int k = 0; k < mod->nsources; k++) free(mod->sources[k]);
        free(mod->sources);
        free(mod->module);
        for (int k = 0; k < mod->nparams; k++) free(mod->param_names[k]);
        free(mod->param_names);
        free(mod->param_values);
        for (int k = 0; k < mod->nchildren; k++) free(mod->child_cells[k]), free(mod->child_units[k]);
        free(mod->child_cells);
        free(mod->child_units);
    }
    for (int i = 0; i < m->nblocks; i++) free(m->blocks[i]);
    free(m->blocks);
    for (int i = 0; i < m->nfiles; i++) free(m->files[i]);
    free(m->files);
    free(m->mods);
    free(m->dir);
    free(m->top);
    free(m->core);
    free(m->command);
    free(m->prefix);
    free(m->selector);
    free(m->sort_cut);
    free(m->json);
    free(m);
}

const hg_mmod *hg_manifest_find(const hg_manifest *m, const char *name)
{
    for (int i = 0; i < m->nmods; i++)
        if (m->mods[i].name && strcmp(m->mods[i].name, name) == 0) return &m->mods[i];
    return NULL;
}

int hg_mmod_ncols(const hg_mmod *mod)
{
    int n = 0;
    for (int i = 0; i < mod->nports; i++)
        if (strcmp(mod->ports[i].name, "clk_i") != 0) n++;
    return n;
}
