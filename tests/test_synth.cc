// test_synth.cc — the synthesis / power flow (synth/flow.sh) on a small configuration of
// every core type (d=16, L=64, P=4, N=8): it runs end to end; the gate-level netlists
// reproduce the RTL outputs on every cycle (and a corrupted capture is caught); the HAD
// score array is smaller than the baseline's; power follows the data (constant inputs give
// less dynamic power than random ones); simulated activity covers >= 95 % of the cells;
// the generated cell models equal the library's own; the built-in gate-level simulator
// agrees with the Verilator route; bad input exits 2.
#include "hg_testlib.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace
{

const char *const kLib = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

std::string bin(const char *tool) { return std::string(HG_BIN_DIR) + "/" + tool; }
std::string work() { return std::string(HG_BIN_DIR) + "/../test_synth"; }
std::string flow() { return hgt::src_dir() + "/synth/flow.sh"; }

using Result = hgt::CmdResult;
using hgt::read_file;
using hgt::tail;

struct JsonDel {
    void operator()(cJSON *j) const { cJSON_Delete(j); }
};
using Json = std::unique_ptr<cJSON, JsonDel>;

double num(const cJSON *o, const char *a, const char *b = nullptr, const char *c = nullptr)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b && x) x = cJSON_GetObjectItemCaseSensitive(x, b);
    if (c && x) x = cJSON_GetObjectItemCaseSensitive(x, c);
    return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
}

// The flow runs of the SynthFlow and SynthGateSim suites: one per core type (random data, each
// with its default selector), HAD with the counting selector, a constant-data run of HAD and the
// baseline on the same netlists. SetUpTestSuite makes them
// once for the whole program (the first of these suites to run makes them, the other reuses
// them) and only records what happened; the tests check it (RunsEndToEndForEveryCore: every
// exit status).
class SynthRunsTest : public testing::Test
{
  protected:
    struct Run {
        int status = -1; // exit status of synth/flow.sh; -1: not run
        std::string dir, log;
        Json summary; // reports/summary.json (null if missing or not JSON)
    };

    static void SetUpTestSuite()
    {
        if (made_) return;
        made_ = true;
        hgt::run_cmd("rm -rf '" + work() + "' && mkdir -p '" + work() + "/rtl'");
        list_cores_ = hgt::run_cmd(bin("hadgen") + " --list-cores");
        for (const std::string &c : hgt::split_lines(list_cores_.out)) {
            generated_[c] = hgt::run_cmd(bin("hadgen") + " --core " + c +
                                         " --d 16 --lanes 4 --top-n 8 --max-keys 64 --out '" + rtl(c) + "'");
            std::string cases[2] = {c, c + "-const"};
            for (const std::string &k : cases) {
                bool cst = k != c;
                if (cst && c == "int8-topn") continue;
                Run &r = runs_[k];
                r.dir = work() + "/" + k;
                std::string env = "OUT_DIR='" + r.dir + "' CAPTURE_CMD=bench CAPTURE_QUERIES=12 JOBS=2 ";
                if (cst) env += "CAPTURE_CONST=1 REUSE_FROM='" + runs_[c].dir + "' ";
                fprintf(stderr, "[synth] flow: %s\n", k.c_str());
                Result f = hgt::run_cmd(env + flow() + " '" + rtl(c) + "'");
                r.status = f.status;
                r.log = f.out;
                r.summary = Json(cJSON_Parse(read_file(r.dir + "/reports/summary.json").c_str()));
            }
        }
        // HAD with the counting selector (its default is merge): the registers of its two passes
        {
            Run &c = runs_["had-counting"];
            c.dir = work() + "/had-counting";
            generated_["had-counting"] =
                hgt::run_cmd(bin("hadgen") +
                             " --core had --selector counting --d 16 --lanes 4 --top-n 8 "
                             "--max-keys 64 --out '" +
                             rtl("had-counting") + "'");
            fprintf(stderr, "[synth] flow: had-counting\n");
            Result f = hgt::run_cmd("OUT_DIR='" + c.dir + "' CAPTURE_CMD=bench CAPTURE_QUERIES=12 JOBS=2 " +
                                    flow() + " '" + rtl("had-counting") + "'");
            c.status = f.status;
            c.log = f.out;
            c.summary = Json(cJSON_Parse(read_file(c.dir + "/reports/summary.json").c_str()));
        }
        // HAD resynthesized under a null perturbation (SYN_SALT) on the captures of its run
        Run &r = runs_["had-salt3"];
        r.dir = work() + "/had-salt3";
        fprintf(stderr, "[synth] flow: had-salt3\n");
        Result f = hgt::run_cmd("OUT_DIR='" + r.dir + "' SYN_SALT=3 CAPTURE_CMD=none CAPTURE_DIR='" +
                                runs_["had"].dir + "/captures' JOBS=2 " + flow() + " '" + rtl("had") + "'");
        r.status = f.status;
        r.log = f.out;
        r.summary = Json(cJSON_Parse(read_file(r.dir + "/reports/summary.json").c_str()));
    }

    static std::string rtl(const std::string &core) { return work() + "/rtl/" + core; }

    // The run of k (a core type, or "<core>-const"); one never made has status -1 and no summary.
    static const Run &run(const std::string &k)
    {
        static const Run none;
        auto it = runs_.find(k);
        return it == runs_.end() ? none : it->second;
    }

    // The summary of k's run, or nullptr (and a failure: the run failed or wrote none).
    static const cJSON *summary(const std::string &k)
    {
        const Run &r = run(k);
        EXPECT_EQ(r.status, 0) << "flow of " << k << " failed:" << tail(r.log);
        EXPECT_TRUE(r.summary) << "no summary.json for " << k;
        return r.status == 0 ? r.summary.get() : nullptr;
    }

    static inline bool made_ = false;
    static inline Result list_cores_{-1, ""};               // hadgen --list-cores
    static inline std::map<std::string, Result> generated_; // hadgen of each core type, had-counting
    static inline std::map<std::string, Run> runs_;
};

class SynthFlow : public SynthRunsTest
{
};
class SynthGateSim : public SynthRunsTest
{
};

TEST_F(SynthFlow, RunsEndToEndForEveryCore)
{
    ASSERT_EQ(list_cores_.status, 0) << list_cores_.out;
    ASSERT_FALSE(runs_.empty()) << "no flow run was made";
    for (const auto &g : generated_)
        EXPECT_EQ(g.second.status, 0) << "hadgen --core " << g.first << ":\n" << g.second.out;
    for (const auto &r : runs_)
        EXPECT_EQ(r.second.status, 0) << "flow of " << r.first << " failed:" << tail(r.second.log);
    for (const std::string &core : hgt::core_types()) {
        const cJSON *s = run(core).summary.get();
        EXPECT_TRUE(s) << "no summary.json for " << core;
        if (!s) continue;
        EXPECT_GT(num(s, "totals", "logic_area_um2"), 0) << core;
        EXPECT_GT(num(s, "totals", "memory_area_um2"), 0) << core;
        EXPECT_GT(num(s, "totals", "logic_power_uw"), 0) << core;
        EXPECT_GT(num(s, "timing", "fmax_mhz"), 1) << core;
        EXPECT_GT(num(s, "energy", "per_query_nj"), 0) << core;
        EXPECT_GT(num(s, "activity", "queries"), 0) << core;
        // the critical path's slowest stage: a cell output row of the timing report the path is from
        double ws = num(s, "timing", "worst_stage", "delay_ns"), crit = num(s, "timing", "critical_path_ns");
        EXPECT_GT(ws, 0) << core;
        EXPECT_LE(ws, crit) << core;
        EXPECT_GE(num(s, "timing", "worst_stage", "load_pf"), 0) << core;
        const cJSON *w =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "timing"), "worst_stage");
        const cJSON *pin = cJSON_GetObjectItemCaseSensitive(w, "pin"),
                    *cell = cJSON_GetObjectItemCaseSensitive(w, "cell");
        ASSERT_TRUE(cJSON_IsString(pin) && cJSON_IsString(cell)) << core;
        const cJSON *src =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "timing"), "source");
        const cJSON *mod =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "timing"), "module");
        ASSERT_TRUE(cJSON_IsString(src) && cJSON_IsString(mod)) << core;
        bool top = std::string(src->valuestring).rfind("hierarchical top", 0) == 0;
        std::string rpt = read_file(run(core).dir + "/reports/sta/" +
                                    (top ? std::string("top") : mod->valuestring) + ".timing.rpt");
        ASSERT_FALSE(rpt.empty()) << core;
        size_t at = rpt.find(std::string(" ") + pin->valuestring + " (" + cell->valuestring + ")");
        EXPECT_NE(at, std::string::npos) << core << ": " << pin->valuestring << " not in the report";
        // no cell output row of the path is slower
        std::stringstream ss(rpt.substr(0, rpt.find("data arrival time")));
        std::string line;
        while (std::getline(ss, line)) {
            double c, sl, dl, t;
            char e;
            if (sscanf(line.c_str(), " %lf %lf %lf %lf %c", &c, &sl, &dl, &t, &e) == 5 &&
                (e == '^' || e == 'v')) {
                EXPECT_LE(dl, ws) << core << ": " << line;
            }
        }
    }
}

