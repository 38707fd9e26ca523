// test_report.cc — the report stage: hgreport (ratios against the baseline, CSV tables, plots,
// a byte-identical report.json for the same inputs), make report's content-based freshness,
// hgsweep (ratios, fidelity join, Pareto fronts, partial sweeps, bad input) and make sweep
// end to end on a tiny grid.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
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
void write_summary(const std::string &dir, const char *core, double area, double power, double e, int d = 32,
                   int n = 16, int l = 128, int p = 8, const std::string &timing = "")
{
    mkdir(dir.c_str(), 0777);
    mkdir((dir + "/reports").c_str(), 0777);
    std::ofstream f(dir + "/reports/summary.json");
    f << "{\"core\": \"" << core << "\", \"params\": {\"d\": " << d << ", \"lanes\": " << p
      << ", \"top_n\": " << n << ", \"max_keys\": " << l << "},"
      << "\"liberty\": \"osu018\", \"clock_period_ns\": 10,"
      << "\"timing\": {\"fmax_mhz\": 50" << timing << "},"
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
    {
        std::ofstream f(d + "/sweep.md");
        f << "## Design-space sweep: 7 points\n";
    }
    std::string cmd = std::string(HG_BIN_DIR) + "/hgreport --point 'p=test data:" + d + "/had," + d +
                      "/base," + d + "/i8' --fidelity " + d + "/fid.json --fidelity-n 16=" + d +
                      "/fid.json --sweep-md " + d + "/sweep.md --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    std::string md = slurp(d + "/r1/report.md");
    EXPECT_NE(md.find("| had | 0.200 (-80%) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| int8-topn | 0.500 (-50%) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| golden-had | 0.500 0.600 | 0.900 |"), std::string::npos) << md;
    EXPECT_NE(r1.out.find("HAD/baseline: logic area 0.200"), std::string::npos) << r1.out;
    EXPECT_NE(md.find("\n## Design-space sweep: 7 points\n"), std::string::npos) << md; // hgsweep's section
    EXPECT_EQ(slurp(d + "/r1/report.json"), slurp(d + "/r2/report.json"));
    EXPECT_NE(slurp(d + "/r1/summary.csv").find("p,had,2,1,50,16,"), std::string::npos);
    struct stat st;
    for (const char *f : {"p_area.png", "p_power.svg", "fidelity_vs_n.png", "cycles_vs_l.svg"})
        EXPECT_EQ(stat((d + "/r1/" + f).c_str(), &st), 0) << f;
    hgt::CmdResult bad = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out " + d + " --point nonsense");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("must be NAME=STIMULUS:RUN_DIR"), std::string::npos) << bad.out;
    // --fidelity-n takes a whole N >= 1 before '=': anything else is refused, naming the value
    for (const char *fn : {"4x=", "0=", "=", "-3=", "16"}) {
        hgt::CmdResult b = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out " + d +
                                        "/r3 --point 'p=test data:" + d + "/had' --fidelity-n " + fn +
                                        (strchr(fn, '=') ? d + "/fid.json" : std::string()));
        EXPECT_EQ(b.status, 2) << fn << ": " << b.out;
        EXPECT_NE(b.out.find("--fidelity-n '" + std::string(fn)), std::string::npos) << b.out;
        EXPECT_NE(b.out.find("whole number >= 1"), std::string::npos) << b.out;
    }
}

