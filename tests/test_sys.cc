// test_sys.cc — the SystemC system model (sim/sys/): its outputs equal the bare core's
// (Verilator, hs_sim.h) and the golden model's bit for bit, with several instances, n_k not a
// multiple of P, a DRAM slow enough to stall the cores and buffers of one entry; its timing
// matches the analytical roofline where one bound dominates; its counts add up; bad options and
// a buffer too small for the keys are clear errors.
#include "hg_testlib.h"
#include "hs_sim.h"
#include "ss_sys.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <sstream>

using hgt::Data;

namespace
{

struct SysCloser {
    void operator()(ss_sys *s) const { ss_close(s); }
};
using SysPtr = std::unique_ptr<ss_sys, SysCloser>;

SysPtr open_sys(const hg_cfg &c, const ss_opts &o)
{
    char err[1024];
    ss_sys *s = ss_open(&c, &o, err, sizeof err);
    EXPECT_NE(s, nullptr) << hgt::cfg_name(c) << ": " << err;
    return SysPtr(s);
}

ss_opts quiet_defaults(const hg_cfg &c)
{
    ss_opts o;
    ss_opts_default(&c, &o);
    o.quiet = 1;
    return o;
}

// A layer of heads with data of several kinds (n_k = L and partial, ties, extremes, wild exp
// tables), nq queries each.
std::vector<Data> make_layer(const hg_cfg &c, int heads, int nq, uint32_t seed)
{
    static const hgt::Mode modes[] = {hgt::M_RANDOM,     hgt::M_PARTIAL,   hgt::M_EQUAL, hgt::M_SATURATE,
                                      hgt::M_WILD_TABLE, hgt::M_REALISTIC, hgt::M_ZERO};
    std::vector<Data> v;
    for (int h = 0; h < heads; h++) v.push_back(hgt::make_data(c, modes[h % 7], nq, seed + (uint32_t)h));
    return v;
}

struct Layer {
    std::vector<std::vector<int32_t>> out;
    ss_layer_stats st{};
    std::string err;
};

Layer run_layer(ss_sys *s, const hg_cfg &c, const std::vector<Data> &data)
{
    Layer L;
    std::vector<ss_head> h;
    L.out.resize(data.size());
    for (size_t i = 0; i < data.size(); i++) {
        L.out[i].assign((size_t)data[i].nq * (size_t)c.d, 0x7eadbeef);
        h.push_back({&data[i].run, data[i].k.data(), data[i].v.data(), data[i].nq, data[i].q.data(),
                     L.out[i].data()});
    }
    char err[1024];
    if (ss_layer(s, (int)h.size(), h.data(), &L.st, err, sizeof err) != 0) L.err = err;
    return L;
}

// One layer through a system model of c with the quiet defaults (L.err says what failed).
Layer run_on(const hg_cfg &c, const std::vector<Data> &data)
{
    SysPtr s = open_sys(c, quiet_defaults(c));
    if (!s) {
        Layer L;
        L.err = "the system model of " + hgt::cfg_name(c) + " did not open";
        return L;
    }
    return run_layer(s.get(), c, data);
}

// The bare core's outputs (hs_sim.h) for each head.
std::vector<std::vector<int32_t>> bare_outputs(const hg_cfg &c, const std::vector<Data> &data)
{
    char err[1024];
    hs_opts o{};
    o.quiet = 1;
    hs_sim *s = hs_open(&c, &o, err, sizeof err);
    EXPECT_NE(s, nullptr) << err;
    std::vector<std::vector<int32_t>> out;
    for (const Data &dt : data) {
        out.emplace_back((size_t)dt.nq * (size_t)c.d);
        if (!s) continue;
        EXPECT_EQ(hs_load(s, &dt.run, dt.k.data(), dt.v.data(), err, sizeof err), 0) << err;
        EXPECT_EQ(hs_run(s, dt.nq, dt.q.data(), out.back().data(), err, sizeof err), 0) << err;
    }
    hs_close(s);
    return out;
}

// "" or the first differences of the system's outputs from the bare core's and the golden model's.
std::string compare(const hg_cfg &c, const std::vector<Data> &data, const Layer &L,
                    const std::vector<std::vector<int32_t>> &bare)
{
    std::ostringstream os;
    int bad = 0, kb = hm_key_bytes(&c);
    std::vector<int32_t> g((size_t)c.d);
    for (size_t h = 0; h < data.size(); h++)
        for (int q = 0; q < data[h].nq; q++) {
            hm_attend(&c, &data[h].run, &data[h].q[(size_t)q * (size_t)kb], data[h].k.data(),
                      data[h].v.data(), g.data(), nullptr);
            for (int i = 0; i < c.d; i++) {
                size_t at = (size_t)q * (size_t)c.d + (size_t)i;
                int32_t sys = L.out[h][at];
                if ((sys != g[(size_t)i] || sys != bare[h][at]) && bad++ < 5)
                    os << "\n  " << hgt::cfg_name(c) << " head " << h << " (" << data[h].what << ", n_k "
                       << data[h].run.n_keys << ") query " << q << " dim " << i << ": system " << sys
                       << ", bare core " << bare[h][at] << ", golden " << g[(size_t)i];
            }
        }
    if (bad) os << "\n  (" << bad << " differing values)";
    return os.str();
}

// The layer's counts add up: bytes per tensor from the heads, cycles split into busy, wait and
// idle for every instance, queries; of the busy cycles, a head's configuration and load take
// one for n_k and then one per configuration write or load beat, whichever are more (the core
// takes one of each a cycle while idle, and the model offers them side by side). With the
// shadow exp table the writes after n_k are the table's copy, and the table itself for an
// instance's first head only: the later heads' tables go in during the queries before (the
// layers here give each head more query cycles than table words).
void expect_counts(const hg_cfg &c, const ss_opts &o, const std::vector<Data> &data, const ss_layer_stats &st)
{
    uint64_t kb = (uint64_t)hm_key_bytes(&c), d = (uint64_t)c.d, ob = (d * (uint64_t)c.ow + 7) / 8;
    uint64_t k = 0, v = 0, q = 0, out = 0, nq = 0, load = 0, keys = 0, qkeys = 0;
    for (size_t i = 0; i < data.size(); i++) {
        const Data &dt = data[i];
        keys += (uint64_t)dt.run.n_keys;
        qkeys += (uint64_t)dt.nq * (uint64_t)dt.run.n_keys;
        int e = 32 / c.ww, words = (c.d + e) / e; // exp-table entries a configuration write, words
        uint64_t writes = c.core != HG_CORE_HAD ? 2 : !c.shadow ? words : i < (size_t)o.cores ? words + 1 : 1;
        load += 1 + std::max<uint64_t>(writes, (uint64_t)(dt.run.n_keys + c.lw - 1) / c.lw);
        k += (uint64_t)dt.run.n_keys * kb;
        v += (uint64_t)dt.run.n_keys * d;
        q += (uint64_t)dt.nq * kb;
        out += (uint64_t)dt.nq * ob;
        nq += (uint64_t)dt.nq;
    }
    EXPECT_EQ(st.bytes_k, k);
    EXPECT_EQ(st.bytes_v, v);
    EXPECT_EQ(st.bytes_q, q);
    EXPECT_EQ(st.bytes_o, out);
    EXPECT_EQ(st.queries, nq);
    EXPECT_EQ(st.heads, (uint64_t)data.size());
    EXPECT_EQ(st.keys, keys);
    EXPECT_EQ(st.query_keys, qkeys);
    EXPECT_EQ(st.core_busy + st.core_wait + st.core_idle, st.cycles * (uint64_t)o.cores);
    EXPECT_EQ(st.core_load, load);
    EXPECT_LT(st.core_load, st.core_busy);
    EXPECT_GT(st.dram_pj, 0.0);
    EXPECT_GT(st.sram_pj, 0.0);
    EXPECT_NEAR(st.time_ns, (double)st.cycles * 1e3 / o.clock_mhz, 1e3 / o.clock_mhz);
}

// Configurations of the RTL suite's edge set (their bare simulations are built by it): odd
// sizes with L not a multiple of P, P = L, the widest widths with a load beat of 4 keys, the
// largest d (the first four of hgt::sys_configs, whose models main.cc builds beforehand), and
// the odd sizes with the shadow exp table (its last).
std::vector<hg_cfg> sys_configs()
{
    std::vector<hg_cfg> all = hgt::sys_configs(), v(all.begin(), all.begin() + 4);
    v.push_back(all.back());
    return v;
}

class SysVsBare : public testing::TestWithParam<hg_cfg>
{
};

// Two layers through one model: first with three instances, a DRAM of 0.05 GB/s (the cores
// wait for it), one-entry query and output buffers and 16-byte requests; then the defaults.
TEST_P(SysVsBare, BitExactWithStallsAndSeveralInstances)
{
    const hg_cfg c = GetParam();
    ss_opts o = quiet_defaults(c);
    o.cores = 3;
    o.dram.gbytes_s = 0.05;
    o.dram.name = "custom";
    o.q_buffer = hm_key_bytes(&c);
    o.o_buffer = (c.d * c.ow + 7) / 8;
    o.chunk = 16;
    std::vector<Data> data = make_layer(c, 7, 9, hgt::test_seed());
    auto bare = bare_outputs(c, data);
    {
        SysPtr s = open_sys(c, o);
        ASSERT_TRUE(s);
        Layer L = run_layer(s.get(), c, data);
        ASSERT_EQ(L.err, "");
        EXPECT_EQ(compare(c, data, L, bare), "");
        expect_counts(c, o, data, L.st);
        EXPECT_GT(L.st.core_wait, L.st.core_busy) << "a 0.05 GB/s DRAM should stall the cores";
    }
    ss_opts d = quiet_defaults(c);
    SysPtr s = open_sys(c, d);
    ASSERT_TRUE(s);
    std::vector<Data> data2 = make_layer(c, 5, 13, hgt::test_seed() + 100);
    auto bare2 = bare_outputs(c, data2);
    for (int rep = 0; rep < 2; rep++) {
        Layer L = run_layer(s.get(), c, rep ? data2 : data);
        ASSERT_EQ(L.err, "");
        EXPECT_EQ(compare(c, rep ? data2 : data, L, rep ? bare2 : bare), "") << "layer " << rep;
        expect_counts(c, d, rep ? data2 : data, L.st);
    }
}

INSTANTIATE_TEST_SUITE_P(Configs, SysVsBare, testing::ValuesIn(sys_configs()),
                         [](const testing::TestParamInfo<hg_cfg> &i) { return hgt::cfg_id(i.param); });

// Where one bound dominates, the model's time is the roofline's: a DRAM-bound layer within 5%
// (what is left is the last request's latency and the core's last queries), a compute-bound one
// within 20% (pipeline fill and drain per head, and the handshake cycles the roofline's
// max(score, AV, normalizer) cycles per query leave out).
TEST(SysRoofline, BandwidthAndComputeBoundLayers)
{
    const hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31);
    std::vector<Data> data;
    for (int h = 0; h < 6; h++) data.push_back(hgt::make_data(c, hgt::M_RANDOM, 24, 7u + (uint32_t)h));
    ss_opts slow = quiet_defaults(c);
    slow.dram.gbytes_s = 0.02;
    ss_opts fast = quiet_defaults(c);
    fast.dram = *ss_dram_find("hbm2");
    for (int k = 0; k < 2; k++) {
        const ss_opts &o = k == 0 ? slow : fast;
        SysPtr s = open_sys(c, o);
        ASSERT_TRUE(s);
        Layer L = run_layer(s.get(), c, data);
        ASSERT_EQ(L.err, "");
        bool mem = L.st.roof_memory_ns > L.st.roof_compute_ns;
        double roof = std::max(L.st.roof_memory_ns, L.st.roof_compute_ns);
        double ratio = L.st.time_ns / roof;
        EXPECT_EQ(mem, k == 0);
        EXPECT_GE(ratio, 0.99) << "the roofline is a lower bound";
        EXPECT_LE(ratio, mem ? 1.05 : 1.20) << (mem ? "memory" : "compute") << "-bound layer: time "
                                            << L.st.time_ns << " ns, roofline " << roof << " ns";
        if (mem) {
            EXPECT_GT(L.st.dram_busy_ns / L.st.time_ns, 0.95);
        }
    }
}