// Every unit's netlist instantiates its child units without parameter values (their netlists have
// them built in, and OpenSTA's reader stops at a parameter list: it drops that instance, the child
// and everything under it go missing from the hierarchical top, and its paths from Fmax), even
// where the parent's RTL passes a block parameter the manifest leaves out (SHADOW 0, FAN 0 at
// d <= 64); no OpenSTA log of a run reports an error, and the flow itself fails on one.
TEST_F(SynthFlow, EveryNetlistIsReadWholeByTheTiming)
{
    for (const std::string &core : hgt::core_types()) {
        const Run &r = run(core);
        ASSERT_EQ(r.status, 0) << core << tail(r.log);
        int netlists = 0, logs = 0;
        for (const std::string &f : hgt::list_dir(r.dir + "/generated/netlist")) {
            if (f.size() < 2 || f.compare(f.size() - 2, 2, ".v") != 0) continue;
            netlists++;
            std::string v = read_file(r.dir + "/generated/netlist/" + f);
            EXPECT_EQ(v.find("#("), std::string::npos) << core << ": " << f << " passes parameter values";
        }
        for (const std::string &f : hgt::list_dir(r.dir + "/log")) {
            if (f.rfind("sta_", 0) != 0) continue;
            logs++;
            std::string log = "\n" + read_file(r.dir + "/log/" + f);
            EXPECT_EQ(log.find("\nError"), std::string::npos) << core << ": " << f << log.substr(0, 600);
        }
        EXPECT_GE(netlists, 5) << core;
        EXPECT_GE(logs, netlists + 1) << core; // every module and the hierarchical top
    }
    EXPECT_NE(read_file(flow()).find("sta_clean \"$LOG\"/sta_*.log || fail"), std::string::npos);
}

// SYN_SALT (docs/synth.md, "Synthesis noise"): abc maps a permuted copy of each module's logic,
// so some netlist differs, while every module still equals the RTL at gate level on the same
// captures and window; the summary records the salt (0 without one).
TEST_F(SynthFlow, SaltedSynthesisIsAnotherNetlistOfTheSameLogic)
{
    const cJSON *s = summary("had-salt3"), *b = summary("had");
    ASSERT_TRUE(s && b);
    EXPECT_EQ(num(s, "syn_salt"), 3);
    EXPECT_EQ(num(b, "syn_salt"), 0);
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "activity"), "gate_level_check")->valuestring,
                 "pass");
    EXPECT_EQ(num(s, "activity", "cycles"), num(b, "activity", "cycles"));
    EXPECT_EQ(num(s, "activity", "queries"), num(b, "activity", "queries"));
    EXPECT_NE(run("had-salt3").log.find("gate level == RTL on every cycle"), std::string::npos)
        << tail(run("had-salt3").log);
    int differ = 0, modules = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(b, "modules"))
    {
        std::string name = cJSON_GetObjectItem(m, "name")->valuestring;
        std::string nb = read_file(run("had").dir + "/generated/netlist/" + name + ".v"),
                    ns = read_file(run("had-salt3").dir + "/generated/netlist/" + name + ".v");
        ASSERT_FALSE(nb.empty() || ns.empty()) << name;
        modules++;
        differ += nb != ns;
    }
    EXPECT_GT(modules, 3);
    EXPECT_GT(differ, 0) << "no netlist changed under SYN_SALT=3";
    // a reuse of the unperturbed run's netlists under a salt is refused
    hgt::CmdResult r = hgt::run_cmd("OUT_DIR='" + work() + "/had-salt-reuse' SYN_SALT=3 REUSE_FROM='" +
                                    run("had").dir + "' CAPTURE_CMD=none CAPTURE_DIR='" + run("had").dir +
                                    "/captures' " + flow() + " '" + rtl("had") + "' 2>&1");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("was run with another SYN_SALT"), std::string::npos) << r.out;
}

// CAPTURE_ONLY=1: the plan and the capture, no synthesis; the stimulus is the full run's.
TEST_F(SynthFlow, CaptureOnlyRunMakesTheSameStimulusWithoutNetlists)
{
    const Run &full = run("had");
    ASSERT_EQ(full.status, 0) << tail(full.log);
    std::string dir = work() + "/had-capture-only";
    Result r = hgt::run_cmd("OUT_DIR='" + dir + "' CAPTURE_CMD=bench CAPTURE_QUERIES=12 CAPTURE_ONLY=1 " +
                            flow() + " '" + rtl("had") + "' 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("skipped (CAPTURE_ONLY=1)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("stopped after capture"), std::string::npos) << r.out;
    EXPECT_EQ(hgt::run_cmd("find '" + dir + "' -path '*/netlist/*.v' | wc -l").out, "0\n")
        << "it synthesized";
    EXPECT_FALSE(hgt::exists(dir + "/reports/summary.json"));
    Result hex = hgt::run_cmd("ls '" + dir + "'/captures/*.hex | wc -l");
    EXPECT_GT(atoi(hex.out.c_str()), 3) << hex.out;
    Result diff = hgt::run_cmd("diff -r '" + full.dir + "/captures' '" + dir + "/captures'");
    EXPECT_EQ(diff.status, 0) << diff.out.substr(0, 500);
}

TEST_F(SynthFlow, GateLevelEqualsRtlOnEveryCycle)
{
    for (const std::string &core : hgt::core_types()) {
        const Run &r = run(core);
        ASSERT_EQ(r.status, 0) << tail(r.log);
        EXPECT_NE(r.log.find("gate level == RTL on every cycle"), std::string::npos) << core;
        // every toggle file records zero mismatches
        Result m = hgt::run_cmd("grep -L '^mismatches 0$' '" + r.dir + "'/reports/toggles/*.tog");
        EXPECT_EQ(m.out, "") << core << ": instances with mismatches: " << m.out;
    }
}

TEST_F(SynthFlow, CorruptedCaptureIsCaught)
{
    const Run &r = run("had");
    ASSERT_EQ(r.status, 0);
    // one XNOR lane instance, with one output value changed late in the run
    std::string d = work() + "/corrupt";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "/tog'");
    Result f = hgt::run_cmd("ls '" + r.dir + "/captures/' | grep 'u_lane.hex$' | head -1");
    ASSERT_FALSE(f.out.empty());
    std::string name = f.out.substr(0, f.out.find(".hex"));
    std::string src = r.dir + "/captures/" + name + ".hex", dst = d + "/" + name + ".hex";
    // five lines before the end (query phase, m_o known): flip the last hex digit of m_o
    Result wc = hgt::run_cmd("wc -l < '" + src + "'");
    long line = std::atol(wc.out.c_str()) - 5;
    ASSERT_GT(line, 10);
    hgt::run_cmd(
        "awk 'NR==" + std::to_string(line) +
        "{c=substr($NF,length($NF),1); $NF=substr($NF,1,length($NF)-1) (c==\"0\"?\"1\":\"0\")} {print}' '" +
        src + "' > '" + dst + "'");
    hgt::write_file(d + "/list.txt", "had_xnor_lane 1 1 " + d + "/" + name + "\n");
    Result g = hgt::run_cmd(bin("hgsynth") + " gatesim --rtl '" + rtl("had") + "' --netlists '" + r.dir +
                            "/generated/netlist' --lib " + kLib + " --module had_xnor_lane --instances '" +
                            d + "/list.txt' --toggles '" + d + "/tog'");
    EXPECT_EQ(g.status, 1) << g.out;
    EXPECT_NE(g.out.find("MISMATCH cycle " + std::to_string(line - 1) + " instance " + name +
                         " (module had_xnor_lane) output m_o: got"),
              std::string::npos)
        << g.out;
}

