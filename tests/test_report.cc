// test_report.cc — the report stage: hgreport (ratios against the baseline, CSV tables, plots,
// a byte-identical report.json for the same inputs; fidelity of HAD distilled and post-training,
// against N and on passages, bad fidelity files), make report's content-based freshness, the
// passages of synth/report/passages.sh, hgsweep (ratios, fidelity join with the distilled model,
// Pareto fronts, partial sweeps, bad input) and make sweep end to end on a tiny grid.
#include "hg_testlib.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace
{

using hgt::read_file;
using hgt::write_file;

// A flow summary with the fields hgreport reads (values chosen so ratios are exact).
// The selector hadgen builds a core type with by default (params.selector of a fixture that
// names none: a real summary always has one).
std::string default_sel(const char *core)
{
    hg_core_kind k = HG_CORE_HAD;
    if (hg_core_parse(core, &k) != 0) return "merge";
    return hg_sel_name(hg_core_sel(k));
}

void write_summary(const std::string &dir, const char *core, double area, double power, double e, int d = 32,
                   int n = 16, int l = 128, int p = 8, const std::string &timing = "",
                   const std::string &extra = "", double bus_nj = -1)
{
    mkdir(dir.c_str(), 0777);
    mkdir((dir + "/reports").c_str(), 0777);
    std::ofstream f(dir + "/reports/summary.json");
    f << "{\"core\": \"" << core << "\", \"params\": {\"d\": " << d << ", \"lanes\": " << p
      << ", \"top_n\": " << n << ", \"max_keys\": " << l << ", \"selector\": \"" << default_sel(core)
      << "\"},"
      << "\"liberty\": \"osu018\", \"clock_period_ns\": 10,"
      << "\"timing\": {\"fmax_mhz\": 50" << timing << "},"
      << "\"blocks\": {\"score\": {\"area_um2\": " << area / 2 << ", \"power_uw\": " << power / 2 << "},"
      << "  \"av\": {\"area_um2\": " << area / 2 << ", \"power_uw\": " << power / 2 << "}},"
      << "\"totals\": {\"logic_area_um2\": " << area
      << ", \"memory_area_um2\": 1000000, \"area_um2\": " << area + 1000000
      << ", \"logic_power_uw\": " << power << ", \"memory_power_uw\": 0, \"power_uw\": " << power << "},"
      << "\"activity\": {\"gate_level_check\": \"pass\"},"
      << "\"throughput\": {\"ii_cycles\": 16, \"queries_per_s_at_fmax\": 3125000},"
      << "\"energy\": {\"per_query_nj\": " << e << ", \"per_query_node_nj\": " << e / 10
      << (bus_nj >= 0 ? ", \"per_query_memory_bus_nj\": " + std::to_string(bus_nj) : std::string())
      << ", \"queries_per_mj_node\": " << 1e6 / (e / 10) << "}" << extra << "}\n";
}

// Adds fields at the front of an object of a fixture summary: `key` is its opening text
// ("\"activity\": {"), `fields` what goes in after it ("\"queries\": 64, ").
void add_fields(const std::string &dir, const std::string &key, const std::string &fields)
{
    std::string path = dir + "/reports/summary.json", f = read_file(path);
    size_t at = f.find(key);
    ASSERT_NE(at, std::string::npos) << key << " in " << path;
    f.insert(at + key.size(), fields);
    write_file(path, f);
}

// Gives a fixture summary a measured clock-gating estimate (docs/synth.md, "Clock gating") whose
// figure `key` (per_query_nj of a query run, window_nj of a load run) is nj.
void add_gating(const std::string &dir, const char *key, double nj)
{
    add_fields(dir, "{",
               "\"clock_gating\": {\"measured\": true, \"enable_rate\": 0.5, \"gates\": 3, \"" +
                   std::string(key) + "\": " + std::to_string(nj) + "}, ");
}

TEST(Report, RatiosTablesPlotsAndDeterministicJson)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80);
    write_summary(d + "/i8", "int8-topn", 5e6, 200e3, 40);
    write_file(
        d + "/fid.json",
        "{\"sentences\": {\"count\": 3, \"tokens\": 30, \"max_tokens\": 128}, \"core\": {\"top_n\": 16}, "
        "\"rtl_vs_golden\": [], \"backends\": ["
        "{\"backend\": \"golden-had\", \"attn_rel_err\": [0.5, 0.6], \"recall\": 0.9, "
        "\"cos_mean\": 0.8, \"cos_min\": 0.7, \"nn_agree\": 0.75}]}\n");
    write_file(d + "/sweep.md", "## Design-space sweep: 7 points\n");
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base," + d + "/i8' --fidelity " + d + "/fid.json --fidelity-n 16=" + d +
                      "/fid.json --sweep-md " + d + "/sweep.md --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    std::string md = read_file(d + "/r1/report.md");
    EXPECT_NE(md.find("| had | 0.200 (-80%) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| int8-topn | 0.500 (-50%) |"), std::string::npos) << md;
    // each top-N core's selector, as its run was built (the baseline selects none)
    EXPECT_NE(md.find("liberty `osu018`. Top-N selectors: had merge, int8-topn merge.\n"), std::string::npos)
        << md;
    EXPECT_NE(md.find("| HAD post-training | golden-had | 0.500 0.600 | 0.900 |"), std::string::npos) << md;
    EXPECT_NE(r1.out.find("HAD/baseline: logic area 0.200"), std::string::npos) << r1.out;
    EXPECT_NE(md.find("\n## Design-space sweep: 7 points\n"), std::string::npos) << md; // hgsweep's section
    EXPECT_EQ(read_file(d + "/r1/report.json"), read_file(d + "/r2/report.json"));
    EXPECT_NE(read_file(d + "/r1/summary.csv").find("p,had,2,1,50,16,"), std::string::npos);
    struct stat st;
    for (const char *f : {"p_area.png", "p_power.svg", "fidelity_vs_n.png", "cycles_vs_l.svg"})
        EXPECT_EQ(stat((d + "/r1/" + f).c_str(), &st), 0) << f;
    hgt::CmdResult bad = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out " + d + " --point nonsense");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("must be NAME=STIMULUS:RUN_DIR"), std::string::npos) << bad.out;
    // --fidelity-n takes a whole N >= 1 before '=': anything else is refused, naming the value
    for (const char *fn : {"4x=", "0=", "=", "-3=", "16"}) {
        hgt::CmdResult b =
            hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out " + d + "/r3 --point 'p=test data:" + d +
                         "/had' --fidelity-n " + fn + (strchr(fn, '=') ? d + "/fid.json" : std::string()));
        EXPECT_EQ(b.status, 2) << fn << ": " << b.out;
        EXPECT_NE(b.out.find("--fidelity-n '" + std::string(fn)), std::string::npos) << b.out;
        EXPECT_NE(b.out.find("whole number >= 1"), std::string::npos) << b.out;
    }
}

// The ranges over the uncertain corrections (docs/synth.md): the clock network (both cores at
// the low and at the high estimate, energy per query scaled with power at the same cycles per
// query), the memory data buses (half and twice as long), and every corner of both.
TEST(Report, EnergyRatioOverTheClockNetworksRange)
{
    hgt::TempDir d_dir("report-clock");
    std::string d = d_dir.path();
    auto ck = [](double p, double lo, double hi) {
        std::ostringstream o;
        o << ", \"clock_network\": {\"power_uw\": " << p << ", \"power_low_uw\": " << lo
          << ", \"power_high_uw\": " << hi << "}";
        return o.str();
    };
    // HAD: 100 mW, 20 nJ, clock 10 mW (5..20): 19 .. 22 nJ; baseline: 400 mW, 80 nJ, clock 20 mW
    // (10..40): 78 .. 84 nJ; ratios 19/78 and 22/84
    // memory buses: HAD 1 nJ, baseline 20 nJ, at half (-0.5, -10) and twice (+1, +20)
    write_summary(d + "/had", "had", 2e6, 100e3, 20, 32, 16, 128, 8, "", ck(10e3, 5e3, 20e3), 1);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80, 32, 16, 128, 8, "", ck(20e3, 10e3, 40e3), 20);
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                     "/hgreport --point 'p=test data:" + d + "/had," + d + "/base' --out " + d + "/r");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("had 10.0 mW (5.0-20.0)"), std::string::npos) << md;
    // counted 20/80; clock alone 19/78 .. 22/84; buses alone 21/100 .. 19.5/70; the corners
    // of both: 20/98 (clock low, buses long) .. 21.5/74 (clock high, buses short)
    EXPECT_NE(md.find("| had | 0.250 | 0.244-0.262 | 0.210-0.279 | n/a | n/a | n/a | 0.204-0.291 |"),
              std::string::npos)
        << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pts = cJSON_GetObjectItem(j, "points"), *pt = cJSON_GetArrayItem(pts, 0);
    const cJSON *range = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "energy_ratio_clock_range"), "had");
    ASSERT_TRUE(cJSON_IsArray(range)) << read_file(d + "/r/report.json").substr(0, 2000);
    EXPECT_NEAR(cJSON_GetArrayItem(range, 0)->valuedouble, 19.0 / 78, 1e-12);
    EXPECT_NEAR(cJSON_GetArrayItem(range, 1)->valuedouble, 22.0 / 84, 1e-12);
    const cJSON *all = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "energy_ratio_all_range"), "had");
    ASSERT_TRUE(cJSON_IsArray(all));
    EXPECT_NEAR(cJSON_GetArrayItem(all, 0)->valuedouble, 20.0 / 98, 1e-9);
    EXPECT_NEAR(cJSON_GetArrayItem(all, 1)->valuedouble, 21.5 / 74, 1e-9);
    cJSON_Delete(j);
}

// Clock gating (docs/synth.md): the summary's estimate is the low end, the core as generated the
// high end, the same end for both cores; with the clock network, every corner of both. A summary
// whose simulator counted no gates (measured false) has no such range.
TEST(Report, EnergyRatioOverClockGating)
{
    hgt::TempDir d_dir("report-gating");
    std::string d = d_dir.path();
    auto cg = [](bool measured, double nj) {
        std::ostringstream o;
        o << ", \"clock_gating\": {\"measured\": " << (measured ? "true" : "false")
          << ", \"per_query_nj\": " << nj << ", \"enable_rate\": 0.4, \"gates\": 7}";
        return o.str();
    };
    const std::string ck = ", \"clock_network\": {\"power_uw\": 10000, \"power_low_uw\": 5000, "
                           "\"power_high_uw\": 20000}";
    // HAD 20 nJ, 15 gated; baseline 80 nJ, 70 gated: 15/70 .. 20/80
    write_summary(d + "/had", "had", 2e6, 100e3, 20, 32, 16, 128, 8, "", ck + cg(true, 15));
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80, 32, 16, 128, 8, "", ck + cg(true, 70));
    write_summary(d + "/timed", "had", 2e6, 100e3, 20, 32, 16, 128, 8, "", ck + cg(false, 0));
    std::string bin = std::string(HG_BIN_DIR) + "/hgreport";
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r " + d + "/u && " + bin + " --point 'p=test data:" + d + "/had," +
                     d + "/base' --out " + d + "/r && " + bin + " --point 'p=test data:" + d + "/timed," + d +
                     "/base' --out " + d + "/u");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    // the clock network alone (HAD 10 of 100 mW, baseline 10 of 400 mW): 19/79 .. 22/82; gating
    // alone 15/70 .. 20/80; together the corners 14/69 (low, gated) .. 22/82 (high, not gated)
    EXPECT_NE(md.find("registers' clocks gated (estimate) / not gated |"), std::string::npos) << md;
    EXPECT_NE(
        md.find("gates: had 15.0 nJ (20.0 ungated), 0.40, 7; baseline 70.0 nJ (80.0 ungated), 0.40, 7;"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| had | 0.250 | 0.241-0.268 | n/a | n/a | n/a | 0.214-0.250 | 0.203-0.268 |"),
              std::string::npos)
        << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pt = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0);
    const cJSON *g = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "energy_ratio_clock_gating_range"), "had");
    ASSERT_TRUE(cJSON_IsArray(g));
    EXPECT_NEAR(cJSON_GetArrayItem(g, 0)->valuedouble, 15.0 / 70, 1e-12);
    EXPECT_NEAR(cJSON_GetArrayItem(g, 1)->valuedouble, 20.0 / 80, 1e-12);
    const cJSON *all = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "energy_ratio_all_range"), "had");
    EXPECT_NEAR(cJSON_GetArrayItem(all, 0)->valuedouble, 14.0 / 69, 1e-9);
    EXPECT_NEAR(cJSON_GetArrayItem(all, 1)->valuedouble, 22.0 / 82, 1e-9);
    cJSON_Delete(j);
    std::string mu = read_file(d + "/u/report.md");
    EXPECT_NE(mu.find("| had | 0.250 | 0.241-0.268 | n/a | n/a | n/a | n/a | n/a |"), std::string::npos)
        << mu;
    EXPECT_NE(mu.find("gates: baseline 70.0 nJ (80.0 ungated), 0.40, 7;\n"), std::string::npos) << mu;
}

// A flow summary with the fields the equal-queries/s correction reads: the osu018 liberty (its
// supply), Fmax, II 16, logic and memory energy per query (split: false leaves the split out, so
// the core has no equal-queries/s figure), logic leakage, and the window's cycles and queries
// (8); sel: params.selector (nullptr: none).
void write_qps_summary(const std::string &dir, const char *core, const char *sel, double fmax,
                       double logic_nj, double mem_nj, double leak_uw, int cycles = 200, bool split = true)
{
    mkdir(dir.c_str(), 0777);
    mkdir((dir + "/reports").c_str(), 0777);
    std::ostringstream f;
    f << "{\"core\": \"" << core << "\", \"params\": {"
      << "\"selector\": \"" << (sel ? std::string(sel) : default_sel(core)) << "\", "
      << "\"d\": 32, \"lanes\": 8, \"top_n\": 16, \"max_keys\": 128},"
      << "\"liberty\": \"/usr/share/qflow/tech/osu018/osu018_stdcells.lib\", \"clock_period_ns\": 10,"
      << "\"timing\": {\"fmax_mhz\": " << fmax
      << "}, \"blocks\": {\"select\": {\"area_um2\": 1, \"power_uw\": 1}},"
      << "\"totals\": {\"logic_area_um2\": 1e6, \"memory_area_um2\": 1e6, \"area_um2\": 2e6, "
         "\"logic_power_uw\": 1e5,"
      << " \"memory_power_uw\": 0, \"power_uw\": 1e5, \"logic_leakage_uw\": " << leak_uw << "},"
      << "\"activity\": {\"cycles\": " << cycles
      << ", \"queries\": 8, \"cycles_per_query\": 16, \"gate_level_check\": \"pass\"},"
      << "\"throughput\": {\"ii_cycles\": 16, \"queries_per_s_at_fmax\": " << fmax * 1e6 / 16 << "},"
      << "\"energy\": {\"per_query_nj\": " << logic_nj + mem_nj;
    if (split) f << ", \"per_query_logic_nj\": " << logic_nj << ", \"per_query_memory_nj\": " << mem_nj;
    f << ", \"per_query_node_nj\": 1, \"queries_per_mj_node\": 1}}\n";
    write_file(dir + "/reports/summary.json", f.str());
}

// Equal queries per second (docs/synth.md): the faster core runs at the slower one's rate at
// a lower logic supply, the V of the alpha-power law (Vt 0.45 V, alpha 1.4) whose Fmax just
// meets that rate; logic dynamic energy scales with V^2, memories stay, leakage is charged
// over the longer query time.
TEST(Report, EqualQueriesPerSecondLowersTheFasterCoresSupply)
{
    hgt::TempDir d_dir("report-qps");
    std::string d = d_dir.path();
    write_qps_summary(d + "/had", "had", nullptr, 50, 20, 0, 100); // the slower: 3.125e6 queries/s, 1.8 V
    write_qps_summary(d + "/base", "baseline", nullptr, 100, 80, 10,
                      0); // twice as fast: half its Fmax, lower V
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                     "/hgreport --point 'p=test data:" + d + "/had," + d + "/base' --out " + d + "/r");
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pt = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0);
    const cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "equal_qps"), "had");
    ASSERT_TRUE(o) << read_file(d + "/r/report.md");
    auto v = [&](const char *k) {
        const cJSON *x = cJSON_GetObjectItem(o, k);
        return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
    };
    EXPECT_DOUBLE_EQ(v("queries_per_s"), 3.125e6);
    EXPECT_DOUBLE_EQ(v("logic_vdd"), 1.8);
    EXPECT_NEAR(v("baseline_clock_mhz"), 50, 1e-9);
    double vb = v("baseline_logic_vdd");
    auto speed = [](double x) { return std::pow(x - 0.45, 1.4) / x; };
    EXPECT_NEAR(speed(vb) / speed(1.8), 0.5, 1e-7) << "supply " << vb;
    EXPECT_GT(vb, 0.9);
    EXPECT_LT(vb, 1.5);
    // HAD: 20 nJ less its leakage at the flow clock (100 uW x 160 ns), plus leakage over 1/q
    double eh = 20 - 100e-6 * 160e-9 * 1e9 + 100e-6 / 3.125e6 * 1e9;
    EXPECT_NEAR(v("energy_per_query_nj"), eh, 1e-9);
    double eb = 80 * (vb / 1.8) * (vb / 1.8) + 10;
    EXPECT_NEAR(v("baseline_energy_per_query_nj"), eb, 1e-6);
    EXPECT_NEAR(v("ratio_vs_baseline"), eh / eb, 1e-8);
    EXPECT_LT(v("ratio_vs_baseline_low"), v("ratio_vs_baseline"));
    EXPECT_GT(v("ratio_vs_baseline_high"), v("ratio_vs_baseline"));
    EXPECT_NE(r.out.find("HAD/baseline energy/query at equal queries/s"), std::string::npos) << r.out;
    cJSON_Delete(j);
}

// A K/V load run (hgreport --kv-load) of a qps fixture: logic power 1e5 uW, no leakage, a 10 ns
// clock, so its logic dynamic energy is 1 nJ a cycle; window_nj adds energy at a fixed supply.
void write_load(const std::string &dir, const char *core, const char *sel, int cycles, double window_nj)
{
    write_qps_summary(dir, core, sel, 50, 1, 0, 0, cycles);
    add_fields(dir, "\"energy\": {", "\"window_nj\": " + std::to_string(window_nj) + ", ");
}

// The alpha-power law's supply for a rate (a fraction of Fmax at 1.8 V), by bisection.
double law_supply(double ratio, double vt = 0.45, double alpha = 1.4)
{
    auto speed = [&](double x) { return std::pow(x - vt, alpha) / x; };
    double lo = vt, hi = 1.8;
    for (int k = 0; k < 200; k++) {
        double mid = 0.5 * (lo + hi);
        (speed(mid) < ratio * speed(1.8) ? lo : hi) = mid;
    }
    return hi;
}

// HAD built with merge and with counting, and the baseline, in d/had, d/had-n, d/base: merge
// counts less but runs at half the baseline's rate; counting counts more and is faster than the
// baseline (7.5e6 against 6.25e6 queries/s at Fmax).
void write_merge_counting(const std::string &d)
{
    write_qps_summary(d + "/had", "had", "merge", 50, 20, 0, 0);
    write_qps_summary(d + "/had-n", "had", "counting", 120, 21, 0, 0, 230);
    write_qps_summary(d + "/base", "baseline", nullptr, 100, 80, 10, 0);
}

// At equal queries/s the counted figure carries the K/V load and the uncertain corrections:
// their logic share at the lowered supply, the load's memory share and the memory buses at
// the memories' own; its range spans the law's corners and the corrections' together.
TEST(Report, EqualQueriesPerSecondCountsTheKvLoadAndTheCorrections)
{
    hgt::TempDir d_dir("report-qps-counted");
    std::string d = d_dir.path();
    write_qps_summary(d + "/had", "had", nullptr, 50, 20, 0, 0);         // the slower, at 1.8 V
    write_qps_summary(d + "/base", "baseline", nullptr, 100, 80, 10, 0); // twice as fast
    add_fields(d + "/had", "\"energy\": {", "\"per_query_memory_bus_nj\": 4, ");
    add_fields(d + "/base", "\"energy\": {", "\"per_query_memory_bus_nj\": 6, ");
    // loads over the 8 queries: HAD 100 nJ of logic + 40 fixed, the baseline 200 + 40
    write_load(d + "/had-load", "had", nullptr, 100, 140);
    write_load(d + "/base-load", "baseline", nullptr, 200, 240);
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                                    "/hgreport --point 'p=test data:" + d + "/had," + d + "/base' --out " +
                                    d + "/r --kv-load 'p=" + d + "/had-load," + d + "/base-load'");
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *o = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0), "equal_qps"), "had");
    ASSERT_TRUE(o) << read_file(d + "/r/report.md");
    auto v = [&](const char *k) {
        const cJSON *x = cJSON_GetObjectItem(o, k);
        return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
    };
    // per query: HAD 20 + 12.5 (load logic) + 5 (load fixed); the baseline's logic 80 + 25 at its
    // lowered supply, 10 + 5 at the memories'; the bus at half (low) or twice (high) its length
    auto counted = [&](double vb, double bus_end) {
        double s = vb / 1.8;
        return (20 + 12.5 + 5 + 4 * bus_end) / ((80 + 25) * s * s + 10 + 5 + 6 * bus_end);
    };
    double nominal = counted(law_supply(0.5), 0);
    EXPECT_NEAR(v("ratio_counted_vs_baseline"), nominal, 1e-7);
    double lo = 1e9, hi = -1e9;
    const double laws[5][2] = {{0.45, 1.4}, {0.35, 1.2}, {0.35, 2.0}, {0.55, 1.2}, {0.55, 2.0}};
    for (const auto &law : laws)
        for (double end : {-0.5, 1.0}) {
            double x = counted(law_supply(0.5, law[0], law[1]), end);
            lo = std::fmin(lo, x);
            hi = std::fmax(hi, x);
        }
    EXPECT_NEAR(v("ratio_counted_vs_baseline_low"), lo, 1e-7);
    EXPECT_NEAR(v("ratio_counted_vs_baseline_high"), hi, 1e-7);
    EXPECT_LT(lo, nominal);
    EXPECT_GT(hi, nominal);
    // the plain figure is unchanged: the flows' energy alone
    double s = law_supply(0.5) / 1.8;
    EXPECT_NEAR(v("ratio_vs_baseline"), 20 / (80 * s * s + 10), 1e-7);
    char line[160];
    snprintf(line, sizeof line, "with every correction: %.3f (%.3f-%.3f)", nominal, lo, hi);
    EXPECT_NE(r.out.find(line), std::string::npos) << r.out;
    cJSON_Delete(j);
    // a load run without its logic share: the counted figure is not given, the plain one is
    std::string f = read_file(d + "/base-load/reports/summary.json");
    f.replace(f.find("\"logic_leakage_uw\""), 18, "\"leakage_unknown\"");
    write_file(d + "/base-load/reports/summary.json", f);
    ASSERT_EQ(hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                           "/base' --out " + d + "/r --kv-load 'p=" + d + "/had-load," + d + "/base-load'")
                  .status,
              0);
    j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    o = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0), "equal_qps"), "had");
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(o, "ratio_counted_vs_baseline")));
    EXPECT_NEAR(v("ratio_vs_baseline"), 20 / (80 * s * s + 10), 1e-7);
    cJSON_Delete(j);
}