// A load port of lw keys a beat: the same outputs, the roofline's load ceil(n_k / lw) cycles a
// head instead of n_k, and a decoding step (one query a head) that much shorter.
TEST(SysRoofline, WideLoadPortShortensTheLoad)
{
    const hg_cfg wide = hgt::sys_configs()[2]; /* the baseline, widest widths, 4 keys a beat */
    ASSERT_EQ(wide.lw, 4);
    hg_cfg one = hgt::with_lw(wide, 1);
    std::vector<Data> data;
    for (int h = 0; h < 6; h++)
        data.push_back(hgt::make_data(wide, h % 2 ? hgt::M_PARTIAL : hgt::M_RANDOM, 1, 40u + (uint32_t)h));
    double saved = 0; /* cycles */
    for (const Data &dt : data) saved += dt.run.n_keys - (dt.run.n_keys + 3) / 4;
    Layer L[2] = {run_on(one, data), run_on(wide, data)};
    for (const Layer &x : L) {
        ASSERT_EQ(x.err, "");
        EXPECT_EQ(x.st.roof_compute_ns >= x.st.roof_memory_ns, true) << "compute-bound at 100 MHz";
    }
    EXPECT_EQ(L[0].out, L[1].out);
    double period = 1e3 / quiet_defaults(wide).clock_mhz;
    EXPECT_NEAR(L[0].st.roof_compute_ns - L[1].st.roof_compute_ns, saved * period, 1e-6);
    EXPECT_GE(L[0].st.time_ns - L[1].st.time_ns, 0.9 * saved * period)
        << "one key a beat " << L[0].st.time_ns << " ns, four " << L[1].st.time_ns << " ns";
    EXPECT_EQ(L[0].st.bytes_k, L[1].st.bytes_k);
    EXPECT_EQ(L[0].st.bytes_v, L[1].st.bytes_v);
}

