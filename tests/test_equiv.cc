// test_equiv.cc — formal equivalence of the synthesized netlists with their RTL
// (synth/equiv.sh): the flow's netlists of a small HAD core (d=8, one lane, narrowest
// widths; synth/flow.sh up to yosys) are proven equal to the RTL for the score lane, the
// top-N selector, the exp table (x in the RTL a don't care: equiv_induct), the AV control
// and the core's top, and at the same point with the bitonic selector and 4-bit values, their
// selector and AV units; a netlist with one cell changed is not; bad input exits 2. make equiv
// runs every module of every core type. And synth/equiv_rev.sh: a block against another
// version of itself.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace
{

using Result = hgt::CmdResult;

// synth/equiv.sh with this build's hgsynth (make test-asan runs the suite on build/asan).
std::string equiv()
{
    return "HGSYNTH='" + std::string(HG_BIN_DIR) + "/hgsynth' " + hgt::src_dir() + "/synth/equiv.sh";
}

// The small HAD core (d = 8 unless `args` sets it, one lane, the narrowest widths) with the hadgen
// options `args` into rtl, and the flow up to its netlists into dir: hadgen's result if it
// failed, else the flow's.
Result core_to_netlists(const std::string &args, const std::string &rtl, const std::string &dir)
{
    Result g =
        hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadgen --core had --lanes 1 --top-n 2 --max-keys 24 " +
                     "--weight-bits 8 --exp-frac-bits 2 --out-frac 0 " + args + " --out '" + rtl + "'");
    if (g.status != 0) {
        g.out = "hadgen: " + g.out;
        return g;
    }
    return hgt::run_cmd("OUT_DIR='" + dir + "' STOP_AFTER=yosys JOBS=2 HGSYNTH='" + HG_BIN_DIR +
                        "/hgsynth' " + hgt::src_dir() + "/synth/flow.sh '" + rtl + "'");
}

// One flow run (to the netlists) of the small HAD core, made once for the suite by its
// fixture; the setup only records what happened (the tests check it).
struct FlowRun {
    std::string dir, rtl, log;
    int rc = -1;
};

class Equiv : public testing::Test
{
  protected:
    static FlowRun *run_;
    static void SetUpTestSuite()
    {
        if (run_) return;
        run_ = new FlowRun;
        std::string t = std::string(HG_BIN_DIR) + "/../test_equiv";
        hgt::run_cmd("rm -rf '" + t + "' && mkdir -p '" + t + "'");
        run_->rtl = t + "/rtl";
        run_->dir = t + "/run";
        Result f = core_to_netlists("--d 8", run_->rtl, run_->dir);
        run_->rc = f.status;
        run_->log = f.out;
    }
    static const FlowRun &run() { return *run_; }
};
FlowRun *Equiv::run_ = nullptr;

TEST_F(Equiv, NetlistsOfEveryKindAreProven)
{
    const FlowRun &r = run();
    ASSERT_EQ(r.rc, 0) << r.log;
    Result e = hgt::run_cmd("EQUIV_MODULES='had_xnor_lane had_topn had_wlut had_av had_core' " + equiv() +
                            " '" + r.dir + "'");
    EXPECT_EQ(e.status, 0) << e.out;
    EXPECT_NE(e.out.find("5 modules, 5 proven, 0 proven against the generic mapping only, 0 not proven"),
              std::string::npos)
        << e.out;
    // registers matched by name and ABC's &cec (the exp table too: its entries are registers of
    // their own since the table is written a word of entries at a time)
    for (const char *m : {"had_xnor_lane", "had_topn", "had_av"}) {
        EXPECT_NE(e.out.find(std::string(m)), std::string::npos) << e.out;
    }
    EXPECT_NE(e.out.find("had_wlut               softmax  proven      cec"), std::string::npos) << e.out;
    EXPECT_NE(e.out.find("had_topn               select   proven      cec"), std::string::npos) << e.out;
    EXPECT_NE(e.out.find("had_core               control  proven"), std::string::npos) << e.out;
    EXPECT_NE(hgt::read_file(r.dir + "/equiv/summary.txt").find("5 proven"), std::string::npos);
}

