// hg_testlib.cc — see hg_testlib.h.
#include "hg_testlib.h"

#include "ss_sys.h"

#include <gtest/gtest.h>

#include "hs_sim.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <ftw.h>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hgt
{

// c with its derived fields computed again after a change (aborts on a bad one).
static hg_cfg refinish(hg_cfg c)
{
    char err[256];
    if (hg_cfg_finish(&c, err, sizeof err) != 0) {
        fprintf(stderr, "bad test configuration: %s\n", err);
        abort();
    }
    return c;
}

hg_cfg make_cfg(hg_core_kind k, int d, int p, int n, int l, int wb, int fb, int of)
{
    hg_cfg c;
    hg_cfg_default(&c, k);
    c.d = d;
    c.p = p;
    c.n = n;
    c.l = l;
    c.wb = wb;
    c.fb = fb;
    c.of = of;
    return refinish(c);
}

hg_cfg with_selector(hg_cfg c, hg_sel_kind sel)
{
    if (!hg_cfg_topn(&c)) return c;
    c.sel = sel;
    return refinish(c);
}

hg_cfg with_vbits(hg_cfg c, int vb)
{
    c.vb = vb;
    return refinish(c);
}

hg_cfg with_lw(hg_cfg c, int lw)
{
    c.lw = lw;
    return refinish(c);
}

hg_cfg with_cut(hg_cfg c, hg_cut_kind cut)
{
    c.cut = cut;
    return refinish(c);
}

hg_cfg with_shadow(hg_cfg c)
{
    c.shadow = 1;
    return refinish(c);
}

hg_cfg with_fan(hg_cfg c, int fan_opt)
{
    c.fan_opt = fan_opt;
    return refinish(c);
}

std::string cfg_name(const hg_cfg &c)
{
    char b[224], lw[32] = "";
    if (c.lw != 1) snprintf(lw, sizeof lw, " lw=%d", c.lw);
    if (c.shadow) snprintf(lw + strlen(lw), sizeof lw - strlen(lw), " etab-shadow");
    if (c.fan_opt != HG_AV_FAN_AUTO) {
        char fan[16];
        snprintf(lw + strlen(lw), sizeof lw - strlen(lw), " av-fan=%s", hg_cfg_fan_text(&c, fan, sizeof fan));
    }
    snprintf(b, sizeof b, "%s d=%d P=%d N=%d L=%d wb=%d fb=%d of=%d vb=%d%s%s%s%s%s", hg_core_name(c.core),
             c.d, c.p, c.n, c.l, c.wb, c.fb, c.of, c.vb, c.sel != hg_core_sel(c.core) ? " sel=" : "",
             c.sel != hg_core_sel(c.core) ? hg_sel_name(c.sel) : "", c.cut != HG_CUT_AUTO ? " cut=" : "",
             c.cut != HG_CUT_AUTO ? hg_cut_name(c.cut) : "", lw);
    return b;
}

std::string cfg_id(const hg_cfg &c)
{
    std::ostringstream os;
    os << hg_core_short(c.core) << "_d" << c.d << "_p" << c.p << "_n" << c.n << "_l" << c.l;
    if (c.sel != hg_core_sel(c.core)) os << "_" << hg_sel_name(c.sel);
    if (c.cut != HG_CUT_AUTO) os << "_cut" << hg_cut_name(c.cut);
    if (c.vb != 8) os << "_v" << c.vb;
    if (c.lw != 1) os << "_lw" << c.lw;
    if (c.shadow) os << "_shadow";
    if (c.fan_opt != HG_AV_FAN_AUTO) {
        char fan[16];
        os << "_fan" << hg_cfg_fan_text(&c, fan, sizeof fan);
    }
    return os.str();
}

std::vector<hg_cfg> edge_configs()
{
    std::vector<hg_cfg> v;
    for (int k = 0; k < 3; k++) {
        hg_core_kind ck = (hg_core_kind)k;
        v.push_back(make_cfg(ck, 8, 1, 1, 8));    // smallest d, P = 1, N = 1
        v.push_back(make_cfg(ck, 256, 2, 4, 12)); // largest d
        v.push_back(make_cfg(ck, 16, 4, 20, 20)); // N = L
        v.push_back(make_cfg(ck, 32, 1, 3, 12));  // P = 1
        v.push_back(with_lw(with_vbits(make_cfg(ck, 16, 8, 8, 8), 4),
                            8)); // P = L: one row per query; int4 V; one load beat
        v.push_back(with_vbits(make_cfg(ck, 24, 3, 5, 31), 5)); // odd sizes, L not a multiple of P
        v.push_back(with_lw(make_cfg(ck, 16, 4, 1, 16), 2)); // N = 1 with several lanes; 2 keys a load beat
        v.push_back(with_vbits(make_cfg(ck, 16, 4, 6, 40, 8, 2, 0), 2)); // narrowest widths
        v.push_back(with_lw(make_cfg(ck, 16, 4, 6, 40, 20, 8, 12), 4));  // widest widths; a row a load beat
    }
    for (size_t i = 0; i < v.size(); i++) /* 9 cases a core: HAD odd, int8-topn even bitonic */
        v[i] = with_selector(v[i], (i + (v[i].core == HG_CORE_I8TOPN)) % 2 ? HG_SEL_BITONIC : HG_SEL_MERGE);
    /* the counting selector (HAD only) on the cases where its two passes meet their limits: one
       lane and one kept key, one row per query (int4 V), every key kept, a key count that is
       not a multiple of P, N = 1 with several lanes, the largest d (257 levels) */
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 8, 1, 1, 8), HG_SEL_COUNTING));
    v.push_back(
        with_lw(with_selector(with_vbits(make_cfg(HG_CORE_HAD, 16, 8, 8, 8), 4), HG_SEL_COUNTING), 8));
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 16, 4, 20, 20), HG_SEL_COUNTING));
    v.push_back(with_selector(with_vbits(make_cfg(HG_CORE_HAD, 24, 3, 5, 31), 5), HG_SEL_COUNTING));
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 16, 4, 1, 16), HG_SEL_COUNTING));
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 256, 2, 4, 12), HG_SEL_COUNTING));
    /* the two-stage selector on the cases its registers meet: one row per query (a query's last
       row waits between the stages while the next query's arrives: both top-N cores, with the
       sort cut and, --sort-cut off, without), rows wider than the list (P > N: a row is cut to
       its best M = 1 and 4), one lane and one kept key, odd sizes (--sort-cut on: a sort of 3
       levels that auto leaves whole, cut after its first) */
    v.push_back(with_cut(with_selector(with_vbits(make_cfg(HG_CORE_HAD, 16, 8, 8, 8), 4), HG_SEL_TWOSTAGE),
                         HG_CUT_OFF));
    v.push_back(with_selector(make_cfg(HG_CORE_I8TOPN, 16, 8, 8, 8), HG_SEL_TWOSTAGE));
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 16, 4, 1, 16), HG_SEL_TWOSTAGE));
    v.push_back(with_lw(with_selector(make_cfg(HG_CORE_I8TOPN, 32, 8, 3, 40), HG_SEL_TWOSTAGE), 4));
    v.push_back(with_selector(make_cfg(HG_CORE_HAD, 8, 1, 1, 8), HG_SEL_TWOSTAGE));
    v.push_back(with_cut(with_selector(with_vbits(make_cfg(HG_CORE_HAD, 24, 3, 5, 31), 5), HG_SEL_TWOSTAGE),
                         HG_CUT_ON));
    /* the shadow exp table (--etab-shadow on): odd sizes (13 table words); a table of 3 words and
       load beats of 4 keys; the largest d (129 words) */
    v.push_back(with_shadow(make_cfg(HG_CORE_HAD, 24, 3, 5, 31)));
    v.push_back(with_lw(with_shadow(make_cfg(HG_CORE_HAD, 8, 4, 2, 8, 8)), 4));
    v.push_back(with_shadow(make_cfg(HG_CORE_HAD, 256, 2, 4, 12)));
    /* AV fan-out stages chosen (--av-fan): groups that divide d (d = 24 in 3 of 8), a last group
       of the remainder (d = 40 in 16, 16, 8), one dimension a stage (d = 8), and the largest d
       without the stages that auto would build */
    v.push_back(with_fan(make_cfg(HG_CORE_HAD, 24, 3, 5, 31), 8));
    v.push_back(with_fan(make_cfg(HG_CORE_BASELINE, 40, 4, 6, 20), 16));
    v.push_back(with_fan(make_cfg(HG_CORE_I8TOPN, 8, 2, 3, 12), 1));
    v.push_back(with_fan(make_cfg(HG_CORE_BASELINE, 256, 2, 4, 12), HG_AV_FAN_OFF));
    return v;
}