// The shadow exp table (--etab-shadow on): heads of 4 keys, whose 4 load beats hid only 4 of the
// table's 13 words, each with its own table; with the shadow the next head's words go in during
// this head's 9 queries, so each head after the first configures and loads in 1 + max(1 copy,
// 4 beats) cycles instead of 1 + max(13, 4); the first sends its words and the copy beside its
// beats. The same outputs, and the queries' busy cycles are the same too: a table word offered
// while the core is busy does not hold a query back (hg_cfg_load's cfg_wait_o), and one taken
// while the core waits for its queries leaves that cycle a wait.
TEST(SysRoofline, ShadowTableHidesTheNextHeadsTable)
{
    std::vector<hg_cfg> all = hgt::sys_configs();
    const hg_cfg plain = all[0], shadow = all.back();
    ASSERT_EQ(shadow.shadow, 1);
    ASSERT_EQ(hgt::cfg_name(hgt::with_shadow(plain)), hgt::cfg_name(shadow));
    int words = (plain.d + 32 / plain.ww) / (32 / plain.ww);
    ASSERT_EQ(words, 13);
    std::vector<Data> data;
    for (int h = 0; h < 6; h++) {
        data.push_back(
            hgt::make_data(plain, h % 2 ? hgt::M_WILD_TABLE : hgt::M_REALISTIC, 9, 60u + (uint32_t)h));
        data.back().run.n_keys = 4;
    }
    Layer L[2] = {run_on(plain, data), run_on(shadow, data)};
    for (const Layer &x : L) ASSERT_EQ(x.err, "");
    EXPECT_EQ(compare(shadow, data, L[1], L[0].out), "");
    EXPECT_EQ(L[0].st.core_load, 6u * (1 + 13));
    EXPECT_EQ(L[1].st.core_load, (1u + 14) + 5u * (1 + 4));
    EXPECT_EQ(L[1].st.core_busy - L[1].st.core_load, L[0].st.core_busy - L[0].st.core_load)
        << "the queries' busy cycles";
    // the layer is shorter by the 44 load cycles less what its heads now wait for their queries,
    // which DRAM delivers no sooner (measured: 34 of 44)
    EXPECT_GT(L[0].st.cycles - L[1].st.cycles, 44u / 2) << L[0].st.cycles << " against " << L[1].st.cycles;
    EXPECT_EQ(L[0].st.cycles - L[1].st.cycles + L[1].st.core_wait - L[0].st.core_wait, 44u);
    EXPECT_LT(L[1].st.roof_compute_ns, L[0].st.roof_compute_ns);
}