// A module with rst_ni is checked from the first cycle its reset is released: the bench holds
// rst_ni low for cycles 0-3, while registers without a reset are still unknown in its 4-state
// captures (a hex digit with some unknown bits drives 0 for all four). An output changed in a
// held cycle is not checked; the same change in cycle 4, the first released one, is caught.
TEST_F(SynthFlow, ChecksStartWhenTheResetIsReleased)
{
    const Run &r = run("had-counting");
    ASSERT_EQ(r.status, 0);
    std::string d = work() + "/reset-rule";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "/tog'");
    std::string name = "hg_capture_tb.dut.u_core.g_count.u_scan", src = r.dir + "/captures/" + name + ".hex";
    ASSERT_TRUE(hgt::exists(src));
    // columns: rst_ni first (the ports but clk_i, in order), sc_v_o eleventh
    Result rst = hgt::run_cmd("awk 'NR<=6 {printf \"%s\", $1}' '" + src + "'");
    ASSERT_EQ(rst.out, "000011") << "the bench's reset is no longer cycles 0-3";
    for (int cycle : {2, 4}) {
        std::string dst = d + "/" + name + ".hex";
        Result a =
            hgt::run_cmd("awk 'NR==" + std::to_string(cycle + 1) +
                         " {if ($11 != \"0\") exit 3; $11 = \"1\"} {print}' '" + src + "' > '" + dst + "'");
        ASSERT_EQ(a.status, 0) << "sc_v_o is not a known 0 in cycle " << cycle;
        hgt::write_file(d + "/list.txt", "had_topn_scan 1 1 " + d + "/" + name + "\n");
        Result g = hgt::run_cmd(bin("hgsynth") + " gatesim --rtl '" + rtl("had-counting") + "' --netlists '" +
                                r.dir + "/generated/netlist' --lib " + kLib +
                                " --module had_topn_scan --instances '" + d + "/list.txt' --toggles '" + d +
                                "/tog' 2>&1");
        if (cycle == 2) {
            EXPECT_EQ(g.status, 0) << g.out;
        } else {
            EXPECT_EQ(g.status, 1) << g.out;
            EXPECT_NE(
                g.out.find("MISMATCH cycle 4 instance " + name + " (module had_topn_scan) output sc_v_o"),
                std::string::npos)
                << g.out;
        }
    }
}

// The slowest stage is the cell output row with the largest delay on the path: not the first
// row, not the endpoint's D pin (three numbers), not rows after "data arrival time". A copy of
// the HAD run with a timing report written here (slack far below any module's).
TEST_F(SynthFlow, SlowestStageIsTheLargestCellDelayOfThePath)
{
    ASSERT_TRUE(summary("had"));
    std::string d = work() + "/had-stage";
    Result cp = hgt::run_cmd("rm -rf '" + d + "' && cp -r '" + run("had").dir + "' '" + d + "'");
    ASSERT_EQ(cp.status, 0) << cp.out;
    hgt::write_file(d + "/reports/sta/top.timing.rpt",
                    "Startpoint: u_a/_1_ (rising edge-triggered flip-flop clocked by clk)\n"
                    "Endpoint: u_b/_9_ (rising edge-triggered flip-flop clocked by clk)\n"
                    "Path Group: clk\nPath Type: max\n\n"
                    "      Cap      Slew     Delay      Time   Description\n"
                    "-------------------------------------------------------------------------------\n"
                    "             0.0000    0.0000    0.0000   clock clk (rise edge)\n"
                    "                       0.0000    0.0000   clock network delay (ideal)\n"
                    "             0.0000    0.0000    0.0000 ^ u_a/_1_/CLK (DFFPOSX1)\n"
                    "   0.0100    0.1000    0.3000    0.3000 v u_a/_1_/Q (DFFPOSX1)\n"
                    "   7.5000    9.0000    6.2500    6.5500 ^ u_a/_2_/Y (XNOR2X1)\n"
                    "   0.0200    0.3000    0.4000    6.9500 v u_b/_3_/Y (MUX2X1)\n"
                    "             0.3000   53.0000   59.9500 v u_b/_9_/D (DFFPOSX1)\n"
                    "                                59.9500   data arrival time\n\n"
                    "   9.0000    9.0000    9.0000    9.0000 ^ u_c/_5_/Y (INVX1)\n"
                    "                                 9.9500   data required time\n"
                    "-------------------------------------------------------------------------------\n"
                    "                               -50.0000   slack (VIOLATED)\n");
    Result r = hgt::run_cmd(bin("hgsynth") + " summary --rtl '" + rtl("had") + "' --run '" + d + "' --out '" +
                            d + "/s.json'");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(
        r.out.find("critical path u_a/_1_ -> u_b/_9_, 60.00 ns; slowest stage u_a/_2_/Y (XNOR2X1): 6.25 ns "
                   "into 7.500 pF"),
        std::string::npos)
        << r.out;
    Json j(cJSON_Parse(read_file(d + "/s.json").c_str()));
    ASSERT_TRUE(j);
    EXPECT_EQ(num(j.get(), "timing", "worst_stage", "delay_ns"), 6.25);
    EXPECT_EQ(num(j.get(), "timing", "worst_stage", "load_pf"), 7.5);
    const cJSON *w =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j.get(), "timing"), "worst_stage");
    const cJSON *pin = cJSON_GetObjectItemCaseSensitive(w, "pin");
    ASSERT_TRUE(cJSON_IsString(pin));
    EXPECT_STREQ(pin->valuestring, "u_a/_2_/Y");
    hgt::run_cmd("rm -rf '" + d + "'");
}

TEST_F(SynthFlow, HadScoreArrayIsSmallerThanBaseline)
{
    const cJSON *h = summary("had"), *b = summary("baseline");
    ASSERT_TRUE(h && b);
    double ha = num(h, "blocks", "score", "area_um2"), ba = num(b, "blocks", "score", "area_um2");
    EXPECT_GT(ha, 0);
    EXPECT_LT(ha, ba) << "HAD score array " << ha << " um2, baseline " << ba << " um2";
}

TEST_F(SynthFlow, PowerRespondsToData)
{
    for (const char *core : {"had", "baseline"}) {
        std::string c = core;
        const cJSON *rnd = summary(c), *cst = summary(c + "-const");
        ASSERT_TRUE(rnd && cst);
        // dynamic power: total minus leakage (the flops' clock pins and the clock network are
        // data independent)
        double pr = num(rnd, "totals", "logic_power_uw") - num(rnd, "totals", "logic_leakage_uw");
        double pc = num(cst, "totals", "logic_power_uw") - num(cst, "totals", "logic_leakage_uw");
        double clk = num(rnd, "totals", "logic_clock_uw") + num(rnd, "totals", "clock_network_uw");
        EXPECT_LT(pc, pr) << c << ": constant " << pc << " uW, random " << pr << " uW";
        EXPECT_LT(pc - clk, 0.5 * (pr - clk)) << c << ": data-dependent power should at least halve";
        EXPECT_LT(num(cst, "blocks", "score", "power_uw"), num(rnd, "blocks", "score", "power_uw")) << c;
    }
}

// The clock network (docs/synth.md): its own block, in the logic totals, over every flop of the
// netlists (counted here from the netlist files and the instance list, independently of the
// summary's count from the area reports).
TEST_F(SynthFlow, ClockNetworkCountsEveryFlopAsItsOwnBlock)
{
    for (const std::string &core : hgt::core_types()) {
        const cJSON *s = summary(core);
        ASSERT_TRUE(s) << core;
        const std::string dir = run(core).dir;
        std::istringstream insts(read_file(dir + "/generated/instances.txt"));
        std::string line, mod;
        double flops = 0;
        while (std::getline(insts, line)) {
            std::istringstream(line) >> mod;
            std::istringstream net(read_file(dir + "/generated/netlist/" + mod + ".v"));
            for (std::string l; std::getline(net, l);) {
                std::istringstream words(l);
                std::string cell;
                words >> cell; // an instance line starts with its cell name
                flops += cell == "DFFPOSX1" || cell == "DFFNEGX1" || cell == "DFFSR" || cell == "LATCH";
            }
        }
        EXPECT_GT(flops, 0) << core;
        EXPECT_EQ(num(s, "clock_network", "flops"), flops) << core;
        // osu018's flops have 0.0275-0.0280 pF clock pins
        double pin = num(s, "clock_network", "pins_pf") / flops;
        EXPECT_GT(pin, 0.02) << core;
        EXPECT_LT(pin, 0.04) << core;
        double ck = num(s, "clock_network", "power_uw");
        EXPECT_GT(ck, 0) << core;
        EXPECT_DOUBLE_EQ(num(s, "blocks", "clock", "power_uw"), ck) << core;
        EXPECT_DOUBLE_EQ(num(s, "totals", "clock_network_uw"), ck) << core;
        EXPECT_LT(num(s, "clock_network", "power_low_uw"), ck) << core;
        EXPECT_GT(num(s, "clock_network", "power_high_uw"), ck) << core;
        // the blocks other than the memories add up to the logic totals, the clock's included
        double sum = 0;
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(s, "blocks")) if (std::string(b->string) != "memory") sum +=
            cJSON_GetObjectItem(b, "power_uw")->valuedouble;
        EXPECT_NEAR(sum, num(s, "totals", "logic_power_uw"), 1e-6 * sum) << core;
    }
}