std::vector<hg_cfg> random_configs(int count, uint32_t seed)
{
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::vector<hg_cfg> v;
    for (int i = 0; i < count; i++) {
        hg_core_kind ck = (hg_core_kind)(i % 3);
        int d = 8 * pick(1, pick(0, 3) == 0 ? 16 : 8);
        int p = pick(1, d > 64 ? 4 : 8);
        int l = pick(p, 160);
        int n = pick(1, std::min(l, 48));
        hg_cfg c = make_cfg(ck, d, p, n, l, pick(8, 20), pick(2, 8), pick(0, 12));
        c = with_vbits(c, i % 2 ? 8 : pick(2, 8)); /* every other one draws its value width from 2..8 */
        /* the selectors in turn: HAD's four, int8-topn's three (counting needs match counts) */
        const hg_sel_kind sels[] = {HG_SEL_MERGE, HG_SEL_BITONIC, HG_SEL_TWOSTAGE, HG_SEL_COUNTING};
        c = with_selector(c, sels[(i / 3) % (ck == HG_CORE_HAD ? 4 : 3)]);
        /* twostage: its sort cut as auto decides, then always (where two levels allow), never */
        const hg_cut_kind cuts[] = {HG_CUT_AUTO, HG_CUT_ON, HG_CUT_OFF};
        int twostages = 0;
        for (const hg_cfg &e : v) twostages += e.sel == HG_SEL_TWOSTAGE;
        hg_cut_kind cut = cuts[twostages % 3];
        if (c.sel == HG_SEL_TWOSTAGE && (cut != HG_CUT_ON || c.p >= 3)) c = with_cut(c, cut);
        /* every fourth: a load beat of several keys, a power of two dividing P (from its own
           stream, so that the draws above stay those of the seed) */
        if (i % 4 == 2 && c.p > 1) {
            std::mt19937 lr(seed ^ (uint32_t)(0x9e3779b9u * (unsigned)(i + 1)));
            int top = c.p & -c.p; /* the largest power of two dividing P */
            int lw = 2;
            while (lw < top && lr() % 2) lw *= 2;
            if (top >= 2) c = with_lw(c, lw);
        }
        /* every fifth: AV fan-out stages of 1..d dimensions, or none (its own stream too) */
        if (i % 5 == 3) {
            std::mt19937 fr(seed ^ (uint32_t)(0x85ebca6bu * (unsigned)(i + 1)));
            int fan = (int)(fr() % (unsigned)(c.d + 1)); /* 0: off */
            c = with_fan(c, fan ? fan : HG_AV_FAN_OFF);
        }
        v.push_back(c);
    }
    return v;
}

