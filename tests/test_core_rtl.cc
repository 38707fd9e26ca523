// test_core_rtl.cc — the Verilator simulation of every generated core agrees bit for bit
// with the C golden model, on edge and random configurations and inputs, with and without
// stalls; steady-state throughput is one query per ii_cycles.
#include "hg_testlib.h"
#include "hs_sim.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using hgt::Data;

namespace
{

struct SimCloser {
    void operator()(hs_sim *s) const { hs_close(s); }
};
using SimPtr = std::unique_ptr<hs_sim, SimCloser>;

SimPtr open_sim(const hg_cfg &c)
{
    char err[1024];
    hs_opts o{};
    o.quiet = 1;
    hs_sim *s = hs_open(&c, &o, err, sizeof err);
    EXPECT_NE(s, nullptr) << hgt::cfg_name(c) << ": " << err;
    return SimPtr(s);
}

// Runs dt through the simulator and the golden model; returns "" or a description of the
// first mismatches (config, data set, query, dimension, got vs expected).
std::string compare(hs_sim *s, const hg_cfg &c, const Data &dt)
{
    char err[1024];
    if (hs_load(s, &dt.run, dt.k.data(), dt.v.data(), err, sizeof err) != 0)
        return std::string("load failed: ") + err;
    std::vector<int32_t> got((size_t)dt.nq * (size_t)c.d), exp((size_t)c.d);
    if (hs_run(s, dt.nq, dt.q.data(), got.data(), err, sizeof err) != 0)
        return std::string("run failed: ") + err;
    std::ostringstream os;
    int bad = 0;
    int kb = hm_key_bytes(&c);
    for (int q = 0; q < dt.nq; q++) {
        hm_attend(&c, &dt.run, &dt.q[(size_t)q * (size_t)kb], dt.k.data(), dt.v.data(), exp.data(), nullptr);
        for (int i = 0; i < c.d; i++) {
            int32_t g = got[(size_t)q * (size_t)c.d + (size_t)i];
            if (g != exp[(size_t)i] && bad++ < 5)
                os << "\n  " << hgt::cfg_name(c) << " data=" << dt.what << " n_k=" << dt.run.n_keys
                   << " query " << q << " dim " << i << ": got " << g << " expected " << exp[(size_t)i];
        }
    }
    if (bad) os << "\n  (" << bad << " mismatching values)";
    return os.str();
}

class RtlVsGolden : public testing::TestWithParam<hg_cfg>
{
};

TEST_P(RtlVsGolden, BitExactOnEveryDataSet)
{
    const hg_cfg &c = GetParam();
    SimPtr s = open_sim(c);
    ASSERT_TRUE(s);
    uint32_t seed = hgt::test_seed() ^ (uint32_t)(c.d * 131 + c.p * 17 + c.n * 7 + c.l);
    for (int m = 0; m < hgt::M_NMODES; m++) {
        Data dt = hgt::make_data(c, (hgt::Mode)m, 6, seed + (uint32_t)m);
        EXPECT_EQ(compare(s.get(), c, dt), "") << "seed " << seed + (uint32_t)m;
    }
}

TEST_P(RtlVsGolden, BitExactUnderRandomStalls)
{
    const hg_cfg &c = GetParam();
    SimPtr s = open_sim(c);
    ASSERT_TRUE(s);
    uint32_t seed = hgt::test_seed() + 99u;
    hs_set_stalls(s.get(), 30, 40, seed);
    Data dt = hgt::make_data(c, hgt::M_PARTIAL, 7, seed);
    EXPECT_EQ(compare(s.get(), c, dt), "") << "stalls, seed " << seed;
    Data dt2 = hgt::make_data(c, hgt::M_RANDOM, 5, seed + 1);
    EXPECT_EQ(compare(s.get(), c, dt2), "") << "stalls, seed " << seed + 1;
}

// Back-to-back queries at n_k = L: one output every ii_cycles (the manifest's figure),
// which is ceil(L/P) whenever the normalizer fits in that budget.
TEST_P(RtlVsGolden, SteadyStateThroughput)
{
    const hg_cfg &c = GetParam();
    SimPtr s = open_sim(c);
    ASSERT_TRUE(s);
    const int nq = 6;
    Data dt = hgt::make_data(c, hgt::M_RANDOM, nq, 7);
    char err[512];
    ASSERT_EQ(hs_load(s.get(), &dt.run, dt.k.data(), dt.v.data(), err, sizeof err), 0) << err;
    std::vector<int32_t> out((size_t)nq * (size_t)c.d);
    ASSERT_EQ(hs_run(s.get(), nq, dt.q.data(), out.data(), err, sizeof err), 0) << err;
    hs_stats st;
    hs_get_stats(s.get(), &st);
    double ii = (double)(st.last_last_out - st.last_first_out) / (nq - 1);
    EXPECT_EQ(ii, (double)c.ii) << hgt::cfg_name(c) << " ceil(L/P)=" << c.g;
    if (c.cr + c.cm <= c.g) {
        EXPECT_EQ(c.ii, c.g) << hgt::cfg_name(c);
    }
    // memories: every query reads each K row once; the top-N cores read N V rows; the load
    // writes K in beats of lw keys
    EXPECT_EQ(st.kmem_reads, (uint64_t)nq * (uint64_t)c.g);
    EXPECT_EQ(st.kmem_writes, (uint64_t)((c.l + c.lw - 1) / c.lw));
    if (hg_cfg_topn(&c)) {
        EXPECT_EQ(st.vmem_reads, (uint64_t)nq * (uint64_t)c.n);
    }
    // the score memory (the baseline's, the counting selector's): each row written once and
    // read once by the second pass
    if (!hg_cfg_topn(&c) || c.sel == HG_SEL_COUNTING) {
        EXPECT_EQ(st.smem_reads, (uint64_t)nq * (uint64_t)c.g);
        EXPECT_EQ(st.smem_writes, (uint64_t)nq * (uint64_t)c.g);
    } else {
        EXPECT_EQ(st.smem_reads, 0u);
    }
}

std::string name_of(const testing::TestParamInfo<hg_cfg> &info)
{
    return std::to_string(info.index) + "_" + hgt::cfg_id(info.param);
}

INSTANTIATE_TEST_SUITE_P(RtlEdge, RtlVsGolden, testing::ValuesIn(hgt::edge_configs()), name_of);
INSTANTIATE_TEST_SUITE_P(RtlRandom, RtlVsGolden, testing::ValuesIn(hgt::random_configs(36, hgt::test_seed())),
                         name_of);
INSTANTIATE_TEST_SUITE_P(RtlDefault, RtlVsGolden, testing::ValuesIn(hgt::default_configs()), name_of);
INSTANTIATE_TEST_SUITE_P(RtlSelector, RtlVsGolden, testing::ValuesIn(hgt::selector_configs()), name_of);

} // namespace

namespace
{

// An FST trace can be written (separately cached build variant), and the traced model
// still agrees with the golden model.
TEST(RtlTrace, WritesFstAndStaysBitExact)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 16, 4, 3, 12);
    char path[] = "/tmp/hgtraceXXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    char err[1024];
    hs_opts o{};
    o.quiet = 1;
    o.trace_fst = path;
    hs_sim *s = hs_open(&c, &o, err, sizeof err);
    ASSERT_NE(s, nullptr) << err;
    Data dt = hgt::make_data(c, hgt::M_RANDOM, 3, 5);
    EXPECT_EQ(compare(s, c, dt), "");
    hs_close(s);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    EXPECT_GT(st.st_size, 1000) << "FST trace too small";
    unlink(path);
}

} // namespace