// Clock gating (docs/synth.md): an estimate beside the ungated figures. Its terms add up to
// its logic power; it saves at most the flops' internal clock power and the clock network; it
// is measured on every core. Constant data (HAD and the baseline) changes the registers less
// often; their gates, opened by the load enables, need not open less. A CLK_GATE_MIN above every
// register leaves the figures as they are.
TEST_F(SynthFlow, ClockGatingEstimateAddsUp)
{
    for (const std::string &core : hgt::core_types()) {
        const cJSON *s = summary(core), *c = core == "int8-topn" ? nullptr : summary(core + "-const");
        ASSERT_TRUE(s) << core;
        const cJSON *g = cJSON_GetObjectItem(s, "clock_gating");
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(g, "measured"))) << core;
        double flops = num(s, "clock_gating", "flops"), gated = num(s, "clock_gating", "flops_gated");
        EXPECT_EQ(flops, num(s, "clock_network", "flops")) << core;
        EXPECT_GT(gated, 0.8 * flops) << core << ": most flip-flops belong to registers of 3 or more";
        EXPECT_LE(gated, flops) << core;
        EXPECT_GT(num(s, "clock_gating", "gates"), 0) << core;
        double rate = num(s, "clock_gating", "enable_rate");
        EXPECT_GT(rate, 0) << core;
        EXPECT_LT(rate, 1) << core;
        double fs = num(s, "clock_gating", "flop_clock_saved_uw"),
               ps = num(s, "clock_gating", "clock_pins_saved_uw");
        double gu = num(s, "clock_gating", "gates_uw"), lp = num(s, "totals", "logic_power_uw");
        EXPECT_GT(fs, 0) << core;
        EXPECT_LT(fs, num(s, "totals", "logic_clock_uw")) << core;
        EXPECT_GT(ps, 0) << core;
        EXPECT_LT(ps, num(s, "totals", "clock_network_uw")) << core;
        EXPECT_GT(gu, 0) << core;
        EXPECT_NEAR(num(s, "clock_gating", "logic_power_uw"), lp - fs - ps + gu, 1e-9 * lp) << core;
        EXPECT_NEAR(num(s, "clock_gating", "power_uw"),
                    num(s, "clock_gating", "logic_power_uw") + num(s, "totals", "memory_power_uw"), 1e-9 * lp)
            << core;
        EXPECT_NEAR(num(s, "clock_gating", "window_nj"),
                    num(s, "clock_gating", "power_uw") * 1e-6 * num(s, "activity", "cycles") *
                        num(s, "clock_period_ns"),
                    1e-9 * num(s, "energy", "window_nj"))
            << core;
        // the same cycles per query: energy in proportion to power
        EXPECT_NEAR(num(s, "clock_gating", "per_query_nj") / num(s, "energy", "per_query_nj"),
                    num(s, "clock_gating", "power_uw") / num(s, "totals", "power_uw"), 1e-9)
            << core;
        double ideal = num(s, "clock_gating", "change_rate");
        EXPECT_GT(ideal, 0) << core;
        EXPECT_LE(ideal, rate) << core << ": a register changes only when its enable lets it";
        if (c) { // (int8-topn has no constant-data run)
            // constant data changes the registers less often; their enables, set by the
            // control, open the gates as often
            EXPECT_LT(num(c, "clock_gating", "change_rate"), ideal) << core;
            EXPECT_LE(num(c, "clock_gating", "change_rate"), num(c, "clock_gating", "enable_rate")) << core;
        }
    }
    // no register gated: the estimate is the core as generated
    std::string d = work() + "/had-nogate";
    Result cp =
        hgt::run_cmd("rm -rf '" + d + "' && cp -r '" + run("had").dir + "' '" + d + "' && sed -i " +
                     "'s/^CLK_GATE_MIN .*/CLK_GATE_MIN      = 1000000/' '" + d + "/log/flow_vars.txt'");
    ASSERT_EQ(cp.status, 0) << cp.out;
    Result r = hgt::run_cmd(bin("hgsynth") + " summary --rtl '" + rtl("had") + "' --run '" + d + "' --out '" +
                            d + "/s.json'");
    ASSERT_EQ(r.status, 0) << r.out;
    Json j(cJSON_Parse(read_file(d + "/s.json").c_str()));
    ASSERT_TRUE(j);
    EXPECT_EQ(num(j.get(), "clock_gating", "gates"), 0);
    EXPECT_EQ(num(j.get(), "clock_gating", "per_query_nj"), num(j.get(), "energy", "per_query_nj"));
    EXPECT_EQ(num(j.get(), "energy", "per_query_nj"), num(summary("had"), "energy", "per_query_nj"));
    hgt::run_cmd("rm -rf '" + d + "'");
}

TEST_F(SynthFlow, ActivityCoversTheInstances)
{
    for (const std::string &core : hgt::core_types()) {
        const cJSON *s = summary(core);
        ASSERT_TRUE(s);
        EXPECT_GE(num(s, "activity", "coverage_cells"), 0.95) << core;
        EXPECT_GE(num(s, "activity", "coverage_instances"), 0.95) << core;
    }
}

TEST_F(SynthFlow, ReportComparesTheCores)
{
    std::string out = work() + "/report";
    hgt::run_cmd("mkdir -p '" + out + "'");
    Result g =
        hgt::run_cmd(bin("hgreport") + " --out '" + out + "' --point 'flow=synthetic:" + run("had").dir +
                     "," + run("baseline").dir + "," + run("int8-topn").dir + "'");
    ASSERT_EQ(g.status, 0) << g.out;
    std::string md = read_file(out + "/report.md");
    EXPECT_NE(md.find("| core / baseline |"), std::string::npos) << md;
    EXPECT_NE(md.find("\n| had | "), std::string::npos);
    EXPECT_NE(md.find("\n| int8-topn | "), std::string::npos);
    EXPECT_NE(md.find("paper: area -79%"), std::string::npos);
    EXPECT_NE(md.find("9045"), std::string::npos);
    Json j(cJSON_Parse(read_file(out + "/report.json").c_str()));
    ASSERT_TRUE(j);
    const cJSON *pt = cJSON_GetArrayItem(cJSON_GetObjectItem(j.get(), "points"), 0);
    double ratio = num(pt, "ratios_vs_baseline", "had", "logic_area");
    EXPECT_GT(ratio, 0);
    EXPECT_LT(ratio, 1.0) << "HAD logic area should be below the baseline's";
    // the blocks are the manifests' (via the summaries), each in the per-block table
    const cJSON *blocks = cJSON_GetObjectItem(summary("had"), "blocks"), *b;
    cJSON_ArrayForEach(b, blocks) EXPECT_NE(
        read_file(out + "/blocks.csv").find(std::string(",had,") + b->string + ","), std::string::npos)
        << b->string;
    EXPECT_GT(read_file(out + "/summary.csv").size(), 100u);
}