std::vector<hg_cfg> default_configs()
{
    std::vector<hg_cfg> v;
    for (int k = 0; k < 3; k++) {
        v.push_back(make_cfg((hg_core_kind)k, 64, 16, 32, 1024));
        v.push_back(make_cfg((hg_core_kind)k, 32, 8, 16, 128));
    }
    return v;
}

uint32_t test_seed()
{
    const char *s = getenv("HG_TEST_SEED");
    return s && *s ? (uint32_t)strtoul(s, nullptr, 0) : 20261123u;
}

std::vector<hg_cfg> selector_configs()
{
    return {with_selector(make_cfg(HG_CORE_HAD, 32, 8, 16, 128), HG_SEL_BITONIC),
            with_selector(make_cfg(HG_CORE_HAD, 32, 8, 16, 128), HG_SEL_COUNTING),
            with_selector(make_cfg(HG_CORE_HAD, 32, 8, 16, 128), HG_SEL_TWOSTAGE),
            with_cut(with_selector(make_cfg(HG_CORE_HAD, 32, 8, 16, 128), HG_SEL_TWOSTAGE), HG_CUT_OFF),
            with_selector(make_cfg(HG_CORE_HAD, 64, 16, 32, 1024), HG_SEL_COUNTING),
            with_selector(make_cfg(HG_CORE_I8TOPN, 32, 8, 16, 128), HG_SEL_TWOSTAGE)};
}