TEST(SysErrors, BufferTooSmallForTheKeysIsAClearError)
{
    const hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31);
    ss_opts o = quiet_defaults(c);
    int kb = hm_key_bytes(&c);
    o.kv_buffer = 2L * 20 * (kb + c.d); // two banks of 20 keys
    SysPtr s = open_sys(c, o);
    ASSERT_TRUE(s);
    std::vector<Data> data{hgt::make_data(c, hgt::M_RANDOM, 3, 1)}; // n_k = L = 31
    Layer L = run_layer(s.get(), c, data);
    EXPECT_NE(L.err.find("K/V buffer"), std::string::npos) << L.err;
    EXPECT_NE(L.err.find("31 keys"), std::string::npos) << L.err;
    EXPECT_NE(L.err.find("at least " + std::to_string(2 * 31 * (kb + c.d))), std::string::npos) << L.err;
    // the model is still usable: a head that fits runs
    data[0].run.n_keys = 20;
    Layer ok = run_layer(s.get(), c, data);
    EXPECT_EQ(ok.err, "");
}

TEST(SysErrors, BadOptionsNameTheValueAndTheRange)
{
    const hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31);
    char err[512];
    struct Case {
        void (*set)(ss_opts &);
        const char *want;
    } cases[] = {
        {[](ss_opts &o) { o.cores = 0; }, "cores 0: must be in 1..64"},
        {[](ss_opts &o) { o.clock_mhz = -1; }, "clock -1 MHz"},
        {[](ss_opts &o) { o.dram.gbytes_s = 0; }, "DRAM bandwidth (GB/s) 0"},
        {[](ss_opts &o) { o.dram.burst = 0; }, "DRAM burst (bytes) 0"},
        {[](ss_opts &o) { o.kv_buffer = 10; }, "K/V buffer 10 bytes"},
        {[](ss_opts &o) { o.q_buffer = 1; }, "query buffer 1 bytes"},
        {[](ss_opts &o) { o.chunk = 0; }, "DMA request size 0"},
        {[](ss_opts &o) { o.sram_pj_bit = NAN; }, "on-chip energy nan"},
    };
    for (const Case &k : cases) {
        ss_opts o = quiet_defaults(c);
        k.set(o);
        EXPECT_EQ(ss_opts_check(&c, &o, err, sizeof err), -1) << k.want;
        EXPECT_NE(std::string(err).find(k.want), std::string::npos) << err;
        EXPECT_EQ(ss_open(&c, &o, err, sizeof err), nullptr);
    }
}