// Clock gating with the K/V load: the low end gates the point's run and its load run alike (the
// load run's clock_gating.window_nj, amortized over the same queries); a load run without the
// estimate leaves the correction out.
TEST(Report, ClockGatingGatesTheKvLoadToo)
{
    hgt::TempDir d_dir("report-gating-load");
    std::string d = d_dir.path();
    auto gated = add_gating;
    write_qps_summary(d + "/had", "had", nullptr, 50, 20, 0, 0);         // 20 nJ, gated 16
    write_qps_summary(d + "/base", "baseline", nullptr, 100, 80, 10, 0); // 90 nJ, gated 82
    gated(d + "/had", "per_query_nj", 16);
    gated(d + "/base", "per_query_nj", 82);
    write_load(d + "/had-load", "had", nullptr, 100, 140);       // 17.5 a query over 8; gated 100
    write_load(d + "/base-load", "baseline", nullptr, 200, 240); // 30 a query; gated 200
    gated(d + "/had-load", "window_nj", 100);
    gated(d + "/base-load", "window_nj", 200);
    std::string cmd = "mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                      "/hgreport --point 'p=test data:" + d + "/had," + d + "/base' --out " + d +
                      "/r --kv-load 'p=" + d + "/had-load," + d + "/base-load'";
    hgt::CmdResult r = hgt::run_cmd(cmd);
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *g =
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0),
                                                "energy_ratio_clock_gating_range"),
                            "had");
    ASSERT_TRUE(cJSON_IsArray(g)) << read_file(d + "/r/report.md");
    EXPECT_NEAR(cJSON_GetArrayItem(g, 0)->valuedouble, (16 + 12.5) / (82 + 25), 1e-9);
    EXPECT_NEAR(cJSON_GetArrayItem(g, 1)->valuedouble, (20 + 17.5) / (90 + 30), 1e-9);
    cJSON_Delete(j);
    // HAD's load run without the estimate (e.g. a timed simulation): no gating range for HAD
    write_load(d + "/had-load", "had", nullptr, 100, 140);
    ASSERT_EQ(hgt::run_cmd(cmd).status, 0);
    j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    g = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0),
                                                "energy_ratio_clock_gating_range"),
                            "had");
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetArrayItem(g, 0))) << read_file(d + "/r/report.md");
    cJSON_Delete(j);
}

// The workload sweep's counted ratios: each n_k point takes the K/V load runs of its own n_k
// (--nk-kv-load, matched by core and activity.n_keys), amortized over its queries, plain and
// at equal queries/s; a point without load runs is counted without.
TEST(Report, WorkloadSweepCountsEachPointsKvLoad)
{
    hgt::TempDir d_dir("report-nk-counted");
    std::string d = d_dir.path();
    auto nk_run = [&](const std::string &dir, const char *core, double fmax, double logic, double mem,
                      int nk) {
        write_qps_summary(d + "/" + dir, core, nullptr, fmax, logic, mem, 0);
        add_fields(d + "/" + dir, "\"activity\": {", "\"n_keys\": " + std::to_string(nk) + ", ");
    };
    nk_run("had16", "had", 50, 20, 0, 16);
    nk_run("base16", "baseline", 100, 80, 10, 16);
    nk_run("had32", "had", 50, 22, 0, 32);
    nk_run("base32", "baseline", 100, 150, 20, 32);
    // loads at n_k = 16 over its 8 queries: HAD 2 nJ of logic a query, the baseline 2 + 1 fixed
    auto load = [&](const std::string &dir, const char *core, int nk, int cycles, double window) {
        write_load(d + "/" + dir, core, nullptr, cycles, window);
        add_fields(d + "/" + dir, "\"activity\": {", "\"n_keys\": " + std::to_string(nk) + ", ");
    };
    load("had16-load", "had", 16, 16, 16);
    load("base16-load", "baseline", 16, 16, 24);
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --out " + d + "/r --point 'p=test data:" + d +
                      "/had32," + d + "/base32' --nk-stimulus 'test data' --nk-sweep '" + d + "/had32," + d +
                      "/base32' --nk-sweep '" + d + "/had16," + d + "/base16' --nk-kv-load '" + d +
                      "/had16-load," + d + "/base16-load'";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + " 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pts = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "nk_sweep"), "points");
    ASSERT_EQ(cJSON_GetArraySize(pts), 2);
    auto fig = [&](int i, const char *key, int k) {
        const cJSON *x = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, i), key), k);
        return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
    };
    double s = law_supply(0.5) / 1.8; // HAD is the slower: the baseline lowers its supply
    EXPECT_NEAR(fig(0, "had_over_baseline_counted", 0), 22.0 / 93, 1e-12);
    EXPECT_NEAR(fig(0, "had_over_baseline_equal_qps_counted", 0), 22 / (82 * s * s + 11), 1e-7);
    EXPECT_NEAR(fig(1, "had_over_baseline_counted", 0), 22.0 / 170, 1e-12); // no loads at n_k = 32
    EXPECT_NEAR(fig(1, "had_over_baseline_equal_qps_counted", 0), 22 / (150 * s * s + 20), 1e-7);
    EXPECT_LT(fig(0, "had_over_baseline_equal_qps_counted", 1),
              fig(0, "had_over_baseline_equal_qps_counted", 0));
    EXPECT_GT(fig(0, "had_over_baseline_equal_qps_counted", 2),
              fig(0, "had_over_baseline_equal_qps_counted", 0));
    cJSON_Delete(j);
    std::vector<std::string> csv = hgt::split_lines(read_file(d + "/r/nk_sweep.csv"));
    ASSERT_EQ(csv.size(), 3u);
    EXPECT_NE(csv[0].find(",had_over_baseline_counted,had_over_baseline_counted_low,"), std::string::npos)
        << csv[0];
    EXPECT_NE(r.out.find("n_k sweep HAD/baseline energy per query, counted: n_k=16 0.237 n_k=32 0.129"),
              std::string::npos)
        << r.out;
    // a load of an n_k the sweep lacks, and a second load of one run
    load("had64-load", "had", 64, 16, 16);
    hgt::CmdResult b = hgt::run_cmd(cmd + " --nk-kv-load '" + d + "/had64-load' 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("no --nk-sweep run of this core type and n_k"), std::string::npos) << b.out;
    b = hgt::run_cmd(cmd + " --nk-kv-load '" + d + "/had16-load' 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("a second load run of this core type and n_k"), std::string::npos) << b.out;
}

// The K/V load (docs/synth.md): a load run's window energy per head, amortized over the
// queries of the point's stimulus, is added to the energy per query of every ratio.
TEST(Report, KvLoadIsAmortizedOverTheQueriesThatReuseIt)
{
    hgt::TempDir d_dir("report-load");
    std::string d = d_dir.path();
    // point runs: HAD 20 nJ/query, baseline 80, 64 queries each; load runs: HAD 640 nJ (10 per
    // query), baseline 320 nJ (5 per query): ratio 30 / 85
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80);
    for (const char *r : {"had", "base"}) add_fields(d + "/" + r, "\"activity\": {", "\"queries\": 64, ");
    auto load = [&](const char *dir, const char *core, double nj) {
        write_summary(d + "/" + dir, core, 1, 1, 1);
        add_fields(d + "/" + dir, "\"activity\": {", "\"cycles\": 100, ");
        add_fields(d + "/" + dir, "\"energy\": {", "\"window_nj\": " + std::to_string(nj) + ", ");
    };
    load("had-load", "had", 640);
    load("base-load", "baseline", 320);
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r --kv-load ";
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + "'p=" + d + "/had-load," + d + "/base-load'");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("| had | 100 | 640.0 | 64 | 10.00 | 30.0 | 0.353 |"), std::string::npos) << md;
    EXPECT_NE(r.out.find("K/V load amortized over the stimulus's queries: 0.353"), std::string::npos)
        << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *o = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0), "kv_load"), "had");
    ASSERT_TRUE(o);
    EXPECT_NEAR(cJSON_GetObjectItem(o, "ratio_vs_baseline")->valuedouble, 30.0 / 85, 1e-12);
    cJSON_Delete(j);
    // a load run of HAD alone: no counted ratio (a load counts for both cores or for neither)
    hgt::CmdResult one = hgt::run_cmd(cmd + "'p=" + d + "/had-load'");
    ASSERT_EQ(one.status, 0) << one.out;
    EXPECT_NE(one.out.find("with every correction: n/a (a K/V load run for one of the two cores only)"),
              std::string::npos)
        << one.out;
    EXPECT_EQ(read_file(d + "/r/report.md").find("K/V load of one head"), std::string::npos)
        << "no load table against a baseline without a load";
    // a point that does not exist, a load run of a core the point lacks
    hgt::CmdResult b = hgt::run_cmd(cmd + "'q=" + d + "/had-load' 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("NAME a --point"), std::string::npos) << b.out;
    hgt::CmdResult c = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d +
                                    "/base' --out " + d + "/r --kv-load 'p=" + d + "/had-load' 2>&1");
    EXPECT_EQ(c.status, 2);
    EXPECT_NE(c.out.find("the point has no run of this core type"), std::string::npos) << c.out;
}

// hgsys --json as hgreport reads it (values chosen so the figures per query are exact).
std::string sys_json(const char *core, int context, int qph, int heads, double time_ns, double busy,
                     double mem_ns, double comp_ns, const char *bound, int load_width = 0, double load = -1)
{
    std::ostringstream o;
    o << "{\"core\": \"" << core << "\", \"d\": 32, \"lanes\": 8, ";
    if (load_width) o << "\"load_width\": " << load_width << ", "; /* absent: a run before --load-width */
    o << "\"top_n\": 16, \"max_keys\": 1024, \"heads\": " << heads << ", \"context\": " << context
      << ", \"queries_per_head\": " << qph
      << ", \"instances\": 1, \"clock_mhz\": 100, \"dram\": \"lpddr4\", \"dram_gbytes_s\": 25.6, \"cycles\": "
      << time_ns / 10 << ", \"core_busy\": " << busy
      << ", \"core_wait\": 0, \"core_idle\": 0, \"time_ns\": " << time_ns;
    if (load >= 0) o << ", \"core_load\": " << load; /* absent: a run before the split */
    o << ", \"sram_pj\": " << 1000.0 * qph * heads << ", \"dram_pj\": " << 2000.0 * qph * heads
      << ", \"roof_compute_ns\": " << comp_ns << ", \"roof_memory_ns\": " << mem_ns << ", \"bound\": \""
      << bound << "\", \"model_over_roofline\": 1.25}\n";
    return o.str();
}

// Glitch factors (docs/synth.md): per core and block, timed over zero-delay power of the same
// window and instances; every point's energy takes them, and the range's low end is zero delay.
TEST(Report, GlitchFactorsApplyPerBlock)
{
    hgt::TempDir d_dir("report-glitch");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80);
    auto run = [&](const char *dir, const char *core, double power, const char *sim) {
        write_summary(d + "/" + dir, core, 1e6, power, 1);
        add_fields(d + "/" + dir, "\"activity\": {",
                   std::string("\"gate_level_sim\": \"") + sim +
                       "\", \"cycles\": 100, \"simulated_instances\": 3, ");
    };
    run("had-t", "had", 150e3, "timed"); // score and av 1.5x
    run("had-z", "had", 100e3, "builtin");
    run("base-t", "baseline", 400e3, "timed"); // no glitches
    run("base-z", "baseline", 400e3, "builtin");
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r ";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + "--glitch-timed " + d + "/had-t," + d +
                                    "/base-t --glitch-zero " + d + "/had-z," + d + "/base-z 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("| score | 1.500 | 1.000 |"), std::string::npos) << md;
    // HAD: 20 nJ + 20 x (0.5 x 50 + 0.5 x 50) / 100 = 30 nJ; the low end (zero delay) 20 / 80
    EXPECT_NE(md.find("| had | 0.375 |"), std::string::npos) << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *g = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0),
                                         "energy_ratio_glitch_range");
    ASSERT_TRUE(g) << md;
    EXPECT_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "had"), 0)->valuedouble, 0.25, 1e-12);
    EXPECT_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "had"), 1)->valuedouble, 0.375, 1e-12);
    cJSON_Delete(j);
    // a zero-delay run given as timed, and runs of different windows, are refused
    hgt::CmdResult b =
        hgt::run_cmd(cmd + "--glitch-timed " + d + "/had-z --glitch-zero " + d + "/had-z 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("not a GL_SIM=timed run"), std::string::npos) << b.out;
    add_fields(d + "/had-z", "\"activity\": {", "\"cycles\": 99, "); // the first key is the one read
    hgt::CmdResult w =
        hgt::run_cmd(cmd + "--glitch-timed " + d + "/had-t --glitch-zero " + d + "/had-z 2>&1");
    EXPECT_EQ(w.status, 2);
    EXPECT_NE(w.out.find("differ in activity.cycles"), std::string::npos) << w.out;
}

// The synthesis noise band (hgreport --noise): each repeat of a point is one flow run per core
// type with one SYN_SALT on the point's stimulus and window; the section gives each figure's and
// ratio's range and largest deviation from the unperturbed run, and each block's.
TEST(Report, NoiseBandOverPerturbedRepeats)
{
    hgt::TempDir d_dir("report-noise");
    std::string d = d_dir.path();
    auto mk = [&](const char *dir, const char *core, double area, double power, double e, int salt) {
        write_summary(d + "/" + dir, core, area, power, e, 32, 16, 128, 8, "",
                      salt ? ", \"syn_salt\": " + std::to_string(salt) : std::string());
        add_fields(d + "/" + dir, "\"activity\": {", "\"cycles\": 100, \"queries\": 10, ");
    };
    mk("had", "had", 2e6, 100e3, 20, 0);
    mk("base", "baseline", 10e6, 400e3, 80, 0);
    mk("had-1", "had", 2.02e6, 102e3, 20.4, 1); // +1% area, +2% power and energy
    mk("base-1", "baseline", 10e6, 400e3, 80, 1);
    mk("had-2", "had", 1.97e6, 99e3, 19.8, 2); // -1.5% area, -1% power and energy
    mk("base-2", "baseline", 10e6, 404e3, 80.8, 2);
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r ";
    auto rep = [&](const char *a, const char *b) {
        return " --noise 'p=" + d + "/" + a + "," + d + "/" + b + "'";
    };
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + rep("had-1", "base-1") +
                                    rep("had-2", "base-2") + " 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("### `p`: 2 repeats (salts 1, 2)"), std::string::npos) << md;
    EXPECT_NE(md.find("| logic area mm^2 | had | 2.000 | 1.970-2.020 | 1.50% |"), std::string::npos) << md;
    EXPECT_NE(md.find("| logic power mW | baseline | 400.0 | 400.0-404.0 | 1.00% |"), std::string::npos)
        << md;
    EXPECT_NE(md.find("| Fmax MHz | had | 50.0 | 50.0-50.0 | 0.00% |"), std::string::npos) << md;
    // energy ratio 20/80 = 0.25, 20.4/80 = 0.255 (+2%), 19.8/80.8 = 0.2450 (-1.98%)
    EXPECT_NE(md.find("| energy/query ratio | had / baseline | 0.250 | 0.245-0.255 | 2.00% |"),
              std::string::npos)
        << md;
    // each block holds half the area and power: had's deviations are the totals'
    EXPECT_NE(md.find("| had | 2.00% / 1.50% | 2.00% / 1.50% |"), std::string::npos) << md;
    EXPECT_NE(md.find("| baseline | 1.00% / 0.00% | 1.00% / 0.00% |"), std::string::npos) << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *n = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "noise"), 0);
    ASSERT_TRUE(n) << md;
    EXPECT_NEAR(cJSON_GetObjectItem(n, "block_power_max_deviation")->valuedouble, 0.02, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(n, "block_area_max_deviation")->valuedouble, 0.015, 1e-12);
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(n, "salts")), 2);
    cJSON_Delete(j);
    // without --noise, no section
    ASSERT_EQ(hgt::run_cmd(cmd + " 2>&1").status, 0);
    EXPECT_EQ(read_file(d + "/r/report.md").find("Synthesis noise"), std::string::npos);

    // refused: a run without a salt, a salt twice, a repeat without a core's run, an unknown
    // point, another stimulus window
    struct Case {
        std::string args, what;
    } bad[] = {
        {rep("had", "base"), "no syn_salt >= 1"},
        {rep("had-1", "base-1") + rep("had-1", "base-1"), "a syn_salt an earlier repeat of the point has"},
        {rep("had-1", "base-2"), "another syn_salt than the repeat's other runs"},
        {" --noise 'p=" + d + "/had-1'", "the repeat has no baseline run"},
        {" --noise 'q=" + d + "/had-1," + d + "/base-1'", "with NAME a --point"},
        {" --noise 'p='", "with NAME a --point"},
    };
    for (const Case &c : bad) {
        hgt::CmdResult b = hgt::run_cmd(cmd + c.args + " 2>&1");
        EXPECT_EQ(b.status, 2) << c.args << "\n" << b.out;
        EXPECT_NE(b.out.find(c.what), std::string::npos) << c.args << "\n" << b.out;
    }
    add_fields(d + "/had-2", "\"activity\": {", "\"cycles\": 99, "); // the first key is the one read
    hgt::CmdResult w = hgt::run_cmd(cmd + rep("had-2", "base-2") + " 2>&1");
    EXPECT_EQ(w.status, 2) << w.out;
    EXPECT_NE(w.out.find("another configuration, stimulus or activity window"), std::string::npos) << w.out;
}

// The selector section (hgreport --selectors): a top-N core built with another selector on
// the same configuration and stimulus, beside the point's own run of that core (whatever its
// selector: here merge, then counting): the select block, the core's logic and memories, Fmax,
// energy per query and the ratios; the counting and two-stage selectors' runs may span more
// cycles (their latency is longer), no other's; a two-stage run with a sort cut other than auto
// is named by it; a run of the point's own selector and bad runs are refused.
TEST(Report, SelectorsBesideThePointsRuns)
{
    hgt::TempDir d_dir("report-select");
    std::string d = d_dir.path();
    auto mk = [&](const char *dir, const char *core, double area, double power, double e, const char *sel,
                  double sel_area, double sel_power, int cycles) {
        write_summary(d + "/" + dir, core, area, power, e);
        add_fields(d + "/" + dir, "\"activity\": {",
                   "\"cycles\": " + std::to_string(cycles) + ", \"queries\": 10, ");
        add_fields(d + "/" + dir, "\"blocks\": {",
                   "\"select\": {\"area_um2\": " + std::to_string(sel_area) +
                       ", \"power_uw\": " + std::to_string(sel_power) + "}, ");
        if (sel) add_fields(d + "/" + dir, "\"params\": {", std::string("\"selector\": \"") + sel + "\", ");
    };
    mk("had", "had", 2e6, 100e3, 20, "merge", 1e6, 50e3, 100);
    mk("base", "baseline", 10e6, 400e3, 80, nullptr, 0, 0, 100);
    mk("had-b", "had", 1.5e6, 80e3, 16, "bitonic", 0.5e6, 30e3, 100);
    mk("had-m", "had", 1.5e6, 80e3, 16, "merge", 0.5e6, 30e3, 100);
    mk("had-c", "had", 1.5e6, 80e3, 16, "bitonic", 0.5e6, 30e3, 99);
    mk("i8-b", "int8-topn", 1.5e6, 80e3, 16, "bitonic", 0.5e6, 30e3, 100);
    mk("had-n", "had", 1.2e6, 60e3, 15, "counting", 0.25e6, 12e3, 118);
    mk("had-t", "had", 1.4e6, 70e3, 17, "twostage", 0.4e6, 20e3, 101);
    mk("had-to", "had", 1.3e6, 70e3, 17, "twostage", 0.3e6, 20e3, 101);
    add_fields(d + "/had-to", "\"params\": {", "\"sort_cut\": \"off\", ");
    mk("had-tx", "had", 1.3e6, 70e3, 17, "twostage", 0.3e6, 20e3, 101);
    add_fields(d + "/had-tx", "\"params\": {", "\"sort_cut\": \"never\", ");
    { // its score memory: 0.2 mm^2 more than the merge run's memories
        std::string path = d + "/had-n/reports/summary.json", f = read_file(path);
        size_t at = f.find("\"memory_area_um2\": 1000000");
        ASSERT_NE(at, std::string::npos);
        f.replace(at, strlen("\"memory_area_um2\": 1000000"), "\"memory_area_um2\": 1200000");
        std::ofstream(path) << f;
    }
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r ";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + "--selectors 'p=" + d + "/had-b," + d +
                                    "/had-n," + d + "/had-t," + d + "/had-to' 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("\n## Top-N selectors\n"), std::string::npos) << md;
    EXPECT_NE(
        md.find("| p | had | merge (default) | 1.000 | 50.00 | 2.000 | 1.000 | 100.00 | 50.0 | 20.000 |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | bitonic | 0.500 | 30.00 | 1.500 | 1.000 | 80.00 | 50.0 | 16.000 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **bitonic / merge** | **0.500** | **0.600** | **0.750** | **1.000** | "
                      "**0.800** | **1.000** | **0.800** |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | counting | 0.250 | 12.00 | 1.200 | 1.200 | 60.00 | 50.0 | 15.000 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **counting / merge** | **0.250** | **0.240** | **0.600** | **1.200** | "
                      "**0.600** | **1.000** | **0.750** |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **twostage / merge** | **0.400** | **0.400** | **0.700** | **1.000** | "
                      "**0.700** | **1.000** | **0.850** |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | twostage, sort cut off | 0.300 | 20.00 | 1.300 |"), std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **twostage, sort cut off / merge** | **0.300** |"), std::string::npos)
        << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "selectors"), 0);
    ASSERT_TRUE(o) << md;
    EXPECT_STREQ(cJSON_GetObjectItem(o, "selector")->valuestring, "bitonic");
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "ratio"), "select_area")->valuedouble, 0.5, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "bitonic"), "logic_area_mm2")->valuedouble, 1.5,
                1e-12);
    const cJSON *oc = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "selectors"), 1);
    ASSERT_TRUE(oc) << md;
    EXPECT_STREQ(cJSON_GetObjectItem(oc, "selector")->valuestring, "counting");
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(oc, "ratio"), "memory_area")->valuedouble, 1.2,
                1e-12);
    EXPECT_STREQ(cJSON_GetObjectItem(oc, "sort_cut")->valuestring, "auto");
    const cJSON *oo = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "selectors"), 3);
    ASSERT_TRUE(oo) << md;
    EXPECT_STREQ(cJSON_GetObjectItem(oo, "selector")->valuestring, "twostage");
    EXPECT_STREQ(cJSON_GetObjectItem(oo, "sort_cut")->valuestring, "off");
    // the best against the baseline: these summaries have no logic/memory energy split, so no
    // equal-queries/s figure, and the choice falls to the counted energy (counting: 15 of 80 nJ)
    const cJSON *best = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "best_selectors"), 0);
    ASSERT_TRUE(best) << md;
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "best_selectors")), 1);
    EXPECT_STREQ(cJSON_GetObjectItem(best, "best")->valuestring, "counting");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "chosen_by")->valuestring, "energy_per_query");
    const cJSON *cand = cJSON_GetObjectItem(best, "candidates");
    ASSERT_EQ(cJSON_GetArraySize(cand), 5);
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 0), "selector")->valuestring, "merge");
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 0), "run")->valuestring, (d + "/had").c_str());
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 2), "energy_per_query_vs_baseline")->valuedouble,
                15.0 / 80, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 2), "logic_area_vs_baseline")->valuedouble, 0.12,
                1e-12);
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 2), "equal_qps_vs_baseline")));
    EXPECT_NE(md.find("\n### Each top-N core at its best measured selector\n"), std::string::npos) << md;
    // no load runs and no uncertain corrections: counted is the flows' figure, with no range
    EXPECT_NE(md.find("| p | had | **counting** | 50.0 | 0.120 | 0.188 | **0.188** | n/a | n/a |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | merge (default) | 50.0 | 0.200 | 0.250 | 0.250 | n/a | n/a |"),
              std::string::npos)
        << md;
    EXPECT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 0), "default")));
    EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 2), "default")));
    EXPECT_STREQ(cJSON_GetObjectItem(o, "reference_selector")->valuestring, "merge");
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "reference"), "logic_area_mm2")->valuedouble, 2,
                1e-12);
    EXPECT_NE(
        md.find("runner-up (the runner-up's figure over the best's): p had: counting, then bitonic (+6.7%)."),
        std::string::npos)
        << md;
    EXPECT_STREQ(cJSON_GetObjectItem(best, "runner_up")->valuestring, "bitonic");
    EXPECT_NEAR(cJSON_GetObjectItem(best, "margin")->valuedouble, 16.0 / 15 - 1, 1e-12);
    EXPECT_NE(r.out.find("HAD/baseline at HAD's best measured selector (counting, of 5): logic area 0.120, "
                         "energy/query 0.188, counted 0.188; Fmax 50.0 MHz"),
              std::string::npos)
        << r.out;
    cJSON_Delete(j);
    // without --selectors, no section
    ASSERT_EQ(hgt::run_cmd(cmd + " 2>&1").status, 0);
    EXPECT_EQ(read_file(d + "/r/report.md").find("## Top-N selectors"), std::string::npos);
    // a point whose own run is counting (as hadgen builds HAD by default) takes a merge run
    // beside it, of fewer cycles (counting's second pass is the later one)
    std::string ccmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had-n," + d +
                       "/base' --out " + d + "/r ";
    r = hgt::run_cmd(ccmd + "--selectors 'p=" + d + "/had," + d + "/had-b' 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r/report.md");
    EXPECT_NE(
        md.find("| p | had | counting (default) | 0.250 | 12.00 | 1.200 | 1.200 | 60.00 | 50.0 | 15.000 |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **merge / counting** | **4.000** | **4.167** | **1.667** | **0.833** | "
                      "**1.667** | **1.000** | **1.333** |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| p | had | **counting** (default) | 50.0 | 0.120 | 0.188 | **0.188** | n/a | n/a |"),
              std::string::npos)
        << md;

    struct Case {
        std::string args, what;
    } bad[] = {
        {"--selectors 'p=" + d + "/had-m'", "the point's had run has this selector already (merge)"},
        {"--selectors 'p=" + d + "/had-tx'", "params.sort_cut 'never' must be auto, on or off"},
        {"--selectors 'p=" + d + "/base'", "has no top-N selector"},
        {"--selectors 'p=" + d + "/had-c'", "activity.cycles is 99, the point's had run has 100"},
        {"--selectors 'q=" + d + "/had-b'", "no --point of that name"},
        {"--selectors 'p=" + d + "/i8-b'", "the point has no int8-topn run"},
        {"--selectors 'p='", "must be NAME=RUN_DIR"},
    };
    for (const Case &c : bad) {
        hgt::CmdResult b = hgt::run_cmd(cmd + c.args + " 2>&1");
        EXPECT_EQ(b.status, 2) << c.args << "\n" << b.out;
        EXPECT_NE(b.out.find(c.what), std::string::npos) << c.args << "\n" << b.out;
    }
}