// The variants of the same point: the bitonic selector and 4-bit values (hadgen --selector
// bitonic --v-bits 4) have their own netlists of the selector and the AV unit, proven too.
TEST(EquivVariants, BitonicSelectorAndNarrowValuesAreProven)
{
    hgt::TempDir td("equivvar");
    std::string rtl = td.path() + "/rtl", dir = td.path() + "/run";
    Result f = core_to_netlists("--d 8 --v-bits 4 --selector bitonic", rtl, dir);
    ASSERT_EQ(f.status, 0) << f.out;
    // the selector's netlist is the compare-exchange network, the AV dimension's multiplier
    // a 9 x 4-bit one
    std::string nl = hgt::read_file(dir + "/generated/netlist/had_topn.v");
    EXPECT_NE(nl.find("module had_topn"), std::string::npos);
    EXPECT_NE(hgt::read_file(rtl + "/had_core.v").find(".SEL(1)"), std::string::npos);
    EXPECT_NE(hgt::read_file(rtl + "/had_core.v").find(".VB(4)"), std::string::npos);
    Result e = hgt::run_cmd("EQUIV_MODULES='had_topn had_av_dim had_av' " + equiv() + " '" + dir + "'");
    EXPECT_EQ(e.status, 0) << e.out;
    EXPECT_NE(e.out.find("3 modules, 3 proven, 0 proven against the generic mapping only, 0 not proven"),
              std::string::npos)
        << e.out;
    for (const char *m : {"had_topn               select   proven      cec",
                          "had_av_dim             av       proven      cec",
                          "had_av                 av       proven      cec"})
        EXPECT_NE(e.out.find(m), std::string::npos) << m << "\n" << e.out;
}

// Above d = 64 (HG_AV_FAN) the AV unit's dimensions come in groups of 64 behind a fan-out stage
// each (rtl/src/hg_fanout.v): the unit has no logic, so the flow maps each of its bits to one
// buffer cell (FANOUT_BUF), the AV unit's netlist instantiates one stage a group, and both are
// proven against the RTL. At d = 64 there is no such stage.
TEST(EquivVariants, FanOutStagesAreOneBufferABitAndProven)
{
    hgt::TempDir td("equivfan");
    std::string rtl = td.path() + "/rtl", dir = td.path() + "/run";
    Result f = core_to_netlists("--d 72", rtl, dir);
    ASSERT_EQ(f.status, 0) << f.out;
    std::string man = hgt::read_file(rtl + "/manifest.json");
    EXPECT_NE(man.find("\"av_fan\":\t64"), std::string::npos) << man.substr(0, 2000);
    // 2 groups (64 + 8 dimensions); each stage buffers {en, valid, first, w}: 1 slot x 9 bits + 3
    std::string fan = hgt::read_file(dir + "/generated/netlist/had_av_fan.v");
    size_t bufs = 0, cells = 0;
    std::istringstream in(fan);
    for (std::string l; std::getline(in, l);) {
        if (l.rfind("  BUFX4 ", 0) == 0) bufs++;
        if (l.size() > 2 && l[0] == ' ' && l[1] == ' ' && l[2] != ' ' && l.find('(') != std::string::npos)
            cells++;
    }
    EXPECT_EQ(bufs, 12u) << fan;
    EXPECT_EQ(cells, 12u) << fan;
    std::string av = hgt::read_file(dir + "/generated/netlist/had_av.v");
    EXPECT_NE(av.find("had_av_fan \\u_mac.g_fan.g_grp[0].u_fan "), std::string::npos);
    EXPECT_NE(av.find("had_av_fan \\u_mac.g_fan.g_grp[1].u_fan "), std::string::npos);
    EXPECT_EQ(av.find("g_grp[2]"), std::string::npos);
    Result e = hgt::run_cmd("EQUIV_MODULES='had_av_fan had_av' " + equiv() + " '" + dir + "'");
    EXPECT_EQ(e.status, 0) << e.out;
    EXPECT_NE(e.out.find("2 modules, 2 proven, 0 proven against the generic mapping only, 0 not proven"),
              std::string::npos)
        << e.out;
    // at d = 64 the dimensions take the shared signals directly
    Result g64 = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadgen --core baseline --d 64 --out '" + td.path() +
                              "/rtl64'");
    ASSERT_EQ(g64.status, 0) << g64.out;
    std::string m64 = hgt::read_file(td.path() + "/rtl64/manifest.json");
    EXPECT_NE(m64.find("\"av_fan\":\t0"), std::string::npos);
    EXPECT_EQ(m64.find("base_av_fan"), std::string::npos);
}

