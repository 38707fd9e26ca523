// test_core_hgsim.cc — the hgsim command line: runs a core on vector files bit-exactly,
// writes its outputs, and rejects bad files and options with exit 2 and a clear message.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <string>
#include <sys/stat.h>

namespace
{

using Result = hgt::CmdResult;

// A small int8 + top-N core (one of the edge configurations, so its build is shared).
class HgsimCli : public testing::Test
{
  protected:
    void SetUp() override
    {
        dir = hgt::temp_dir("hgsim");
        c = hgt::make_cfg(HG_CORE_I8TOPN, 24, 3, 5, 31);
        hgt::Data dt = hgt::make_data(c, hgt::M_RANDOM, 4, 11);
        hgt::write_file(dir + "/k.bin", dt.k.data(), dt.k.size());
        hgt::write_file(dir + "/v.bin", dt.v.data(), dt.v.size());
        hgt::write_file(dir + "/q.bin", dt.q.data(), dt.q.size());
        base = std::string(HG_BIN_DIR) + "/hgsim --core int8-topn --d 24 --lanes 3 --top-n 5 --max-keys 31 ";
    }
    void TearDown() override { hgt::remove_tree(dir); }
    std::string dir, base;
    hg_cfg c;
};

TEST_F(HgsimCli, RunsBitExactAndWritesOutputs)
{
    Result r = hgt::run_cmd(base + "--keys " + dir + "/k.bin --values " + dir + "/v.bin --queries " + dir +
                            "/q.bin --check --out " + dir + "/o.bin");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("check: bit-exact"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("steady state: 11.00 cycles/query"), std::string::npos) << r.out;
    struct stat st;
    ASSERT_EQ(stat((dir + "/o.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 4 * 24 * 4);
}

// $HADGEN_VERILATOR_FLAGS adds options to Verilator's runs (make test's own cache uses it,
// tests/tests.mk): the model cache is keyed on them, so changing them rebuilds the model and
// every build is still bit-exact; a bad option fails the build with its log named.
TEST_F(HgsimCli, VerilatorFlagsAreKeyedIntoTheModelCache)
{
    const std::string run =
        "--keys " + dir + "/k.bin --values " + dir + "/v.bin --queries " + dir + "/q.bin --check";
    auto with = [&](const std::string &flags) {
        return hgt::run_cmd(
            "HADGEN_SIM_CACHE='" + dir + "/cache' " +
            (flags.empty() ? "env -u HADGEN_VERILATOR_FLAGS " : "HADGEN_VERILATOR_FLAGS='" + flags + "' ") +
            base + run);
    };
    const char *building = "hs: building";
    const struct {
        std::string flags;
        bool builds;
    } steps[] = {
        {"", true}, {"", false}, {"--unroll-stmts 1000", true}, {"--unroll-stmts 1000", false}, {"", true}};
    for (const auto &st : steps) {
        Result r = with(st.flags);
        EXPECT_EQ(r.status, 0) << st.flags << "\n" << r.out;
        EXPECT_NE(r.out.find("check: bit-exact"), std::string::npos) << st.flags << "\n" << r.out;
        EXPECT_EQ(r.out.find(building) != std::string::npos, st.builds) << "flags '" << st.flags << "'\n"
                                                                        << r.out;
    }
    Result r = with("--no-such-verilator-option");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("building the simulation of 'hadgen --core int8-topn"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("build.log"), std::string::npos) << r.out;
}

struct BadCall {
    const char *args; // {D} is replaced by the temp directory
    const char *message;
};

class HgsimRejects : public HgsimCli, public testing::WithParamInterface<BadCall>
{
};

TEST_P(HgsimRejects, WithExit2)
{
    std::string a = GetParam().args;
    for (size_t p; (p = a.find("{D}")) != std::string::npos;) a.replace(p, 3, dir);
    Result r = hgt::run_cmd(base + a);
    EXPECT_EQ(r.status, 2) << a << "\n" << r.out;
    EXPECT_NE(r.out.find(GetParam().message), std::string::npos) << a << "\n" << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Calls, HgsimRejects,
    testing::Values(BadCall{"--keys {D}/none.bin --values {D}/v.bin --queries {D}/q.bin", "--keys '"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin",
                            "--keys, --values and --queries are required"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --d 32",
                            "not a positive multiple of the key size 32"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --n-keys 40",
                            "--n-keys 40: must be in 1..31"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --n-keys 0",
                            "--n-keys '0': must be an integer in 1..max-keys"},
                    BadCall{"--keys {D}/k.bin --values {D}/q.bin --queries {D}/q.bin", "--values '"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --scale-q -1",
                            "--scale-q '-1': must be a positive number"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --lanes 0",
                            "--lanes 0: must be in 1..64"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --frobnicate",
                            "unknown option '--frobnicate'"},
                    BadCall{"--keys {D}/k.bin --values {D}/v.bin --queries {D}/q.bin --etab 1,2",
                            "--etab: only the had core has an exp table (--core int8-topn)"}));

// --etab (a learned HAD exp table, e.g. replaying a dump of a distilled model): d + 1
// integers in 0..2^wb, not with --alpha. Checked before any file is read or model built.
struct EtabCall {
    std::string etab, message;
};

TEST(HgsimEtab, RejectsMalformedTablesWithExit2)
{
    const std::string base = std::string(HG_BIN_DIR) +
                             "/hgsim --core had --d 8 --lanes 2 --top-n 4 --max-keys 16 --weight-bits 8 "
                             "--keys none.k --values none.v --queries none.q ";
    const std::string nine = "256,200,150,100,60,30,10,2,0";
    const EtabCall cases[] = {
        {"--etab 256,200", "--etab '256,200': has 2 entries, d = 8 needs d + 1 = 9"},
        {"--etab " + nine + ",0", "more than d + 1 = 9 entries"},
        {"--etab " + nine + ",", "more than d + 1 = 9 entries"},
        {"--etab 257,200,150,100,60,30,10,2,0", "--etab entry 0 '257': must be an integer in 0..256"},
        {"--etab 256,-1,150,100,60,30,10,2,0", "--etab entry 1 '-1': must be an integer in 0..256"},
        {"--etab 256,x,150,100,60,30,10,2,0", "--etab entry 1 'x'"},
        {"--etab " + nine + " --alpha 0.2", "--etab and --alpha both given"},
        {"--etab 256," + std::string(40, '0') + "1,150,100,60,30,10,2,0", "--etab entry 1: 41 characters"},
    };
    for (const EtabCall &c : cases) {
        Result r = hgt::run_cmd(base + c.etab);
        EXPECT_EQ(r.status, 2) << c.etab << "\n" << r.out;
        EXPECT_NE(r.out.find(c.message), std::string::npos) << c.etab << "\n" << r.out;
    }
}

} // namespace