std::vector<hg_cfg> rtl_configs()
{
    std::vector<hg_cfg> v = edge_configs();
    std::vector<hg_cfg> r = random_configs(36, test_seed());
    v.insert(v.end(), r.begin(), r.end());
    std::vector<hg_cfg> d = default_configs();
    v.insert(v.end(), d.begin(), d.end());
    std::vector<hg_cfg> s = selector_configs();
    v.insert(v.end(), s.begin(), s.end());
    return v;
}

const char *mode_name(Mode m)
{
    static const char *const names[] = {"random",   "partial",   "equal",     "zero",
                                        "saturate", "realistic", "wild_table"};
    return names[m];
}

static void realistic_fill(const hg_cfg &c, std::mt19937 &rng, int n, std::vector<float> &x)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    x.resize((size_t)n * (size_t)c.d);
    // a shared direction makes scores correlated, like real attention
    std::vector<float> dir((size_t)c.d);
    for (auto &e : dir) e = g(rng);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < c.d; i++) x[(size_t)j * (size_t)c.d + (size_t)i] = g(rng) + 0.7f * dir[(size_t)i];
}

Data make_data(const hg_cfg &c, Mode m, int nq, uint32_t seed)
{
    std::mt19937 rng(seed);
    auto byte = [&]() { return (uint8_t)std::uniform_int_distribution<int>(0, 255)(rng); };
    Data dt;
    dt.nq = nq;
    dt.what = mode_name(m);
    int nk = m == M_PARTIAL ? std::uniform_int_distribution<int>(1, c.l)(rng) : c.l;
    dt.run.n_keys = nk;
    int kb = hm_key_bytes(&c);
    dt.k.assign((size_t)nk * (size_t)kb, 0);
    dt.q.assign((size_t)nq * (size_t)kb, 0);
    dt.v.assign((size_t)nk * (size_t)c.d, 0);
    double alpha = std::uniform_real_distribution<double>(0.02, 0.6)(rng);
    double sq = std::uniform_real_distribution<double>(0.005, 0.2)(rng);
    double sk = std::uniform_real_distribution<double>(0.005, 0.2)(rng);
    switch (m) {
    case M_RANDOM:
    case M_PARTIAL:
    case M_WILD_TABLE:
        for (auto &b : dt.k) b = byte();
        for (auto &b : dt.q) b = byte();
        for (auto &b : dt.v) b = (int8_t)byte();
        break;
    case M_EQUAL: {
        std::vector<uint8_t> key((size_t)kb);
        for (auto &b : key) b = byte();
        for (int j = 0; j < nk; j++) memcpy(&dt.k[(size_t)j * (size_t)kb], key.data(), (size_t)kb);
        for (auto &b : dt.q) b = byte();
        for (auto &b : dt.v) b = (int8_t)byte();
        break;
    }
    case M_ZERO: break;
    case M_SATURATE:
        for (auto &b : dt.k) b = c.core == HG_CORE_HAD ? 0xff : 0x80;
        for (auto &b : dt.q) b = c.core == HG_CORE_HAD ? 0xff : 0x80;
        for (auto &b : dt.v) b = (int8_t) - (1 << (c.vb - 1)); /* the most negative value */
        sq = sk = 2.0; // huge scale: exp saturates to 0 for all but the maximum
        alpha = 4.0;
        break;
    case M_REALISTIC: {
        std::vector<float> kf, qf, vf;
        realistic_fill(c, rng, nk, kf);
        realistic_fill(c, rng, nq, qf);
        realistic_fill(c, rng, nk, vf);
        float amax = 0.0f;
        for (float e : kf) amax = std::max(amax, std::fabs(e));
        for (float e : qf) amax = std::max(amax, std::fabs(e));
        float s = amax / 127.0f;
        sq = sk = s;
        alpha = 1.0 / std::sqrt((double)c.d);
        float vmax = 0.0f;
        for (float e : vf) vmax = std::max(vmax, std::fabs(e));
        hm_quant(nk * c.d, vf.data(), vmax / (float)hm_v_qmax(&c), hm_v_qmax(&c), dt.v.data());
        for (int j = 0; j < nk; j++) {
            if (c.core == HG_CORE_HAD)
                hm_sign_pack(c.d, &kf[(size_t)j * (size_t)c.d], &dt.k[(size_t)j * (size_t)kb]);
            else
                hm_quant_i8(c.d, &kf[(size_t)j * (size_t)c.d], s, (int8_t *)&dt.k[(size_t)j * (size_t)kb]);
        }
        for (int j = 0; j < nq; j++) {
            if (c.core == HG_CORE_HAD)
                hm_sign_pack(c.d, &qf[(size_t)j * (size_t)c.d], &dt.q[(size_t)j * (size_t)kb]);
            else
                hm_quant_i8(c.d, &qf[(size_t)j * (size_t)c.d], s, (int8_t *)&dt.q[(size_t)j * (size_t)kb]);
        }
        break;
    }
    default: assert(0);
    }
    hm_had_etab(&c, alpha, dt.run.etab);
    hm_exp_params(&c, sq, sk, &dt.run.exp_mul, &dt.run.exp_shift);
    if (m == M_WILD_TABLE) {
        uint32_t wmask = (1u << c.ww) - 1u;
        for (int i = 0; i <= c.d; i++) {
            uint32_t r = (uint32_t)rng();
            dt.run.etab[i] = (r % 4u == 0) ? 0u : (r % 4u == 1 ? wmask : (uint32_t)rng() & wmask);
        }
        dt.run.exp_mul = (uint32_t)rng() & 0xffffu;
        dt.run.exp_shift = (uint32_t)rng() % 64u;
    }
    return dt;
}

