// test_report.cc — hgreport: the comparison report from flow summaries and fidelity files:
// ratios against the baseline, CSV tables, plots, and a byte-identical report.json for the
// same inputs (run metadata lives elsewhere).
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace {

std::string slurp(const std::string &p)
{
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A flow summary with the fields hgreport reads (values chosen so ratios are exact).
void write_summary(const std::string &dir, const char *core, double area, double power, double e)
{
    mkdir(dir.c_str(), 0777);
    mkdir((dir + "/reports").c_str(), 0777);
    std::ofstream f(dir + "/reports/summary.json");
    f << "{\"core\": \"" << core << "\", \"params\": {\"d\": 32, \"lanes\": 8, \"top_n\": 16, \"max_keys\": 128},"
      << "\"liberty\": \"osu018\", \"clock_period_ns\": 10,"
      << "\"timing\": {\"fmax_mhz\": 50},"
      << "\"blocks\": {\"score\": {\"area_um2\": " << area / 2 << ", \"power_uw\": " << power / 2 << "},"
      << "  \"av\": {\"area_um2\": " << area / 2 << ", \"power_uw\": " << power / 2 << "}},"
      << "\"totals\": {\"logic_area_um2\": " << area << ", \"memory_area_um2\": 1000000, \"area_um2\": "
      << area + 1000000 << ", \"logic_power_uw\": " << power << ", \"memory_power_uw\": 0, \"power_uw\": "
      << power << "},"
      << "\"activity\": {\"gate_level_check\": \"pass\"},"
      << "\"throughput\": {\"ii_cycles\": 16, \"queries_per_s_at_fmax\": 3125000},"
      << "\"energy\": {\"per_query_nj\": " << e << ", \"per_query_node_nj\": " << e / 10
      << ", \"queries_per_mj_node\": " << 1e6 / (e / 10) << "}}\n";
}

TEST(Report, RatiosTablesPlotsAndDeterministicJson)
{
    char t[] = "/tmp/hgrepXXXXXX";
    std::string d = mkdtemp(t);
    write_summary(d + "/had", "had", 2e6, 100e3, 20);
    write_summary(d + "/base", "baseline", 10e6, 400e3, 80);
    write_summary(d + "/i8", "int8-topn", 5e6, 200e3, 40);
    {
        std::ofstream f(d + "/fid.json");
        f << "{\"sentences\": {\"count\": 3, \"tokens\": 30}, \"rtl_vs_golden\": [], \"backends\": ["
             "{\"backend\": \"golden-had\", \"attn_rel_err\": [0.5, 0.6], \"recall\": 0.9, "
             "\"cos_mean\": 0.8, \"cos_min\": 0.7, \"nn_agree\": 0.75}]}\n";
    }
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base," + d + "/i8' --fidelity " + d + "/fid.json --fidelity-n 16=" + d +
                      "/fid.json --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    std::string md = slurp(d + "/r1/report.md");
    EXPECT_NE(md.find("| had | 0.200 (-80%) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| int8-topn | 0.500 (-50%) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| golden-had | 0.500 0.600 | 0.900 |"), std::string::npos) << md;
    EXPECT_NE(r1.out.find("HAD/baseline: logic area 0.200"), std::string::npos) << r1.out;
    EXPECT_EQ(slurp(d + "/r1/report.json"), slurp(d + "/r2/report.json"));
    EXPECT_NE(slurp(d + "/r1/summary.csv").find("p,had,2,1,50,16,"), std::string::npos);
    struct stat st;
    for (const char *f : {"p_area.png", "p_power.svg", "fidelity_vs_n.png", "cycles_vs_l.svg"})
        EXPECT_EQ(stat((d + "/r1/" + f).c_str(), &st), 0) << f;
    hgt::CmdResult bad = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out " + d + " --point nonsense");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("must be NAME=STIMULUS:RUN_DIR"), std::string::npos) << bad.out;
}

}  // namespace