TEST_F(Equiv, AChangedCellIsNotProven)
{
    const FlowRun &r = run();
    ASSERT_EQ(r.rc, 0) << r.log;
    std::string bad = r.dir + "-xor";
    Result cp = hgt::run_cmd("rm -rf '" + bad + "' && cp -r '" + r.dir + "' '" + bad + "'");
    ASSERT_EQ(cp.status, 0) << cp.out;
    // the lane's first XNOR gate becomes an XOR (same pins)
    std::string nl = bad + "/generated/netlist/had_xnor_lane.v";
    std::string text = hgt::read_file(nl);
    size_t at = text.find("XNOR2X1 ");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 8, "XOR2X1 ");
    hgt::write_file(nl, text);
    Result e = hgt::run_cmd("EQUIV_MODULES=had_xnor_lane " + equiv() + " '" + bad + "'");
    EXPECT_EQ(e.status, 1) << e.out;
    EXPECT_NE(e.out.find("had_xnor_lane          score    NOT PROVEN"), std::string::npos) << e.out;
    EXPECT_NE(e.out.find("cec: abc &cec: counterexample"), std::string::npos) << e.out;
    EXPECT_NE(e.out.find("unproven"), std::string::npos) << e.out;
    hgt::run_cmd("rm -rf '" + bad + "'");
}

TEST_F(Equiv, BadInputExitsTwo)
{
    const FlowRun &r = run();
    hgt::TempDir td("equivbad");
    std::string t = td.path();
    struct {
        std::string env, dir, message;
    } cases[] = {
        {"", t, "is not a run directory of synth/flow.sh"},
        {"", t + "/none", "is not a directory"},
        {"EQUIV_MODULES='had_core;touch PWN' ", r.dir,
         "EQUIV_MODULES='had_core;touch PWN': must be module names"},
        {"EQUIV_MODULES=had_kmem ", r.dir, "'had_kmem' is not a logic module of the run"},
        {"EQUIV_METHODS=sat ", r.dir, "EQUIV_METHODS='sat': must be words cec, induct or mapped"},
        {"EQUIV_TIMEOUT=0 ", r.dir, "EQUIV_TIMEOUT='0'"},
        {"EQUIV_DIR='" + r.rtl + "' ", r.dir, "was not made by synth/equiv.sh"},
    };
    for (const auto &k : cases) {
        Result e = hgt::run_cmd(k.env + equiv() + " '" + k.dir + "'");
        EXPECT_EQ(e.status, 2) << k.env << k.dir << "\n" << e.out;
        EXPECT_NE(e.out.find(k.message), std::string::npos) << k.env << k.dir << "\n" << e.out;
    }
    Result two = hgt::run_cmd(equiv() + " a b");
    EXPECT_EQ(two.status, 2) << two.out;
}