// Runs build(cfg) for every configuration in `jobs` parallel child processes.
static void prebuild_with(const std::vector<hg_cfg> &cfgs, int jobs,
                          int (*build)(const hg_cfg &, char *, size_t))
{
    size_t next = 0;
    int running = 0, failed = 0;
    while (next < cfgs.size() || running > 0) {
        if (next < cfgs.size() && running < jobs) {
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                char err[1024];
                if (build(cfgs[next], err, sizeof err) != 0) {
                    fprintf(stderr, "prebuild %s: %s\n", cfg_name(cfgs[next]).c_str(), err);
                    _exit(1);
                }
                _exit(0);
            }
            if (pid > 0) running++;
            next++;
            continue;
        }
        int st = 0;
        if (wait(&st) > 0) {
            running--;
            failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
    }
    if (failed) fprintf(stderr, "prebuild: %d simulation builds failed\n", failed);
}

static int build_sim(const hg_cfg &c, char *err, size_t n)
{
    hs_opts o{};
    o.quiet = 1;
    hs_sim *s = hs_open(&c, &o, err, n);
    hs_close(s);
    return s ? 0 : -1;
}

static int build_sys(const hg_cfg &c, char *err, size_t n)
{
    ss_opts o;
    ss_opts_default(&c, &o);
    o.quiet = 1;
    ss_sys *s = ss_open(&c, &o, err, n);
    ss_close(s);
    return s ? 0 : -1;
}

void prebuild(const std::vector<hg_cfg> &cfgs, int jobs) { prebuild_with(cfgs, jobs, build_sim); }

void prebuild_sys(const std::vector<hg_cfg> &cfgs, int jobs) { prebuild_with(cfgs, jobs, build_sys); }