// Module boundaries (docs/synth.md): the pins a net drives across a module boundary and its
// wire are counted; the wire scales with BND_WIRE_K, BND_PINS=0 leaves the pins out (the
// summary re-run on a copy of the run with the variable changed in its flow_vars.txt).
TEST_F(SynthFlow, ModuleBoundariesCountPinsAndWires)
{
    for (const char *core : {"had", "baseline"}) {
        const cJSON *s = summary(core);
        ASSERT_TRUE(s) << core;
        double pins = num(s, "totals", "boundary_pins_uw"), wire = num(s, "totals", "boundary_wire_uw");
        EXPECT_GT(pins, 0) << core;
        EXPECT_GT(wire, 0) << core;
        EXPECT_GT(num(s, "energy", "per_query_memory_pins_nj"), 0)
            << core << ": the pins memory read data drives";
        auto resum = [&](const std::string &var, const std::string &val) {
            std::string d = work() + "/bnd/" + core + "-" + var;
            Result c =
                hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + work() + "/bnd' && cp -r '" +
                             run(core).dir + "' '" + d + "' && sed -i 's/^" + var + " .*/" + var +
                             "          = " + val + "/' '" + d + "/log/flow_vars.txt' && grep -c '^" + var +
                             " ' '" + d + "/log/flow_vars.txt' && " + bin("hgsynth") + " summary --rtl '" +
                             rtl(core) + "' --run '" + d + "' --out '" + d + "/s.json'");
            EXPECT_EQ(c.status, 0) << c.out;
            return Json(cJSON_Parse(read_file(d + "/s.json").c_str()));
        };
        Json w = resum("BND_WIRE_K", "1"); // the default is 0.5
        ASSERT_TRUE(w) << core;
        EXPECT_NEAR(num(w.get(), "totals", "boundary_wire_uw"), 2 * wire, 1e-9 * wire) << core;
        EXPECT_NEAR(num(w.get(), "totals", "boundary_pins_uw"), pins, 1e-9 * pins) << core;
        EXPECT_NEAR(num(w.get(), "totals", "logic_power_uw"), num(s, "totals", "logic_power_uw") + wire,
                    1e-6 * wire)
            << core << ": the wire is part of the logic power";
        Json p = resum("BND_PINS", "0");
        ASSERT_TRUE(p) << core;
        EXPECT_EQ(num(p.get(), "totals", "boundary_pins_uw"), 0) << core;
        EXPECT_EQ(num(p.get(), "energy", "per_query_memory_pins_nj"), 0) << core;
        EXPECT_NEAR(num(p.get(), "totals", "boundary_wire_uw"), wire, 1e-9 * wire) << core;
    }
}

// The workload sweep (docs/synth.md, "Workload"): the same netlists (REUSE_FROM) on a stimulus
// of n_k = N keys next to the suite's runs of n_k = L; the flow records n_k in the summary,
// the baseline's energy per query grows with n_k much faster than HAD's, and hgreport's
// --nk-sweep section carries the summaries' ratios.
TEST_F(SynthFlow, EnergyRatioFallsAsTheKeysGrowFromNToL)
{
    const int n = 8, l = 64; // the suite's configuration: N = 8, L = 64
    std::map<std::string, Json> at_n;
    std::string nk_n, nk_l;
    for (const std::string &core : hgt::core_types()) {
        const cJSON *full = summary(core);
        ASSERT_TRUE(full) << core;
        EXPECT_EQ(num(full, "activity", "n_keys"), l) << core << ": the bench loads L keys by default";
        std::string dir = work() + "/nk/" + core + "-nk" + std::to_string(n);
        Result f = hgt::run_cmd("OUT_DIR='" + dir + "' REUSE_FROM='" + run(core).dir +
                                "' CAPTURE_CMD=bench CAPTURE_QUERIES=12 CAPTURE_KEYS=" + std::to_string(n) +
                                " " + flow() + " '" + rtl(core) + "'");
        ASSERT_EQ(f.status, 0) << core << tail(f.out);
        at_n[core] = Json(cJSON_Parse(read_file(dir + "/reports/summary.json").c_str()));
        ASSERT_TRUE(at_n[core]) << core;
        EXPECT_EQ(num(at_n[core].get(), "activity", "n_keys"), n) << core;
        nk_n += (nk_n.empty() ? "" : ",") + dir;
        nk_l += (nk_l.empty() ? "" : ",") + run(core).dir;
    }
    auto e = [](const cJSON *s) { return num(s, "energy", "per_query_nj"); };
    const cJSON *bn = at_n["baseline"].get(), *hn = at_n["had"].get();
    const cJSON *bl = summary("baseline"), *hl = summary("had");
    // the baseline scores and weighs every key: 8x the keys cost it far more than HAD
    EXPECT_GT(e(bl), 1.5 * e(bn)) << "baseline nJ/query at n_k=L " << e(bl) << ", at n_k=N " << e(bn);
    double r_n = e(hn) / e(bn), r_l = e(hl) / e(bl);
    EXPECT_LT(r_l, r_n) << "HAD/baseline at n_k=L " << r_l << ", at n_k=N " << r_n;

    std::string out = work() + "/report-nk";
    hgt::run_cmd("rm -rf '" + out + "' && mkdir -p '" + out + "'");
    Result g =
        hgt::run_cmd(bin("hgreport") + " --out '" + out + "' --point 'flow=synthetic:" + nk_l +
                     "' --nk-sweep '" + nk_l + "' --nk-sweep '" + nk_n + "' --nk-stimulus 'synthetic'");
    ASSERT_EQ(g.status, 0) << g.out;
    Json j(cJSON_Parse(read_file(out + "/report.json").c_str()));
    ASSERT_TRUE(j);
    const cJSON *pts = cJSON_GetObjectItem(cJSON_GetObjectItem(j.get(), "nk_sweep"), "points");
    ASSERT_EQ(cJSON_GetArraySize(pts), 2);
    const cJSON *p0 = cJSON_GetArrayItem(pts, 0), *p1 = cJSON_GetArrayItem(pts, 1);
    EXPECT_EQ(num(p0, "n_keys"), n) << "points sorted by n_k";
    EXPECT_EQ(num(p1, "n_keys"), l);
    EXPECT_NEAR(num(p0, "had_over", "baseline"), r_n, 1e-9 * r_n);
    EXPECT_NEAR(num(p1, "had_over", "baseline"), r_l, 1e-9 * r_l);
    EXPECT_NEAR(num(p1, "had_over", "int8-topn"), e(hl) / e(summary("int8-topn")), 1e-9);
    std::string md = read_file(out + "/report.md");
    EXPECT_NE(md.find("n_k from 8 to 64 keys"), std::string::npos) << md;
    EXPECT_NE(md.find("L=64, n_k=64"), std::string::npos) << "the point's heading names its n_k";
    EXPECT_EQ(hgt::split_lines(read_file(out + "/nk_sweep.csv")).size(), 3u);
    EXPECT_GT(read_file(out + "/nk_sweep.png").size(), 1000u);

    // bad input: more keys than the core holds; two n_k in one point; a sweep point twice
    Result k = hgt::run_cmd("OUT_DIR='" + work() + "/nk/bad' REUSE_FROM='" + run("had").dir +
                            "' CAPTURE_CMD=bench CAPTURE_KEYS=65 " + flow() + " '" + rtl("had") + "' 2>&1");
    EXPECT_EQ(k.status, 2) << k.out;
    EXPECT_NE(k.out.find("CAPTURE_KEYS='65': must be at most L = 64"), std::string::npos) << k.out;
    Result m = hgt::run_cmd(bin("hgreport") + " --out '" + out + "' --point 'flow=synthetic:" + nk_l +
                            "' --nk-sweep '" + run("had").dir + "," + work() +
                            "/nk/baseline-nk8' --nk-stimulus x 2>&1");
    EXPECT_EQ(m.status, 2) << m.out;
    EXPECT_NE(m.out.find("n_k differs"), std::string::npos) << m.out;
    Result d = hgt::run_cmd(bin("hgreport") + " --out '" + out + "' --point 'flow=synthetic:" + nk_l +
                            "' --nk-sweep '" + nk_n + "' --nk-sweep '" + nk_n + "' --nk-stimulus x 2>&1");
    EXPECT_EQ(d.status, 2) << d.out;
    EXPECT_NE(d.out.find("two points of n_k = 8"), std::string::npos) << d.out;
}