// make report's freshness (synth/report/rp_fresh.sh): a step reruns when the content of an
// input or a parameter changes, not when a file is merely rewritten or touched.
TEST(Report, FreshnessFollowsContentNotTime)
{
    char t[] = "/tmp/hgfrXXXXXX";
    std::string d = mkdtemp(t);
    std::string script =
        "cd " + d + " && . " + std::string(HG_SRC_DIR) + "/synth/report/rp_fresh.sh && "
        "mkdir in && echo a > in/x && echo b > f && echo out > out && "
        "k1=$(rp_key 'p=1' in f) && rp_stamp out \"$k1\" && "
        "{ rp_fresh out \"$k1\" && echo FRESH; } && "
        "touch -d '+1 hour' in/x f && cat f > f.new && mv f.new f && "
        "{ [ \"$(rp_key 'p=1' in f)\" = \"$k1\" ] && echo SAME_AFTER_REWRITE; } && "
        "{ [ \"$(rp_key 'p=2' in f)\" != \"$k1\" ] && echo PARAM_CHANGES; } && "
        "echo new > in/y && k2=$(rp_key 'p=1' in f) && { [ \"$k2\" != \"$k1\" ] && echo NEW_FILE_CHANGES; } && "
        "rm in/y && echo A > in/x && { [ \"$(rp_key 'p=1' in f)\" != \"$k1\" ] && echo CONTENT_CHANGES; } && "
        "{ [ \"$(rp_key 'p=1' in f nothere)\" != \"$(rp_key 'p=1' in f)\" ] && echo MISSING_COUNTS; } && "
        "rm out && { rp_fresh out \"$k1\" || echo NO_OUTPUT_NOT_FRESH; }";
    {
        std::ofstream f(d + "/t.sh");
        f << script << "\n";
    }
    hgt::CmdResult r = hgt::run_cmd("bash " + d + "/t.sh");
    ASSERT_EQ(r.status, 0) << r.out;
    for (const char *w : {"FRESH", "SAME_AFTER_REWRITE", "PARAM_CHANGES", "NEW_FILE_CHANGES", "CONTENT_CHANGES",
                          "MISSING_COUNTS", "NO_OUTPUT_NOT_FRESH"})
        EXPECT_NE(r.out.find(w), std::string::npos) << w << "\n" << r.out;
}

// hadrun --json as hgsweep reads it: d, N, sentence length, and backends' fidelity
void write_fidelity(const std::string &path, int n, double had, double base, double i8, int max_tokens = 128)
{
    std::ofstream f(path);
    f << "{\"sentences\": {\"count\": 3, \"tokens\": 30, \"max_tokens\": " << max_tokens << "}, \"core\": {\"d\": 32, "
      << "\"top_n\": " << n << "}, \"backends\": [{\"backend\": \"golden-had\", \"recall\": 0.7, "
      << "\"cos_mean\": " << had << ", \"nn_agree\": 0.6}, {\"backend\": \"golden-baseline\", \"cos_mean\": "
      << base << ", \"nn_agree\": 0.9}, {\"backend\": \"golden-int8-topn\", \"recall\": 0.99, "
      << "\"cos_mean\": " << i8 << ", \"nn_agree\": 0.8}]}\n";
}

