// test_xsim.cc — the second simulator: Icarus Verilog (sim/hx_tb.v, hgxsim) runs generated
// cores on the same vectors as the Verilator model and agrees bit for bit, outputs and
// cycle counts, with and without stalls; a wrong core, an unknown (x) handshake or output
// and a stalled stream are caught; bad input exits 2. The configurations are edge
// configurations of the RTL suite, so their Verilator builds are shared (make xsim runs a
// larger sample).
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace
{

using Result = hgt::CmdResult;

std::string hgxsim() { return std::string(HG_BIN_DIR) + "/hgxsim"; }

std::string core_args(const hg_cfg &c)
{
    std::ostringstream os;
    os << " --core " << hg_core_name(c.core) << " --d " << c.d << " --lanes " << c.p << " --top-n " << c.n
       << " --max-keys " << c.l << " --weight-bits " << c.wb << " --exp-frac-bits " << c.fb << " --out-frac "
       << c.of << " --v-bits " << c.vb << " --selector " << hg_sel_name(c.sel);
    return os.str();
}

// The value of name=... in hgxsim's figures line, or -1.
long figure(const std::string &out, const std::string &name)
{
    size_t at = out.find("xsim-figures ");
    if (at == std::string::npos) return -1;
    at = out.find(" " + name + "=", at);
    return at == std::string::npos ? -1 : std::atol(out.c_str() + at + name.size() + 2);
}

class XsimAgrees : public testing::TestWithParam<hg_cfg>
{
};

// Every data set (random, n_k not a multiple of P, a single key, ties, zeros, extremes,
// realistic, wild exp tables), each also with random stalls.
TEST_P(XsimAgrees, BitForBitWithVerilator)
{
    const hg_cfg &c = GetParam();
    Result r = hgt::run_cmd(hgxsim() + core_args(c) + " --stalls --count 4 --seed " +
                            std::to_string(hgt::test_seed() % 100000));
    EXPECT_EQ(r.status, 0) << hgt::cfg_name(c) << "\n" << r.out;
    EXPECT_NE(r.out.find("result=equal"), std::string::npos) << r.out;
    EXPECT_EQ(figure(r.out, "sets"), 16) << r.out;
    EXPECT_EQ(figure(r.out, "values"), 16L * 4 * c.d) << r.out;
    EXPECT_EQ(figure(r.out, "mismatches"), 0) << r.out;
    EXPECT_EQ(figure(r.out, "cycle_mismatches"), 0) << r.out;
    EXPECT_EQ(figure(r.out, "failures"), 0) << r.out;
}

std::string name_of(const testing::TestParamInfo<hg_cfg> &info)
{
    const hg_cfg &c = info.param;
    std::ostringstream os;
    os << hg_core_short(c.core) << "_d" << c.d << "_p" << c.p << "_n" << c.n << "_l" << c.l;
    if (c.sel != hg_core_sel(c.core)) os << "_" << hg_sel_name(c.sel);
    if (c.lw != 1) os << "_lw" << c.lw;
    if (c.shadow) os << "_shadow";
    return os.str();
}

INSTANTIATE_TEST_SUITE_P(
    Xsim, XsimAgrees,
    testing::Values(hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31), // L % P != 0
                    hgt::with_selector(hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31),
                                       HG_SEL_BITONIC), // the other selectors
                    hgt::with_selector(hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31), HG_SEL_COUNTING),
                    hgt::with_selector(hgt::make_cfg(HG_CORE_I8TOPN, 16, 8, 8, 8),
                                       HG_SEL_TWOSTAGE),         // one row a query
                    hgt::make_cfg(HG_CORE_BASELINE, 8, 1, 1, 8), // smallest
                    hgt::with_lw(hgt::with_vbits(hgt::make_cfg(HG_CORE_BASELINE, 16, 8, 8, 8), 4),
                                 8), // P = L, int4 V, one load beat
                    hgt::with_vbits(hgt::make_cfg(HG_CORE_I8TOPN, 16, 4, 6, 40, 8, 2, 0),
                                    2),                                          // narrowest
                    hgt::with_shadow(hgt::make_cfg(HG_CORE_HAD, 24, 3, 5, 31))), // the shadow exp table
    name_of);

// A generated core folder for --rtl, edited by a sed script ("" leaves it as generated).
// A core generated into dir; sed, if given, edits its file `file` (a fault put in on purpose).
std::string core_dir(const std::string &dir, const std::string &args, const std::string &sed,
                     const std::string &file = "*_core.v")
{
    Result g = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadgen" + args + " --out '" + dir + "'");
    EXPECT_EQ(g.status, 0) << g.out;
    if (!sed.empty()) {
        Result s = hgt::run_cmd("sed -i \"" + sed + "\" '" + dir + "'/" + file);
        EXPECT_EQ(s.status, 0) << s.out;
    }
    return dir;
}

const char *const kHad = " --core had --d 24 --lanes 3 --top-n 5 --max-keys 31";

