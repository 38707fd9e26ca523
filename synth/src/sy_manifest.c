/* sy_manifest.c — see sy_manifest.h. */
#include "sy_manifest.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_util.h"

const char *const sy_blocks[] = {"score", "select", "softmax", "av", "norm", "control", "memory", NULL};

static int valid_block(const char *b)
{
    for (int i = 0; sy_blocks[i]; i++)
        if (strcmp(sy_blocks[i], b) == 0) return 1;
    return 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int read_ports(const cJSON *jm, sy_mmod *mod, const char *path, char *err, size_t errlen)
{
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(jm, "ports");
    if (!cJSON_IsArray(jp) || cJSON_GetArraySize(jp) == 0) {
        snprintf(err, errlen, "%s: module %s: \"ports\" missing or empty", path, mod->name);
        return -1;
    }
    mod->nports = cJSON_GetArraySize(jp);
    mod->ports = sy_xcalloc((size_t)mod->nports, sizeof *mod->ports);
    for (int i = 0; i < mod->nports; i++) {
        const cJSON *p = cJSON_GetArrayItem(jp, i);
        const char *name = jstr(p, "name"), *dir = jstr(p, "dir");
        double w = jnum(p, "width", -1);
        if (!name || !dir || w < 1 || w > 1e6) {
            snprintf(err, errlen, "%s: module %s: port %d needs name, dir and width >= 1", path,
                     mod->name, i);
            return -1;
        }
        mod->ports[i].name = sy_strdup(name);
        mod->ports[i].width = (int)w;
        if (strcmp(dir, "input") == 0) mod->ports[i].dir = SY_DIR_IN;
        else if (strcmp(dir, "output") == 0) mod->ports[i].dir = SY_DIR_OUT;
        else if (strcmp(dir, "inout") == 0) mod->ports[i].dir = SY_DIR_INOUT;
        else {
            snprintf(err, errlen, "%s: module %s: port %s has dir \"%s\" (valid: input, output)",
                     path, mod->name, name, dir);
            return -1;
        }
    }
    return 0;
}

static int read_module(const cJSON *jm, sy_mmod *mod, const sy_manifest *m, const char *path,
                       char *err, size_t errlen)
{
    const char *name = jstr(jm, "name"), *file = jstr(jm, "file"), *block = jstr(jm, "block");
    if (!name || !file || !block) {
        snprintf(err, errlen, "%s: a module entry lacks name, file or block", path);
        return -1;
    }
    mod->name = sy_strdup(name);
    mod->file = sy_strdup(file);
    mod->block = sy_strdup(block);
    if (!valid_block(block)) {
        snprintf(err, errlen,
                 "%s: module %s: block \"%s\" is not one of score, select, softmax, av, norm, "
                 "control, memory", path, name, block);
        return -1;
    }
    double inst = jnum(jm, "instances", -1);
    if (inst < 1) {
        snprintf(err, errlen, "%s: module %s: \"instances\" must be >= 1", path, name);
        return -1;
    }
    mod->instances = (int)inst;
    char *fpath = sy_asprintf("%s/%s", m->dir, file);
    FILE *f = fopen(fpath, "r");
    free(fpath);
    if (!f) {
        snprintf(err, errlen, "%s: module %s: file %s/%s does not exist", path, name, m->dir, file);
        return -1;
    }
    fclose(f);
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(jm, "memory");
    mod->is_memory = strcmp(block, "memory") == 0;
    if (mod->is_memory) {
        if (!cJSON_IsObject(mem)) {
            snprintf(err, errlen, "%s: memory module %s has no \"memory\" object", path, name);
            return -1;
        }
        mod->words = (long)jnum(mem, "words", 0);
        mod->width = (long)jnum(mem, "width", 0);
        mod->read_ports = (int)jnum(mem, "read_ports", 1);
        mod->write_ports = (int)jnum(mem, "write_ports", 1);
        if (mod->words < 1 || mod->width < 1) {
            snprintf(err, errlen, "%s: memory module %s: words and width must be >= 1", path, name);
            return -1;
        }
    }
    return read_ports(jm, mod, path, err, errlen);
}

/* Reads filelist.f: one file per line, '#' or '//' comments, optional directory prefix. */
static void read_filelist(sy_manifest *m)
{
    char *path = sy_asprintf("%s/filelist.f", m->dir);
    char *text = sy_read_file(path, NULL);
    free(path);
    if (!text) {
        m->nfiles = m->nmods;
        m->files = sy_xcalloc((size_t)m->nmods, sizeof *m->files);
        for (int i = 0; i < m->nmods; i++) m->files[i] = sy_strdup(m->mods[i].file);
        return;
    }
    int cap = 16;
    m->files = sy_xcalloc((size_t)cap, sizeof *m->files);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (isspace((unsigned char)*line)) line++;
        size_t n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1])) line[--n] = '\0';
        if (!n || line[0] == '#' || (line[0] == '/' && line[1] == '/') || line[0] == '+' || line[0] == '-')
            continue;
        const char *base = strrchr(line, '/');
        if (m->nfiles == cap) {
            cap *= 2;
            m->files = sy_xrealloc(m->files, (size_t)cap * sizeof *m->files);
        }
        m->files[m->nfiles++] = sy_strdup(base ? base + 1 : line);
    }
    free(text);
}