// synth/equiv_rev.sh (make equiv-rev): a block against another version of itself. The
// two-stage selector with its sort cut (N = 2, P = 4: a register after the sort's first
// level) against copies of its own file: the same text is proven; a copy whose cut register
// has another name is not (the register has no partner, named in the message) until
// EQUIV_RENAME maps it; a parameter given to the working tree's side alone
// (EQUIV_NEW_PARAMS) reaches it; a copy with one compare-exchange's direction flipped is not
// equivalent; the same by the induction engine (EQUIV_ENGINE=induct: the same text proven, the
// flipped copy not); a block of multipliers (the MAC lane, 8 of them) against its own text is
// one circuit once the miter is merged at word level, 0 AND nodes (merged only after
// bit-blasting, &cec ran past a minute on it); bad input exits 2 and writes nothing.
TEST(EquivRev, ARewriteIsProvenAndAChangeIsNot)
{
    hgt::TempDir td("equivrev");
    std::string t = td.path(), src = hgt::src_dir() + "/rtl/src/hg_topn_bitonic.v";
    std::string base = "EQUIV_DIR='" + t +
                       "/w' EQUIV_BLOCK=hg_topn_bitonic EQUIV_PARAMS='N=2 P=4 SW=3 IW=3 PIPE=1; "
                       "N=2 P=4 SW=3 IW=3 SIGNED=1' " +
                       hgt::src_dir() + "/synth/equiv_rev.sh";
    ASSERT_EQ(hgt::run_cmd("cp '" + src + "' '" + t + "/same.v' && sed 's/\\bc1\\b/c1_was/g' '" + src +
                           "' > '" + t + "/renamed.v' && sed '0,/(a < b) : (a > b)/s//(a < b) : (a < b)/' '" +
                           src + "' > '" + t + "/flipped.v'")
                  .status,
              0);
    ASSERT_NE(hgt::read_file(t + "/renamed.v").find("c1_was"), std::string::npos);
    ASSERT_NE(hgt::read_file(t + "/flipped.v").find("(a < b) : (a < b)"), std::string::npos);
    Result same = hgt::run_cmd("EQUIV_OLD='" + t + "/same.v' " + base);
    EXPECT_EQ(same.status, 0) << same.out;
    EXPECT_NE(same.out.find("set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: proven"), std::string::npos) << same.out;
    EXPECT_NE(same.out.find("set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: proven"), std::string::npos) << same.out;
    EXPECT_NE(same.out.find("every set proven"), std::string::npos) << same.out;
    Result ren = hgt::run_cmd("EQUIV_OLD='" + t + "/renamed.v' " + base);
    EXPECT_EQ(ren.status, 1) << ren.out;
    EXPECT_NE(
        ren.out.find("set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: not proven: a register has no partner of its name"),
        std::string::npos)
        << ren.out;
    EXPECT_NE(ren.out.find("gate/g_level[2].g_cut.c1"), std::string::npos) << ren.out;
    EXPECT_NE(ren.out.find("set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: proven"), std::string::npos) << ren.out;
    Result mapped = hgt::run_cmd(
        "EQUIV_OLD='" + t + "/renamed.v' EQUIV_RENAME='g_level*.g_cut.c1=g_level[2].g_cut.c1_was' " + base);
    EXPECT_EQ(mapped.status, 0) << mapped.out;
    EXPECT_NE(mapped.out.find("renamed: rename g_level[2].g_cut.c1 g_level[2].g_cut.c1_was;"),
              std::string::npos)
        << mapped.out;
    // a parameter set on the working tree's side only (EQUIV_NEW_PARAMS, one the change adds):
    // set 1 has it on both sides, set 2's new side becomes the two-stage selector
    Result np = hgt::run_cmd("EQUIV_OLD='" + t + "/same.v' EQUIV_NEW_PARAMS='PIPE=1' " + base);
    EXPECT_EQ(np.status, 1) << np.out;
    EXPECT_NE(np.out.find("set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: proven"), std::string::npos) << np.out;
    EXPECT_NE(np.out.find("set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: not proven"), std::string::npos) << np.out;
    Result flip = hgt::run_cmd("EQUIV_OLD='" + t + "/flipped.v' " + base);
    EXPECT_EQ(flip.status, 1) << flip.out;
    EXPECT_NE(flip.out.find("set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: NOT EQUIVALENT"), std::string::npos)
        << flip.out;
    EXPECT_NE(flip.out.find("set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: NOT EQUIVALENT"), std::string::npos)
        << flip.out;
    Result isame = hgt::run_cmd("EQUIV_ENGINE=induct EQUIV_OLD='" + t + "/same.v' " + base);
    EXPECT_EQ(isame.status, 0) << isame.out;
    EXPECT_NE(isame.out.find("set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: proven (yosys equiv_induct: "),
              std::string::npos)
        << isame.out;
    EXPECT_NE(isame.out.find("set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: proven (yosys equiv_induct: "),
              std::string::npos)
        << isame.out;
    Result mac = hgt::run_cmd("EQUIV_DIR='" + t +
                              "/m' EQUIV_TIMEOUT=60 EQUIV_BLOCK=hg_mac_lane EQUIV_PARAMS='D=8 SW=20' " +
                              hgt::src_dir() + "/synth/equiv_rev.sh");
    EXPECT_EQ(mac.status, 0) << mac.out;
    EXPECT_NE(mac.out.find("set 1 [D=8 SW=20]: proven (0 AND nodes)"), std::string::npos) << mac.out;
    Result iflip = hgt::run_cmd("EQUIV_ENGINE=induct EQUIV_OLD='" + t + "/flipped.v' " + base);
    EXPECT_EQ(iflip.status, 1) << iflip.out;
    for (const char *set : {"set 1 [N=2 P=4 SW=3 IW=3 PIPE=1]: not proven: ",
                            "set 2 [ N=2 P=4 SW=3 IW=3 SIGNED=1]: not proven: "}) {
        size_t at = iflip.out.find(set);
        ASSERT_NE(at, std::string::npos) << set << "\n" << iflip.out;
        EXPECT_NE(iflip.out.substr(at).find("paired signals unproven (yosys equiv_induct;"),
                  std::string::npos)
            << iflip.out;
    }
    struct {
        std::string env, message;
    } bad[] = {
        {"EQUIV_BLOCK=", "EQUIV_BLOCK='': must name a block of rtl/src"},
        {"EQUIV_BLOCK='hg_topn;touch PWN'", "must name a block of rtl/src"},
        {"EQUIV_BLOCK=hg_nothing", "no file rtl/src/hg_nothing.v"},
        {"EQUIV_BLOCK=hg_topn EQUIV_REV='x;y'", "EQUIV_REV='x;y': not a revision name"},
        {"EQUIV_BLOCK=hg_topn EQUIV_OLD=/nonexistent", "EQUIV_OLD='/nonexistent': no such file"},
        {"EQUIV_BLOCK=hg_topn EQUIV_OLD=" + src, "no 'module hg_topn' at the start of a line"},
        {"EQUIV_BLOCK=hg_topn EQUIV_PARAMS='N=4; P=two'", "'P=two' in set 2 is not NAME=INTEGER"},
        {"EQUIV_BLOCK=hg_topn EQUIV_RENAME='a;b'", "EQUIV_RENAME: 'a;b' is not PATTERN=OLD"},
        {"EQUIV_BLOCK=hg_topn EQUIV_NEW_PARAMS='PIPE'", "EQUIV_NEW_PARAMS: 'PIPE' is not NAME=INTEGER"},
        {"EQUIV_BLOCK=hg_topn EQUIV_TIMEOUT=0", "EQUIV_TIMEOUT='0'"},
        {"EQUIV_BLOCK=hg_topn EQUIV_ENGINE=sat", "EQUIV_ENGINE='sat': must be cec or induct"},
    };
    for (const auto &k : bad) {
        Result e =
            hgt::run_cmd("EQUIV_DIR='" + t + "/b' " + k.env + " " + hgt::src_dir() + "/synth/equiv_rev.sh");
        EXPECT_EQ(e.status, 2) << k.env << "\n" << e.out;
        EXPECT_NE(e.out.find(k.message), std::string::npos) << k.env << "\n" << e.out;
    }
    EXPECT_FALSE(hgt::exists(t + "/b")) << "bad input wrote its work folder";
    EXPECT_FALSE(hgt::exists("PWN"));
}

} // namespace