TEST(XsimCatches, AnotherCoreDiffers)
{
    hgt::TempDir td("xsim");
    std::string t = td.path();
    // same ports, top-N 4 instead of 5
    std::string rtl = core_dir(t + "/n4", " --core had --d 24 --lanes 3 --top-n 4 --max-keys 31", "");
    Result r = hgt::run_cmd(hgxsim() + kHad + " --data random --rtl '" + rtl + "'");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("mismatch: random query 0 dim 0: icarus "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("MISMATCH"), std::string::npos) << r.out;
    EXPECT_GT(figure(r.out, "mismatches"), 0) << r.out;
}

TEST(XsimCatches, UnknownHandshakeAndStalledStream)
{
    hgt::TempDir td("xsim");
    std::string t = td.path();
    // the core's idle (the score stage's idle_o, rtl/src/hg_score_stage.v) made unknown
    std::string x =
        core_dir(t + "/x", kHad, "s/assign idle_o     = /assign idle_o     = 1'bx ^ /", "hg_score_stage.v");
    Result a = hgt::run_cmd(hgxsim() + kHad + " --data random --rtl '" + x + "'");
    EXPECT_EQ(a.status, 1) << a.out;
    EXPECT_NE(a.out.find("XSTATE port=cfg_ready_o cycle=2"), std::string::npos) << a.out;
    std::string h = core_dir(t + "/h", kHad, "s/assign q_ready_o  = /assign q_ready_o  = 1'b0 \\&\\& /",
                             "hg_score_stage.v");
    Result b = hgt::run_cmd(hgxsim() + kHad + " --data random --rtl '" + h + "'");
    EXPECT_EQ(b.status, 1) << b.out;
    EXPECT_NE(b.out.find("HANG: q_ready_o, o_valid_o: no query taken and no output given cycle="),
              std::string::npos)
        << b.out;
}

// With Icarus's own initial state (x), the baseline's last partial row multiplies
// never-written V words (x) by weight 0: the unknown output is reported, not read as a
// number.
TEST(XsimCatches, UnknownOutputBits)
{
    Result r = hgt::run_cmd(hgxsim() + " --core baseline --d 16 --lanes 8 --top-n 8 --max-keys 8 "
                                       "--data partial --four-state");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("o_data_o bit 0 is x or z"), std::string::npos) << r.out;
}

// One data set from files, in hgsim's layouts (an edge configuration of the RTL suite).
TEST(XsimCli, VectorFilesAgree)
{
    hgt::TempDir td("xsim");
    std::string t = td.path();
    hg_cfg c = hgt::make_cfg(HG_CORE_I8TOPN, 24, 3, 5, 31);
    hgt::Data dt = hgt::make_data(c, hgt::M_REALISTIC, 5, 17);
    hgt::write_file(t + "/k.bin", dt.k.data(), dt.k.size());
    hgt::write_file(t + "/v.bin", dt.v.data(), dt.v.size());
    hgt::write_file(t + "/q.bin", dt.q.data(), dt.q.size());
    Result r =
        hgt::run_cmd(hgxsim() + core_args(c) + " --keys " + t + "/k.bin --values " + t + "/v.bin --queries " +
                     t + "/q.bin --n-keys 29 --scale-q 0.04 --scale-k 0.03 --stalls");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("files              n_k=29       5 queries     120 values equal"), std::string::npos)
        << r.out;
    EXPECT_EQ(figure(r.out, "sets"), 2) << r.out;
    EXPECT_EQ(figure(r.out, "mismatches"), 0) << r.out;
}

TEST(XsimCli, BadInputExitsTwo)
{
    hgt::TempDir td("xsim");
    std::string t = td.path();
    hgt::write_file(t + "/filelist.f", "../had_core.v\n");
    hgt::write_file(t + "/k.bin", std::string(3, '\0'));
    hgt::write_file(t + "/v8.bin", std::string(8, '\1'));
    struct {
        std::string args, message;
    } cases[] = {
        {" --data random,bogus", "--data 'random,bogus': unknown data set 'bogus'"},
        {" --count 0", "--count '0': must be an integer in 1..4096"},
        {" --seed -1", "--seed '-1': must be an integer in 0..2147483647"},
        {" --keys " + t + "/k.bin", "--keys, --values and --queries go together"},
        {" --rtl " + t, "is not a plain Verilog file name"},
        {" --rtl " + t + "/none", "cannot open"},
        {" --d 12", "--d"},
        {" --frobnicate", "unknown option '--frobnicate'"},
        {kHad + std::string(" --keys ") + t + "/k.bin --values " + t + "/k.bin --queries " + t + "/k.bin",
         "3 bytes, expected 24 (1 keys in --keys"},
        {" --core int8-topn --d 8 --lanes 1 --top-n 1 --max-keys 8 --keys " + t + "/v8.bin --values " + t +
             "/v8.bin --queries " + t + "/v8.bin --scale-q 0.000000001 --scale-k 0.000000001",
         "is outside 2^-48 .. 65535"},
        {" --alpha inf", "--alpha 'inf': must be a positive number"},
    };
    for (const auto &k : cases) {
        Result r = hgt::run_cmd(hgxsim() + k.args);
        EXPECT_EQ(r.status, 2) << k.args << "\n" << r.out;
        EXPECT_NE(r.out.find(k.message), std::string::npos) << k.args << "\n" << r.out;
    }
}

} // namespace