// The best measured selector (hgreport --selectors): where every selector's run has the
// energy split that the equal-queries/s correction needs, the choice is by that figure, not the
// counted energy: a faster core at a lower supply can beat a slower one that counts less.
TEST(Report, BestSelectorIsTheLowestEnergyAtEqualQueriesPerSecond)
{
    hgt::TempDir d_dir("report-best-sel");
    std::string d = d_dir.path();
    write_merge_counting(d);
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r --selectors 'p=" + d + "/had-n' 2>&1";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd);
    ASSERT_EQ(r.status, 0) << r.out;
    // the alpha-power law's supply for a rate (Vt 0.45 V, alpha 1.4, nominal 1.8 V)
    auto speed = [](double x) { return std::pow(x - 0.45, 1.4) / x; };
    auto supply = [&](double ratio) {
        double lo = 0.45, hi = 1.8;
        for (int k = 0; k < 200; k++) {
            double mid = 0.5 * (lo + hi);
            (speed(mid) < ratio * speed(1.8) ? lo : hi) = mid;
        }
        return hi;
    };
    double vb = supply(0.5), vn = supply(100.0 / 120); // the baseline for merge; counting for the baseline
    double merge = 20 / (80 * (vb / 1.8) * (vb / 1.8) + 10), counting = 21 * (vn / 1.8) * (vn / 1.8) / 90;
    ASSERT_LT(counting, merge);
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *best = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "best_selectors"), 0);
    ASSERT_TRUE(best) << read_file(d + "/r/report.md");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "best")->valuestring, "counting");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "chosen_by")->valuestring, "energy_per_query_equal_qps");
    const cJSON *cand = cJSON_GetObjectItem(best, "candidates");
    ASSERT_EQ(cJSON_GetArraySize(cand), 2);
    auto v = [&](int k, const char *key) {
        const cJSON *x = cJSON_GetObjectItem(cJSON_GetArrayItem(cand, k), key);
        return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
    };
    EXPECT_STREQ(cJSON_GetObjectItem(best, "runner_up")->valuestring, "merge");
    EXPECT_NEAR(cJSON_GetObjectItem(best, "margin")->valuedouble, merge / counting - 1, 1e-5);
    EXPECT_NEAR(v(0, "equal_qps_vs_baseline"), merge, 1e-6);
    EXPECT_NEAR(v(1, "equal_qps_vs_baseline"), counting, 1e-6);
    EXPECT_NEAR(v(0, "energy_per_query_vs_baseline"), 20.0 / 90, 1e-12);
    EXPECT_NEAR(v(1, "energy_per_query_vs_baseline"), 21.0 / 90, 1e-12);
    EXPECT_LT(v(1, "equal_qps_vs_baseline_low"), v(1, "equal_qps_vs_baseline"));
    EXPECT_GT(v(1, "equal_qps_vs_baseline_high"), v(1, "equal_qps_vs_baseline"));
    EXPECT_DOUBLE_EQ(v(1, "fmax_mhz"), 120);
    EXPECT_NE(r.out.find("HAD/baseline at HAD's best measured selector (counting, of 2)"), std::string::npos)
        << r.out;
    cJSON_Delete(j);
    // one selector's run without the energy split: no figure at equal queries/s for it, so the
    // choice falls to the counted energy for all three (merge: 20 of 90 nJ, the lowest)
    write_qps_summary(d + "/had-t", "had", "twostage", 200, 30, 0, 0, 201, false);
    ASSERT_EQ(hgt::run_cmd(cmd + " --selectors 'p=" + d + "/had-t'").status, 0);
    j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    best = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "best_selectors"), 0);
    ASSERT_TRUE(best);
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(best, "candidates")), 3);
    EXPECT_STREQ(cJSON_GetObjectItem(best, "best")->valuestring, "merge");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "chosen_by")->valuestring, "energy_per_query");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "runner_up")->valuestring, "counting");
    EXPECT_NEAR(cJSON_GetObjectItem(best, "margin")->valuedouble, 21.0 / 20 - 1, 1e-12);
    cJSON_Delete(j);
    // with K/V load runs the choice is by the counted figure at equal queries/s: counting's load
    // (1 nJ of logic and 80 at the memories' supply per query) outweighs its faster clock
    write_load(d + "/had-load", "had", "merge", 8, 8);
    write_load(d + "/had-n-load", "had", "counting", 8, 8 + 640);
    write_load(d + "/base-load", "baseline", nullptr, 8, 8);
    std::string loads = " --kv-load 'p=" + d + "/had-load," + d + "/had-n-load," + d + "/base-load'";
    r = hgt::run_cmd(cmd + loads);
    ASSERT_EQ(r.status, 0) << r.out;
    j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    best = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "best_selectors"), 0);
    ASSERT_TRUE(best);
    cand = cJSON_GetObjectItem(best, "candidates");
    double merge_c = 21 / (81 * (vb / 1.8) * (vb / 1.8) + 10),
           counting_c = (22 * (vn / 1.8) * (vn / 1.8) + 80) / 91;
    ASSERT_LT(merge_c, counting_c);
    EXPECT_STREQ(cJSON_GetObjectItem(best, "best")->valuestring, "merge");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "chosen_by")->valuestring, "energy_per_query_equal_qps");
    EXPECT_NEAR(v(0, "equal_qps_counted_vs_baseline"), merge_c, 1e-6);
    EXPECT_NEAR(v(1, "equal_qps_counted_vs_baseline"), counting_c, 1e-6);
    EXPECT_NEAR(v(0, "counted_vs_baseline"), 21.0 / 91, 1e-12);
    EXPECT_NEAR(v(1, "counted_vs_baseline"), 102.0 / 91, 1e-12);
    EXPECT_NEAR(v(1, "equal_qps_vs_baseline"), counting, 1e-6); // the plain figure stays
    EXPECT_NEAR(cJSON_GetObjectItem(best, "margin")->valuedouble, counting_c / merge_c - 1, 1e-5);
    cJSON_Delete(j);
    // a load run of a selector no --selectors run has, and a second load of the same run
    write_load(d + "/had-t-load", "had", "twostage", 8, 8);
    hgt::CmdResult b = hgt::run_cmd(cmd + loads + " --kv-load 'p=" + d + "/had-t-load'");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("no --selectors run of the point with this core, selector and sort cut"),
              std::string::npos)
        << b.out;
    b = hgt::run_cmd(cmd + loads + " --kv-load 'p=" + d + "/had-n-load'");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("a second load run of this core type and selector"), std::string::npos) << b.out;
    // a selector run without a load run beside a point with loads: not counted, so the choice
    // falls to the flows' own energy
    r = hgt::run_cmd(cmd + " --kv-load 'p=" + d + "/had-load," + d + "/base-load'");
    ASSERT_EQ(r.status, 0) << r.out;
    j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    best = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "best_selectors"), 0);
    cand = cJSON_GetObjectItem(best, "candidates");
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(cand, 1), "counted_vs_baseline")));
    EXPECT_STREQ(cJSON_GetObjectItem(best, "chosen_by")->valuestring, "energy_per_query_plain");
    EXPECT_STREQ(cJSON_GetObjectItem(best, "best")->valuestring, "merge");
    cJSON_Delete(j);
    // a point without a baseline: the selector table, no choice against it
    ASSERT_EQ(hgt::run_cmd("rm -rf " + d + "/r && mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                           "/hgreport --point 'p=test data:" + d + "/had' --out " + d +
                           "/r --selectors 'p=" + d + "/had-n' 2>&1")
                  .status,
              0);
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("## Top-N selectors"), std::string::npos) << md;
    EXPECT_EQ(md.find("best measured selector"), std::string::npos) << md;
}

// The CAMformer line (docs/synth.md): HAD's energy per query at 65 nm by the node rule
// (65/180)/1.5 x (1.0/1.8)^2, range (65/180)/2 x (1.0/1.8)^2 .. (65/180) x (1.2/1.8)^2, beside
// CAMformer's 9,045 queries/mJ without and with its DRAM share, HAD's DRAM from the system runs
// at the point's keys (decode and prefill).
TEST(Report, CamformerLineAtTheSameBoundary)
{
    hgt::TempDir d_dir("report-cam");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 400, 64, 32, 1024, 16);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 4000, 64, 32, 1024, 16);
    // DRAM: 2000 pJ per query and head in sys_json: 2 nJ per query at both workloads
    write_file(d + "/dec.json", sys_json("had", 1024, 1, 12, 28800, 2400, 8000, 32000, "compute"));
    write_file(d + "/pre.json", sys_json("had", 1024, 1024, 1, 28800, 2400, 8000, 32000, "compute"));
    write_file(d + "/other.json", sys_json("had", 512, 1, 12, 28800, 2400, 8000, 32000, "compute"));
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) +
                                    "/hgreport --point 'p=test data:" + d + "/had," + d + "/base' --system " +
                                    d + "/dec.json --system " + d + "/pre.json --system " + d +
                                    "/other.json --out " + d + "/r 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *c = cJSON_GetObjectItem(j, "camformer");
    ASSERT_TRUE(c) << read_file(d + "/r/report.md");
    double k = 65.0 / 180 / 1.5 * (1.0 / 1.8) * (1.0 / 1.8);
    EXPECT_NEAR(cJSON_GetObjectItem(c, "node_factor")->valuedouble, k, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(c, "node_factor_low")->valuedouble, 65.0 / 180 / 2 / 1.8 / 1.8, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(c, "node_factor_high")->valuedouble, 65.0 / 180 * 1.2 * 1.2 / 1.8 / 1.8,
                1e-12);
    const cJSON *lines = cJSON_GetObjectItem(c, "lines");
    ASSERT_EQ(cJSON_GetArraySize(lines), 5);
    auto e = [&](int i) {
        return cJSON_GetObjectItem(cJSON_GetArrayItem(lines, i), "energy_per_query_nj")->valuedouble;
    };
    EXPECT_NEAR(e(0), 1e6 / 9045, 1e-9);
    EXPECT_NEAR(e(1), 0.65e6 / 9045, 1e-9);
    EXPECT_NEAR(e(2), 400 * k, 1e-9);
    EXPECT_NEAR(e(3), 400 * k + 2, 1e-9) << "prefill: 2 nJ of DRAM per query";
    EXPECT_NEAR(e(4), 400 * k + 2, 1e-9) << "decode at 1024 keys, not the 512-key run";
    EXPECT_NEAR(cJSON_GetObjectItem(c, "implied_reuse_queries")->valuedouble, 2 / (0.35e6 / 9045), 1e-9);
    EXPECT_NEAR(cJSON_GetObjectItem(c, "had_over_camformer_no_dram")->valuedouble, 400 * k / (0.65e6 / 9045),
                1e-9);
    cJSON_Delete(j);
}

// Flow runs of the system sweep's cores (HAD and the baseline) at n_k = 32, 64 and 128, 16, 20
// and 30 cycles a query, under PREFIX: a query HAD 100 nJ + 2 a cycle + 0.5 a key scored, the
// baseline 10 + 1 + 4; and their load runs, a head's load HAD load[0] + load[1] n_k, the baseline
// load[2] + load[3] n_k. params goes into every summary's params. With gating, each run's
// clock-gating estimate is gating[0] (HAD) or gating[1] (the baseline) times its energy. Returns
// the --OPT arguments and the --OPT-load ones.
std::pair<std::string, std::string> sys_nk_runs(const std::string &prefix, const std::string &params,
                                                const std::string &opt, const std::array<double, 4> &load,
                                                double base_fmax = 50,
                                                const std::array<double, 2> &gating = {0, 0})
{
    std::string runs, loads;
    for (int i = 0; i < 3; i++) {
        int n = 32 << i, cyc = i == 0 ? 16 : i == 1 ? 20 : 30;
        std::string sn = std::to_string(n), p = prefix;
        write_qps_summary(p + "had" + sn, "had", nullptr, 50, 100 + 2 * cyc + 0.5 * n, 0, 0);
        write_qps_summary(p + "base" + sn, "baseline", nullptr, base_fmax, 10 + cyc + 4 * n, 0, 0);
        write_load(p + "had-load" + sn, "had", nullptr, 40, load[0] + load[1] * n);
        write_load(p + "base-load" + sn, "baseline", nullptr, 40, load[2] + load[3] * n);
        if (gating[0] > 0) {
            add_gating(p + "had" + sn, "per_query_nj", gating[0] * (100 + 2 * cyc + 0.5 * n));
            add_gating(p + "base" + sn, "per_query_nj", gating[1] * (10 + cyc + 4 * n));
            add_gating(p + "had-load" + sn, "window_nj", gating[0] * (load[0] + load[1] * n));
            add_gating(p + "base-load" + sn, "window_nj", gating[1] * (load[2] + load[3] * n));
        }
        for (const char *c : {"had", "base", "had-load", "base-load"}) {
            add_fields(p + c + sn, "\"activity\": {",
                       "\"n_keys\": " + sn + ", \"cycles_per_query\": " + std::to_string(cyc) + ", ");
            add_fields(p + c + sn, "\"params\": {", params);
        }
        runs += "--" + opt + " " + p + "had" + sn + "," + p + "base" + sn + " ";
        loads += "--" + opt + "-load " + p + "had-load" + sn + "," + p + "base-load" + sn + " ";
    }
    return {runs, loads};
}