TEST(SynthCells, ModelsMatchTheLibraryModels)
{
    std::string d = work() + "/cellcheck";
    hgt::run_cmd("mkdir -p '" + d + "'");
    Result g =
        hgt::run_cmd(bin("hgsynth") + " cells --lib " + kLib + " --out '" + d + "/cells.v' --check-ref " +
                     "/usr/share/qflow/tech/osu018/osu018_stdcells.v --check-dir '" + d + "'");
    ASSERT_EQ(g.status, 0) << g.out;
    Result c = hgt::run_cmd("cd '" + d +
                            "' && iverilog -g2005 -o cc.vvp cells.v ref_cells.v cellcheck_tb.v "
                            "2>/dev/null && vvp -n cc.vvp");
    ASSERT_EQ(c.status, 0) << c.out;
    EXPECT_EQ(c.out.find("FAIL"), std::string::npos) << c.out;
    int pass = 0;
    for (size_t p = 0; (p = c.out.find("PASS ", p)) != std::string::npos; p++) pass++;
    EXPECT_EQ(pass, 32) << c.out;
}

TEST_F(SynthGateSim, BuiltinSimulatorAgreesWithVerilator)
{
    const Run &r = run("had");
    ASSERT_EQ(r.status, 0);
    std::string rd = r.dir, d = work() + "/vlcheck";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "'");
    // one HAD AV dimension: ~1000 cells, flip-flops with an enable, a multiplier
    Result l = hgt::run_cmd("grep '^had_av_dim 1 ' '" + rd +
                            "/generated/instances.txt' | head -1 | awk '{print $4}'");
    ASSERT_FALSE(l.out.empty());
    std::string base = l.out.substr(0, l.out.find('\n'));
    std::string name = base.substr(base.rfind('/') + 1);
    Result g = hgt::run_cmd(bin("hgsynth") + " glgen --rtl '" + rtl("had") + "' --netlists '" + rd +
                            "/generated/netlist' --module had_av_dim --out '" + d + "'");
    ASSERT_EQ(g.status, 0) << g.out;
    Result b = hgt::run_cmd(
        "cd '" + d +
        "' && verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style "
        "--timescale 1ns/1ps --top-module hggl_top -Mdir obj -o hggl_sim -CFLAGS '-O1 -std=c++17 -I" +
        hgt::src_dir() + "/synth/src' hggl_top.v '" + rd + "/generated/cells.v' '" + hgt::src_dir() +
        "/synth/harness/hggl_main.cpp' '" + hgt::src_dir() + "/synth/src/sy_capture.c'");
    ASSERT_EQ(b.status, 0) << tail(b.out);
    Result v = hgt::run_cmd("'" + d + "/obj/hggl_sim' --map '" + d + "/map.txt' --capture '" + base +
                            "' --instance '" + name + "' --toggles '" + d + "/vl.tog'");
    ASSERT_EQ(v.status, 0) << v.out;
    // same toggles as the built-in simulator over all cycles
    hgt::write_file(d + "/list.txt", "had_av_dim 1 1 " + base + "\n");
    hgt::run_cmd("mkdir -p '" + d + "/tog'");
    Result s = hgt::run_cmd(bin("hgsynth") + " gatesim --rtl '" + rtl("had") + "' --netlists '" + rd +
                            "/generated/netlist' --lib " + kLib + " --module had_av_dim --instances '" + d +
                            "/list.txt' --toggles '" + d + "/tog'");
    ASSERT_EQ(s.status, 0) << s.out;
    std::string a = read_file(d + "/vl.tog"), c = read_file(d + "/tog/" + name + ".tog");
    ASSERT_GT(a.size(), 50u);
    EXPECT_EQ(a.substr(a.find("cycles")), c.substr(c.find("cycles")));
}

std::vector<long long> tog_counts(const std::string &tog);

// Gate Q's line of a toggle file (`gate Q OPEN CHANGED`): false where it has none.
bool tog_gate(const std::string &tog, long q, long long *open, long long *changed)
{
    size_t at = tog.find("\ngate " + std::to_string(q) + " ");
    if (at == std::string::npos) return false;
    std::istringstream gl(tog.substr(at + 6));
    long long idx;
    *open = *changed = -1;
    gl >> idx >> *open >> *changed;
    return true;
}

// The clock-gating counts (hgsynth gatesim): per group (register and load enable), the cycles
// its gate opened (its enable was on in the cycle before) and the cycles one of its flip-flops
// changed. A flip-flop changes at most once a cycle, so the second lies between the group's
// busiest member's toggles and the smaller of the counted cycles and all its members' toggles;
// a flop loads only when its enable lets it, so the gate opened at least as often, and at most
// in every counted cycle. Checked on every simulated instance of every module of the HAD run;
// the groups name registers of the RTL (net names, not numbered internal nets) and enables.
TEST_F(SynthGateSim, GateCountsLieBetweenTheirFlopsToggles)
{
    const Run &r = run("had");
    ASSERT_EQ(r.status, 0);
    Result ls = hgt::run_cmd("ls '" + r.dir + "/reports/toggles'");
    ASSERT_EQ(ls.status, 0);
    int files = 0, groups = 0, opened = 0;
    std::istringstream names(ls.out);
    for (std::string f; std::getline(names, f);) {
        std::string tog = read_file(r.dir + "/reports/toggles/" + f);
        std::istringstream hdr(tog.substr(tog.find("\nmodule ") + 1));
        std::string word, mod;
        hdr >> word >> mod;
        std::vector<std::vector<long>> members;
        std::istringstream map(read_file(r.dir + "/generated/gl/" + mod + "/map.txt"));
        for (std::string line; std::getline(map, line);) {
            if (line.rfind("gate ", 0) != 0) continue;
            std::istringstream w(line);
            std::string kw, type, name, cond;
            long idx, n;
            w >> kw >> idx >> type >> name >> cond >> n;
            EXPECT_EQ(idx, (long)members.size()) << line;
            EXPECT_FALSE(cond.empty()) << line;
            EXPECT_FALSE(name.size() > 2 && name[0] == '_' && name.back() == '_' &&
                         name.find_first_not_of("0123456789", 1) == name.size() - 1)
                << mod << ": a group named by a numbered net: " << line;
            std::vector<long> m(static_cast<size_t>(n));
            for (long &t : m) w >> t;
            members.push_back(m);
        }
        std::vector<long long> counts = tog_counts(tog);
        long counted = std::stol(tog.substr(tog.find("counted ") + 8));
        size_t g0 = tog.find("gates ");
        ASSERT_NE(g0, std::string::npos) << f;
        EXPECT_EQ(std::stol(tog.substr(g0 + 6)), (long)members.size()) << f;
        for (size_t q = 0; q < members.size(); q++) {
            long long open, c;
            ASSERT_TRUE(tog_gate(tog, (long)q, &open, &c)) << f << " gate " << q;
            long long mx = 0, sum = 0;
            for (long t : members[q]) {
                mx = std::max(mx, counts[static_cast<size_t>(t)]);
                sum += counts[static_cast<size_t>(t)];
            }
            EXPECT_GE(c, mx) << f << " gate " << q;
            EXPECT_LE(c, std::min<long long>(counted, sum)) << f << " gate " << q;
            EXPECT_GE(open, c) << f << " gate " << q;
            EXPECT_LE(open, counted) << f << " gate " << q;
            groups++;
            opened += open > c;
        }
        files++;
    }
    EXPECT_GT(files, 10);
    EXPECT_GT(groups, 20);
    EXPECT_GT(opened, 0) << "some enable is on in cycles its register keeps its value";
}