TEST(SysErrors, HgsysRejectsBadInputWithExit2)
{
    const std::string bin = std::string(HG_BIN_DIR) + "/hgsys";
    struct Case {
        const char *args, *want;
    } cases[] = {
        {"--context 0", "--context '0': must be an integer in 1..16384"},
        {"--dram ddr9", "--dram 'ddr9': not a preset"},
        {"--bandwidth -3", "--bandwidth '-3'"},
        {"--kv-buffer 3 --d 16 --context 8", "K/V buffer 3 bytes"},
        {"--context 64 --max-keys 32", "more keys than the core holds"},
        {"--n-per-128 4 --top-n 8", "give one"},
        {"--frobnicate", "unknown option"},
    };
    for (const Case &k : cases) {
        hgt::CmdResult r = hgt::run_cmd(bin + " " + k.args + " 2>&1");
        EXPECT_EQ(r.status, 2) << k.args << "\n" << r.out;
        EXPECT_NE(r.out.find(k.want), std::string::npos) << k.args << "\n" << r.out;
    }
    hgt::CmdResult r = hgt::run_cmd(bin + " --list-dram");
    EXPECT_EQ(r.status, 0);
    for (const char *p : {"lpddr4", "lpddr5", "hbm2", "ddr3"})
        EXPECT_NE(r.out.find(p), std::string::npos) << p;
}