// The system section: the MiniLM layer from a fidelity run's sys-<core> backend, the context
// sweep from hgsys files (time and energy per query; core energy: the configuration and load
// cycles at the point's load run's energy per cycle, the other busy cycles at its queries'; the
// bound and the clock where memory takes over), its plots; the same costed with the flows'
// clock-gating estimates, by the same rules and fits of the estimates ('-' without them); bad
// inputs refused.
TEST(Report, SystemSectionFromHgsysAndSystemBackends)
{
    hgt::TempDir d_dir("report-sys");
    std::string d = d_dir.path();
    write_qps_summary(d + "/had", "had", nullptr, 50, 20, 0, 0); // 20 nJ per query at 16 cycles per query
    write_qps_summary(d + "/base", "baseline", nullptr, 50, 80, 0, 0);
    write_load(d + "/had-load", "had", nullptr, 100, 50); // 0.5 nJ a load cycle
    write_load(d + "/base-load", "baseline", nullptr, 100, 100);
    add_gating(d + "/had", "per_query_nj", 12); // gated: 12 and 72 nJ a query, 0.3 and 0.9 nJ a load cycle
    add_gating(d + "/base", "per_query_nj", 72);
    add_gating(d + "/had-load", "window_nj", 30);
    add_gating(d + "/base-load", "window_nj", 90);
    write_file(
        d + "/fid.json",
        "{\"sentences\": {\"count\": 3, \"tokens\": 30, \"max_tokens\": 128}, \"core\": {\"top_n\": 16}, "
        "\"rtl_vs_golden\": [], \"backends\": [{\"backend\": \"sys-had\", \"attn_rel_err\": [0.5], "
        "\"recall\": 0.9, \"cos_mean\": 0.8, \"cos_min\": 0.7, \"nn_agree\": 0.75, \"system\": "
        "{\"per_layer_mean\": [{\"layer\": 0, \"cycles\": 3925, \"core_busy\": 3900, \"core_wait\": 25, "
        "\"core_idle\": 0, \"dram_util\": 0.02, \"bytes_k\": 760, \"bytes_v\": 6078, \"bytes_q\": 760, "
        "\"bytes_o\": 12155, \"sram_pj\": 31604, \"dram_pj\": 642216, \"bound\": \"compute\"}]}}]}\n");
    // a decoding step (1 query x 12 heads): 2400 ns and 200 busy cycles per query, 130 of them
    // configuration and load; memory time a quarter of compute time: memory-bound above 400 MHz
    write_file(d + "/s1.json", sys_json("had", 128, 1, 12, 28800, 2400, 8000, 32000, "compute", 0, 1560));
    write_file(d + "/s2.json", sys_json("had", 256, 1, 12, 57600, 4800, 40000, 32000, "memory", 0, 3120));
    write_file(d + "/s3.json", sys_json("baseline", 128, 128, 1, 12800, 1280, 100, 12800, "compute"));
    write_file(d + "/s4.json",
               sys_json("baseline", 128, 1, 12, 28800, 2400, 8000, 32000, "compute", 0, 1560));
    std::string base = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                       "/base' --kv-load 'p=" + d + "/had-load," + d + "/base-load' --fidelity " + d +
                       "/fid.json ";
    std::string sys = "--system " + d + "/s1.json --system " + d + "/s2.json --system " + d +
                      "/s3.json --system " + d + "/s4.json ";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r " + d + "/r2 && " + base + sys +
                                    "--system-point p --out " + d + "/r 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("## System: K and V from DRAM"), std::string::npos) << md;
    EXPECT_NE(
        md.find("| sys-had | original | 3925 | 0.994 | 0.006 | 0.020 | 760 / 6078 / 760 / 12155 | 31.60 | "
                "642.22 | compute |"),
        std::string::npos)
        << md;
    // 2400 ns per query; core 130 x 0.5 = 65 (load) + 70 x 20 / 16 = 87.5 (query); SRAM 1, DRAM 2 nJ
    // per query; the baseline 130 x 1 + 70 x 80 / 16 = 480, + 3
    EXPECT_NE(md.find("| decode | had | 128 | 2400.0 | 152.500 | 65.000 | 1.000 | 2.000 | 155.500 | 0.322 | "
                      "compute | 1.250 | 400 |"),
              std::string::npos)
        << md;
    // gated: HAD 130 x 0.3 = 39 + 70 x 12 / 16 = 52.5, the baseline 117 + 315; totals + 3
    char want[200];
    snprintf(want, sizeof want,
             "| decode | had | 128 | 2400.0 | 152.500 | 65.000 | 1.000 | 2.000 | 155.500 | "
             "0.322 | compute | 1.250 | 400 | 91.500 | %.3f |",
             94.5 / 435);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    EXPECT_NE(md.find("| compute | 1.250 | 400 | 432.000 | 1.000 |"), std::string::npos) << md;
    // stdout: each core's ratio at the longest context of each workload (not the baseline's)
    EXPECT_NE(r.out.find("system: decode at 256 keys, had, total / baseline -, clocks gated -\n"),
              std::string::npos)
        << r.out; // no baseline run at 256 keys
    EXPECT_EQ(r.out.find("system: decode at 128 keys, had"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("baseline, total"), std::string::npos) << r.out;
    EXPECT_NE(md.find("| decode | baseline | 128 | 2400.0 | 480.000 | 130.000 | 1.000 | 2.000 | 483.000 | "
                      "1.000 |"),
              std::string::npos)
        << md;
    // a run without the split of its busy cycles: no core logic estimate
    EXPECT_NE(
        md.find("| prefill | baseline | 128 | 100.0 | - | - | 1.000 | 2.000 | - | - | compute | 1.250 | "
                "12800 | - | - |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("- had, decode: memory-bound up to 256 keys"), std::string::npos) << md;
    EXPECT_NE(md.find("- baseline, prefill: compute-bound at every context"), std::string::npos) << md;
    EXPECT_NE(md.find("- int8-topn, decode: not run"), std::string::npos) << md;
    std::string csv = read_file(d + "/r/system.csv");
    EXPECT_NE(csv.find("prefill,baseline,128,100,,1,2,,compute,1.25,,,,,\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("decode,had,128,2400,152.5,1,2,155.5,compute,1.25,65,0.321946,91.5,39,0.217241\n"),
              std::string::npos)
        << csv;
    struct stat st;
    for (const char *f : {"system_energy.png", "system_time.svg", "system_energy.dat"})
        EXPECT_EQ(stat((d + "/r/" + f).c_str(), &st), 0) << f;
    EXPECT_NE(read_file(d + "/r/report.json").find("\"memory_bound_above_mhz\":\t400"), std::string::npos);
    // not an hgsys file; an unknown point
    hgt::CmdResult bad = hgt::run_cmd(base + "--system " + d + "/fid.json --out " + d + "/r2 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system: not an hgsys --json file"), std::string::npos) << bad.out;
    bad = hgt::run_cmd(base + sys + "--system-point q --out " + d + "/r2 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system-point 'q': no --point of that name"), std::string::npos) << bad.out;
    // more configuration and load cycles than busy cycles
    write_file(d + "/s5.json", sys_json("had", 512, 1, 12, 28800, 2400, 8000, 32000, "compute", 0, 3000));
    bad = hgt::run_cmd(base + "--system " + d + "/s5.json --out " + d + "/r2 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system: core_load 3000 is not within 0..core_busy (2400)"), std::string::npos)
        << bad.out;
    // the sweep's cores (L = 1024) at three n_k (--system-nk): a query costs HAD 100 nJ + 2 a cycle +
    // 0.5 a key scored, the baseline 10 + 1 a cycle + 4 a key; at 128 keys and 70 query cycles HAD
    // 304 + 65 (load) + 3, the baseline 592 + 130 + 3; their load runs (--system-nk-load): a head's
    // load HAD 20 + 0.25 n_k, the baseline 5 + 0.5 n_k; their clock-gating estimates half HAD's
    // figures and 0.9 of the baseline's
    auto [nk, nkl] =
        sys_nk_runs(d + "/", "\"max_keys\": 1024, ", "system-nk", {20, 0.25, 5, 0.5}, 50, {0.5, 0.9});
    r = hgt::run_cmd("mkdir -p " + d + "/r3 && " + base + sys + nk + "--out " + d + "/r3 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r3/report.md");
    EXPECT_NE(
        md.find("Fitted at n_k = 32..128: had a query 100.000 nJ + 2.000 nJ a cycle + 0.5000 nJ a key "
                "scored (largest residual 0.0%); baseline a query 10.000 nJ + 1.000 nJ a cycle + 4.0000 nJ "
                "a key scored (largest residual 0.0%)."),
        std::string::npos)
        << md;
    // the cores' Fmax (50 MHz) is below the system model's 100 MHz: said, and in report.json
    EXPECT_NE(
        md.find("Fmax of those cores (their flows): had 50.0 MHz, baseline 50.0 MHz. **Below the "
                "system model's clock of 100 MHz: had, baseline**: their times in these tables are those "
                "at 100 MHz; at a core's own Fmax each is 100 / Fmax times as long"),
        std::string::npos)
        << md;
    EXPECT_NE(
        read_file(d + "/r3/report.json").find("\"fmax_mhz\":\t50,\n\t\t\t\t\"below_system_clock\":\ttrue"),
        std::string::npos);
    snprintf(want, sizeof want,
             "| decode | had | 128 | 2400.0 | 369.000 | 65.000 | 1.000 | 2.000 | 372.000 | %.3f |",
             372.0 / 725);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    EXPECT_NE(
        md.find("| decode | baseline | 128 | 2400.0 | 722.000 | 130.000 | 1.000 | 2.000 | 725.000 | 1.000 |"),
        std::string::npos)
        << md;
    // with the load runs: a head's load HAD 20 + 32 = 52 nJ, the baseline 5 + 64 = 69 (12 heads, 12
    // queries)
    r = hgt::run_cmd(base + sys + nk + nkl + "--out " + d + "/r3 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r3/report.md");
    EXPECT_NE(
        md.find("had a query 100.000 nJ + 2.000 nJ a cycle + 0.5000 nJ a key scored (largest residual 0.0%), "
                "a head's load 20.000 nJ + 0.2500 nJ a key (largest residual 0.0%)"),
        std::string::npos)
        << md;
    snprintf(want, sizeof want,
             "| decode | had | 128 | 2400.0 | 356.000 | 52.000 | 1.000 | 2.000 | 359.000 | %.3f |",
             359.0 / 664);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    // gated, by the fits of the estimates: HAD 152 + 26 = 178, the baseline 532.8 + 62.1 = 594.9
    EXPECT_NE(
        md.find("With the clock-gating estimate, fitted at n_k = 32..128: had a query 50.000 nJ + 1.000 nJ "
                "a cycle + 0.2500 nJ a key scored (largest residual 0.0%), a head's load 10.000 nJ + 0.1250 "
                "nJ a key (largest residual 0.0%); baseline a query 9.000 nJ + 0.900 nJ a cycle + 3.6000 "
                "nJ a key scored (largest residual 0.0%), a head's load 4.500 nJ + 0.4500 nJ a key "
                "(largest residual 0.0%).\n"),
        std::string::npos)
        << md;
    snprintf(want, sizeof want,
             "| decode | had | 128 | 2400.0 | 356.000 | 52.000 | 1.000 | 2.000 | 359.000 | "
             "%.3f | compute | 1.250 | 400 | 178.000 | %.3f |",
             359.0 / 664, 181 / 597.9);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    EXPECT_NE(md.find("| 400 | 594.900 | 1.000 |"), std::string::npos) << md;
    // one of the baseline's runs without an estimate: no gated query plane of the baseline (not one
    // of fewer points); its queries by the point's gated energy per cycle, 70 x 72 / 16 = 315
    std::string b64 = read_file(d + "/base64/reports/summary.json");
    size_t cg = b64.find("\"clock_gating\"");
    ASSERT_NE(cg, std::string::npos);
    write_file(d + "/base64/reports/summary.json", b64.erase(cg, b64.find("}, ", cg) + 3 - cg));
    r = hgt::run_cmd(base + sys + nk + nkl + "--out " + d + "/r3 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r3/report.md");
    EXPECT_NE(md.find("(largest residual 0.0%); baseline a head's load 4.500 nJ + 0.4500 nJ a key (largest "
                      "residual 0.0%).\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| 400 | 377.100 | 1.000 |"), std::string::npos) << md;
    snprintf(want, sizeof want, "| 400 | 178.000 | %.3f |", 181 / 380.1);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    // two points do not fix three figures: the point's energy per query over its cycles, as before
    r = hgt::run_cmd(base + sys + "--system-nk " + d + "/had32," + d + "/base32 --system-nk " + d +
                     "/had64," + d + "/base64 --out " + d + "/r3 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r3/report.md");
    EXPECT_EQ(md.find("Fitted at n_k"), std::string::npos) << md;
    EXPECT_NE(md.find("| decode | had | 128 | 2400.0 | 152.500 | 65.000 |"), std::string::npos) << md;
    // a run of other cores than the sweep's; of another value width than the system point's
    write_qps_summary(d + "/had16", "had", nullptr, 50, 150, 0, 0);
    add_fields(d + "/had16", "\"activity\": {", "\"n_keys\": 16, ");
    bad = hgt::run_cmd(base + sys + "--system-nk " + d + "/had16 --out " + d + "/r2 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(
        bad.out.find("/had16': params.max_keys = 128, the --system runs' max_keys is 1024 (flows of the "
                     "sweep's cores)"),
        std::string::npos)
        << bad.out;
    add_fields(d + "/had16", "\"params\": {", "\"max_keys\": 1024, \"v_bits\": 4, ");
    bad = hgt::run_cmd(base + sys + nk + "--system-nk " + d + "/had16 --out " + d + "/r2 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("/had16': params.v_bits = 4, the system point 'p' has 8"), std::string::npos)
        << bad.out;
}

// The MiniLM layer's energy: core logic from the workload sweep's flows, a query q0 + q1 n_k and a
// head's load l0 + l1 n_k fitted to its points, summed over the layer's queries, keys scored,
// heads and keys loaded; SRAM and DRAM from the system model; '-' and the reason where the sweep
// cannot cost a layer (none, another configuration, a run without the counts).
TEST(Report, MinilmLayerEnergyFromTheWorkloadSweep)
{
    hgt::TempDir d_dir("report-layer");
    std::string d = d_dir.path();
    auto nk_run = [&](const std::string &dir, const char *core, double e, int nk) {
        write_qps_summary(d + "/" + dir, core, nullptr, 50, e, 0, 0);
        add_fields(d + "/" + dir, "\"activity\": {", "\"n_keys\": " + std::to_string(nk) + ", ");
    };
    auto load = [&](const std::string &dir, const char *core, int nk, double window) {
        write_load(d + "/" + dir, core, nullptr, 40 + nk, window);
        add_fields(d + "/" + dir, "\"activity\": {", "\"n_keys\": " + std::to_string(nk) + ", ");
    };
    std::string sweep, loads;
    for (int nk :
         {16, 32,
          64}) { // HAD 18 + 0.125 n_k a query, 34 + n_k a load; the baseline 10 + 4.375 n_k, 12 + 0.5 n_k;
                 // clocks gated HAD 9 + 0.1 n_k and 17 + 0.5 n_k, the baseline 8 + 3.5 n_k and 12 + 0.5 n_k
        std::string n = std::to_string(nk);
        nk_run("had" + n, "had", 18 + 0.125 * nk, nk);
        nk_run("base" + n, "baseline", 10 + 4.375 * nk, nk);
        load("had" + n + "-load", "had", nk, 34 + nk);
        load("base" + n + "-load", "baseline", nk, 12 + 0.5 * nk);
        add_gating(d + "/had" + n, "per_query_nj", 9 + 0.1 * nk);
        add_gating(d + "/base" + n, "per_query_nj", 8 + 3.5 * nk);
        add_gating(d + "/had" + n + "-load", "window_nj", 17 + 0.5 * nk);
        add_gating(d + "/base" + n + "-load", "window_nj", 12 + 0.5 * nk);
        sweep += " --nk-sweep '" + d + "/had" + n + "," + d + "/base" + n + "'";
        loads += " --nk-kv-load '" + d + "/had" + n + "-load," + d + "/base" + n + "-load'";
    }
    // a layer of 12 heads and 190 queries of 20 keys each on average (3800 scored), 190 keys loaded
    auto layer = [](const char *name, double sram, double dram, bool counts) {
        std::string c =
            counts ? "\"heads\": 12, \"keys\": 190, \"queries\": 190, \"query_keys\": 3800, " : "";
        return std::string("{\"backend\": \"") + name +
               "\", \"attn_rel_err\": [0.5], \"recall\": 0.9, \"cos_mean\": 0.8, \"cos_min\": 0.7, "
               "\"nn_agree\": 0.75, \"system\": {\"per_layer_mean\": [{\"layer\": 0, \"cycles\": 3925, " +
               c +
               "\"core_busy\": 3900, \"core_wait\": 25, \"core_idle\": 0, \"dram_util\": 0.02, "
               "\"bytes_k\": 760, \"bytes_v\": 6078, \"bytes_q\": 760, \"bytes_o\": 12155, \"sram_pj\": " +
               std::to_string(sram) + ", \"dram_pj\": " + std::to_string(dram) +
               ", \"bound\": \"compute\"}]}}";
    };
    auto fid = [&](const std::string &path, int dim, bool counts) {
        write_file(path,
                   "{\"sentences\": {\"count\": 3, \"tokens\": 30, \"max_tokens\": 128}, \"core\": {\"d\": " +
                       std::to_string(dim) +
                       ", \"lanes\": 8, \"top_n\": 16, \"max_keys\": 128, \"v_bits\": 8, \"load_width\": 1, "
                       "\"selectors\": {\"had\": \"" +
                       default_sel("had") + "\", \"int8-topn\": \"" + default_sel("int8-topn") +
                       "\"}}, \"rtl_vs_golden\": [], \"backends\": [" +
                       layer("sys-had", 31604, 1024000, counts) + ", " +
                       layer("sys-baseline", 48620, 1726000, counts) + "]}\n");
    };
    fid(d + "/fid.json", 32, true);
    std::string base = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had32," + d +
                       "/base32' --nk-stimulus 'test data'";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r " + d + "/r2 " + d + "/r3 " + d + "/r4 && " + base +
                                    sweep + loads + " --fidelity " + d + "/fid.json --out " + d + "/r 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("| had | 18.000 | 0.125 | 0.0% | 34.000 | 1.000 | 0.0% |"), std::string::npos) << md;
    EXPECT_NE(md.find("| baseline | 10.000 | 4.375 | 0.0% | 12.000 | 0.500 | 0.0% |"), std::string::npos)
        << md;
    // HAD: 18 x 190 + 0.125 x 3800 = 3895 for the queries, 34 x 12 + 190 = 598 for the loads;
    // the baseline: 10 x 190 + 4.375 x 3800 = 18525, 12 x 12 + 0.5 x 190 = 239
    double had = 4493 + 31.604 + 1024, bl = 18764 + 48.62 + 1726;
    char want[256];
    snprintf(want, sizeof want,
             "| sys-had | original | 190.0 | 20.0 | 4493.0 | 598.0 | 31.60 | 1024.00 | %.1f | %.3f |", had,
             had / bl);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    snprintf(want, sizeof want,
             "| sys-baseline | original | 190.0 | 20.0 | 18764.0 | 239.0 | 48.62 | 1726.00 | %.1f | 1.000 |",
             bl);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *sys = cJSON_GetObjectItem(j, "system");
    auto num = [](const cJSON *o, const char *k) {
        const cJSON *x = cJSON_GetObjectItem(o, k);
        return cJSON_IsNumber(x) ? x->valuedouble : -1.0;
    };
    const cJSON *fh = cJSON_GetObjectItem(cJSON_GetObjectItem(sys, "minilm_fit"), "had");
    EXPECT_NEAR(num(fh, "query_nj"), 18, 1e-9);
    EXPECT_NEAR(num(fh, "load_nj_per_key"), 1, 1e-9);
    const cJSON *l0 = cJSON_GetArrayItem(cJSON_GetObjectItem(sys, "minilm_layer"), 0);
    EXPECT_NEAR(num(l0, "core_nj"), 4493, 1e-6);
    EXPECT_NEAR(num(l0, "core_load_nj"), 598, 1e-6);
    EXPECT_NEAR(num(l0, "total_over_baseline"), had / bl, 1e-9);
    // the layer's time at each core's Fmax (the sweep's flows: 50 MHz): 3925 cycles, 78.5 us
    EXPECT_NEAR(num(l0, "us_at_fmax"), 78.5, 1e-9);
    EXPECT_NEAR(num(l0, "fmax_mhz"), 50, 1e-9);
    EXPECT_NE(md.find("/ 12155 | 31.60 | 1024.00 | compute | 78.50 |"), std::string::npos) << md;
    // clocks gated: HAD 9 x 190 + 0.1 x 3800 + 17 x 12 + 0.5 x 190 = 2389, the baseline 1520 + 13300 + 239
    EXPECT_NE(md.find("| had, clocks gated | 9.000 | 0.100 | 0.0% | 17.000 | 0.500 | 0.0% |"),
              std::string::npos)
        << md;
    double had_g = 2389 + 31.604 + 1024, bl_g = 15059 + 48.62 + 1726;
    snprintf(want, sizeof want, "| %.1f | %.3f | 2389.0 | %.3f |", had, had / bl, had_g / bl_g);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    EXPECT_NE(md.find("| 1.000 | 15059.0 | 1.000 |"), std::string::npos) << md;
    snprintf(want, sizeof want,
             "system: MiniLM layer, sys-had (original model), total / baseline %.3f, clocks gated %.3f\n",
             had / bl, had_g / bl_g);
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
    EXPECT_NEAR(num(cJSON_GetObjectItem(cJSON_GetObjectItem(sys, "minilm_fit_gated"), "had"), "query_nj"), 9,
                1e-9);
    EXPECT_NEAR(num(l0, "core_nj_gated"), 2389, 1e-6);
    EXPECT_NEAR(num(l0, "core_load_nj_gated"), 299, 1e-6);
    EXPECT_NEAR(num(l0, "total_over_baseline_gated"), had_g / bl_g, 1e-9);
    EXPECT_NE(md.find(" Below 100 MHz: had (50.0 MHz), baseline (50.0 MHz)."), std::string::npos) << md;
    cJSON_Delete(j);
    // no workload sweep; a layer of another head dimension; a run before the counts: '-' and why
    r = hgt::run_cmd(base + " --fidelity " + d + "/fid.json --out " + d + "/r2 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r2/report.md");
    EXPECT_NE(
        md.find("Core logic '-' where the workload sweep cannot cost it: no workload sweep of had with K/V "
                "load runs at two n_k or more."),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| sys-had | original | 190.0 | 20.0 | - | - | 31.60 | 1024.00 | - | - | - | - |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("/ 12155 | 31.60 | 1024.00 | compute | - |"), std::string::npos) << md;
    EXPECT_EQ(md.find("Below 100 MHz"), std::string::npos) << md;
    fid(d + "/fid24.json", 24, true);
    r = hgt::run_cmd(base + sweep + loads + " --fidelity " + d + "/fid24.json --out " + d + "/r3 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(d + "/r3/report.md").find("the workload sweep's had has d 32, the layer's 24."),
              std::string::npos);
    fid(d + "/old.json", 32, false);
    r = hgt::run_cmd(base + sweep + loads + " --fidelity " + d + "/old.json --out " + d + "/r4 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/r4/report.md");
    EXPECT_NE(md.find("a run before the system model counted heads, keys and keys scored."),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| sys-had | original | - | - | - | - | 31.60 | 1024.00 | - | - |"), std::string::npos)
        << md;
    // counts that cannot be: fewer keys scored than queries; a count missing
    std::string f = read_file(d + "/fid.json"), qk = "\"query_keys\": 3800", heads = "\"heads\": 12, ";
    write_file(d + "/bad.json",
               f.substr(0, f.find(qk)) + "\"query_keys\": 100" + f.substr(f.find(qk) + qk.size()));
    hgt::CmdResult b =
        hgt::run_cmd(base + sweep + loads + " --fidelity " + d + "/bad.json --out " + d + "/r4 2>&1");
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_NE(
        b.out.find("--fidelity: sys-had's layer 0 has 12 heads, 190 keys, 190 queries and 100 keys scored: "
                   "each head loads 1..max_keys (128) keys and each query scores 1..max_keys"),
        std::string::npos)
        << b.out;
    write_file(d + "/bad.json", f.substr(0, f.find(heads)) + f.substr(f.find(heads) + heads.size()));
    b = hgt::run_cmd(base + sweep + loads + " --fidelity " + d + "/bad.json --out " + d + "/r4 2>&1");
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_NE(b.out.find("--fidelity: sys-had's layer 0 lacks one of heads, keys, queries and query_keys"),
              std::string::npos)
        << b.out;
}

// Decoding steps through cores with a wider load port: a table of their own against the same
// core with one key a beat and the baseline of the same port, core logic from a point of cores of
// that port (--system-wide-point) and their load runs, '-' without one; the main table, plots and
// bounds keep the one-key runs; runs of two wide ports, only wide ones, and a point of another
// load width refused.
TEST(Report, SystemSectionWithAWideLoadPort)
{
    hgt::TempDir d_dir("report-sys-wide");
    std::string d = d_dir.path();
    // one key a beat: 20 and 80 nJ a query of 16 cycles, loads of 0.5 and 1 nJ a cycle
    write_qps_summary(d + "/had", "had", nullptr, 50, 20, 0, 0);
    write_qps_summary(d + "/base", "baseline", nullptr, 50, 80, 0, 0);
    write_load(d + "/had-load", "had", nullptr, 100, 50);
    write_load(d + "/base-load", "baseline", nullptr, 100, 100);
    // 8 keys a beat: 24 and 88 nJ a query, loads of 2 and 3 nJ a cycle
    write_qps_summary(d + "/had8", "had", nullptr, 50, 24, 0, 0);
    write_qps_summary(d + "/base8", "baseline", nullptr, 50, 88, 0, 0);
    write_load(d + "/had8-load", "had", nullptr, 20, 40);
    write_load(d + "/base8-load", "baseline", nullptr, 20, 60);
    for (const char *f : {"had8", "base8", "had8-load", "base8-load"})
        add_fields(d + "/" + f, "\"params\": {", "\"load_width\": 8, ");
    // one key a beat (load_width 1 and absent): 2400 ns and 200 busy cycles a query, 130 of them
    // load; 8 keys a beat: HAD 1200 ns (memory-bound), the baseline 1600 ns, 100 busy cycles a
    // query, 30 of them load; SRAM 1 + DRAM 2 nJ a query everywhere
    write_file(d + "/h1.json", sys_json("had", 128, 1, 12, 28800, 2400, 8000, 32000, "compute", 1, 1560));
    write_file(d + "/b1.json",
               sys_json("baseline", 128, 1, 12, 28800, 2400, 8000, 32000, "compute", 0, 1560));
    write_file(d + "/h8.json", sys_json("had", 128, 1, 12, 14400, 1200, 14000, 4000, "memory", 8, 360));
    write_file(d + "/b8.json", sys_json("baseline", 128, 1, 12, 19200, 1200, 18000, 4000, "memory", 8, 360));
    write_file(d + "/i8.json", sys_json("int8-topn", 128, 1, 12, 19200, 1200, 18000, 4000, "memory", 8, 360));
    write_file(d + "/h4.json", sys_json("had", 128, 1, 12, 14400, 1200, 14000, 4000, "memory", 4, 360));
    std::string pts = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --kv-load 'p=" + d + "/had-load," + d + "/base-load' --system-point p ";
    std::string wide = "--point 'w=test data, 8 keys a beat:" + d + "/had8," + d +
                       "/base8' --kv-load 'w=" + d + "/had8-load," + d + "/base8-load' ";
    std::string sys;
    for (const char *f : {"h1", "b1", "h8", "b8", "i8"})
        sys += std::string("--system ") + d + "/" + f + ".json ";
    // without a point of wide cores: no core logic for the wide runs
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r " + d + "/rw && " + pts + sys + "--out " + d + "/r 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    EXPECT_NE(md.find("### Decoding with a K/V load port of 8 keys a beat (`--load-width 8`)"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("Core logic is not estimated: no point of cores of 8 keys a beat"), std::string::npos)
        << md;
    EXPECT_NE(md.find("| had | 128 | 1200.0 | 0.500 | 0.750 | - | - | 3.000 | 1.000 | - | - | - | memory |"),
              std::string::npos)
        << md;
    EXPECT_NE(
        md.find("| int8-topn | 128 | 1600.0 | - | 1.000 | - | - | 3.000 | 1.000 | - | - | - | memory |"),
        std::string::npos)
        << md; // no int8-topn run of one key a beat
    // the main table and the bounds: the one-key runs only
    EXPECT_NE(md.find("- had, decode: compute-bound at every context"), std::string::npos) << md;
    EXPECT_EQ(md.find("| decode | had | 128 | 1200.0"), std::string::npos) << md;
    EXPECT_NE(read_file(d + "/r/report.json").find("\"time_over_baseline\":\t0.75"), std::string::npos);
    // with one: HAD 30 x 2 + 70 x 24 / 16 = 165 nJ (60 of load), + 3: 168 against 155.5 with one
    // key a beat (65 + 87.5 + 3) and the baseline's 30 x 3 + 70 x 88 / 16 + 3 = 478
    r = hgt::run_cmd(pts + wide + sys + "--system-wide-point w --out " + d + "/rw 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/rw/report.md");
    EXPECT_NE(md.find("from the flow of cores of 8 keys a beat at point `w`"), std::string::npos) << md;
    EXPECT_NE(
        md.find("| had | 128 | 1200.0 | 0.500 | 0.750 | 165.000 | 60.000 | 3.000 | 1.000 | 168.000 | 1.080 | "
                "0.351 | memory |"),
        std::string::npos)
        << md;
    EXPECT_NE(
        md.find("| baseline | 128 | 1600.0 | 0.667 | 1.000 | 475.000 | 90.000 | 3.000 | 1.000 | 478.000 | "
                "0.990 | 1.000 | memory |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| decode | had | 128 | 2400.0 | 152.500 | 65.000 |"), std::string::npos) << md;
    EXPECT_EQ(md.find("fitted:"), std::string::npos) << "the runs do not say how many keys they load";
    // both points' runs loading 100 keys: a cycle's and a key's energy fitted per core to the two
    // loads, HAD (50 - 40) / (100 - 20) = 0.125 and (50 - 12.5) / 100 = 0.375, the baseline 0.5 and
    // 0.5; HAD's wide run 0.125 x 30 + 0.375 x 128 = 51.75 of load + 105, + 3; one key a beat
    // 0.125 x 130 + 48 = 64.25 + 87.5 + 3; the wide baseline 0.5 x 30 + 0.5 x 128 + 385 + 3
    for (const char *f : {"had", "base", "had8", "base8"})
        add_fields(d + "/" + f, "\"activity\": {", "\"n_keys\": 100, ");
    r = hgt::run_cmd("mkdir -p " + d + "/rf && " + pts + wide + sys + "--system-wide-point w --out " + d +
                     "/rf 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/rf/report.md");
    EXPECT_NE(
        md.find("Configuration and load energy, fitted: had 0.125 nJ a cycle + 0.375 nJ a key; baseline "
                "0.500 nJ a cycle + 0.500 nJ a key."),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| decode | had | 128 | 2400.0 | 151.750 | 64.250 |"), std::string::npos) << md;
    EXPECT_NE(
        md.find("| had | 128 | 1200.0 | 0.500 | 0.750 | 156.750 | 51.750 | 3.000 | 1.000 | 159.750 | 1.032 | "
                "0.342 | memory |"),
        std::string::npos)
        << md;
    // the wide port's own cores (L = 1024, 8 keys a beat) at three n_k (--system-wide-nk, with their
    // load runs): a query HAD 100 + 2 a cycle + 0.5 a key scored, the baseline 10 + 1 + 4; a head's
    // load HAD 10 + 0.125 n_k, the baseline 5 + 0.25 n_k. HAD's wide run at 128 keys and 70 query
    // cycles: 304 + 26 (load), + 3 = 333, against the one-key run's 154.75 and the wide baseline's
    // 592 + 37 + 3 = 632; with their clock-gating estimates (half HAD's figures, 0.9 of the
    // baseline's) HAD 152 + 13 = 165, the baseline 532.8 + 33.3 = 566.1
    auto [wq, wl] = sys_nk_runs(d + "/w", "\"max_keys\": 1024, \"load_width\": 8, ", "system-wide-nk",
                                {10, 0.125, 5, 0.25}, 150, {0.5, 0.9});
    std::string wnk = wq + wl;
    r = hgt::run_cmd(pts + wide + sys + wnk + "--system-wide-point w --out " + d + "/rf 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    md = read_file(d + "/rf/report.md");
    EXPECT_NE(md.find("from flows of this port's own cores (the sweep's configuration built with "
                      "`--load-width 8`) on stimuli of n_k = 32..128 keys"),
              std::string::npos)
        << md;
    EXPECT_NE(
        md.find("Fitted at n_k = 32..128: had a query 100.000 nJ + 2.000 nJ a cycle + 0.5000 nJ a key scored "
                "(largest residual 0.0%), a head's load 10.000 nJ + 0.1250 nJ a key (largest residual 0.0%); "
                "baseline a query 10.000 nJ + 1.000 nJ a cycle + 4.0000 nJ a key scored (largest residual "
                "0.0%), a head's load 5.000 nJ + 0.2500 nJ a key (largest residual 0.0%). Fmax of those "
                "cores (their flows): had 50.0 MHz, baseline 150.0 MHz. **Below the system model's clock of "
                "100 MHz: had**: its times in these tables"),
        std::string::npos)
        << md;
    char want[200];
    snprintf(
        want, sizeof want,
        "| had | 128 | 1200.0 | 0.500 | 0.750 | 330.000 | 26.000 | 3.000 | 1.000 | 333.000 | %.3f | %.3f | "
        "memory |",
        333 / 154.75, 333.0 / 632);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    snprintf(want, sizeof want, "| memory | 165.000 | %.3f |", 168 / 569.1);
    EXPECT_NE(md.find(want), std::string::npos) << want << "\n" << md;
    snprintf(want, sizeof want,
             "system: decode at 128 keys, 8 keys a beat, had, total / baseline %.3f, clocks gated %.3f\n",
             333.0 / 632, 168 / 569.1);
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
    EXPECT_NE(md.find("With the clock-gating estimate, fitted at n_k = 32..128: had a query 50.000 nJ"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| decode | had | 128 | 2400.0 | 151.750 | 64.250 |"), std::string::npos)
        << "the one-key runs keep their pricing\n"
        << md;
    EXPECT_NE(read_file(d + "/rf/report.json").find("\"wide_core_fit\""), std::string::npos);
    EXPECT_NE(read_file(d + "/rf/report.json").find("\"wide_core_fit_gated\""), std::string::npos);
    // refused: the wide port's runs without its point; runs of one key a beat given as the wide port's
    hgt::CmdResult bad = hgt::run_cmd(pts + wide + sys + wnk + "--out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system-wide-nk needs --system-wide-point"), std::string::npos) << bad.out;
    write_qps_summary(d + "/one16", "had", nullptr, 50, 20, 0, 0);
    add_fields(d + "/one16", "\"params\": {", "\"max_keys\": 1024, ");
    add_fields(d + "/one16", "\"activity\": {", "\"n_keys\": 16, ");
    bad = hgt::run_cmd(pts + wide + sys + "--system-wide-nk " + d + "/one16 --system-wide-point w --out " +
                       d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("/one16': params.load_width = 1, the wide-port point 'w' has 8"),
              std::string::npos)
        << bad.out;
    bad = hgt::run_cmd(pts + "--out " + d + "/r --system-wide-nk 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("option '--system-wide-nk' needs a value (see --help)"), std::string::npos)
        << bad.out;
    // refused too: two wide widths, only wide runs, a point of the wrong width, a point of two widths
    bad = hgt::run_cmd(pts + sys + "--system " + d + "/h4.json --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system: runs of more than one wider load port"), std::string::npos) << bad.out;
    bad = hgt::run_cmd(pts + "--system " + d + "/h8.json --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system: no run with one key a load beat"), std::string::npos) << bad.out;
    bad = hgt::run_cmd(pts + sys + "--system-wide-point p --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system: a run of 8 key(s) a load beat, and its point 'p' has cores of 1"),
              std::string::npos)
        << bad.out;
    bad = hgt::run_cmd(pts + "--point 'm=mixed:" + d + "/had8," + d + "/base' " + sys +
                       "--system-wide-point m --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("point 'm': its cores load 8 and 1 keys a beat"), std::string::npos) << bad.out;
    write_qps_summary(d + "/had0", "had", nullptr, 50, 24, 0, 0);
    add_fields(d + "/had0", "\"params\": {", "\"load_width\": 0, ");
    bad = hgt::run_cmd(pts + "--point 'z=zero:" + d + "/had0," + d + "/base8' " + sys +
                       "--system-wide-point z --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("point 'z': had's params.load_width is not a whole number in 1..16384"),
              std::string::npos)
        << bad.out;
    bad = hgt::run_cmd(pts + sys + "--system-wide-point x --out " + d + "/r 2>&1");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_NE(bad.out.find("--system-wide-point 'x': no --point of that name"), std::string::npos) << bad.out;
}

// hadrun --json as hgreport reads it: a run on the distilled model (model.distilled) or on the
// original model; BACKENDS: "name:cos:nn" each, with recall 0.5 and attention errors cos/2, cos.
std::string run_json(bool distilled, int n, int max_tokens, int count,
                     const std::vector<std::string> &backends, const std::string &rtl = "")
{
    std::ostringstream f;
    f << "{\"sentences\": {\"count\": " << count << ", \"tokens\": " << count * 10
      << ", \"max_tokens\": " << max_tokens << "}, \"core\": {\"d\": 32, \"top_n\": " << n << "}, ";
    if (distilled)
        f << "\"model\": {\"distilled\": true, \"dir\": \"build/model-had\", \"top_n_trained\": 16}, ";
    f << "\"rtl_vs_golden\": [" << rtl << "], \"backends\": [";
    for (size_t i = 0; i < backends.size(); i++) {
        std::string b = backends[i]; // name:cos:nn[:pair_cos_err[:nn_margin_err]]
        size_t c1 = b.find(':'), c2 = b.find(':', c1 + 1), c3 = b.find(':', c2 + 1);
        size_t c4 = c3 == std::string::npos ? c3 : b.find(':', c3 + 1);
        std::string cos = b.substr(c1 + 1, c2 - c1 - 1), nn = b.substr(c2 + 1, c3 - c2 - 1);
        std::string pair =
            c3 == std::string::npos ? "" : ", \"pair_cos_err\": " + b.substr(c3 + 1, c4 - c3 - 1);
        if (c4 != std::string::npos) pair += ", \"nn_margin_err\": " + b.substr(c4 + 1);
        f << (i ? ", " : "") << "{\"backend\": \"" << b.substr(0, c1) << "\", \"attn_rel_err\": [" << cos
          << ", " << cos << "], \"recall\": "
          << (b.find("baseline") == 0 || b.find("-baseline") != std::string::npos ? "null" : "0.5")
          << ", \"cos_mean\": " << cos << ", \"cos_min\": " << cos << ", \"nn_agree\": " << nn << pair
          << (b.find("rtl-") == 0 ? ", \"mismatches\": 0" : "") << "}";
    }
    f << "]}\n";
    return f.str();
}

// The fidelity sections of the report: HAD distilled before HAD post-training (whatever the
// order of the files), labelled, every row against the original float model, the quantization
// gap float-had -> golden-had; fidelity against N with the distilled line; the long-text table
// with N fixed and scaled, the baseline's figure at each token limit from the fixed-N run.
TEST(Report, DistilledAndPostTrainingHadAgainstNAndOnPassages)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80);
    std::string rtl = "{\"rtl\": \"rtl-had\", \"golden\": \"golden-had\", \"identical_embeddings\": true}";
    // the distilled run also holds the original model's int8-topn row: the original run's wins
    write_file(d + "/dist.json",
               run_json(true, 16, 128, 220,
                        {"float-had:0.975:0.87", "golden-had:0.9739:0.868:0.0195:0.0357",
                         "rtl-had:0.9739:0.868:0.0195:0.0357", "golden-int8-topn:0.111:0.1"},
                        rtl));
    write_file(d + "/orig.json", run_json(false, 16, 128, 220,
                                          {"float:1:1", "float-had:0.8096:0.745", "golden-had:0.8097:0.736",
                                           "golden-baseline:0.9998:0.982", "golden-int8-topn:0.9987:0.986",
                                           "rtl-had:0.8097:0.736"},
                                          rtl));
    std::string fn;
    for (int n : {8, 16}) {
        std::string ns = std::to_string(n);
        // pair err and margin err at N = 8 only (N = 16: files of an older hadrun, without them)
        std::string pe = n == 8 ? ":0.02:0.03" : "", pe2 = n == 8 ? ":0.07:0.1" : "",
                    pe3 = n == 8 ? ":0.005:0.008" : "";
        write_file(d + "/dn" + ns + ".json",
                   run_json(true, n, 128, 220, {"golden-had:0.9" + ns + ":0.8" + pe}));
        write_file(d + "/on" + ns + ".json", run_json(false, n, 128, 220,
                                                      {"golden-had:0.7" + ns + ":0.6" + pe2,
                                                       "golden-int8-topn:0.99" + ns + ":0.9" + pe3}));
        fn += " --fidelity-n " + ns + "=" + d + "/on" + ns + ".json --fidelity-n " + ns + "=" + d + "/dn" +
              ns + ".json";
    }
    // passages at 256 tokens: N = 16 (fixed) with the baseline, N = 32 (scaled) without
    write_file(d + "/pd16.json", run_json(true, 16, 256, 13, {"golden-had:0.91:0.85:0.031"}));
    write_file(d + "/po16.json", run_json(false, 16, 256, 13,
                                          {"golden-had:0.59:0.5:0.12", "golden-int8-topn:0.86:0.8:0.045",
                                           "golden-baseline:0.9997:1:0.0021"}));
    write_file(d + "/pd32.json", run_json(true, 32, 256, 13, {"golden-had:0.92:0.9"}));
    write_file(d + "/po32.json",
               run_json(false, 32, 256, 13, {"golden-had:0.58:0.4", "golden-int8-topn:0.92:0.85"}));
    std::string pa;
    for (const char *f : {"po32", "pd16", "po16", "pd32"})
        pa += std::string(" --passages ") + d + "/" + f + ".json";
    // a stimulus text may hold ':' (the last one ends it)
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data (HAD: distilled):" + d +
                      "/had," + d + "/base' --fidelity " + d + "/orig.json --fidelity " + d + "/dist.json" +
                      fn + pa + " --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    EXPECT_EQ(read_file(d + "/r1/report.json"), read_file(d + "/r2/report.json"));
    std::string md = read_file(d + "/r1/report.md");
    EXPECT_NE(md.find("Stimulus: test data (HAD: distilled). "), std::string::npos) << md;

    // fidelity table: distilled rows first, then post-training, baseline, int8-topn, float
    // (pair err and margin err: "-" where the file has none, as from an older hadrun)
    size_t dist_row =
        md.find("| HAD distilled | float-had | 0.975 0.975 | 0.500 | 0.9750 / 0.9750 | - | - | 0.870 |");
    size_t post_row =
        md.find("| HAD post-training | golden-had | 0.810 0.810 | 0.500 | 0.8097 / 0.8097 | - | - | 0.736 |");
    ASSERT_NE(dist_row, std::string::npos) << md;
    ASSERT_NE(post_row, std::string::npos) << md;
    EXPECT_LT(dist_row, post_row);
    size_t hdr = md.find("|---|---|---|---|---|---|---|---|\n", md.find("| HAD / core |"));
    EXPECT_EQ(dist_row, hdr + strlen("|---|---|---|---|---|---|---|---|\n")); // the first row of the table
    EXPECT_NE(md.find("| pair err | margin err | nearest-neighbour agreement |"), std::string::npos) << md;
    EXPECT_NE(md.find("| HAD distilled | golden-had | 0.974 0.974 | 0.500 | 0.9739 / 0.9739 | 0.0195 | "
                      "0.0357 | 0.868 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| HAD distilled | rtl-had |"), std::string::npos) << md;
    EXPECT_NE(md.find("| baseline | golden-baseline | 1.000 1.000 | - | 0.9998 / 0.9998 | - | - | 0.982 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| int8-topn | golden-int8-topn | 0.999 0.999 |"), std::string::npos) << md;
    EXPECT_EQ(md.find("0.111"), std::string::npos) << md; // the distilled run's int8 row is not shown
    EXPECT_NE(md.find("**Every row is measured against the original float model**"), std::string::npos) << md;
    EXPECT_NE(
        md.find(
            "- HAD distilled: embedding cosine mean 0.9750 (float-had) against 0.9739 (golden-had), -0.0011; "
            "NN agreement 0.870 against 0.868"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("- HAD post-training: embedding cosine mean 0.8096 (float-had) against 0.8097 "
                      "(golden-had), +0.0001"),
              std::string::npos)
        << md;
    EXPECT_NE(
        md.find("- HAD distilled: `rtl-had` = `golden-had`: embeddings identical, 0 differing outputs."),
        std::string::npos)
        << md;
    std::string fcsv = read_file(d + "/r1/fidelity.csv");
    EXPECT_EQ(fcsv.find("variant,backend,layer,"), 0u) << fcsv;
    EXPECT_EQ(fcsv.find("variant,backend,layer,attn_rel_err,recall,cos_mean,cos_min,nn_agree,pair_cos_err,"
                        "nn_margin_err\n"),
              0u)
        << fcsv;
    EXPECT_NE(fcsv.find("\nhad-distilled,golden-had,1,0.9739,0.5,0.9739,0.9739,0.868,0.0195,0.0357\n"),
              std::string::npos)
        << fcsv;
    EXPECT_NE(fcsv.find("\nhad-distilled,float-had,1,0.975,0.5,0.975,0.975,0.87,nan,nan\n"),
              std::string::npos)
        << fcsv;
    EXPECT_NE(fcsv.find("\nhad-post-training,golden-had,0,"), std::string::npos) << fcsv;
    std::string js = read_file(d + "/r1/report.json");
    EXPECT_NE(js.find("\"variant\":\t\"had-distilled\""), std::string::npos) << js;
    EXPECT_NE(js.find("\"had_quantization_gap\""), std::string::npos) << js;
    EXPECT_NE(r1.out.find(
                  "HAD distilled 0.9739 / 0.868, HAD post-training 0.8097 / 0.736, int8-topn 0.9987 / 0.986, "
                  "baseline 0.9998 / 0.982"),
              std::string::npos)
        << r1.out;

    // fidelity against N: a distilled line beside post-training and int8 + top-N
    // (cells: recall, then cosine / pair err / margin err / NN; "-" for a file without them)
    EXPECT_NE(md.find("| N | HAD distilled recall | HAD distilled cosine / pair err / margin err / NN |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| 8 | 0.500 | 0.9800 / 0.0200 / 0.0300 / 0.800 | 0.500 | 0.7800 / 0.0700 / 0.1000 / "
                      "0.600 | 0.500 | 0.9980 / 0.0050 / 0.0080 / 0.900 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| 16 | 0.500 | 0.9160 / - / - / 0.800 |"), std::string::npos) << md;
    // .dat: the plot's nine columns as before, the pair errors and the margin errors appended
    std::string dat = read_file(d + "/r1/fidelity_vs_n.dat");
    EXPECT_NE(dat.find("\n8 0.5 0.98 0.8 0.5 0.78 0.6 0.5 0.998 0.9 0.02 0.07 0.005 0.03 0.1 0.008\n"),
              std::string::npos)
        << dat;
    EXPECT_NE(dat.find("\n16 0.5 0.916 0.8 0.5 0.716 0.6 0.5 0.9916 0.9 NaN NaN NaN NaN NaN NaN\n"),
              std::string::npos)
        << dat;
    std::string ncsv = read_file(d + "/r1/fidelity_vs_n.csv");
    EXPECT_EQ(ncsv.find("n,had_distilled_recall,had_distilled_cos_mean,had_distilled_nn_agree,"
                        "had_post_training_recall,had_post_training_cos_mean,had_post_training_nn_agree,"
                        "int8_topn_recall,int8_topn_cos_mean,int8_topn_nn_agree,had_distilled_pair_cos_err,"
                        "had_post_training_pair_cos_err,int8_topn_pair_cos_err,had_distilled_nn_margin_err,"
                        "had_post_training_nn_margin_err,int8_topn_nn_margin_err\n"),
              0u)
        << ncsv;
    EXPECT_NE(ncsv.find("\n8,0.5,0.98,0.8,0.5,0.78,0.6,0.5,0.998,0.9,0.02,0.07,0.005,0.03,0.1,0.008\n"),
              std::string::npos)
        << ncsv;
    EXPECT_NE(ncsv.find("\n16,0.5,0.916,0.8,0.5,0.716,0.6,0.5,0.9916,0.9,,,,,,\n"), std::string::npos)
        << ncsv;
    EXPECT_NE(js.find("\"had_distilled_nn_margin_err\":\t0.03"), std::string::npos) << js;
    EXPECT_NE(read_file(d + "/r1/plots.gp").find("title 'HAD distilled: embedding cosine'"),
              std::string::npos);
    struct stat st;
    EXPECT_EQ(stat((d + "/r1/fidelity_vs_n.png").c_str(), &st), 0);

    // passages: the sentences' row, then N fixed and scaled; baseline from the fixed-N run
    // (cells: cosine / pair err / NN; the files of N = 32 and the sentences' post-training run
    // have no pair err)
    size_t p16 =
        md.find("| 256 | 13 passages | 16 (fixed) | 0.9100 / 0.0310 / 0.850 | 0.5900 / 0.1200 / 0.500 | "
                "0.8600 / 0.0450 / 0.800 | 0.9997 / 0.0021 / 1.000 |");
    size_t p32 =
        md.find("| 256 | 13 passages | 32 (scaled) | 0.9200 / - / 0.900 | 0.5800 / - / 0.400 | 0.9200 / "
                "- / 0.850 | 0.9997 / 0.0021 / 1.000 |");
    size_t s128 =
        md.find("| 128 | 220 sentences | 16 | 0.9739 / 0.0195 / 0.868 | 0.8097 / - / 0.736 | 0.9987 / "
                "- / 0.986 | 0.9998 / - / 0.982 |");
    EXPECT_NE(p16, std::string::npos) << md;
    EXPECT_NE(p32, std::string::npos) << md;
    EXPECT_NE(s128, std::string::npos) << md;
    EXPECT_TRUE(s128 < p16 && p16 < p32) << md;
    std::string pcsv = read_file(d + "/r1/fidelity_passages.csv");
    EXPECT_NE(pcsv.find("\n256,13,32,scaled,0.92,0.9,0.58,0.4,0.5,0.92,0.85,0.5,0.9997,1,,,,0.0021\n"),
              std::string::npos)
        << pcsv;
    EXPECT_NE(
        pcsv.find("\n256,13,16,fixed,0.91,0.85,0.59,0.5,0.5,0.86,0.8,0.5,0.9997,1,0.031,0.12,0.045,0.0021\n"),
        std::string::npos)
        << pcsv;
    EXPECT_NE(pcsv.find(",baseline_nn_agree,had_distilled_pair_cos_err,had_post_training_pair_cos_err,"
                        "int8_topn_pair_cos_err,baseline_pair_cos_err\n"),
              std::string::npos)
        << pcsv;
    EXPECT_NE(js.find("\"had_distilled_pair_cos_err\":\t0.031"), std::string::npos) << js;
    EXPECT_NE(js.find("\"int8_topn_pair_cos_err\":\t0.005"), std::string::npos) << js;
    EXPECT_NE(js.find("\"fidelity_passages\""), std::string::npos);
}

// Fidelity files hgreport refuses, each with exit 2 and a message naming the option, the file
// or value and what is wrong.
TEST(Report, BadFidelityFilesExitTwo)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_file(d + "/dist.json", run_json(true, 16, 128, 3, {"golden-had:0.9:0.8"}));
    write_file(d + "/dist2.json", run_json(true, 16, 128, 3, {"golden-had:0.9:0.8"}));
    write_file(d + "/orig8.json", run_json(false, 8, 128, 3, {"golden-had:0.7:0.6"}));
    write_file(d + "/p.json", run_json(false, 16, 256, 3, {"golden-had:0.7:0.6"}));
    write_file(d + "/nob.json", "{\"sentences\": {\"max_tokens\": 128}, \"core\": {\"top_n\": 16}}\n");
    write_file(d + "/non.json",
               "{\"sentences\": {\"max_tokens\": 128}, \"core\": {\"top_n\": 2.5}, \"backends\": []}\n");
    write_file(d + "/not.json", "{\"core\": {\"top_n\": 16}, \"backends\": []}\n");
    write_file(d + "/bad.json", "{\"backends\": [\n");
    std::string bin = std::string(HG_BIN_DIR) + "/hgreport --out " + d + " --point 'p=x:" + d + "/had' ";
    struct bad_case {
        std::string args, msg;
    } cases[] = {
        {"--fidelity " + d + "/nob.json",
         "--fidelity '" + d + "/nob.json': no backends array (not hadrun --json output?)"},
        {"--fidelity " + d + "/non.json",
         "core.top_n missing or not a whole number >= 1 (not hadrun --json output?)"},
        {"--passages " + d + "/not.json", "--passages '" + d + "/not.json': sentences.max_tokens missing"},
        {"--fidelity " + d + "/bad.json", "'" + d + "/bad.json': not valid JSON"},
        {"--fidelity " + d + "/nothere.json",
         "JSON file '" + d + "/nothere.json': cannot open: No such file"},
        {"--fidelity " + d + "/dist.json --fidelity " + d + "/dist2.json",
         "--fidelity '" + d + "/dist2.json': a second run on the distilled model (the first: '" + d +
             "/dist.json')"},
        {"--fidelity-n 16=" + d + "/orig8.json",
         "--fidelity-n '16=" + d + "/orig8.json': the file's core.top_n is 8, not N=16"},
        {"--fidelity-n 8=" + d + "/orig8.json --fidelity-n 8=" + d + "/orig8.json",
         "a second run on the original model at N=8 (the first: '" + d + "/orig8.json')"},
        {"--passages " + d + "/p.json --passages " + d + "/p.json",
         "a second run on the original model at N=16 and 256 tokens (the first: '" + d +
             "/p.json'); give one file of each model, N and token limit"},
    };
    for (const bad_case &c : cases) {
        hgt::CmdResult r = hgt::run_cmd(bin + c.args);
        EXPECT_EQ(r.status, 2) << c.args << ": " << r.out;
        EXPECT_NE(r.out.find(c.msg), std::string::npos) << c.args << ": " << r.out;
    }
}

// Names that would leave --out, and inputs that are not regular text files, exit 2 before
// anything is written; outputs go through temporary names (docs/reliability.md, section report).
TEST(Report, PointNamesAndSpecialInputsAreRefused)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    mkdir((d + "/out").c_str(), 0777);
    write_file(d + "/nul.md", std::string("## sweep\n\0x\n", 12));
    std::string bin = std::string(HG_BIN_DIR) + "/hgreport --out " + d + "/out ";
    struct bad_case {
        std::string args, msg;
    } cases[] = {
        {"--point '../../evil=s:" + d + "/had'",
         "NAME '../../evil' must be 1..64 letters, digits, '-' or '_'"},
        {"--point 'a/b=s:" + d + "/had'", "NAME 'a/b' must be"},
        {"--point '.x=s:" + d + "/had'", "NAME '.x' must be"},
        {"--point '=s:" + d + "/had'", "NAME '' must be"},
        {"--point 'p=s:" + d + "/had' --sweep-md /dev/urandom",
         "--sweep-md '/dev/urandom': is a character device, not a regular file"},
        {"--point 'p=s:" + d + "/had' --sweep-md " + d, "--sweep-md '" + d + "': is a directory, not a file"},
        {"--point 'p=s:" + d + "/had' --sweep-md " + d + "/nul.md", "holds a NUL byte (not text)"},
        {"--point 'p=s:" + d + "/had' --fidelity /dev/zero",
         "JSON file '/dev/zero': is a character device, not a regular file"},
        {"--point 'p=s:" + d + "/had," + d + "/had'",
         "--point 'p': two run folders of core type 'had' ('" + d + "/had' and '" + d + "/had')"},
        // lists and folders longer than the tool holds are refused, not cut short
        {"--point 'p=s:" + d + "/had" + std::string(9000, ',') + "'",
         "its run list is longer than 8191 characters"},
        {"--point 'p=s:" + d + "/had' --kv-load 'p=" + std::string(1300, 'x') + "'",
         "--kv-load: run folder 'xxxx"},
        {"--point 'p=s:" + d + "/had' --selectors 'p=" + std::string(1300, 'x') + "'",
         "is longer than 1178 characters"},
    };
    for (const bad_case &c : cases) {
        hgt::CmdResult r = hgt::run_cmd("timeout 20 " + bin + c.args);
        EXPECT_EQ(r.status, 2) << c.args << ": " << r.out;
        EXPECT_NE(r.out.find(c.msg), std::string::npos) << c.args << ": " << r.out;
    }
    hgt::CmdResult ls = hgt::run_cmd("ls -A " + d + "/out; ls " + d);
    EXPECT_EQ(ls.out, "had\nnul.md\nout\n") << "nothing written: " << ls.out;
    hgt::CmdResult ok = hgt::run_cmd(bin + "--point 'p_1-x=s:" + d + "/had'");
    EXPECT_EQ(ok.status, 0) << ok.out;
    // outputs are written through temporary names in --out and renamed: none is left behind
    EXPECT_EQ(hgt::run_cmd("ls -A " + d + "/out | grep -c '^\\.'").out, "0\n");
    EXPECT_NE(hgt::read_file(d + "/out/report.md").find("p_1-x"), std::string::npos);
    // a run that fails leaves the previous report
    std::string before = hgt::read_file(d + "/out/report.md");
    hgt::write_file(d + "/bad.json", "{\"backends\": [\n");
    hgt::CmdResult bad = hgt::run_cmd(bin + "--point 'q=s:" + d + "/had' --fidelity " + d + "/bad.json");
    EXPECT_EQ(bad.status, 2) << bad.out;
    EXPECT_EQ(hgt::read_file(d + "/out/report.md"), before);
    EXPECT_EQ(hgt::run_cmd("ls -A " + d + "/out | grep -c '^\\.'").out, "0\n");
}

// synth/report/passages.sh: every k = ceil(34 T / 512) consecutive sentences joined, a short
// last group kept if it has at least k/2, blank lines skipped; bad arguments exit 2.
TEST(Report, PassagesJoinConsecutiveSentences)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_file(d + "/s.txt", "a one.\nb two.\n\nc three.\nd four.\ne five.\n");
    std::string sh = std::string(HG_SRC_DIR) + "/synth/report/passages.sh ";
    hgt::CmdResult r = hgt::run_cmd(sh + d + "/s.txt 32"); // k = 3: 3 + 2 (2 >= 3/2: kept)
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, "a one. b two. c three.\nd four. e five.\n");
    r = hgt::run_cmd(sh + d + "/s.txt 64"); // k = 5: one passage
    EXPECT_EQ(r.out, "a one. b two. c three. d four. e five.\n");
    r = hgt::run_cmd(sh + d + "/s.txt 128"); // k = 9: 5 of 9 kept
    EXPECT_EQ(r.out, "a one. b two. c three. d four. e five.\n");
    r = hgt::run_cmd(sh + d + "/s.txt 200"); // k = 14: 5 < 7 dropped
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "");
    // the evaluation set: 13 passages at 256 tokens, 6 at 512
    for (const char *tc : {"256:13", "512:6"}) {
        std::string tk(tc, strchr(tc, ':'));
        hgt::CmdResult e =
            hgt::run_cmd(sh + std::string(HG_SRC_DIR) + "/sw/data/sentences_eval.txt " + tk + " | wc -l");
        EXPECT_EQ(std::stoi(e.out), std::stoi(strchr(tc, ':') + 1)) << tc;
    }
    for (const char *bad : {"0", "1", "12x", "-5", "99999999"}) {
        hgt::CmdResult b = hgt::run_cmd(sh + d + "/s.txt " + bad);
        EXPECT_EQ(b.status, 2) << bad;
        EXPECT_NE(b.out.find("TOKENS '" + std::string(bad) + "': must be a whole number of tokens, 2..65536"),
                  std::string::npos)
            << b.out;
    }
    hgt::CmdResult m = hgt::run_cmd(sh + d + "/nothere.txt 256");
    EXPECT_EQ(m.status, 2);
    EXPECT_NE(m.out.find("SENTENCES '" + d + "/nothere.txt': not a readable file"), std::string::npos)
        << m.out;
    EXPECT_EQ(hgt::run_cmd(sh + d + "/s.txt").status, 2);
}