// The registers the RTL loads only when their value can change (docs/architecture.md): each
// entry of the counting selector's list and each level's count of its scan has a load enable
// of its own, so a gate of its own (the had-counting run); an entry loads once a query, and so
// does the query register of the score stage (every core); a level's count loads with each
// query's first row, and later only while it can still grow.
TEST_F(SynthGateSim, RegistersLoadOnlyWhenTheirValueCanChange)
{
    // the gates of register NAME in module MOD, as (OPEN, CHANGED) of instance INST's run
    auto gates = [](const Run &r, const std::string &mod, const std::string &inst, const std::string &name) {
        std::vector<long> idx;
        std::istringstream map(read_file(r.dir + "/generated/gl/" + mod + "/map.txt"));
        for (std::string line; std::getline(map, line);) {
            std::istringstream w(line);
            std::string kw, type, n;
            long i;
            if (w >> kw >> i >> type >> n && kw == "gate" && n == name) idx.push_back(i);
        }
        std::string tog = read_file(r.dir + "/reports/toggles/hg_capture_tb.dut" + inst + ".tog");
        std::vector<std::pair<long long, long long>> oc;
        for (long i : idx) {
            long long open, changed;
            if (tog_gate(tog, i, &open, &changed))
                oc.emplace_back(open, changed);
            else
                ADD_FAILURE() << mod << ": no line of gate " << i;
        }
        return oc;
    };
    const long N = 8, D = 16; // the suite's configuration (SetUpTestSuite)
    for (const std::string core : {"had", "baseline", "int8-topn"}) {
        const cJSON *s = summary(core);
        ASSERT_TRUE(s) << core;
        long queries = (long)num(s, "activity", "queries");
        ASSERT_GT(queries, 1) << core;
        std::string pre = core == "had" ? "had" : core == "baseline" ? "base" : "i8topn";
        auto q = gates(run(core), pre + "_core", "", "u_core.p1_q");
        ASSERT_FALSE(q.empty()) << core << ": no gate on the score stage's query register";
        for (auto [open, changed] : q) {
            EXPECT_LE(open, queries) << core << ": p1_q loads once a query";
            EXPECT_GE(open, queries - 1) << core;
            EXPECT_LE(changed, open) << core;
        }
    }
    const Run &h = run("had-counting");
    const long long queries = (long long)num(summary("had-counting"), "activity", "queries");
    for (const char *reg : {"u_block.w_s", "u_block.w_idx"}) {
        auto e = gates(h, "had_topn", ".u_core.g_count.u_topn", reg);
        EXPECT_EQ((long)e.size(), N) << reg << ": a gate per entry of the list";
        for (auto [open, changed] : e) {
            EXPECT_LE(open, queries) << reg << ": an entry loads once a query";
            EXPECT_GT(open, 0) << reg;
            EXPECT_LE(changed, open) << reg;
        }
    }
    auto lv = gates(h, "had_topn_scan", ".u_core.g_count.u_scan", "u_block.above_q");
    EXPECT_EQ((long)lv.size(), D) << "a gate per level of the scan's counts";
    long long most = 0, sum = 0;
    for (auto [open, changed] : lv) {
        EXPECT_GE(open, queries) << "every level loads with a query's first row";
        EXPECT_LE(changed, open);
        most = std::max(most, open);
        sum += open;
    }
    EXPECT_LT(sum, (long long)lv.size() * most) << "the levels' gates open in different cycles";
}

// The control unit's gate-level top instantiates the memories in RTL: they are hand-written
// blocks used with parameter values, so glgen writes a module of each memory unit's name
// around its block, and memfiles.f lists every file once; the top elaborates with them.
TEST_F(SynthGateSim, ControlTopGetsAModuleForEachMemoryUnit)
{
    const Run &r = run("had");
    ASSERT_EQ(r.status, 0);
    std::string rd = r.dir, d = work() + "/memcheck";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "'");
    Result g = hgt::run_cmd(bin("hgsynth") + " glgen --rtl '" + rtl("had") + "' --netlists '" + rd +
                            "/generated/netlist' --module had_core --out '" + d + "'");
    ASSERT_EQ(g.status, 0) << g.out;
    std::string mf = read_file(d + "/memfiles.f");
    for (const std::string f : {"/hg_mem_banked.v\n", "/hg_mem_flat.v\n", "/had_kmem.v\n", "/had_vmem.v\n"}) {
        size_t at = mf.find(f);
        ASSERT_NE(at, std::string::npos) << f << " missing from memfiles.f:\n" << mf;
        EXPECT_EQ(mf.find(f, at + 1), std::string::npos) << f << " twice in memfiles.f:\n" << mf;
    }
    std::string kmem = read_file(d + "/had_kmem.v");
    EXPECT_NE(kmem.find("module had_kmem ("), std::string::npos) << kmem;
    EXPECT_NE(kmem.find("hg_mem_banked #(.LANES(4), .WORDS(16), .W(16), .WL(1)) u_block"), std::string::npos)
        << kmem;
    Result c = hgt::run_cmd("cd '" + d + "' && iverilog -g2005 -o top.vvp hggl_top.v '" + rd +
                            "/generated/cells.v' $(cat memfiles.f) 2>&1");
    EXPECT_EQ(c.status, 0) << tail(c.out);
}

// The per-net toggle counts of a .tog file (the lines after "toggles N").
std::vector<long long> tog_counts(const std::string &tog)
{
    std::vector<long long> v;
    size_t at = tog.find("\ntoggles ");
    if (at == std::string::npos) return v;
    std::istringstream ss(tog.substr(at + 1));
    std::string word;
    long long n = 0, x;
    ss >> word >> n;
    while ((long long)v.size() < n && ss >> x) v.push_back(x);
    return v;
}

// GL_SIM=timed (docs/synth.md): the timed Icarus bench of one HAD AV dimension (a multiplier
// and an accumulator). Without SDF and with the inputs in the edge's time step it counts
// exactly what the zero-delay built-in simulator counts; with the module's SDF every net
// toggles at least as often, by an even number more (a glitch is a pair of transitions),
// and the module as a whole strictly more. OpenSTA's raw SDF ((min::max) triples) is
// silently ignored by Icarus: its counts equal those of the library's own specify delays.
TEST_F(SynthGateSim, TimedBenchCountsGlitchesAndMatchesZeroDelayWithoutSdf)
{
    const Run &r = run("had");
    ASSERT_EQ(r.status, 0);
    std::string rd = r.dir, d = work() + "/timed", nl = rd + "/generated/netlist";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "/tog'");
    Result l = hgt::run_cmd("grep '^had_av_dim 1 ' '" + rd +
                            "/generated/instances.txt' | head -1 | awk '{print $4}'");
    ASSERT_FALSE(l.out.empty());
    std::string base = l.out.substr(0, l.out.find('\n'));
    std::string name = base.substr(base.rfind('/') + 1);
    std::string hg = bin("hgsynth"),
                mod = " --rtl '" + rtl("had") + "' --netlists '" + nl + "' --module had_av_dim";
    Result g = hgt::run_cmd(hg + " glgen" + mod + " --out '" + d + "' --timed");
    ASSERT_EQ(g.status, 0) << g.out;
    Result sdf = hgt::run_cmd(
        "env LIB=" + std::string(kLib) +
        " CLK_PERIOD_NS=10 IN_SLEW_NS=0.1 OUT_LOAD_PF=0.01 SY_MODULE=had_av_dim SY_NETLIST='" + nl +
        "/had_av_dim.v' SY_SDF='" + d + "/sta.sdf' SY_SCRIPTS='" + hgt::src_dir() +
        "/synth/scripts' sta -no_splash -exit '" + hgt::src_dir() + "/synth/scripts/sta_sdf.tcl' && " + hg +
        " sdf-fix --in '" + d + "/sta.sdf' --out '" + d + "/fixed.sdf' --top hggl_top");
    ASSERT_EQ(sdf.status, 0) << sdf.out;
    Result v = hgt::run_cmd(hg + " glvec" + mod + " --capture '" + base + "' --out '" + d + "/vec.txt'");
    ASSERT_EQ(v.status, 0) << v.out;
    std::string src = "-I '" + d + "' '" + hgt::src_dir() + "/synth/bench/hg_timed_tb.v' '" + d +
                      "/hggl_top.v' /usr/share/qflow/tech/osu018/osu018_stdcells.v";
    Result c0 = hgt::run_cmd("iverilog -g2005 -o '" + d + "/zd.vvp' " + src +
                             " 2>&1 | grep -v -e 'choosing typ' -e 'Omitting .sdf_annotate'");
    Result c1 = hgt::run_cmd("iverilog -g2005 -gspecify -o '" + d + "/sd.vvp' " + src +
                             " 2>&1 | grep -v -e 'choosing typ' -e 'Omitting .sdf_annotate'");
    ASSERT_EQ(c0.out + c1.out, "");
    // one bench run -> its .tog (through hgsynth gltog); the run's messages in *msg
    auto bench = [&](const std::string &vvp, const std::string &tag, const std::string &extra,
                     std::string *msg) {
        Result b = hgt::run_cmd("vvp -n '" + d + "/" + vvp + "' +hgt_vec='" + d + "/vec.txt' +hgt_raw='" + d +
                                "/" + tag + ".raw' +hgt_period_ps=10000 " + extra + " && " + hg + " gltog" +
                                mod + " --instance '" + name + "' --raw '" + d + "/" + tag +
                                ".raw' --toggles '" + d + "/" + tag + ".tog'");
        *msg = b.out;
        EXPECT_EQ(b.status, 0) << tag << ": " << b.out;
        return read_file(d + "/" + tag + ".tog");
    };
    std::string m0, m1, m2, m3;
    std::string zd = bench("zd.vvp", "zd", "+hgt_offset_ps=0", &m0);
    std::string sd = bench("sd.vvp", "sd", "+hgt_offset_ps=100 +hgt_sdf='" + d + "/fixed.sdf'", &m1);
    std::string lib = bench("sd.vvp", "lib", "+hgt_offset_ps=100", &m2);
    std::string raw = bench("sd.vvp", "raw", "+hgt_offset_ps=100 +hgt_sdf='" + d + "/sta.sdf'", &m3);
    EXPECT_EQ(m1.find("SDF"), std::string::npos) << "the completed SDF must annotate without a warning:\n"
                                                 << m1;
    // the built-in simulator over all cycles
    hgt::write_file(d + "/list.txt", "had_av_dim 1 1 " + base + "\n");
    Result s = hgt::run_cmd(hg + " gatesim" + mod + " --lib " + kLib + " --instances '" + d +
                            "/list.txt' --toggles '" + d + "/tog'");
    ASSERT_EQ(s.status, 0) << s.out;
    std::string bi = read_file(d + "/tog/" + name + ".tog");
    ASSERT_GT(bi.size(), 50u);
    ASSERT_GT(zd.size(), 50u);
    // the same counts; the timed route counts no clock-gating groups (its .tog has no gates line)
    EXPECT_EQ(zd.find("gates"), std::string::npos);
    ASSERT_NE(bi.find("gates "), std::string::npos);
    std::string bi_plain;
    std::istringstream bl(bi.substr(bi.find("cycles")));
    for (std::string line; std::getline(bl, line);)
        if (line.rfind("gate", 0) != 0) bi_plain += line + "\n";
    EXPECT_EQ(zd.substr(zd.find("cycles")), bi_plain);
    std::vector<long long> z = tog_counts(zd), t = tog_counts(sd), lt = tog_counts(lib), rt = tog_counts(raw);
    ASSERT_GT(z.size(), 500u);
    ASSERT_EQ(t.size(), z.size());
    long long zs = 0, ts = 0, bad = 0;
    for (size_t i = 0; i < z.size(); i++) {
        zs += z[i];
        ts += t[i];
        if (t[i] < z[i] || (t[i] - z[i]) % 2 != 0) {
            if (++bad <= 5) ADD_FAILURE() << "net " << i << ": timed " << t[i] << ", zero delay " << z[i];
        }
    }
    EXPECT_EQ(bad, 0) << "nets with fewer or an odd number of extra timed transitions";
    EXPECT_GT(zs, 1000) << "zero-delay toggles";
    EXPECT_GT(ts, zs) << "timed " << ts << " vs zero-delay " << zs << ": glitches of the multiplier expected";
    EXPECT_EQ(rt, lt)
        << "OpenSTA's raw (min::max) SDF should change nothing under Icarus (the trap sdf-fix removes)";
    EXPECT_NE(t, lt) << "the completed SDF should change the delays from the library's own";
}