// CSV row of results.csv whose first five fields are core,d,p,n,l
std::string row(const std::string &csv, const std::string &key)
{
    size_t at = csv.find("\n" + key + ",");
    if (at == std::string::npos)
        return "";
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
    char t[] = "/tmp/hgswXXXXXX";
    std::string d = mkdtemp(t);
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
    write_fidelity(d + "/fid8_256.json", 8, 0.6, 0.98, 0.9, 256);  // longer texts: L=256 points take these
    std::string sums;
    for (const char *x : {"g", "f", "e", "c", "b", "a"}) // any order: rows are sorted
        sums += " " + d + "/" + x + "/reports/summary.json";
    std::string cmd = std::string(HG_BIN_DIR) + "/hgsweep --fidelity " + d + "/fid8_256.json --fidelity " + d +
                      "/fid8.json --fidelity " + d + "/fid16.json" + sums + " --out ";
    hgt::CmdResult r1 = hgt::run_cmd("mkdir -p " + d + "/r1 " + d + "/r2 && " + cmd + d + "/r1");
    ASSERT_EQ(r1.status, 0) << r1.out;
    hgt::CmdResult r2 = hgt::run_cmd(cmd + d + "/r2");
    ASSERT_EQ(r2.status, 0) << r2.out;
    EXPECT_EQ(slurp(d + "/r1/sweep.json"), slurp(d + "/r2/sweep.json"));
    EXPECT_NE(r1.out.find("6 points; Pareto fronts: 3 (area/energy), 4 (fidelity/energy)"), std::string::npos) << r1.out;
    std::string csv = slurp(d + "/r1/results.csv");
    // fields: 15 logic_area_vs_baseline, 17 energy_vs_baseline, 18 fidelity_cos, 21 fidelity_tokens,
    // 22/23 Pareto flags
    std::string a = row(csv, "had,32,16,8,256"), b = row(csv, "had,32,16,16,256");
    std::string c = row(csv, "baseline,32,16,8,256"), e = row(csv, "int8-topn,32,16,8,256");
    std::string f = row(csv, "had,64,16,8,256"), g = row(csv, "had,32,16,8,64");
    ASSERT_FALSE(a.empty() || b.empty() || c.empty() || e.empty() || f.empty() || g.empty()) << csv;
    EXPECT_EQ(field(a, 15), "0.2");
    EXPECT_EQ(field(a, 17), "0.25");
    EXPECT_EQ(field(e, 15), "0.5");
    EXPECT_EQ(field(f, 15), "");  // no baseline at d=64
    EXPECT_EQ(field(a, 18), "0.6");  // the 256-token measurement, not the 128-token one
    EXPECT_EQ(field(a, 21), "256");
    EXPECT_EQ(field(b, 18), "0.75"); // no 256-token measurement of N=16
    EXPECT_EQ(field(b, 21), "128");
    EXPECT_EQ(field(c, 18), "0.98");
    EXPECT_EQ(field(e, 18), "0.9");
    EXPECT_EQ(field(f, 18), "");  // the model's d is 32
    EXPECT_EQ(field(g, 18), "");  // L=64 cannot hold the 128-token sentences
    EXPECT_EQ(field(g, 21), "");
    // 24-27: the critical path and its slowest stage, empty where the summary has none
    EXPECT_EQ(field(a, 24) + "|" + field(a, 25) + "|" + field(a, 26) + "|" + field(a, 27), "20|15|2.5|u_av/_7_/Y");
    EXPECT_EQ(field(b, 24) + "|" + field(b, 25) + "|" + field(b, 26) + "|" + field(b, 27), "|||");
    // area/energy front: g (least energy), had64n8 (next, less area than g), had32n8 (least area)
    EXPECT_EQ(field(g, 22) + field(a, 22) + field(f, 22) + field(b, 22) + field(c, 22) + field(e, 22), "111000");
    // fidelity/energy front of (32, 256): every point (more energy, more fidelity each); none elsewhere
    EXPECT_EQ(field(a, 23) + field(e, 23) + field(c, 23) + field(b, 23) + field(f, 23) + field(g, 23), "111100");
    std::string md = slurp(d + "/r1/sweep.md");
    EXPECT_NE(md.find("| 32 | 256 | 16 | 8 | 0.200 | 0.273 | 0.250 | 0.500 | 0.500 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| int8-topn | 32 | 8 | 256 | 16 | 256 | 0.9000 |"), std::string::npos) << md;
    struct stat st;
    for (const char *x : {"sweep_pareto_area.png", "sweep_pareto_fidelity.svg", "sweep_energy_vs_n.png",
                          "sweep_area_vs_d.svg", "sweep_power_vs_l.png"})
        EXPECT_EQ(stat((d + "/r1/" + x).c_str(), &st), 0) << x;

    // a partial sweep says so
    hgt::CmdResult part = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgsweep --expect 9 --out " + d + "/r2" + sums);
    ASSERT_EQ(part.status, 0) << part.out;
    EXPECT_NE(part.out.find("partial sweep, 6 of 9 grid points"), std::string::npos) << part.out;
    EXPECT_NE(slurp(d + "/r2/sweep.md").find("## Design-space sweep: 6 of 9 grid points (partial"), std::string::npos);

    // bad input: clear message, exit 2
    std::string bin = std::string(HG_BIN_DIR) + "/hgsweep --out " + d + " ";
    hgt::CmdResult m = hgt::run_cmd(bin + d + "/nothere.json");
    EXPECT_EQ(m.status, 2);
    EXPECT_NE(m.out.find("cannot read '" + d + "/nothere.json'"), std::string::npos) << m.out;
    hgt::CmdResult dup = hgt::run_cmd(bin + d + "/a/reports/summary.json " + d + "/a/reports/summary.json");
    EXPECT_EQ(dup.status, 2);
    EXPECT_NE(dup.out.find("two summaries of the same point had d=32 P=16 N=8 L=256"), std::string::npos) << dup.out;
    hgt::CmdResult ref = hgt::run_cmd(bin + "--ref 64,32 " + d + "/a/reports/summary.json");
    EXPECT_EQ(ref.status, 2);
    EXPECT_NE(ref.out.find("--ref '64,32': must be D,N,L,P"), std::string::npos) << ref.out;
    hgt::CmdResult ex = hgt::run_cmd(bin + "--expect 0 " + d + "/a/reports/summary.json");
    EXPECT_EQ(ex.status, 2);
    EXPECT_NE(ex.out.find("--expect '0': must be the number of grid points"), std::string::npos) << ex.out;
    hgt::CmdResult nf = hgt::run_cmd(bin + "--fidelity " + d + "/a/reports/summary.json " + d + "/a/reports/summary.json");
    EXPECT_EQ(nf.status, 2);
    EXPECT_NE(nf.out.find("not hadrun --json output"), std::string::npos) << nf.out;
}