// make report's freshness (synth/report/rp_fresh.sh): a step reruns when the content of an
// input or a parameter changes, not when a file is merely rewritten or touched.
TEST(Report, FreshnessFollowsContentNotTime)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    std::string script =
        "cd " + d + " && . " + std::string(HG_SRC_DIR) +
        "/synth/report/rp_fresh.sh && "
        "mkdir in && echo a > in/x && echo b > f && echo out > out && "
        "k1=$(rp_key 'p=1' in f) && rp_stamp out \"$k1\" && "
        "{ rp_fresh out \"$k1\" && echo FRESH; } && "
        "touch -d '+1 hour' in/x f && cat f > f.new && mv f.new f && "
        "{ [ \"$(rp_key 'p=1' in f)\" = \"$k1\" ] && echo SAME_AFTER_REWRITE; } && "
        "{ [ \"$(rp_key 'p=2' in f)\" != \"$k1\" ] && echo PARAM_CHANGES; } && "
        "echo new > in/y && k2=$(rp_key 'p=1' in f) && { [ \"$k2\" != \"$k1\" ] && echo NEW_FILE_CHANGES; } "
        "&& "
        "rm in/y && echo A > in/x && { [ \"$(rp_key 'p=1' in f)\" != \"$k1\" ] && echo CONTENT_CHANGES; } && "
        "{ [ \"$(rp_key 'p=1' in f nothere)\" != \"$(rp_key 'p=1' in f)\" ] && echo MISSING_COUNTS; } && "
        "rm out && { rp_fresh out \"$k1\" || echo NO_OUTPUT_NOT_FRESH; } && "
        "ln -s in lnk && k3=$(rp_key p lnk) && echo B > in/x && "
        "{ [ \"$(rp_key p lnk)\" != \"$k3\" ] && echo LINKED_DIR_CONTENT_COUNTS; }";
    write_file(d + "/t.sh", script + "\n");
    hgt::CmdResult r = hgt::run_cmd("bash " + d + "/t.sh");
    ASSERT_EQ(r.status, 0) << r.out;
    for (const char *w :
         {"FRESH", "SAME_AFTER_REWRITE", "PARAM_CHANGES", "NEW_FILE_CHANGES", "CONTENT_CHANGES",
          "MISSING_COUNTS", "NO_OUTPUT_NOT_FRESH", "LINKED_DIR_CONTENT_COUNTS"})
        EXPECT_NE(r.out.find(w), std::string::npos) << w << "\n" << r.out;
}