sy_manifest *sy_manifest_read(const char *dir, char *err, size_t errlen)
{
    char *path = sy_asprintf("%s/manifest.json", dir);
    char *text = sy_read_file(path, NULL);
    if (!text) {
        snprintf(err, errlen, "no manifest: cannot read %s (is '%s' a generated RTL directory?)", path, dir);
        free(path);
        return NULL;
    }
    cJSON *root = cJSON_Parse(text);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: not valid JSON", path);
        cJSON_Delete(root);
        free(text);
        free(path);
        return NULL;
    }
    sy_manifest *m = sy_xcalloc(1, sizeof *m);
    m->dir = sy_strdup(dir);
    m->json = text;
    const char *top = jstr(root, "top");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
    const cJSON *derived = cJSON_GetObjectItemCaseSensitive(root, "derived");
    const cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "modules");
    const char *core = params ? jstr(params, "core") : NULL;
    const char *cmd = jstr(root, "command");
    m->top = sy_strdup(top ? top : "");
    m->core = sy_strdup(core ? core : "");
    m->command = sy_strdup(cmd ? cmd : "");
    m->d = params ? jnum(params, "d", 0) : 0;
    m->lanes = params ? jnum(params, "lanes", 0) : 0;
    m->top_n = params ? jnum(params, "top_n", 0) : 0;
    m->max_keys = params ? jnum(params, "max_keys", 0) : 0;
    m->weight_bits = params ? jnum(params, "weight_bits", 0) : 0;
    m->exp_frac_bits = params ? jnum(params, "exp_frac_bits", 0) : 0;
    m->out_frac = params ? jnum(params, "out_frac", -1) : -1;
    const char *prefix = params ? jstr(params, "prefix") : NULL;
    m->prefix = sy_strdup(prefix ? prefix : "");
    m->ii_cycles = derived ? jnum(derived, "ii_cycles", 0) : 0;
    int bad = 0;
    if (!top) {
        snprintf(err, errlen, "%s: no \"top\" field", path);
        bad = 1;
    } else if (!cJSON_IsArray(mods) || cJSON_GetArraySize(mods) == 0) {
        snprintf(err, errlen, "%s: \"modules\" missing or empty", path);
        bad = 1;
    }
    if (!bad) {
        m->nmods = cJSON_GetArraySize(mods);
        m->mods = sy_xcalloc((size_t)m->nmods, sizeof *m->mods);
        for (int i = 0; i < m->nmods && !bad; i++)
            bad = read_module(cJSON_GetArrayItem(mods, i), &m->mods[i], m, path, err, errlen) != 0;
    }
    if (!bad && !sy_manifest_find(m, m->top)) {
        snprintf(err, errlen, "%s: top module \"%s\" is not in \"modules\"", path, m->top);
        bad = 1;
    }
    cJSON_Delete(root);
    free(path);
    if (bad) {
        sy_manifest_free(m);
        return NULL;
    }
    read_filelist(m);
    return m;
}

void sy_manifest_free(sy_manifest *m)
{
    if (!m) return;
    for (int i = 0; i < m->nmods; i++) {
        sy_mmod *mod = &m->mods[i];
        for (int p = 0; p < mod->nports; p++) free(mod->ports[p].name);
        free(mod->ports);
        free(mod->name);
        free(mod->file);
        free(mod->block);
    }
    for (int i = 0; i < m->nfiles; i++) free(m->files[i]);
    free(m->files);
    free(m->mods);
    free(m->dir);
    free(m->top);
    free(m->core);
    free(m->command);
    free(m->prefix);
    free(m->json);
    free(m);
}

const sy_mmod *sy_manifest_find(const sy_manifest *m, const char *name)
{
    for (int i = 0; i < m->nmods; i++)
        if (m->mods[i].name && strcmp(m->mods[i].name, name) == 0) return &m->mods[i];
    return NULL;
}

int sy_mmod_ncols(const sy_mmod *mod)
{
    int n = 0;
    for (int i = 0; i < mod->nports; i++)
        if (strcmp(mod->ports[i].name, "clk_i") != 0) n++;
    return n;
}