std::vector<hg_cfg> sys_configs()
{
    std::vector<hg_cfg> v = {make_cfg(HG_CORE_HAD, 24, 3, 5, 31), make_cfg(HG_CORE_I8TOPN, 16, 8, 8, 8),
                             with_lw(make_cfg(HG_CORE_BASELINE, 16, 4, 6, 40, 20, 8, 12), 4),
                             make_cfg(HG_CORE_HAD, 256, 2, 4, 12)};
    for (int k = 0; k < 3; k++) v.push_back(make_cfg((hg_core_kind)k, 32, 8, 16, 128)); // the MiniLM point
    v.push_back(make_cfg(HG_CORE_HAD, 16, 16, 4, HG_L_MAX)); // the longest context (SysCli)
    v.push_back(with_lw(v[2], 1));  // the wide-load baseline with one key a beat (SysRoofline)
    v.push_back(with_shadow(v[0])); // HAD with the shadow exp table (SysVsBare)
    return v;
}

std::string src_dir() { return HG_SRC_DIR; }

std::vector<std::string> core_types()
{
    CmdResult r = run_cmd(std::string(HG_BIN_DIR) + "/hadgen --list-cores");
    std::vector<std::string> v = split_lines(r.out);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_FALSE(v.empty()) << "hadgen --list-cores printed nothing";
    return v;
}

CmdResult run_cmd(const std::string &cmd)
{
    CmdResult r{-1, ""};
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

CmdResult run_in_src(const std::string &cmd) { return run_cmd("cd '" + src_dir() + "' && " + cmd); }

std::string tail(const std::string &text, size_t lines)
{
    size_t pos = text.size();
    for (size_t i = 0; i < lines && pos != std::string::npos && pos > 0; i++) pos = text.rfind('\n', pos - 1);
    return pos == std::string::npos ? text : text.substr(pos);
}

std::vector<std::string> split_lines(const std::string &text)
{
    std::vector<std::string> v;
    size_t at = 0;
    while (at < text.size()) {
        size_t nl = text.find('\n', at);
        if (nl == std::string::npos) nl = text.size();
        if (nl > at) v.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return v;
}

std::string temp_dir(const std::string &tag)
{
    const char *t = getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/hg_" + tag + "_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const char *d = mkdtemp(buf.data());
    assert(d && "cannot create a temporary directory");
    return d;
}

static int make_removable(const char *path, const struct stat *st, int type, struct FTW *)
{
    if (type == FTW_D) chmod(path, (st->st_mode & 07777) | S_IRWXU); // a test's read-only folder
    return 0;
}

static int remove_one(const char *path, const struct stat *, int, struct FTW *)
{
    remove(path);
    return 0;
}

void remove_tree(const std::string &path)
{
    if (path.empty()) return;
    nftw(path.c_str(), make_removable, 16, FTW_PHYS);
    nftw(path.c_str(), remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool exists(const std::string &path)
{
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> list_dir(const std::string &dir)
{
    std::vector<std::string> v;
    DIR *dp = opendir(dir.c_str());
    if (!dp) return v;
    while (struct dirent *e = readdir(dp))
        if (e->d_name[0] != '.') v.push_back(e->d_name);
    closedir(dp);
    std::sort(v.begin(), v.end());
    return v;
}

std::string read_file(const std::string &path)
{
    std::string s;
    FILE *f = fopen(path.c_str(), "rb");
    if (!f) return s;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    fclose(f);
    return s;
}

void write_file(const std::string &path, const std::string &bytes)
{
    write_file(path, bytes.data(), bytes.size());
}

void write_file(const std::string &path, const void *data, size_t size)
{
    FILE *f = fopen(path.c_str(), "wb");
    assert(f && "cannot write a test file");
    size_t n = fwrite(data, 1, size, f);
    int rc = fclose(f);
    assert(n == size && rc == 0);
    (void)n;
    (void)rc;
}

std::string small_calib_set(const std::string &dir, int n)
{
    std::string path = dir + "/calib.txt", set = read_file(src_dir() + "/sw/data/sentences_calib.txt");
    size_t end = 0;
    for (int i = 0; i < n && end < set.size(); i++) {
        size_t nl = set.find('\n', end);
        end = nl == std::string::npos ? set.size() : nl + 1;
    }
    std::string out = set.substr(0, end);
    if (!out.empty() && out.back() != '\n') out += '\n';
    write_file(path, out);
    return path;
}

} // namespace hgt