// hgsynth sdf-fix: every incomplete triple completed, quoted strings and complete triples
// untouched, the design renamed with --top.
TEST(SynthSdf, FixCompletesOpenStaTriples)
{
    std::string d = work() + "/sdffix";
    hgt::run_cmd("rm -rf '" + d + "' && mkdir -p '" + d + "'");
    hgt::write_file(d + "/in.sdf", "(DELAYFILE\n (DESIGN \"m\")\n (VOLTAGE 1.800::1.800)\n"
                                   " (PROCESS \"1.000::1.000\")\n (CELL\n  (CELLTYPE \"m\")\n  (INSTANCE)\n"
                                   "  (DELAY (ABSOLUTE (INTERCONNECT a _1_/A (0.0000::0.0000)))))\n (CELL\n"
                                   "  (CELLTYPE \"NAND2X1\")\n  (INSTANCE _1_)\n  (DELAY\n   (ABSOLUTE\n"
                                   "    (IOPATH A Y (0.1031::0.1045) (-0.05::-0.04))\n"
                                   "    (IOPATH B Y (::0.2) (0.3::) (:0.4:) (1:2:3) (0.5) () (::))))\n"
                                   "  (TIMINGCHECK (HOLD (negedge D) (posedge CLK) (-0.0962::-0.0873)))))\n");
    Result r = hgt::run_cmd(bin("hgsynth") + " sdf-fix --in '" + d + "/in.sdf' --out '" + d +
                            "/out.sdf' --top hggl_top");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("8 triples completed"), std::string::npos) << r.out;
    EXPECT_EQ(read_file(d + "/out.sdf"),
              "(DELAYFILE\n (DESIGN \"hggl_top\")\n (VOLTAGE 1.800:1.800:1.800)\n"
              " (PROCESS \"1.000::1.000\")\n (CELL\n  (CELLTYPE \"hggl_top\")\n  (INSTANCE)\n"
              "  (DELAY (ABSOLUTE (INTERCONNECT a _1_/A (0.0000:0.0000:0.0000)))))\n (CELL\n"
              "  (CELLTYPE \"NAND2X1\")\n  (INSTANCE _1_)\n  (DELAY\n   (ABSOLUTE\n"
              "    (IOPATH A Y (0.1031:0.1031:0.1045) (-0.05:-0.05:-0.04))\n"
              "    (IOPATH B Y (0.2:0.2:0.2) (0.3:0.3:0.3) (0.4:0.4:0.4) (1:2:3) (0.5) () (::))))\n"
              "  (TIMINGCHECK (HOLD (negedge D) (posedge CLK) (-0.0962:-0.0962:-0.0873)))))\n");
    Result b = hgt::run_cmd(bin("hgsynth") + " sdf-fix --in /etc/hostname --out '" + d + "/x.sdf'");
    EXPECT_EQ(b.status, 2) << b.out;
}

TEST_F(SynthFlow, BadInputExitsTwo)
{
    hgt::run_cmd("mkdir -p '" + work() + "/empty'");
    Result a = hgt::run_cmd(flow() + " '" + work() + "/empty'");
    EXPECT_EQ(a.status, 2) << a.out;
    EXPECT_NE(a.out.find("manifest.json"), std::string::npos) << a.out;
    Result b = hgt::run_cmd("LIB=/nonexistent.lib " + flow() + " '" + rtl("had") + "'");
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_NE(b.out.find("/nonexistent.lib"), std::string::npos) << b.out;
    Result c = hgt::run_cmd("CLK_PERIOD_NS=-3 " + flow() + " '" + rtl("had") + "'");
    EXPECT_EQ(c.status, 2) << c.out;
    Result d = hgt::run_cmd(bin("hgsynth") + " cells --lib /etc/hostname --out /dev/null");
    EXPECT_EQ(d.status, 2) << d.out;
    Result e = hgt::run_cmd(bin("hgsynth") + " plan --rtl /nonexistent");
    EXPECT_EQ(e.status, 2) << e.out;
    Result f = hgt::run_cmd(bin("hgsynth") + " frobnicate");
    EXPECT_EQ(f.status, 2) << f.out;
}

// Every make target that runs the flow passes the Liberty file as LIB (a library archive of
// the same variable name once reached them): make -n, no flow runs.
TEST(SynthBuild, FlowTargetsPassTheLibertyFileAsLib)
{
    for (const char *t : {"synth", "bench-synth", "synth-minilm", "equiv"}) {
        Result r = hgt::run_in_src(std::string("make -n ") + t + " 2>&1");
        EXPECT_EQ(r.status, 0) << t << "\n" << tail(r.out);
        int found = 0;
        for (size_t at = r.out.find("LIB="); at != std::string::npos; at = r.out.find("LIB=", at + 4)) {
            if (at > 0 && (isalnum((unsigned char)r.out[at - 1]) || r.out[at - 1] == '_'))
                continue; /* XLIB= */
            std::string v = r.out.substr(at + 4, r.out.find_first_of(" \n;", at + 4) - at - 4);
            found++;
            EXPECT_EQ(v.size() > 4 ? v.substr(v.size() - 4) : v, ".lib") << t << ": LIB=" << v;
            FILE *f = fopen(v.c_str(), "r");
            EXPECT_NE(f, nullptr) << t << ": LIB=" << v << " does not exist";
            if (f) fclose(f);
        }
        EXPECT_GT(found, 0) << t << ": no LIB= in\n" << tail(r.out);
    }
}

} // namespace