// hadrun --json as hgsweep reads it: d, N, sentence length, and backends' fidelity; a run on
// the distilled model (model.distilled) also holds the original model's rows (hgsweep skips them)
void write_fidelity(const std::string &path, int n, double had, double base, double i8, int max_tokens = 128,
                    bool distilled = false)
{
    std::ofstream f(path);
    f << "{\"sentences\": {\"count\": 3, \"tokens\": 30, \"max_tokens\": " << max_tokens
      << "}, \"core\": {\"d\": 32, "
      << "\"top_n\": " << n << "}, " << (distilled ? "\"model\": {\"distilled\": true}, " : "")
      << "\"backends\": [{\"backend\": \"golden-had\", \"recall\": 0.7, "
      << "\"cos_mean\": " << had << ", \"nn_agree\": " << (distilled ? 0.85 : 0.6)
      << "}, {\"backend\": \"golden-baseline\", \"cos_mean\": " << base
      << ", \"nn_agree\": 0.9}, {\"backend\": \"golden-int8-topn\", \"recall\": 0.99, "
      << "\"cos_mean\": " << i8 << ", \"nn_agree\": 0.8}]}\n";
}

// CSV row of results.csv whose first five fields are core,d,p,n,l
std::string row(const std::string &csv, const std::string &key)
{
    size_t at = csv.find("\n" + key + ",");
    if (at == std::string::npos) return "";
    return csv.substr(at + 1, csv.find('\n', at + 1) - at - 1);
}

// field k (0-based) of a CSV row
std::string field(const std::string &r, int k)
{
    std::stringstream ss(r);
    std::string f;
    for (int i = 0; i <= k && std::getline(ss, f, ','); i++) {
    }
    return f;
}

TEST(Sweep, RatiosFidelityParetoFrontsAndDeterministicJson)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    // (energy nJ, area mm^2 incl. 1 mm^2 memories): had32n8 (20, 3), had32n16 (30, 4), baseline (80, 11),
    // int8-topn (40, 6), had64n8 (19, 5), had32n8 at L=64 (10, 9: too short for the sentences)
    write_summary(d + "/a", "had", 2e6, 100e3, 20, 32, 8, 256, 16,
                  ", \"critical_path_ns\": 20, \"worst_stage\": {\"pin\": \"u_av/_7_/Y\", \"cell\": "
                  "\"XNOR2X1\", \"delay_ns\": 15, \"load_pf\": 2.5}");
    write_summary(d + "/b", "had", 3e6, 100e3, 30, 32, 16, 256, 16);
    write_summary(d + "/c", "baseline", 10e6, 400e3, 80, 32, 8, 256, 16);
    write_summary(d + "/e", "int8-topn", 5e6, 200e3, 40, 32, 8, 256, 16);
    write_summary(d + "/f", "had", 4e6, 100e3, 19, 64, 8, 256, 16);
    write_summary(d + "/g", "had", 8e6, 100e3, 10, 32, 8, 64, 16);
    write_fidelity(d + "/fid8.json", 8, 0.8, 0.99, 0.95);
    write_fidelity(d + "/fid16.json", 16, 0.75, 0.99, 0.97);
    write_fidelity(d + "/fid8_256.json", 8, 0.6, 0.98, 0.9, 256); // longer texts: L=256 points take these
    // HAD's fidelity: the distilled model (its baseline and int8 rows, 0.1, are not taken)
    write_fidelity(d + "/dfid8.json", 8, 0.95, 0.1, 0.1, 128, true);
    write_fidelity(d + "/dfid16.json", 16, 0.96, 0.1, 0.1, 128, true);
    write_fidelity(d + "/dfid8_256.json", 8, 0.93, 0.1, 0.1, 256, true);
    std::string sums;
    for (const char *x : {"g", "f", "e", "c", "b", "a"}) // any order: rows are sorted
        sums += " " + d + "/" + x + "/reports/summary.json";
    std::string cmd = std::string(HG_BIN_DIR) + "/hgsweep --fidelity " + d + "/dfid8_256.json --fidelity " +
                      d + "/fid8_256.json --fidelity " + d + "/fid8.json --fidelity " + d +
                      "/dfid8.json --fidelity " + d + "/fid16.json --fidelity " + d + "/dfid16.json" + sums +
                      " --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    EXPECT_EQ(read_file(d + "/r1/sweep.json"), read_file(d + "/r2/sweep.json"));
    EXPECT_NE(r1.out.find("6 points; Pareto fronts: 3 (area/energy), 3 (fidelity/energy)"), std::string::npos)
        << r1.out;
    std::string csv = read_file(d + "/r1/results.csv");
    // fields: 15 logic_area_vs_baseline, 17 energy_vs_baseline, 18 fidelity_cos, 19 fidelity_nn,
    // 21 fidelity_tokens, 22/23 Pareto flags, 28/29 HAD post-training cosine and NN agreement
    std::string a = row(csv, "had,32,16,8,256"), b = row(csv, "had,32,16,16,256");
    std::string c = row(csv, "baseline,32,16,8,256"), e = row(csv, "int8-topn,32,16,8,256");
    std::string f = row(csv, "had,64,16,8,256"), g = row(csv, "had,32,16,8,64");
    ASSERT_FALSE(a.empty() || b.empty() || c.empty() || e.empty() || f.empty() || g.empty()) << csv;
    EXPECT_EQ(field(a, 15), "0.2");
    EXPECT_EQ(field(a, 17), "0.25");
    EXPECT_EQ(field(e, 15), "0.5");
    EXPECT_EQ(field(f, 15), "");     // no baseline at d=64
    EXPECT_EQ(field(a, 18), "0.93"); // distilled, the 256-token measurement, not the 128-token one
    EXPECT_EQ(field(a, 19), "0.85");
    EXPECT_EQ(field(a, 21), "256");
    EXPECT_EQ(field(a, 28) + "|" + field(a, 29), "0.6|0.6"); // post-training at 256 tokens
    EXPECT_EQ(field(b, 18), "0.96");                         // no 256-token measurement of N=16
    EXPECT_EQ(field(b, 21), "128");
    EXPECT_EQ(field(b, 28), "0.75");
    EXPECT_EQ(field(c, 18), "0.98"); // the original model's run, not the distilled run's rows
    EXPECT_EQ(field(e, 18), "0.9");
    EXPECT_EQ(field(c, 28) + "|" + field(e, 29), "|"); // post-training: HAD only
    EXPECT_EQ(field(f, 18), "");                       // the model's d is 32
    EXPECT_EQ(field(g, 18), "");                       // L=64 cannot hold the 128-token sentences
    EXPECT_EQ(field(g, 21), "");
    EXPECT_EQ(field(g, 28), "");
    // 24-27: the critical path and its slowest stage, empty where the summary has none
    EXPECT_EQ(field(a, 24) + "|" + field(a, 25) + "|" + field(a, 26) + "|" + field(a, 27),
              "20|15|2.5|u_av/_7_/Y");
    EXPECT_EQ(field(b, 24) + "|" + field(b, 25) + "|" + field(b, 26) + "|" + field(b, 27), "|||");
    // area/energy front: g (least energy), had64n8 (next, less area than g), had32n8 (least area)
    EXPECT_EQ(field(g, 22) + field(a, 22) + field(f, 22) + field(b, 22) + field(c, 22) + field(e, 22),
              "111000");
    // fidelity/energy front of (32, 256): had N=8 (20 nJ, 0.93), had N=16 (30, 0.96), baseline (80,
    // 0.98); int8-topn (40, 0.9) is beaten by had N=8; none elsewhere
    EXPECT_EQ(field(a, 23) + field(e, 23) + field(c, 23) + field(b, 23) + field(f, 23) + field(g, 23),
              "101100");
    std::string md = read_file(d + "/r1/sweep.md");
    // counted without load runs or corrections: the plain ratio; no figure at equal queries/s
    // without the energy split
    EXPECT_NE(md.find("| 32 | 256 | 16 | 8 | 0.200 | 0.273 | 0.250 | 0.250 | - | 0.500 | 0.500 | - |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| had | 32 | 8 | 256 | 16 | 256 | 0.9300 | 0.850 |"), std::string::npos) << md;
    EXPECT_NE(md.find("HAD: the distilled model"), std::string::npos) << md;
    EXPECT_NE(csv.find(",worst_stage_pin,fidelity_cos_post_training,fidelity_nn_post_training,selector,"),
              std::string::npos);
    struct stat st;
    for (const char *x : {"sweep_pareto_area.png", "sweep_pareto_fidelity.svg", "sweep_energy_vs_n.png",
                          "sweep_area_vs_d.svg", "sweep_power_vs_l.png"})
        EXPECT_EQ(stat((d + "/r1/" + x).c_str(), &st), 0) << x;

    // a partial sweep says so
    hgt::CmdResult part =
        hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgsweep --expect 9 --out " + d + "/r2" + sums);
    ASSERT_EQ(part.status, 0) << part.out;
    EXPECT_NE(part.out.find("partial sweep, 6 of 9 grid points"), std::string::npos) << part.out;
    EXPECT_NE(read_file(d + "/r2/sweep.md").find("## Design-space sweep: 6 of 9 grid points (partial"),
              std::string::npos);

    // a sweep of the baseline alone (make sweep SWEEP_CORES=baseline) has no N axis: no plot
    // against N (gnuplot refuses the empty range), the others are drawn
    hgt::CmdResult solo = hgt::run_cmd("mkdir -p " + d + "/r3 && " + std::string(HG_BIN_DIR) +
                                       "/hgsweep --out " + d + "/r3 " + d + "/c/reports/summary.json");
    ASSERT_EQ(solo.status, 0) << solo.out;
    EXPECT_NE(stat((d + "/r3/sweep_energy_vs_n.png").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/r3/sweep_energy_vs_d.png").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/r3/sweep_pareto_area.png").c_str(), &st), 0);

    // bad input: clear message, exit 2
    std::string bin = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + " ";
    hgt::CmdResult m = hgt::run_cmd(bin + d + "/nothere.json");
    EXPECT_EQ(m.status, 2);
    EXPECT_NE(m.out.find("JSON file '" + d + "/nothere.json': cannot open: No such file"), std::string::npos)
        << m.out;
    hgt::CmdResult dup = hgt::run_cmd(bin + d + "/a/reports/summary.json " + d + "/a/reports/summary.json");
    EXPECT_EQ(dup.status, 2);
    EXPECT_NE(dup.out.find("two summaries of the same point had d=32 P=16 N=8 L=256"), std::string::npos)
        << dup.out;
    hgt::CmdResult ref = hgt::run_cmd(bin + "--ref 64,32 " + d + "/a/reports/summary.json");
    EXPECT_EQ(ref.status, 2);
    EXPECT_NE(ref.out.find("--ref '64,32': must be D,N,L,P"), std::string::npos) << ref.out;
    hgt::CmdResult ex = hgt::run_cmd(bin + "--expect 0 " + d + "/a/reports/summary.json");
    EXPECT_EQ(ex.status, 2);
    EXPECT_NE(ex.out.find("--expect '0': must be the number of grid points"), std::string::npos) << ex.out;
    hgt::CmdResult nf =
        hgt::run_cmd(bin + "--fidelity " + d + "/a/reports/summary.json " + d + "/a/reports/summary.json");
    EXPECT_EQ(nf.status, 2);
    EXPECT_NE(nf.out.find("not hadrun --json output"), std::string::npos) << nf.out;
}

// A top-N core built with another selector (params.selector) is a point of its own beside its
// default point (HAD: counting): its own row (selector and select block in results.csv and
// sweep.json), a row of ratios to the default point in the selectors section, the same fidelity (same outputs), a
// place on the Pareto fronts of its workload; the baseline's recorded selector is ignored; the
// same point and selector twice, or an unknown selector, are refused.
TEST(Sweep, SelectorPointsBesideTheirDefaultPoint)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    auto mk = [&](const char *dir, const char *core, double area, double e, const char *sel,
                  double sel_area) {
        write_summary(d + "/" + dir, core, area, 100e3, e, 32, 8, 256, 16);
        if (sel) add_fields(d + "/" + dir, "\"params\": {", std::string("\"selector\": \"") + sel + "\", ");
        if (sel_area > 0)
            add_fields(d + "/" + dir, "\"blocks\": {",
                       "\"select\": {\"area_um2\": " + std::to_string(sel_area) + ", \"power_uw\": 20000}, ");
    };
    mk("m", "had", 1.8e6, 21, "merge", 0.8e6); // HAD's default
    mk("t", "had", 1.4e6, 17, "twostage", 0.4e6);
    mk("c", "had", 2e6, 20, "counting", 1e6);
    mk("b", "baseline", 10e6, 80, "bitonic", 0);   // recorded, unused: the baseline has no selector
    mk("to", "had", 1.5e6, 18, "twostage", 0.5e6); // without its sort cut: after twostage
    add_fields(d + "/to", "\"params\": {", "\"sort_cut\": \"off\", ");
    add_fields(d + "/b", "\"params\": {", "\"sort_cut\": \"on\", "); // the baseline's: unused too
    write_fidelity(d + "/dfid8.json", 8, 0.95, 0.1, 0.1, 256, true);
    std::string sums;
    for (const char *x : {"t", "to", "b", "c", "m"}) sums += " " + d + "/" + x + "/reports/summary.json";
    std::string bin = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + "/r ";
    hgt::CmdResult r =
        hgt::run_cmd("mkdir -p " + d + "/r && " + bin + "--fidelity " + d + "/dfid8.json" + sums);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("5 points; Pareto fronts: 1 (area/energy)"), std::string::npos) << r.out;
    std::string csv = read_file(d + "/r/results.csv");
    EXPECT_NE(csv.find(",fidelity_nn_post_training,selector,select_area_mm2,select_power_mw,sort_cut,"),
              std::string::npos)
        << csv;
    // rows in order: had merge, counting, twostage, twostage without its sort cut (the selector,
    // then the sort cut, sort last; auto first), then the baseline
    std::vector<std::string> rows = hgt::split_lines(csv);
    ASSERT_EQ(rows.size(), 6u) << csv;
    auto last4 = [](const std::string &row_) { // selector, select_area_mm2, select_power_mw, sort_cut
        return field(row_, 30) + "," + field(row_, 31) + "," + field(row_, 32) + "," + field(row_, 33);
    };
    EXPECT_EQ(last4(rows[1]), "merge,0.8,20,auto");
    EXPECT_EQ(last4(rows[2]), "counting,1,20,auto");
    EXPECT_EQ(last4(rows[3]), "twostage,0.4,20,auto");
    EXPECT_EQ(last4(rows[4]), "twostage,0.5,20,off");
    EXPECT_EQ(last4(rows[5]), "merge,,,auto");
    EXPECT_EQ(field(rows[4], 22), "0");    // twostage with its cut beats it in area and energy
    EXPECT_EQ(field(rows[3], 18), "0.95"); // the distilled fidelity of its (d, N), as merge's
    EXPECT_EQ(field(rows[3], 22) + field(rows[1], 22) + field(rows[2], 22), "100"); // twostage beats both
    std::string md = read_file(d + "/r/sweep.md");
    EXPECT_NE(md.find("P {16}, top-N selectors {merge, counting, twostage, twostage with sort cut off};"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| had | twostage, sort cut off | 32 | 256 | 16 | 8 | 0.500 | 0.625 | 0.833 | 0.857 | "
                      "50.0 | 1.000 | no |"),
              std::string::npos)
        << md;
    EXPECT_NE(read_file(d + "/r/sweep_points.dat").find(" N=8/twostage:off "), std::string::npos);
    EXPECT_NE(md.find("\n### Top-N selectors against each core's default at the same point\n"),
              std::string::npos)
        << md;
    EXPECT_NE(
        md.find(
            "| had | twostage | 32 | 256 | 16 | 8 | 0.400 | 0.500 | 0.778 | 0.810 | 50.0 | 1.000 | yes |"),
        std::string::npos)
        << md;
    EXPECT_NE(
        md.find("| had | counting | 32 | 256 | 16 | 8 | 1.000 | 1.250 | 1.111 | 0.952 | 50.0 | 1.000 | no |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| had (twostage) | 32 | 8 | 256 | 16 | 2.400 | 17.00 |"), std::string::npos) << md;
    // the HAD/baseline ratios are those of the default (merge) point
    EXPECT_NE(md.find("| 32 | 256 | 16 | 8 | 0.180 |"), std::string::npos) << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/sweep.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *p3 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 2);
    ASSERT_TRUE(p3);
    EXPECT_STREQ(cJSON_GetObjectItem(p3, "selector")->valuestring, "twostage");
    EXPECT_NEAR(cJSON_GetObjectItem(p3, "select_area_mm2")->valuedouble, 0.4, 1e-12);
    EXPECT_STREQ(cJSON_GetObjectItem(p3, "sort_cut")->valuestring, "auto");
    const cJSON *p4 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 3);
    ASSERT_TRUE(p4);
    EXPECT_STREQ(cJSON_GetObjectItem(p4, "sort_cut")->valuestring, "off");
    cJSON_Delete(j);

    hgt::CmdResult dup = hgt::run_cmd(bin + d + "/t/reports/summary.json " + d + "/t/reports/summary.json");
    EXPECT_EQ(dup.status, 2);
    EXPECT_NE(dup.out.find("two summaries of the same point had d=32 P=16 N=8 L=256 selector twostage"),
              std::string::npos)
        << dup.out;
    dup = hgt::run_cmd(bin + d + "/to/reports/summary.json " + d + "/t/reports/summary.json " + d +
                       "/to/reports/summary.json");
    EXPECT_EQ(dup.status, 2);
    EXPECT_NE(dup.out.find("same point had d=32 P=16 N=8 L=256 selector twostage, sort cut off"),
              std::string::npos)
        << dup.out;
    mk("tx", "had", 2e6, 20, "twostage", 1e6);
    add_fields(d + "/tx", "\"params\": {", "\"sort_cut\": \"never\", ");
    hgt::CmdResult badcut = hgt::run_cmd(bin + d + "/tx/reports/summary.json");
    EXPECT_EQ(badcut.status, 2);
    EXPECT_NE(badcut.out.find("params.sort_cut 'never' must be auto, on or off"), std::string::npos)
        << badcut.out;
    mk("x", "had", 2e6, 20, "heap", 1e6);
    hgt::CmdResult bad = hgt::run_cmd(bin + d + "/x/reports/summary.json");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("params.selector 'heap' is not a selector (merge, bitonic, counting or twostage)"),
              std::string::npos)
        << bad.out;
}