// The CLI end to end: a layer with --check, its figures printed and written as JSON.
TEST(SysCli, HgsysChecksAndWritesJson)
{
    hgt::TempDir dir_dir("hgsys");
    std::string dir = dir_dir.path();
    const std::string bin = std::string(HG_BIN_DIR) + "/hgsys";
    hgt::CmdResult r =
        hgt::run_cmd(bin + " --core had --d 24 --lanes 3 --top-n 5 --max-keys 31 --context 31 --heads 4" +
                     " --queries 6 --cores 2 --check --json " + dir + "/l.json 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("check: outputs differing from the golden model: 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("roofline"), std::string::npos) << r.out;
    std::string j = hgt::read_file(dir + "/l.json");
    for (const char *k : {"\"cycles\"", "\"core_wait\"", "\"core_load\"", "\"bytes_k\"", "\"dram_pj\"",
                          "\"bound\"", "\"load_width\""})
        EXPECT_NE(j.find(k), std::string::npos) << k;
    // core logic energy: per query, per busy cycle of queries, per configuration or load cycle,
    // per key loaded (4 heads of 31 keys), per key scored (24 queries of 31 keys), per head, added up
    r = hgt::run_cmd(bin + " --core had --d 24 --lanes 3 --top-n 5 --max-keys 31 --context 31 --heads 4" +
                     " --queries 6 --cores 2 --core-nj-query 1 --core-nj-cycle 2 --core-nj-load-cycle 0.5" +
                     " --core-nj-key 0.25 --core-nj-score 0.125 --core-nj-head 3 --json " + dir +
                     "/e.json 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    cJSON *e = cJSON_Parse(hgt::read_file(dir + "/e.json").c_str());
    ASSERT_TRUE(e);
    auto num = [&](const char *k) { return cJSON_GetObjectItem(e, k)->valuedouble; };
    double busy = num("core_busy"), load = num("core_load");
    EXPECT_GT(load, 0.0);
    EXPECT_DOUBLE_EQ(num("core_pj"),
                     1e3 * (24 + 2 * (busy - load) + 0.5 * load + 0.25 * 4 * 31 + 0.125 * 24 * 31 + 3 * 4));
    cJSON_Delete(e);
    r = hgt::run_cmd(bin + " --core had --context 31 --core-nj-key -1 2>&1");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--core-nj-key '-1': must be a number in 0..1e+09"), std::string::npos) << r.out;
    // a decoding step through the wide-load baseline of the system suite (4 keys a beat)
    r = hgt::run_cmd(
        bin + " --core baseline --d 16 --lanes 4 --top-n 6 --max-keys 40 --weight-bits 20" +
        " --exp-frac-bits 8 --out-frac 12 --load-width 4 --context 40 --queries 1 --heads 3 --check" +
        " --json " + dir + "/w.json 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("4 key(s) a load beat"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("check: outputs differing from the golden model: 0"), std::string::npos) << r.out;
    EXPECT_NE(hgt::read_file(dir + "/w.json").find("\"load_width\":\t4"), std::string::npos);
}

// The longest context the cores hold: 16384 keys (a small head, so the build stays short).
TEST(SysCli, LongestContextIsBitExact)
{
    const std::string bin = std::string(HG_BIN_DIR) + "/hgsys";
    hgt::CmdResult r =
        hgt::run_cmd(bin + " --core had --d 16 --lanes 16 --top-n 4 --context 16384 --heads 2" +
                     " --queries 3 --check 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("layer: 2 heads x 16384 keys x 3 queries"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("check: outputs differing from the golden model: 0"), std::string::npos) << r.out;
}

// The figures every report derives from a layer's statistics.
TEST(SysFigures, SharesUtilizationAndBound)
{
    ss_layer_stats st{};
    st.core_busy = 30, st.core_wait = 10, st.core_idle = 60;
    st.time_ns = 400, st.dram_busy_ns = 100;
    st.roof_compute_ns = 5, st.roof_memory_ns = 6;
    EXPECT_DOUBLE_EQ(ss_core_share(&st, st.core_busy), 0.3);
    EXPECT_DOUBLE_EQ(ss_core_share(&st, st.core_wait), 0.1);
    EXPECT_DOUBLE_EQ(ss_dram_util(&st), 0.25);
    EXPECT_STREQ(ss_bound(&st), "memory");
    st.roof_memory_ns = 5; // a tie counts as compute-bound
    EXPECT_STREQ(ss_bound(&st), "compute");
    ss_layer_stats none{};
    EXPECT_EQ(ss_core_share(&none, 0), 0.0);
    EXPECT_EQ(ss_dram_util(&none), 0.0);
}

} // namespace