// make sweep end to end on a tiny grid (d=8, P=4, N=2 and 4, L=16; 5 points of three cores,
// Icarus captures for speed): every point computed, results written; a second make sweep
// recomputes nothing; a point whose summary is removed is the only one recomputed.
TEST(Sweep, MakeSweepFillsTheGridAndKeepsComputedPoints)
{
    char t[] = "/tmp/hgmsXXXXXX";
    std::string d = mkdtemp(t);
    {
        std::ofstream f(d + "/s.txt");
        f << "The cat sat on the mat.\nA short second sentence.\nThe third one is here.\n";
    }
    std::string mk = "make -s -C " + std::string(HG_SRC_DIR) + " -j2 SWEEP_DIR=" + d +
                     "/sw SWEEP_D=8 SWEEP_N='2 4' SWEEP_L=16 SWEEP_P=4 SWEEP_SENTENCES=" + d +
                     "/s.txt SWEEP_FLOW_VARS=CAPTURE_CMD=bench ";
    hgt::CmdResult r = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string csv = slurp(d + "/sw/results.csv");
    for (const char *key : {"had,8,4,2,16", "had,8,4,4,16", "baseline,8,4,2,16", "int8-topn,8,4,2,16",
                            "int8-topn,8,4,4,16"})
        EXPECT_NE(row(csv, key), "") << key << "\n" << csv;
    EXPECT_NE(r.out.find("(5 of 5;"), std::string::npos) << r.out;
    EXPECT_NE(slurp(d + "/sw/sweep.md").find("## Design-space sweep: 5 points"), std::string::npos);
    struct stat st;
    EXPECT_EQ(stat((d + "/sw/sweep_pareto_area.png").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/sw/fidelity_n4.json").c_str(), &st), 0);

    hgt::CmdResult again = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(again.status, 0) << again.out;
    EXPECT_EQ(again.out.find("== sweep point"), std::string::npos) << again.out;
    EXPECT_EQ(slurp(d + "/sw/results.csv"), csv);

    ASSERT_EQ(remove((d + "/sw/had-d8-p4-n4-l16/reports/summary.json").c_str()), 0);
    hgt::CmdResult one = hgt::run_cmd(mk + "sweep");
    ASSERT_EQ(one.status, 0) << one.out;
    EXPECT_NE(one.out.find("== sweep point had-d8-p4-n4-l16"), std::string::npos) << one.out;
    EXPECT_EQ(one.out.find("== sweep point had-d8-p4-n2-l16"), std::string::npos) << one.out;
    EXPECT_EQ(slurp(d + "/sw/results.csv"), csv); // same point, same figures
}

}  // namespace