// A core built with other fan-out stages in its AV unit (hadgen --av-fan: params.av_fan, a string as
// hgsynth writes it, or a number) is a point of its own beside the core's auto point, the baseline
// too: each has its row (results.csv's av_fan column, sweep.json), a row of ratios to its auto
// point in the variants section, and every ratio against the baseline is against the baseline's
// auto point; the grid line names the choices; a K/V load run finds the point of its own fan-out;
// the same point twice, a bad value or K above d are refused.
TEST(Sweep, AvFanPointsBesideTheirAutoPoint)
{
    hgt::TempDir d_dir("sweep-fan");
    std::string d = d_dir.path();
    auto mk = [&](const char *dir, const char *core, double area, double e, const char *fan) {
        write_summary(d + "/" + dir, core, area, 100e3, e, 32, 8, 256, 16);
        if (fan) add_fields(d + "/" + dir, "\"params\": {", std::string("\"av_fan\": ") + fan + ", ");
    };
    mk("c", "had", 2e6, 20, nullptr);    // auto, as a summary without the key
    mk("c8", "had", 1.9e6, 21, "\"8\""); // hgsynth's form: a string
    mk("b", "baseline", 10e6, 80, "\"auto\"");
    mk("bo", "baseline", 9e6, 100, "\"off\"");
    mk("b16", "baseline", 11e6, 82, "16"); // a number, as the manifest writes it
    std::string sums;
    for (const char *x : {"b16", "c8", "bo", "c", "b"}) sums += " " + d + "/" + x + "/reports/summary.json";
    std::string bin = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + "/r ";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + bin + sums);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("hgsweep: 5 points;"), std::string::npos) << r.out;
    std::string csv = read_file(d + "/r/results.csv");
    std::vector<std::string> rows = hgt::split_lines(csv);
    ASSERT_EQ(rows.size(), 6u) << csv;
    auto last = [](const std::string &row_) { return row_.substr(row_.rfind(',') + 1); };
    EXPECT_EQ(last(rows[0]), "av_fan");
    // in order: HAD auto, HAD 8, the baseline auto, off, 16
    std::string order;
    for (size_t i = 1; i < rows.size(); i++) order += field(rows[i], 0) + ":" + last(rows[i]) + " ";
    EXPECT_EQ(order, "had:auto had:8 baseline:auto baseline:off baseline:16 ") << csv;
    // every ratio against the baseline is against its auto point (80 nJ)
    EXPECT_EQ(field(rows[1], 17), "0.25");
    EXPECT_EQ(field(rows[2], 17), "0.2625");
    EXPECT_EQ(field(rows[4], 17), "1.25");
    std::string md = read_file(d + "/r/sweep.md");
    EXPECT_NE(md.find("P {16}, AV fan-out stages {auto, off, 8, 16};"), std::string::npos) << md;
    EXPECT_NE(
        md.find(
            "\n### Top-N selectors and AV fan-out stages against each core's default at the same point\n"),
        std::string::npos)
        << md;
    // logic area and energy against the point's auto point: HAD 1.9/2, 21/20; the baseline 9/10, 100/80
    EXPECT_NE(md.find("| had | AV fan 8 | 32 | 256 | 16 | 8 | - | - | 0.950 | 1.050 | 50.0 | 1.000 | yes |"),
              std::string::npos)
        << md;
    EXPECT_NE(
        md.find("| baseline | AV fan off | 32 | 256 | 16 | all | - | - | 0.900 | 1.250 | 50.0 | 1.000 |"),
        std::string::npos)
        << md;
    EXPECT_NE(md.find("| had (AV fan 8) | 32 | 8 | 256 | 16 |"), std::string::npos)
        << md; // on the area front
    EXPECT_NE(read_file(d + "/r/sweep_points.dat").find(" dense/fanoff "), std::string::npos);
    EXPECT_NE(read_file(d + "/r/sweep_points.dat").find(" N=8/fan8 "), std::string::npos);
    cJSON *j = cJSON_Parse(read_file(d + "/r/sweep.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pts = cJSON_GetObjectItem(j, "points");
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 0), "av_fan")->valuestring, "auto");
    EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 1), "av_fan")->valueint, 8);
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 3), "av_fan")->valuestring, "off");
    cJSON_Delete(j);

    // a K/V load run of the baseline with its stages off belongs to that point, not to the auto one
    mk("bo-load", "baseline", 9e6, 100, "\"off\"");
    add_fields(d + "/bo-load", "\"energy\": {", "\"window_nj\": 8, ");
    add_fields(d + "/bo-load", "\"activity\": {", "\"cycles\": 64, ");
    hgt::CmdResult ld = hgt::run_cmd(bin + "--kv-load " + d + "/bo-load/reports/summary.json" + sums);
    ASSERT_EQ(ld.status, 0) << ld.out;
    hgt::CmdResult ld2 = hgt::run_cmd(bin + "--kv-load " + d + "/bo-load/reports/summary.json --kv-load " +
                                      d + "/bo-load/reports/summary.json" + sums);
    EXPECT_EQ(ld2.status, 2);
    EXPECT_NE(ld2.out.find("a second load run of its point"), std::string::npos) << ld2.out;
    hgt::CmdResult nob = hgt::run_cmd(bin + "--kv-load " + d + "/bo-load/reports/summary.json " + d +
                                      "/b/reports/summary.json " + d + "/c/reports/summary.json");
    EXPECT_EQ(nob.status, 2);
    EXPECT_NE(nob.out.find("no point of this core, d, P, N, L, selector, sort cut and AV fan-out"),
              std::string::npos)
        << nob.out;

    // refused: the same point twice, a value that is no choice, a stage wider than d
    hgt::CmdResult dup = hgt::run_cmd(bin + d + "/c8/reports/summary.json " + d + "/c8/reports/summary.json");
    EXPECT_EQ(dup.status, 2);
    EXPECT_NE(
        dup.out.find("two summaries of the same point had d=32 P=16 N=8 L=256 selector merge, AV fan 8"),
        std::string::npos)
        << dup.out;
    const char *bad[][2] = {{"\"wide\"",
                             "params.av_fan 'wide': must be auto, off or the dimensions a fan-out "
                             "stage serves (1..d)"},
                            {"0", "params.av_fan '0': must be auto, off"},
                            {"2.5", "params.av_fan: must be auto, off"},
                            {"1e300", "params.av_fan: must be auto, off"}, // no cast of a huge number to int
                            {"64", "params.av_fan 64: a fan-out stage serves 1..d (params.d 32) dimensions"}};
    for (auto &b : bad) {
        mk("x", "had", 2e6, 20, b[0]);
        hgt::CmdResult e = hgt::run_cmd(bin + d + "/x/reports/summary.json");
        EXPECT_EQ(e.status, 2) << b[0];
        EXPECT_NE(e.out.find(b[1]), std::string::npos) << b[0] << ": " << e.out;
    }
}

// The sweep's counted ratios (docs/synth.md): each point's K/V load run (--kv-load, matched by
// core, configuration, selector and sort cut) beside its baseline's, at one clock and at equal
// queries/s, and the fidelity front on the ratio at equal queries/s.
TEST(Sweep, KvLoadRunsGiveCountedRatiosAndAnEqualQueriesPerSecondFront)
{
    hgt::TempDir d_dir("sweep-counted");
    std::string d = d_dir.path();
    write_merge_counting(d);
    // loads over the 8 queries: 1 nJ of logic a query each, and counting 80 at a fixed supply
    write_load(d + "/had-load", "had", "merge", 8, 8);
    write_load(d + "/had-n-load", "had", "counting", 8, 8 + 640);
    write_load(d + "/base-load", "baseline", nullptr, 8, 8);
    write_fidelity(d + "/fid.json", 16, 0.8, 0.99, 0.9);
    write_fidelity(d + "/dfid.json", 16, 0.95, 0.1, 0.1, 128, true);
    std::string sums = " " + d + "/had/reports/summary.json " + d + "/had-n/reports/summary.json " + d +
                       "/base/reports/summary.json";
    std::string loads = " --kv-load " + d + "/had-load/reports/summary.json --kv-load " + d +
                        "/had-n-load/reports/summary.json --kv-load " + d + "/base-load/reports/summary.json";
    std::string cmd = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + "/r --fidelity " + d +
                      "/fid.json --fidelity " + d + "/dfid.json" + sums;
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + loads + " 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("2 (fidelity/energy at equal queries/s)"), std::string::npos) << r.out;
    cJSON *j = cJSON_Parse(read_file(d + "/r/sweep.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *pts = cJSON_GetObjectItem(j, "points");
    ASSERT_EQ(cJSON_GetArraySize(pts), 3); // had merge, had counting, baseline
    auto v = [&](int i, const char *k) {
        const cJSON *x = cJSON_GetObjectItem(cJSON_GetArrayItem(pts, i), k);
        return cJSON_IsNumber(x) ? x->valuedouble : cJSON_IsBool(x) ? (cJSON_IsTrue(x) ? 1.0 : 0.0) : -1.0;
    };
    double sb = law_supply(0.5) / 1.8, sn = law_supply(100.0 / 120) / 1.8;
    EXPECT_NEAR(v(0, "energy_vs_baseline_counted"), 21.0 / 91, 1e-12);
    EXPECT_NEAR(v(1, "energy_vs_baseline_counted"), 102.0 / 91, 1e-12);
    EXPECT_NEAR(v(0, "energy_vs_baseline_equal_qps_counted"), 21 / (81 * sb * sb + 10), 1e-7);
    EXPECT_NEAR(v(1, "energy_vs_baseline_equal_qps_counted"), (22 * sn * sn + 80) / 91, 1e-7);
    EXPECT_NEAR(v(2, "energy_vs_baseline_equal_qps_counted"), 1, 1e-12);
    EXPECT_NEAR(v(0, "energy_vs_baseline"), 20.0 / 90, 1e-12); // the plain ratio stays
    // the front at equal queries/s: merge (same fidelity, less energy) beats counting
    EXPECT_EQ(v(0, "pareto_fidelity_equal_qps") + 2 * v(1, "pareto_fidelity_equal_qps") +
                  4 * v(2, "pareto_fidelity_equal_qps"),
              5);
    cJSON_Delete(j);
    std::string md = read_file(d + "/r/sweep.md");
    EXPECT_NE(md.find("### Pareto fronts: fidelity against energy per query at equal queries/s"),
              std::string::npos)
        << md;
    EXPECT_GT(read_file(d + "/r/sweep_pareto_fidelity_qps.png").size(), 1000u);
    // without the counting point's load, its counted ratios are not given (no load against a load)
    r = hgt::run_cmd(cmd + " --kv-load " + d + "/had-load/reports/summary.json --kv-load " + d +
                     "/base-load/reports/summary.json 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    j = cJSON_Parse(read_file(d + "/r/sweep.json").c_str());
    ASSERT_TRUE(j);
    pts = cJSON_GetObjectItem(j, "points");
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 1), "energy_vs_baseline_counted")));
    EXPECT_NEAR(v(0, "energy_vs_baseline_counted"), 21.0 / 91, 1e-12);
    cJSON_Delete(j);
    // a load of a point the sweep lacks, and a second load of one point
    write_load(d + "/had-t-load", "had", "twostage", 8, 8);
    hgt::CmdResult b =
        hgt::run_cmd(cmd + loads + " --kv-load " + d + "/had-t-load/reports/summary.json 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("no point of this core, d, P, N, L, selector, sort cut and AV fan-out"),
              std::string::npos)
        << b.out;
    b = hgt::run_cmd(cmd + loads + " --kv-load " + d + "/had-load/reports/summary.json 2>&1");
    EXPECT_EQ(b.status, 2);
    EXPECT_NE(b.out.find("a second load run of its point"), std::string::npos) << b.out;
}

// hgsweep --noise / --noise-load: each point's flow repeated under SYN_SALT gives the band of its
// Fmax and energy over its samples, and of its ratios over every pairing of its samples with its
// baseline's, each pairing computed as hgsweep computes a point's own ratio (checked by running
// hgsweep on that pairing as the points themselves). Repeats that are not repeats are refused.
TEST(Sweep, NoiseRepeatsGiveEachPointsBand)
{
    hgt::TempDir d_dir("sweep-noise");
    std::string d = d_dir.path();
    // HAD (50 MHz, 20 nJ) and two repeats; the baseline (100 MHz, 80 + 10 nJ) and one repeat
    struct run {
        const char *dir, *core;
        int salt;
        double fmax, logic;
    } runs[] = {{"h0", "had", 0, 50, 20},
                {"h1", "had", 1, 45, 22},
                {"h2", "had", 2, 55, 19},
                {"b0", "baseline", 0, 100, 80},
                {"b1", "baseline", 1, 90, 84}};
    for (const run &x : runs) {
        bool base = std::string(x.core) == "baseline";
        write_qps_summary(d + "/" + x.dir, x.core, nullptr, x.fmax, x.logic, base ? 10 : 0, 0);
        write_load(d + "/" + x.dir + "-load", x.core, nullptr, 8, base ? 16 : 8 + x.salt);
        if (x.salt)
            for (const char *w : {"", "-load"})
                add_fields(d + "/" + x.dir + w, "{", "\"syn_salt\": " + std::to_string(x.salt) + ", ");
    }
    auto sum = [&](const std::string &r) { return " " + d + "/" + r + "/reports/summary.json"; };
    auto sweep = [&](const std::string &args) {
        return hgt::run_cmd("mkdir -p " + d + "/r && " + std::string(HG_BIN_DIR) + "/hgsweep --out " + d +
                            "/r" + args + " 2>&1");
    };
    auto points = [&]() {
        cJSON *j = cJSON_Parse(read_file(d + "/r/sweep.json").c_str());
        EXPECT_TRUE(j);
        return j;
    };
    auto num = [](const cJSON *o, const char *k) {
        const cJSON *x = cJSON_GetObjectItem(o, k);
        return cJSON_IsNumber(x) ? x->valuedouble : NAN;
    };
    // each pairing as a sweep of its own: HAD's plain and equal-queries/s ratios
    std::vector<double> plain, qps;
    for (const char *h : {"h0", "h1", "h2"})
        for (const char *b : {"b0", "b1"}) {
            hgt::CmdResult r = sweep(" --kv-load" + sum(std::string(h) + "-load") + " --kv-load" +
                                     sum(std::string(b) + "-load") + sum(h) + sum(b));
            ASSERT_EQ(r.status, 0) << r.out;
            cJSON *j = points();
            const cJSON *had = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0);
            plain.push_back(num(had, "energy_vs_baseline"));
            qps.push_back(num(had, "energy_vs_baseline_equal_qps_counted"));
            EXPECT_TRUE(std::isfinite(qps.back())) << h << " " << b;
            cJSON_Delete(j);
        }
    std::string all = " --kv-load" + sum("h0-load") + " --kv-load" + sum("b0-load") + " --noise" + sum("h1") +
                      " --noise" + sum("h2") + " --noise" + sum("b1") + " --noise-load" + sum("h1-load") +
                      " --noise-load" + sum("h2-load") + " --noise-load" + sum("b1-load") + sum("h0") +
                      sum("b0");
    hgt::CmdResult r = sweep(all);
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = points();
    const cJSON *had = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0),
                *base = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 1);
    EXPECT_EQ(num(had, "noise_repeats"), 2);
    EXPECT_EQ(num(base, "noise_repeats"), 1);
    EXPECT_EQ(num(had, "fmax_mhz"), 50); // the point's own figures stay its run's
    EXPECT_NEAR(num(had, "energy_vs_baseline_equal_qps_counted"), qps[0], 1e-12);
    EXPECT_EQ(num(had, "fmax_mhz_noise_low"), 45);
    EXPECT_EQ(num(had, "fmax_mhz_noise_high"), 55);
    EXPECT_EQ(num(had, "energy_per_query_nj_noise_low"), 19);
    EXPECT_EQ(num(had, "energy_per_query_nj_noise_high"), 22);
    EXPECT_EQ(num(base, "fmax_mhz_noise_low"), 90);
    EXPECT_EQ(num(base, "energy_per_query_nj_noise_high"), 94);
    EXPECT_NEAR(num(had, "energy_vs_baseline_noise_low"), *std::min_element(plain.begin(), plain.end()),
                1e-12);
    EXPECT_NEAR(num(had, "energy_vs_baseline_noise_high"), *std::max_element(plain.begin(), plain.end()),
                1e-12);
    EXPECT_NEAR(num(had, "energy_vs_baseline_noise_low"), 19.0 / 94, 1e-12);
    EXPECT_NEAR(num(had, "energy_vs_baseline_equal_qps_counted_noise_low"),
                *std::min_element(qps.begin(), qps.end()), 1e-12);
    EXPECT_NEAR(num(had, "energy_vs_baseline_equal_qps_counted_noise_high"),
                *std::max_element(qps.begin(), qps.end()), 1e-12);
    EXPECT_LT(num(had, "energy_vs_baseline_equal_qps_counted_noise_low"),
              num(had, "energy_vs_baseline_equal_qps_counted_noise_high"));
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(base, "energy_vs_baseline_noise_low"))); // 1 by definition
    cJSON_Delete(j);
    std::string md = read_file(d + "/r/sweep.md"), csv = read_file(d + "/r/results.csv");
    EXPECT_NE(md.find("### Synthesis noise"), std::string::npos) << md;
    EXPECT_NE(md.find("| had | 32 | 128 | 8 | 16 | 2 (1, 2) | 50.0 (45.0-55.0) | 20.0 (19.0-22.0) |"),
              std::string::npos)
        << md;
    EXPECT_NE(csv.find(",noise_repeats,fmax_mhz_noise_low,"), std::string::npos);
    EXPECT_EQ(field(row(csv, "had,32,8,16,128"), 42), "45");
    // --help lists both options, each on its own lines
    hgt::CmdResult h = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgsweep --help");
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("\n  --noise F "), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("ratios in the band\n  --ref D,N,L,P"), std::string::npos) << h.out;
    // without repeats: no section, empty band fields
    r = sweep(sum("h0") + sum("b0"));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(d + "/r/sweep.md").find("### Synthesis noise"), std::string::npos);
    EXPECT_EQ(field(row(read_file(d + "/r/results.csv"), "had,32,8,16,128"), 42), "");

    // not repeats: no salt, another window, a failed gate-level check, a salt twice, no such point
    write_qps_summary(d + "/nosalt", "had", nullptr, 50, 20, 0, 0);
    write_qps_summary(d + "/window", "had", nullptr, 50, 20, 0, 0, 300);
    add_fields(d + "/window", "{", "\"syn_salt\": 3, ");
    write_qps_summary(d + "/failed", "had", nullptr, 50, 20, 0, 0);
    std::string f = read_file(d + "/failed/reports/summary.json");
    f.replace(f.find("\"pass\""), 6, "\"fail\"");
    write_file(d + "/failed/reports/summary.json", "{\"syn_salt\": 4, " + f.substr(1));
    write_qps_summary(d + "/other", "had", "counting", 50, 20, 0, 0);
    add_fields(d + "/other", "{", "\"syn_salt\": 5, ");
    struct bad {
        std::string args, why;
    } bads[] = {
        {" --noise" + sum("nosalt"), "no syn_salt >= 1"},
        {" --noise" + sum("window"),
         "another configuration, stimulus or activity window than the point's run"},
        {" --noise" + sum("failed"), "its gate-level check did not pass"},
        {" --noise" + sum("h1") + " --noise" + sum("h1"), "a second repeat of its point with this syn_salt"},
        {" --noise" + sum("other"), "no point of this core, d, P, N, L, selector, sort cut and AV fan-out"},
        {" --noise-load" + sum("h1-load"), "no --noise repeat of its point with its syn_salt"},
        {" --noise" + sum("h1") + " --noise-load" + sum("h1-load") + " --noise-load" + sum("h1-load"),
         "a second load run of that repeat"},
    };
    for (const bad &b : bads) {
        r = sweep(b.args + sum("h0") + sum("b0"));
        EXPECT_EQ(r.status, 2) << b.args << "\n" << r.out;
        EXPECT_NE(r.out.find(b.why), std::string::npos) << b.args << "\n" << r.out;
    }
}

// make sweep-list: the grid's point names and the hadgen options each is built with, a
// selector's sort cut (SELECTOR:SORT_CUT) in both; counting for HAD only, the baseline once per
// (d, P, L) without a selector; the options build the point named (hadgen's manifest).
TEST(Sweep, ListNamesEveryPointAndItsHadgenOptions)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    hgt::CmdResult r =
        hgt::run_cmd("make -s -C " + std::string(HG_SRC_DIR) + " SWEEP_DIR=" + d +
                     "/sw SWEEP_D=16 SWEEP_N='4 8' SWEEP_L=32 SWEEP_P=4 SWEEP_SELECTORS='default "
                     "twostage:off counting' sweep-list 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    const char *want =
        "had-d16-p4-n4-l32: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32\n"
        "had-d16-p4-n4-l32-twostage-off: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 --selector "
        "twostage --sort-cut off\n"
        "had-d16-p4-n4-l32-counting: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 --selector "
        "counting\n"
        "had-d16-p4-n8-l32: --core had --d 16 --lanes 4 --top-n 8 --max-keys 32\n"
        "had-d16-p4-n8-l32-twostage-off: --core had --d 16 --lanes 4 --top-n 8 --max-keys 32 --selector "
        "twostage --sort-cut off\n"
        "had-d16-p4-n8-l32-counting: --core had --d 16 --lanes 4 --top-n 8 --max-keys 32 --selector "
        "counting\n"
        "baseline-d16-p4-n4-l32: --core baseline --d 16 --lanes 4 --top-n 4 --max-keys 32\n"
        "int8-topn-d16-p4-n4-l32: --core int8-topn --d 16 --lanes 4 --top-n 4 --max-keys 32\n"
        "int8-topn-d16-p4-n4-l32-twostage-off: --core int8-topn --d 16 --lanes 4 --top-n 4 --max-keys 32 "
        "--selector twostage --sort-cut off\n"
        "int8-topn-d16-p4-n8-l32: --core int8-topn --d 16 --lanes 4 --top-n 8 --max-keys 32\n"
        "int8-topn-d16-p4-n8-l32-twostage-off: --core int8-topn --d 16 --lanes 4 --top-n 8 --max-keys 32 "
        "--selector twostage --sort-cut off\n";
    EXPECT_EQ(r.out, want);
    // the options of a point with a sort cut make that core
    std::string line = r.out.substr(r.out.find("int8-topn-d16-p4-n8-l32-twostage-off: "));
    std::string args = line.substr(line.find(": ") + 2, line.find('\n') - line.find(": ") - 2);
    hgt::CmdResult g =
        hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadgen " + args + " --out " + d + "/rtl 2>&1");
    ASSERT_EQ(g.status, 0) << g.out;
    std::string man = read_file(d + "/rtl/manifest.json");
    cJSON *j = cJSON_Parse(man.c_str());
    ASSERT_TRUE(j) << man;
    const cJSON *pa = cJSON_GetObjectItem(j, "params");
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(pa, "core")), "int8-topn");
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(pa, "selector")), "twostage");
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(pa, "sort_cut")), "off");
    EXPECT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(pa, "top_n")), 8);
    cJSON_Delete(j);

    // SWEEP_AV_FAN: each choice a point of every core, a stage wider than d left out
    r = hgt::run_cmd("make -s -C " + std::string(HG_SRC_DIR) + " SWEEP_DIR=" + d +
                     "/sw SWEEP_D=16 SWEEP_N=4 SWEEP_L=32 SWEEP_P=4 SWEEP_CORES='had baseline' "
                     "SWEEP_SELECTORS='default merge' SWEEP_AV_FAN='auto off 8 32' sweep-list 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(
        r.out,
        "had-d16-p4-n4-l32: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32\n"
        "had-d16-p4-n4-l32-merge: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 --selector merge\n"
        "had-d16-p4-n4-l32-fanoff: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 --av-fan off\n"
        "had-d16-p4-n4-l32-merge-fanoff: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 "
        "--selector merge --av-fan off\n"
        "had-d16-p4-n4-l32-fan8: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 --av-fan 8\n"
        "had-d16-p4-n4-l32-merge-fan8: --core had --d 16 --lanes 4 --top-n 4 --max-keys 32 "
        "--selector merge --av-fan 8\n"
        "baseline-d16-p4-n4-l32: --core baseline --d 16 --lanes 4 --top-n 4 --max-keys 32\n"
        "baseline-d16-p4-n4-l32-fanoff: --core baseline --d 16 --lanes 4 --top-n 4 --max-keys 32 "
        "--av-fan off\n"
        "baseline-d16-p4-n4-l32-fan8: --core baseline --d 16 --lanes 4 --top-n 4 --max-keys 32 "
        "--av-fan 8\n");
    line = r.out.substr(r.out.find("had-d16-p4-n4-l32-merge-fan8: "));
    args = line.substr(line.find(": ") + 2, line.find('\n') - line.find(": ") - 2);
    g = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadgen " + args + " --out " + d + "/rtl-fan 2>&1");
    ASSERT_EQ(g.status, 0) << g.out;
    j = cJSON_Parse(read_file(d + "/rtl-fan/manifest.json").c_str());
    ASSERT_TRUE(j);
    pa = cJSON_GetObjectItem(j, "params");
    EXPECT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(pa, "av_fan")), 8);
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(pa, "selector")), "merge");
    cJSON_Delete(j);
    r = hgt::run_cmd("make -s -C " + std::string(HG_SRC_DIR) + " SWEEP_DIR=" + d +
                     "/sw SWEEP_AV_FAN='auto wide' sweep-list 2>&1");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(
        r.out.find("SWEEP_AV_FAN: 'wide' must be auto, off or the dimensions behind each fan-out stage"),
        std::string::npos)
        << r.out;
}

// make sweep end to end on a tiny grid (d=8, P=4, N=2 and 4, L=16; 5 points of three cores,
// Icarus captures for speed): every point computed, results written; a second make sweep
// recomputes nothing; a point whose summary is removed is the only one recomputed.
// A summary whose Fmax, area or energy is not a positive finite number (a flow without
// timing) is refused instead of reaching results.csv as -1 or 0.
TEST(Sweep, SummariesWithoutPositiveFiguresAreRefused)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    struct Case {
        const char *bad, *msg;
    } cases[] = {{"\"fmax_mhz\": -1", "must be finite and > 0"},
                 {"\"fmax_mhz\": 0", "must be finite and > 0"},
                 {"\"fmax_mhz\": 1e999", "key timing.fmax_mhz missing or not a finite number"}};
    for (const Case &c : cases) {
        const char *bad = c.bad;
        write_summary(d + "/had", "had", 2e6, 100e3, 20);
        std::string p = d + "/had/reports/summary.json", j = hgt::read_file(p);
        j.replace(j.find("\"fmax_mhz\": 50"), strlen("\"fmax_mhz\": 50"), bad);
        hgt::write_file(p, j);
        hgt::CmdResult r = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgsweep --out " + d + "/r " + p);
        EXPECT_EQ(r.status, 2) << bad << ": " << r.out;
        EXPECT_NE(r.out.find(c.msg), std::string::npos) << bad << ": " << r.out;
    }
}

TEST(SweepMake, FillsTheGridAndKeepsComputedPointsUntilTheirVerilogChanges)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_file(d + "/s.txt", "The cat sat on the mat.\nA short second sentence.\nThe third one is here.\n");
    std::string mk = "make -s -C " + std::string(HG_SRC_DIR) + " -j2 SWEEP_DIR=" + d +
                     "/sw SWEEP_D=8 SWEEP_N='2 4' SWEEP_L=16 SWEEP_P=4 SWEEP_SENTENCES=" + d +
                     "/s.txt SWEEP_FLOW_VARS=CAPTURE_CMD=bench ";
    hgt::CmdResult r = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string csv = read_file(d + "/sw/results.csv");
    for (const char *key :
         {"had,8,4,2,16", "had,8,4,4,16", "baseline,8,4,2,16", "int8-topn,8,4,2,16", "int8-topn,8,4,4,16"})
        EXPECT_NE(row(csv, key), "") << key << "\n" << csv;
    EXPECT_NE(r.out.find("(5 of 5;"), std::string::npos) << r.out;
    EXPECT_NE(read_file(d + "/sw/sweep.md").find("## Design-space sweep: 5 points"), std::string::npos);
    struct stat st;
    EXPECT_EQ(stat((d + "/sw/sweep_pareto_area.png").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/sw/fidelity_n4.json").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/sw/fidelity_distilled_n4.json").c_str(), &st), 0); // HAD on the distilled model

    hgt::CmdResult again = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(again.out.find("== sweep point"), std::string::npos) << again.out;
    EXPECT_EQ(read_file(d + "/sw/results.csv"), csv);

    ASSERT_EQ(remove((d + "/sw/had-d8-p4-n4-l16/reports/summary.json").c_str()), 0);
    hgt::CmdResult one = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(one.status, 0) << one.out;
    EXPECT_NE(one.out.find("== sweep point had-d8-p4-n4-l16"), std::string::npos) << one.out;
    EXPECT_EQ(one.out.find("== sweep point had-d8-p4-n2-l16"), std::string::npos) << one.out;
    EXPECT_EQ(read_file(d + "/sw/results.csv"), csv); // same point, same figures

    // a point computed from other Verilog than hadgen makes for it now (as after a change of a
    // block in rtl/src) is computed again, and only that point
    std::string v = d + "/sw/had-d8-p4-n2-l16/rtl/hg_xnor_lane.v";
    ASSERT_TRUE(hgt::exists(v));
    write_file(v, read_file(v) + "// an earlier version of the block\n");
    hgt::CmdResult stale = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(stale.status, 0) << stale.out;
    EXPECT_NE(stale.out.find("== sweep point had-d8-p4-n2-l16: its RTL differs from the RTL it was computed "
                             "from: computing it again"),
              std::string::npos)
        << stale.out;
    for (const char *other : {"had-d8-p4-n4-l16", "baseline-d8-p4-n2-l16", "int8-topn-d8-p4-n2-l16"})
        EXPECT_EQ(stale.out.find(std::string("== sweep point ") + other), std::string::npos) << other << "\n"
                                                                                             << stale.out;
    EXPECT_EQ(read_file(v).find("an earlier version"), std::string::npos)
        << "the point's RTL was not regenerated";
    EXPECT_EQ(read_file(d + "/sw/results.csv"), csv);
}

// make sweep SWEEP_NOISE_SALTS: each point's flow and K/V load again under each SYN_SALT on the
// point's captures (real flows), the band in the results; kept while the point stands, and
// redone with it when its Verilog changes; a salt that is not a seed is refused.
TEST(SweepMake, NoiseSaltsRepeatEachPointAndFollowItsVerilog)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_file(d + "/s.txt", "The cat sat on the mat.\nA short second sentence.\nThe third one is here.\n");
    std::string mk =
        "make -s -C " + std::string(HG_SRC_DIR) + " -j2 SWEEP_DIR=" + d +
        "/sw SWEEP_D=8 SWEEP_N=2 SWEEP_L=16 SWEEP_P=4 SWEEP_CORES='had baseline' SWEEP_SENTENCES=" + d +
        "/s.txt SWEEP_FLOW_VARS=CAPTURE_CMD=bench ";
    hgt::CmdResult r = hgt::run_cmd(mk + "SWEEP_NOISE_SALTS=3 sweep 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    for (const char *p : {"had-d8-p4-n2-l16", "baseline-d8-p4-n2-l16"}) {
        EXPECT_NE(r.out.find(std::string("== sweep noise: ") + p + " at SYN_SALT=3"), std::string::npos)
            << r.out;
        std::string rep = d + "/sw/" + p + "/noise-s3";
        cJSON *j = cJSON_Parse(read_file(rep + "/reports/summary.json").c_str());
        ASSERT_TRUE(j) << rep;
        EXPECT_EQ(cJSON_GetObjectItem(j, "syn_salt")->valueint, 3);
        cJSON_Delete(j);
        EXPECT_TRUE(hgt::exists(rep + "/load/reports/summary.json")) << rep;
    }
    std::string csv = read_file(d + "/sw/results.csv");
    EXPECT_EQ(field(row(csv, "had,8,4,2,16"), 41), "1") << csv;
    EXPECT_NE(field(row(csv, "had,8,4,2,16"), 48), "") << csv; // equal queries/s band, counted
    EXPECT_NE(read_file(d + "/sw/sweep.md").find("| had | 8 | 16 | 4 | 2 | 1 (3) |"), std::string::npos);

    hgt::CmdResult again = hgt::run_cmd(mk + "SWEEP_NOISE_SALTS=3 sweep 2>&1");
    ASSERT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(again.out.find("== sweep"), std::string::npos) << again.out;
    EXPECT_EQ(read_file(d + "/sw/results.csv"), csv);

    std::string v = d + "/sw/had-d8-p4-n2-l16/rtl/hg_xnor_lane.v";
    write_file(v, read_file(v) + "// an earlier version of the block\n");
    hgt::CmdResult stale = hgt::run_cmd(mk + "SWEEP_NOISE_SALTS=3 sweep 2>&1");
    ASSERT_EQ(stale.status, 0) << stale.out;
    EXPECT_NE(stale.out.find("== sweep noise: had-d8-p4-n2-l16 at SYN_SALT=3"), std::string::npos)
        << stale.out;
    EXPECT_EQ(stale.out.find("== sweep noise: baseline"), std::string::npos) << stale.out;

    hgt::CmdResult bad = hgt::run_cmd(mk + "SWEEP_NOISE_SALTS='3 0' sweep 2>&1");
    EXPECT_NE(bad.status, 0);
    EXPECT_NE(bad.out.find("SWEEP_NOISE_SALTS: '0' is not a seed 1..999999"), std::string::npos) << bad.out;
}

// make sweep SWEEP_AV_FAN: a point of each fan-out choice, each its own Verilog through the real
// flow (the stages in the netlist, params.av_fan in the summary), both in the results, the choice's
// row against the auto point; a second make sweep recomputes nothing.
TEST(SweepMake, AvFanChoicesArePointsOfTheirOwn)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_file(d + "/s.txt", "The cat sat on the mat.\nA short second sentence.\nThe third one is here.\n");
    std::string mk =
        "make -s -C " + std::string(HG_SRC_DIR) + " -j2 SWEEP_DIR=" + d +
        "/sw SWEEP_D=8 SWEEP_N=2 SWEEP_L=16 SWEEP_P=4 SWEEP_CORES=baseline SWEEP_AV_FAN='auto 4' "
        "SWEEP_SENTENCES=" +
        d + "/s.txt SWEEP_FLOW_VARS=CAPTURE_CMD=bench ";
    hgt::CmdResult r = hgt::run_cmd(mk + "sweep 2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string pa = d + "/sw/baseline-d8-p4-n2-l16", pf = pa + "-fan4";
    for (const std::string &p : {pa, pf}) { // the manifest's choice: auto as a string, K as a number
        cJSON *m = cJSON_Parse(read_file(p + "/rtl/manifest.json").c_str());
        ASSERT_TRUE(m) << p;
        const cJSON *f = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "params"), "av_fan");
        EXPECT_TRUE(p == pa ? cJSON_IsString(f) && std::string(f->valuestring) == "auto"
                            : cJSON_IsNumber(f) && f->valueint == 4)
            << p;
        cJSON_Delete(m);
    }
    cJSON *j = cJSON_Parse(read_file(pf + "/reports/summary.json").c_str());
    ASSERT_TRUE(j);
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "params"), "av_fan")), "4");
    cJSON_Delete(j);
    std::string csv = read_file(d + "/sw/results.csv");
    std::vector<std::string> rows = hgt::split_lines(csv);
    ASSERT_EQ(rows.size(), 3u) << csv;
    EXPECT_EQ(rows[1].substr(rows[1].rfind(',') + 1), "auto");
    EXPECT_EQ(rows[2].substr(rows[2].rfind(',') + 1), "4");
    std::string md = read_file(d + "/sw/sweep.md");
    EXPECT_NE(md.find("AV fan-out stages {auto, 4}"), std::string::npos) << md;
    EXPECT_NE(md.find("| baseline | AV fan 4 | 8 | 16 | 4 | all | - | - |"), std::string::npos) << md;
    hgt::CmdResult again = hgt::run_cmd(mk + "sweep 2>&1");
    ASSERT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(again.out.find("== sweep point"), std::string::npos) << again.out;
}

// hgsweep cast a fidelity file's core.d, core.top_n and sentences.max_tokens to int unchecked:
// 1e300 or a value that is not a number was undefined behaviour (found while writing the fuzz
// target summary, docs/reliability.md "Fuzzing"). They, and a summary's params, must be whole
// numbers in range.
TEST(Sweep, FidelityAndSummaryNumbersMustBeWhole)
{
    hgt::TempDir d_dir("report");
    std::string d = d_dir.path();
    write_summary(d + "/a", "had", 2e6, 100e3, 20);
    std::string sum = d + "/a/reports/summary.json",
                bin = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + "/r ";
    for (const char *v : {"1e300", "-5", "2.5", "\"32\"", "null"}) {
        write_file(d + "/f.json", std::string("{\"sentences\": {\"max_tokens\": 128}, \"core\": {\"d\": ") +
                                      v + ", \"top_n\": 16}, \"backends\": []}\n");
        hgt::CmdResult r = hgt::run_cmd(bin + "--fidelity " + d + "/f.json " + sum);
        EXPECT_EQ(r.status, 2) << v << ": " << r.out;
        EXPECT_NE(r.out.find("--fidelity '" + d +
                             "/f.json': core.d missing or not a whole number >= 1 (not hadrun "
                             "--json output?)"),
                  std::string::npos)
            << v << ": " << r.out;
    }
    // a summary's params.d of 2.5 was taken as 2
    std::string j = read_file(sum);
    write_file(sum, j.replace(j.find("\"d\": 32"), strlen("\"d\": 32"), "\"d\": 2.5"));
    hgt::CmdResult r = hgt::run_cmd(bin + sum);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("'" + sum +
                         "': params.d missing or not a whole number in 1..1000000 (not a flow "
                         "summary.json?)"),
              std::string::npos)
        << r.out;
}

} // namespace

// The value-precision section (hgreport --vbits, --vbits-fidelity): each narrow run beside the
// point's 8-bit run of the same core (V memory, AV unit, logic, total, power, energy per query
// and their ratios), HAD over the baseline at both widths, and the golden backends' fidelity
// at each width; runs and files that do not fit are refused naming what is wrong.
TEST(Report, ValueBitsBesideThe8BitRuns)
{
    hgt::TempDir d_dir("report-vbits");
    std::string d = d_dir.path();
    auto mk = [&](const char *dir, const char *core, double area, double power, double e, int vb, double vmem,
                  int cycles, int queries) {
        std::string mem = ", \"memories\": [{\"name\": \"x_kmem\", \"instances\": 1, \"area_um2\": 5}, "
                          "{\"name\": \"x_vmem\", \"instances\": 2, \"area_um2\": " +
                          std::to_string(vmem / 2) + "}]";
        write_summary(d + "/" + dir, core, area, power, e, 32, 16, 128, 8, "", mem);
        add_fields(d + "/" + dir, "\"activity\": {",
                   "\"cycles\": " + std::to_string(cycles) + ", \"queries\": " + std::to_string(queries) +
                       ", ");
        if (vb) add_fields(d + "/" + dir, "\"params\": {", "\"v_bits\": " + std::to_string(vb) + ", ");
    };
    mk("had", "had", 2e6, 100e3, 20, 0, 400e3, 100, 10);
    mk("base", "baseline", 10e6, 400e3, 80, 8, 4e6, 100, 10);
    mk("had-4", "had", 1.5e6, 80e3, 16, 4, 200e3, 98, 10); // a shorter reciprocal: fewer cycles
    mk("base-4", "baseline", 8e6, 300e3, 60, 4, 2e6, 100, 10);
    mk("had-q", "had", 1.5e6, 80e3, 16, 4, 200e3, 100, 9);
    auto vbits = [](const std::string &json, int vb) {
        std::string s = json, key = "\"core\": {";
        s.insert(s.find(key) + key.size(), "\"v_bits\": " + std::to_string(vb) + ", ");
        return s;
    };
    write_file(d + "/dist8.json", run_json(true, 16, 128, 220, {"golden-had:0.9785:0.877:0.0195"}));
    write_file(d + "/orig8.json", run_json(false, 16, 128, 220,
                                           {"golden-had:0.81:0.736:0.05", "golden-baseline:0.999:0.99:0.001",
                                            "golden-int8-topn:0.99:0.95:0.005"}));
    write_file(d + "/dist4.json", vbits(run_json(true, 16, 128, 220, {"golden-had:0.968:0.841:0.0229"}), 4));
    write_file(d + "/orig4.json",
               vbits(run_json(false, 16, 128, 220, {"golden-baseline:0.995:0.98:0.004"}), 4));
    write_file(d + "/v9.json", vbits(run_json(false, 16, 128, 220, {"golden-baseline:0.995:0.98:0.004"}), 9));
    std::string ch = vbits(run_json(true, 16, 128, 220, {"golden-had:0.976:0.868:0.0201"}), 4),
                key = "\"core\": {";
    ch.insert(ch.find(key) + key.size(), "\"v_scale\": \"channel\", ");
    write_file(d + "/dist4c.json", ch);
    std::string bad_scale = ch;
    bad_scale.replace(bad_scale.find("\"channel\""), 9, "\"block\"");
    write_file(d + "/badscale.json", bad_scale);
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base' --out " + d + "/r ";
    std::string fid = "--vbits-fidelity " + d + "/dist8.json --vbits-fidelity " + d +
                      "/orig8.json --vbits-fidelity " + d + "/dist4.json --vbits-fidelity " + d +
                      "/orig4.json --vbits-fidelity " + d + "/dist4c.json ";
    hgt::CmdResult r = hgt::run_cmd("mkdir -p " + d + "/r && " + cmd + "--vbits 'p=" + d + "/had-4," + d +
                                    "/base-4' " + fid + "2>&1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string md = read_file(d + "/r/report.md");
    for (const char *line : {
             "\n## Value precision (hadgen --v-bits)\n",
             "| p | had | 8 | 0.4000 | 1.0000 | 2.000 | 3.000 | 100.00 | 20.000 |",
             "| p | had | 4 | 0.2000 | 0.7500 | 1.500 | 2.500 | 80.00 | 16.000 |",
             "| p | had | **4 / 8** | **0.500** | **0.750** | **0.750** | **0.833** | **0.800** | **0.800** "
             "|",
             "| p | baseline | **4 / 8** | **0.500** | **0.800** | **0.800** | **0.818** | **0.750** | "
             "**0.750** |",
             "| p | 8 | 0.273 | 0.250 |\n| p | 4 | 0.278 | 0.267 |",
             "| backend | V 8 bits | V 4 bits | V 4 bits, per channel |",
             "| HAD distilled | 0.9785 / 0.0195 / 0.877 | 0.9680 / 0.0229 / 0.841 | 0.9760 / 0.0201 / 0.868 "
             "|",
             "| HAD post-training | 0.8100 / 0.0500 / 0.736 | - | - |",
             "| baseline | 0.9990 / 0.0010 / 0.990 | 0.9950 / 0.0040 / 0.980 | - |",
         })
        EXPECT_NE(md.find(line), std::string::npos) << line << "\n" << md;
    cJSON *j = cJSON_Parse(read_file(d + "/r/report.json").c_str());
    ASSERT_TRUE(j);
    const cJSON *vbj = cJSON_GetObjectItem(j, "value_bits");
    const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(vbj, "hardware"), 0);
    ASSERT_TRUE(h) << md;
    EXPECT_EQ(cJSON_GetObjectItem(h, "v_bits")->valueint, 4);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "ratio"), "vmem_area")->valuedouble, 0.5, 1e-12);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "narrow"), "energy_per_query_nj")->valuedouble, 16,
                1e-12);
    const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(vbj, "fidelity"), 0);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "by_v_bits"), "4"), "nn_agree")
                    ->valuedouble,
                0.841, 1e-12);
    cJSON_Delete(j);
    // without the options, no section
    ASSERT_EQ(hgt::run_cmd(cmd + " 2>&1").status, 0);
    EXPECT_EQ(read_file(d + "/r/report.md").find("Value precision"), std::string::npos);

    struct Case {
        std::string args, what;
    } bad[] = {
        {"--vbits 'p=" + d + "/had'", "params.v_bits must be a whole number in 2..7"},
        {"--vbits 'p=" + d + "/base'", "params.v_bits must be a whole number in 2..7"},
        {"--vbits 'p=" + d + "/had-q'", "activity.queries is 9, the point's had run has 10"},
        {"--vbits 'q=" + d + "/had-4'", "no --point of that name"},
        {"--vbits 'p='", "must be NAME=RUN_DIR"},
        {"--vbits-fidelity " + d + "/dist4.json --vbits-fidelity " + d + "/dist4.json",
         "a second run at 4 value bits, a scale per head, on the distilled model"},
        {"--vbits-fidelity " + d + "/v9.json", "core.v_bits is not a whole number in 2..8"},
        {"--vbits-fidelity " + d + "/badscale.json", "core.v_scale is not \"head\" or \"channel\""},
        {"--fidelity " + d + "/dist4c.json", "with a scale per channel"},
        {"--fidelity " + d + "/dist4.json", "core.v_bits is 4; the fidelity tables are of 8-bit values"},
    };
    for (const Case &c : bad) {
        hgt::CmdResult b = hgt::run_cmd(cmd + c.args + " 2>&1");
        EXPECT_EQ(b.status, 2) << c.args << "\n" << b.out;
        EXPECT_NE(b.out.find(c.what), std::string::npos) << c.args << "\n" << b.out;
    }
}
