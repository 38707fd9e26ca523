// test_core_hadgen.cc — the hadgen command line: every bad option or combination exits 2
// with a message naming the option, the value and what is allowed; output is deterministic
// and carries the do-not-edit header; the committed rtl/ matches a regeneration; every
// emitted module is lint-clean under Verilator -Wall and compiles under Icarus.
#include "hg_testlib.h"

#include <cjson/cJSON.h>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace
{

using Result = hgt::CmdResult;
using hgt::list_dir;
using hgt::read_file;

std::string hadgen() { return std::string(HG_BIN_DIR) + "/hadgen"; }

struct BadCase {
    const char *args;
    const char *message;
};

class HadgenRejects : public testing::TestWithParam<BadCase>
{
};

TEST_P(HadgenRejects, WithExit2AndAClearMessage)
{
    hgt::TempDir d_dir("hadgen");
    std::string d = d_dir.path();
    Result r = hgt::run_cmd(hadgen() + " --out " + d + "/o " + GetParam().args);
    EXPECT_EQ(r.status, 2) << GetParam().args << "\n" << r.out;
    EXPECT_NE(r.out.find(GetParam().message), std::string::npos)
        << "args: " << GetParam().args << "\nexpected message containing: " << GetParam().message
        << "\ngot: " << r.out;
    struct stat st;
    EXPECT_NE(stat((d + "/o/manifest.json").c_str(), &st), 0) << "nothing may be written";
}

INSTANTIATE_TEST_SUITE_P(
    Options, HadgenRejects,
    testing::Values(
        BadCase{"--d 7", "--d 7: must be in 8..256"},
        BadCase{"--d 12", "--d 12: head dimension must be a multiple of 8 in 8..256"},
        BadCase{"--d 264", "--d 264: must be in 8..256"}, BadCase{"--d abc", "--d 'abc': not an integer"},
        BadCase{"--d 64x", "--d '64x': not an integer"}, BadCase{"--lanes 0", "--lanes 0: must be in 1..64"},
        BadCase{"--lanes 65", "--lanes 65: must be in 1..64"},
        BadCase{"--lanes 32 --max-keys 16 --top-n 8", "--lanes 32: lanes must not exceed --max-keys (16)"},
        BadCase{"--top-n 0", "--top-n 0: top-N must be in 1..--max-keys (1..1024)"},
        BadCase{"--top-n 2000", "--top-n 2000: top-N must be in 1..--max-keys (1..1024)"},
        BadCase{"--max-keys 64 --top-n 65", "--top-n 65: top-N must be in 1..--max-keys (1..64)"},
        BadCase{"--max-keys 0", "--max-keys 0: must be in 1..16384"},
        BadCase{"--max-keys 17000", "--max-keys 17000: must be in 1..16384"},
        BadCase{"--core foo", "--core 'foo': must be had, baseline or int8-topn"},
        BadCase{"--weight-bits 7", "--weight-bits 7: must be in 8..20"},
        BadCase{"--exp-frac-bits 9", "--exp-frac-bits 9: must be in 2..8"},
        BadCase{"--out-frac 13", "--out-frac 13: must be in 0..12"},
        BadCase{"--out-frac -1", "--out-frac -1: must be in 0..12"},
        BadCase{"--v-bits 1", "--v-bits 1: must be in 2..8"},
        BadCase{"--v-bits 9", "--v-bits 9: must be in 2..8"},
        BadCase{"--v-bits 4b", "--v-bits '4b': not an integer"},
        BadCase{"--load-width 0",
                "--load-width 0: keys per load beat must be a power of two that divides --lanes (16)"},
        BadCase{"--load-width 3",
                "--load-width 3: keys per load beat must be a power of two that divides --lanes (16)"},
        BadCase{"--lanes 12 --load-width 8",
                "--load-width 8: keys per load beat must be a power of two that divides "
                "--lanes (12)"},
        BadCase{"--load-width 32", "--load-width 32: keys per load beat must be a power of two that divides"},
        BadCase{"--load-width x", "--load-width 'x': not an integer"},
        BadCase{"--selector heap", "--selector 'heap': must be merge, bitonic, counting or twostage"},
        BadCase{"--selector Bitonic", "--selector 'Bitonic': must be merge, bitonic, counting or twostage"},
        BadCase{"--core int8-topn --selector counting",
                "--selector counting: needs --core had (it counts the keys at each of the d+1 match levels; "
                "int8-topn scores have 2^22 levels): use merge, bitonic or twostage"},
        BadCase{"--core baseline --d 32 --selector counting", "baseline scores have 2^21 levels"},
        BadCase{"--selector twostage --sort-cut yes", "--sort-cut 'yes': must be auto, on or off"},
        BadCase{"--sort-cut off", "--sort-cut off: only --selector twostage has a sort to cut (this core: "
                                  "--selector merge); leave it at auto"},
        BadCase{"--selector bitonic --sort-cut on", "only --selector twostage has a sort to cut (this core: "
                                                    "--selector bitonic)"},
        BadCase{"--core baseline --sort-cut on",
                "(this core: --selector merge, and the baseline selects none)"},
        BadCase{"--selector twostage --lanes 2 --sort-cut on",
                "--sort-cut on: --lanes 2 sorts its candidates in 1 compare-exchange level, nothing to cut: "
                "needs --lanes >= 3 (or --sort-cut auto or off)"},
        BadCase{"--selector twostage --lanes 1 --sort-cut on",
                "in 0 compare-exchange levels, nothing to cut"},
        BadCase{"--etab-shadow yes", "--etab-shadow 'yes': must be on or off"},
        BadCase{"--core int8-topn --etab-shadow on",
                "--etab-shadow on: only --core had has an exp table to shadow (int8-topn computes its "
                "weights with exp units from two registers)"},
        BadCase{"--core baseline --etab-shadow on", "only --core had has an exp table to shadow (baseline"},
        BadCase{"--av-fan 0",
                "--av-fan '0': must be auto, off or the dimensions behind each fan-out stage (1..d)"},
        BadCase{"--av-fan -4",
                "--av-fan '-4': must be auto, off or the dimensions behind each fan-out stage"},
        BadCase{"--av-fan on",
                "--av-fan 'on': must be auto, off or the dimensions behind each fan-out stage"},
        BadCase{"--av-fan 16x",
                "--av-fan '16x': must be auto, off or the dimensions behind each fan-out stage"},
        BadCase{"--d 32 --av-fan 33",
                "--av-fan 33: a fan-out stage serves 1..d (32) dimensions of the AV unit (or auto, off)"},
        BadCase{"--prefix 9x", "--prefix '9x': must be 1..24 characters of [a-z0-9_]"},
        BadCase{"--prefix Had", "--prefix 'Had': must be 1..24 characters of [a-z0-9_]"},
        BadCase{"--prefix abcdefghijklmnopqrstuvwxyz", "--prefix 'abcdefghijklmnopqrstuvwxyz': longer"},
        BadCase{"--bogus 3", "unknown option '--bogus'"}, BadCase{"--d", "option '--d' needs a value"},
        BadCase{"stray", "unexpected argument 'stray'"},
        BadCase{"--config /dev/zero", "--config '/dev/zero': is a character device"},
        BadCase{"--config /nonexistent/m.json", "--config '/nonexistent/m.json'"},
        BadCase{"--prefix \"$(printf 'a\\nb')\"", "argument 4 holds a control character (byte 0x0a)"}));

TEST(Hadgen, RequiresOut)
{
    Result r = hgt::run_cmd(hadgen() + " --core had");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("--out DIR is required"), std::string::npos) << r.out;
}

TEST(Hadgen, HelpListsEveryOption)
{
    Result r = hgt::run_cmd(hadgen() + " --help");
    EXPECT_EQ(r.status, 0);
    for (const char *o :
         {"--core",          "--d",        "--lanes",  "--top-n",      "--max-keys", "--weight-bits",
          "--exp-frac-bits", "--out-frac", "--v-bits", "--load-width", "--selector", "--sort-cut",
          "--etab-shadow",   "--prefix",   "--out",    "--force",      "--dry-run",  "--list-cores",
          "--help",          "--version",  "--av-fan"})
        EXPECT_NE(r.out.find(o), std::string::npos) << o;
}

// One list of core types (sw/base/hg_cores.def): hadgen --list-cores, the C API, make's HG_CORES,
// the backends of the layer runner, the help text and the error message all give it.
TEST(Hadgen, ListCoresIsTheOneListOfCoreTypes)
{
    std::vector<std::string> cores = hgt::core_types();
    ASSERT_EQ(cores.size(), (size_t)HG_NCORES);
    std::string names, bars;
    for (int k = 0; k < HG_NCORES; k++) {
        EXPECT_EQ(cores[k], hg_core_name((hg_core_kind)k));
        hg_core_kind back;
        EXPECT_EQ(hg_core_parse(cores[k].c_str(), &back), 0);
        EXPECT_EQ(back, (hg_core_kind)k);
        names += (k ? " " : "") + cores[k];
        bars += (k ? " | " : "") + cores[k];
    }
    Result mk = hgt::run_cmd("make -s -C " + hgt::src_dir() +
                             " --no-print-directory --eval "
                             "'hg-cores-echo: ; @echo $(HG_CORES)' hg-cores-echo");
    EXPECT_EQ(mk.out, names + "\n");
    EXPECT_NE(hgt::run_cmd(hadgen() + " --help").out.find("--core TYPE          " + bars), std::string::npos);
    std::string help = hgt::run_cmd(hadgen() + " --help").out;
    for (int k = 0; k < HG_NCORES; k++) // each type with its one-line summary (sw/base/hg_cores.def)
        EXPECT_NE(help.find("  " + cores[k] + std::string(20 - cores[k].size(), ' ') + " " +
                            hg_core_summary((hg_core_kind)k)),
                  std::string::npos)
            << help;
    Result bad = hgt::run_cmd(hadgen() + " --core nope --out x");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("--core 'nope': must be " + cores[0] + ", "), std::string::npos) << bad.out;
    Result run_help = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hadrun --help");
    for (const std::string &c : cores) {
        EXPECT_NE(run_help.out.find("golden-" + c), std::string::npos) << c;
        EXPECT_NE(run_help.out.find("rtl-" + c), std::string::npos) << c;
    }
}

TEST(Hadgen, RefusesToOverwriteForeignFilesWithoutForce)
{
    hgt::TempDir d_dir("hadgen");
    std::string d = d_dir.path();
    hgt::write_file(d + "/notes.txt", "mine\n");
    Result r = hgt::run_cmd(hadgen() + " --out " + d);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("not empty and was not written by hadgen"), std::string::npos) << r.out;
    EXPECT_EQ(read_file(d + "/notes.txt"), "mine\n");
    r = hgt::run_cmd(hadgen() + " --force --out " + d);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(d + "/notes.txt"), "mine\n");
    // regenerating over our own output is allowed, and removes files of the old core type
    r = hgt::run_cmd(hadgen() + " --core baseline --out " + d);
    EXPECT_EQ(r.status, 0) << r.out;
    struct stat st;
    EXPECT_NE(stat((d + "/had_core.v").c_str(), &st), 0);
    EXPECT_EQ(stat((d + "/base_core.v").c_str(), &st), 0);
}

TEST(Hadgen, DeterministicWithHeaderAndManifest)
{
    hgt::TempDir a_dir("hadgen"), b_dir("hadgen");
    std::string a = a_dir.path(), b = b_dir.path();
    std::string args = " --core int8-topn --d 24 --lanes 3 --top-n 5 --max-keys 31 --out out";
    ASSERT_EQ(hgt::run_cmd("cd " + a + " && " + hadgen() + args).status, 0);
    ASSERT_EQ(hgt::run_cmd("cd " + b + " && " + hadgen() + args).status, 0);
    std::vector<std::string> fa = list_dir(a + "/out"), fb = list_dir(b + "/out");
    ASSERT_EQ(fa, fb);
    ASSERT_GE(fa.size(), 10u);
    for (const std::string &f : fa) {
        std::string x = read_file(a + "/out/" + f);
        EXPECT_EQ(x, read_file(b + "/out/" + f)) << f;
        if (f.size() > 2 && f.substr(f.size() - 2) == ".v") {
            EXPECT_NE(x.find("AUTO-GENERATED by hadgen. DO NOT EDIT"), std::string::npos) << f;
            EXPECT_NE(x.find("hadgen" + args), std::string::npos) << f;
            EXPECT_NE(x.find("core=int8-topn d=24 lanes=3 top_n=5 max_keys=31"), std::string::npos) << f;
            EXPECT_EQ(x.find("2026"), std::string::npos) << "no timestamps: " << f;
        }
    }
    std::string m = read_file(a + "/out/manifest.json");
    EXPECT_NE(m.find("\"ii_cycles\":\t11"), std::string::npos) << m.substr(0, 800);
}

// The committed default cores equal a regeneration with the command in their manifest.
TEST(Hadgen, CommittedRtlIsUpToDate)
{
    std::string root = hgt::src_dir() + "/rtl/generated";
    std::vector<std::string> dirs = list_dir(root);
    ASSERT_GE(dirs.size(), 6u) << "expected the default cores in " << root;
    for (const std::string &dname : dirs) {
        std::string m = read_file(root + "/" + dname + "/manifest.json");
        size_t p = m.find("\"command\":\t\"");
        ASSERT_NE(p, std::string::npos) << dname;
        p += 12;
        std::string cmd = m.substr(p, m.find('"', p) - p);
        ASSERT_EQ(cmd.rfind("hadgen ", 0), 0u) << cmd;
        hgt::TempDir t_dir("hadgen");
        std::string t = t_dir.path();
        Result r = hgt::run_cmd("cd " + t + " && " + hadgen() + cmd.substr(6));
        ASSERT_EQ(r.status, 0) << cmd << "\n" << r.out;
        Result diff = hgt::run_cmd("diff -r " + root + "/" + dname + " " + t + "/rtl/generated/" + dname);
        EXPECT_EQ(diff.status, 0) << "rtl/generated/" << dname << " is stale; run `make rtl` and commit:\n"
                                  << diff.out.substr(0, 2000);
    }
}

// sim/'s probes writer, and the defines that put its module beside the core in the capture
// bench (as synth/flow.sh does).
static std::string hsprobes() { return std::string(HG_BIN_DIR) + "/hsprobes"; }
static std::string bench_probes(const std::string &prefix)
{
    return " -DHS_DUT=dut '-DHS_NAME=\"hg_capture_tb.dut\"' -DHGB_PROBES=" + prefix + "_probes";
}

// Lint every emitted module on its own, and the probes (sim/hs_probes.c, plain and with the
// capture) bound to the top; Icarus compiles each core, and the capture bench with its probes.
class HadgenLint : public testing::TestWithParam<hg_cfg>
{
};

// Every third edge configuration and the defaults (every core type).
bool lint_units_alone(const hg_cfg &c)
{
    static const std::set<std::string> ids = [] {
        std::set<std::string> s;
        std::vector<hg_cfg> e = hgt::edge_configs();
        for (size_t i = 0; i < e.size(); i += 3) s.insert(hgt::cfg_id(e[i]));
        for (const hg_cfg &d : hgt::default_configs()) s.insert(hgt::cfg_id(d));
        return s;
    }();
    return ids.count(hgt::cfg_id(c)) > 0;
}

TEST_P(HadgenLint, VerilatorWallAndIcarus)
{
    const hg_cfg &c = GetParam();
    hgt::TempDir d_dir("hadgen");
    std::string d = d_dir.path();
    char args[512], fan[16];
    snprintf(args, sizeof args,
             " --core %s --d %d --lanes %d --top-n %d --max-keys %d --weight-bits %d"
             " --exp-frac-bits %d --out-frac %d --selector %s --av-fan %s --out %s/rtl",
             hg_core_name(c.core), c.d, c.p, c.n, c.l, c.wb, c.fb, c.of, hg_sel_name(c.sel),
             hg_cfg_fan_text(&c, fan, sizeof fan), d.c_str());
    ASSERT_EQ(hgt::run_cmd(hadgen() + args).status, 0);
    std::string files;
    std::istringstream fl(read_file(d + "/rtl/filelist.f"));
    std::vector<std::string> mods;
    for (std::string line; std::getline(fl, line);) {
        if (line.empty() || line[0] == '#') continue;
        files += " " + d + "/rtl/" + line;
        mods.push_back(line.substr(0, line.size() - 2));
    }
    // the instrumentation is sim/'s, written from the manifest: hadgen writes none
    EXPECT_FALSE(hgt::exists(d + "/rtl/" + std::string(c.prefix) + "_probes.v"));
    std::string probes = d + "/" + std::string(c.prefix) + "_probes.v"; // named after its module (-Wall)
    Result pw = hgt::run_cmd(hsprobes() + " --rtl " + d + "/rtl --out " + probes);
    ASSERT_EQ(pw.status, 0) << pw.out;
    EXPECT_EQ(pw.out, std::string(c.prefix) + "_probes\n");
    // a unit that is a hand-written block is linted with this configuration's parameter values
    std::map<std::string, std::string> unit_params;
    cJSON *man = cJSON_Parse(read_file(d + "/rtl/manifest.json").c_str());
    ASSERT_NE(man, nullptr);
    const cJSON *um;
    cJSON_ArrayForEach(um, cJSON_GetObjectItemCaseSensitive(man, "modules"))
    {
        const cJSON *mod = cJSON_GetObjectItemCaseSensitive(um, "module"), *p;
        if (!cJSON_IsString(mod)) continue;
        std::string g;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(um, "params")) g +=
            " -G" + std::string(p->string) + "=" + std::to_string(p->valueint);
        unit_params[mod->valuestring] = g;
    }
    cJSON_Delete(man);
    // the hand-written core is linted with the values the generated top gives it
    {
        std::istringstream top(read_file(d + "/rtl/" + mods.back() + ".v"));
        std::string core, g;
        for (std::string line; std::getline(top, line);) {
            size_t at = line.find(" #(");
            if (core.empty() && line.rfind("  hg_core_", 0) == 0 && at != std::string::npos)
                core = line.substr(2, at - 2);
            else if (!core.empty() && line.find(") u_core") != std::string::npos)
                break;
            else if (!core.empty() && line.find('.') != std::string::npos &&
                     line.find('(') != std::string::npos) {
                size_t a = line.find('.') + 1, b = line.find('('), e = line.rfind(')');
                g += " \"-G" + line.substr(a, b - a) + "=" + line.substr(b + 1, e - b - 1) + "\"";
            }
        }
        ASSERT_FALSE(core.empty()) << "no hand-written core in " << mods.back() << ".v";
        ASSERT_NE(g.find("-GD="), std::string::npos) << g;
        unit_params[core] = g;
    }
    // the hierarchy lints below cover every module of every configuration; each module alone,
    // with the manifest's values as synthesis elaborates it, on a third of them (time)
    if (lint_units_alone(c))
        for (const std::string &mod : mods) {
            Result r =
                hgt::run_cmd("verilator --lint-only -Wall --top-module " + mod + unit_params[mod] + files);
            EXPECT_EQ(r.status, 0) << hgt::cfg_name(c) << " module " << mod << "\n" << r.out;
        }
    for (const char *def : {"", " +define+HG_CAPTURE"}) {
        Result rc = hgt::run_cmd("verilator --lint-only -Wall +define+HS_BIND" + std::string(def) +
                                 " --top-module " + mods.back() + files + " " + probes);
        EXPECT_EQ(rc.status, 0) << hgt::cfg_name(c) << " probes" << def << "\n" << rc.out;
    }
    Result r = hgt::run_cmd("iverilog -g2005 -o " + d + "/a.out" + files);
    EXPECT_EQ(r.status, 0) << hgt::cfg_name(c) << "\n" << r.out;
    Result b = hgt::run_cmd("cd " + d + "/rtl && " + std::string(HG_BIN_DIR) +
                            "/hgsynth plan --rtl . --out plan.sh && . ./plan.sh && "
                            "iverilog -g2005 -DHG_CAPTURE $PLAN_BENCH_DEFINES" +
                            bench_probes(c.prefix) + " -o tb.vvp " + hgt::src_dir() +
                            "/synth/bench/hg_capture_tb.v $PLAN_FILES " + probes);
    EXPECT_EQ(b.status, 0) << hgt::cfg_name(c) << " capture bench with its probes\n" << b.out;
}

// A port wider than Verilator's 8192-bit $fwrite argument limit (the baseline AV unit's V rows:
// P*8*d bits) is captured as slices. The sliced capture line must be the line of the whole
// port: the same core with the slices joined back (Icarus has no such limit) writes identical
// captures under the capture bench; Verilator accepts the sliced probes.
TEST(HadgenCapture, WidePortsAreSlicedAndCaptureTheSameLines)
{
    hgt::TempDir d_dir("hadgen");
    std::string d = d_dir.path();
    ASSERT_EQ(hgt::run_cmd(hadgen() + " --core baseline --d 128 --lanes 12 --top-n 2 --max-keys 24 --out " +
                           d + "/split")
                  .status,
              0);
    ASSERT_EQ(hgt::run_cmd(hsprobes() + " --rtl " + d + "/split --out " + d + "/split/base_probes.v").status,
              0);
    std::string pr = read_file(d + "/split/base_probes.v");
    // 12*8*128 = 12288 bits: a 4096-bit top slice, then one full 8192-bit slice
    size_t hi = pr.find("`HS_DUT.u_core.u_av.vm_rdata_i[12287:8192],");
    ASSERT_NE(hi, std::string::npos) << pr.substr(0, 4000);
    ASSERT_NE(pr.find("`HS_DUT.u_core.u_av.vm_rdata_i[8191:0]"), std::string::npos);
    Result lint = hgt::run_cmd("cd " + d +
                               "/split && verilator --lint-only -Wall +define+HG_CAPTURE +define+HS_BIND "
                               "--top-module base_core -f filelist.f base_probes.v");
    EXPECT_EQ(lint.status, 0) << lint.out;

    // joined copy: the u_av line with one argument and one %h per port
    ASSERT_EQ(hgt::run_cmd("cp -r " + d + "/split " + d + "/joined").status, 0);
    size_t b = pr.rfind("$fwrite(", hi), e = pr.find(");\n", hi);
    ASSERT_NE(b, std::string::npos);
    ASSERT_NE(e, std::string::npos);
    std::string call = pr.substr(b, e - b);
    std::string head = call.substr(0, call.find('"'));
    std::vector<std::string> args;
    std::istringstream as(call.substr(call.find("\",") + 2));
    for (std::string a; std::getline(as, a, ',');) {
        a.erase(0, a.find_first_not_of(" \n"));
        std::string name = a.substr(0, a.find('['));
        if (args.empty() || args.back() != name) args.push_back(name);
    }
    std::string fmt;
    for (size_t i = 0; i < args.size(); i++) fmt += i ? " %h" : "%h";
    std::string joined = head + "\"" + fmt + "\\n\"";
    for (const std::string &a : args) joined += ",\n              " + a;
    EXPECT_NE(joined, call) << "nothing was sliced";
    hgt::write_file(d + "/joined/base_probes.v", pr.substr(0, b) + joined + pr.substr(e));

    for (const char *v : {"split", "joined"}) {
        std::string x = d + "/" + v;
        Result r = hgt::run_cmd("cd " + x + " && " + std::string(HG_BIN_DIR) +
                                "/hgsynth plan --rtl . --out plan.sh && . ./plan.sh && "
                                "iverilog -g2005 -DHG_CAPTURE $PLAN_BENCH_DEFINES" +
                                bench_probes("base") + " -o tb.vvp " + hgt::src_dir() +
                                "/synth/bench/hg_capture_tb.v $PLAN_FILES base_probes.v && "
                                "mkdir -p cap && vvp -n tb.vvp +hg_capture_dir=cap +hg_queries=3");
        ASSERT_EQ(r.status, 0) << v << "\n" << r.out;
    }
    Result cap = hgt::run_cmd("cat " + d + "/split/cap/*.u_av.hex");
    ASSERT_GT(cap.out.size(), 3072u * 20) << "no AV capture in " << d << "/split/cap";
    Result diff = hgt::run_cmd("diff -r " + d + "/split/cap " + d + "/joined/cap");
    EXPECT_EQ(diff.status, 0) << diff.out.substr(0, 500);
}

std::vector<hg_cfg> lint_configs()
{
    std::vector<hg_cfg> v = hgt::edge_configs();
    std::vector<hg_cfg> d = hgt::default_configs();
    v.insert(v.end(), d.begin(), d.end());
    return v;
}

INSTANTIATE_TEST_SUITE_P(Configs, HadgenLint, testing::ValuesIn(lint_configs()),
                         [](const testing::TestParamInfo<hg_cfg> &i) {
                             const hg_cfg &c = i.param;
                             return std::to_string(i.index) + "_" + hg_core_short(c.core) + "_d" +
                                    std::to_string(c.d) + "_l" + std::to_string(c.l);
                         });

} // namespace

namespace
{

// Every line of text with `from` replaced by `to` (the command line a file records).
std::string replace_all(std::string text, const std::string &from, const std::string &to)
{
    for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size())
        text.replace(p, from.size(), to);
    return text;
}

std::string manifest_command(const std::string &manifest)
{
    size_t p = manifest.find("\"command\":\t\"");
    if (p == std::string::npos) return "";
    p += 12;
    return manifest.substr(p, manifest.find('"', p) - p);
}

} // namespace

// hadgen --config regenerates each committed core from its manifest: every file equals the
// committed one but for the command line it records.
TEST(HadgenConfig, RegeneratesEachCommittedCoreFromItsManifest)
{
    std::string root = hgt::src_dir() + "/rtl/generated";
    hgt::TempDir t_dir("hgconfig");
    std::string t = t_dir.path();
    for (const std::string &dname : list_dir(root)) {
        std::string m = root + "/" + dname + "/manifest.json";
        std::string out = t + "/" + dname;
        Result r = hgt::run_cmd(hadgen() + " --config " + m + " --out " + out);
        ASSERT_EQ(r.status, 0) << dname << "\n" << r.out;
        std::string was = manifest_command(read_file(m));
        std::string now = manifest_command(read_file(out + "/manifest.json"));
        ASSERT_FALSE(was.empty());
        EXPECT_EQ(now, "hadgen --config " + m + " --out " + out);
        std::vector<std::string> files = list_dir(root + "/" + dname);
        EXPECT_EQ(files, list_dir(out)) << dname;
        for (const std::string &f : files)
            EXPECT_EQ(replace_all(read_file(root + "/" + dname + "/" + f), was, now),
                      read_file(out + "/" + f))
                << dname << "/" << f;
    }
}

// --selector picks the select unit's block: the manifest names it (params.selector, the unit's
// module), the core's top passes SEL, only that block is copied, and the cell is in its
// generate block; --config regenerates it, and a manifest from before the option (no
// params.selector) reads as merge.
TEST(HadgenConfig, SelectorPicksTheSelectBlock)
{
    hgt::TempDir t_dir("hgselector");
    std::string t = t_dir.path();
    Result r = hgt::run_cmd(hadgen() +
                            " --core int8-topn --d 16 --lanes 4 --top-n 6 --max-keys 40 --selector "
                            "bitonic --out " +
                            t + "/b");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m = read_file(t + "/b/manifest.json");
    EXPECT_NE(m.find("\"selector\":\t\"bitonic\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"module\":\t\"hg_topn_bitonic\""), std::string::npos) << m;
    EXPECT_NE(m.find("u_core.g_bitonic.u_topn"), std::string::npos) << m;
    EXPECT_NE(read_file(t + "/b/i8topn_core.v").find(".SEL(1)"), std::string::npos);
    EXPECT_TRUE(hgt::exists(t + "/b/hg_topn_bitonic.v"));
    EXPECT_FALSE(hgt::exists(t + "/b/hg_topn.v"));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/b/manifest.json --out " + t + "/c");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(t + "/c/manifest.json").find("\"module\":\t\"hg_topn_bitonic\""), std::string::npos);
    hgt::write_file(t + "/old.json", replace_all(m, "\"selector\":\t\"bitonic\",", ""));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/o");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string o = read_file(t + "/o/manifest.json");
    EXPECT_NE(o.find("\"selector\":\t\"merge\""), std::string::npos) << o;
    EXPECT_NE(o.find("\"module\":\t\"hg_topn\""), std::string::npos) << o;
    EXPECT_NE(o.find("u_core.g_merge.u_topn"), std::string::npos) << o;
    // twostage: the same block with its register between the stages (PIPE = 1) and the two
    // ports that say a row waits there
    r = hgt::run_cmd(hadgen() +
                     " --core had --d 16 --lanes 4 --top-n 6 --max-keys 40 --selector twostage --out " + t +
                     "/t");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string tm = read_file(t + "/t/manifest.json");
    EXPECT_NE(tm.find("\"selector\":\t\"twostage\""), std::string::npos) << tm;
    EXPECT_NE(tm.find("\"module\":\t\"hg_topn_bitonic\""), std::string::npos) << tm;
    EXPECT_NE(tm.find("\"PIPE\":\t1"), std::string::npos) << tm;
    EXPECT_NE(tm.find("\"hold_o\""), std::string::npos) << tm;
    EXPECT_NE(tm.find("u_core.g_bitonic.u_topn"), std::string::npos) << tm;
    EXPECT_NE(read_file(t + "/t/had_core.v").find(".SEL(3)"), std::string::npos);
    EXPECT_NE(m.find("\"PIPE\":\t0"), std::string::npos) << m;
    // without --selector each core type takes its own (sw/base/hg_cores.def), whatever the order
    // of the options; a --selector given stays when --core comes after it
    const struct {
        std::string args, sel;
    } defaults[] = {
        {"--core had", "merge"},
        {"--core int8-topn", "merge"},
        {"--core baseline", "merge"},
        {"", "merge"},
        {"--selector twostage --core int8-topn", "twostage"},
        {"--selector counting --core had", "counting"},
        {"--core int8-topn --selector bitonic --core had", "bitonic"},
    };
    for (const auto &k : defaults) {
        r = hgt::run_cmd(hadgen() + " --d 16 --lanes 4 --top-n 6 --max-keys 40 " + k.args + " --dry-run");
        ASSERT_EQ(r.status, 0) << k.args << "\n" << r.out;
        EXPECT_NE(r.out.find("\"selector\": \"" + k.sel + "\""), std::string::npos) << k.args << "\n"
                                                                                    << r.out;
    }
}

// --sort-cut: the manifest records it (params.sort_cut) and the level the sort is cut after
// (derived.sort_cut_level, 0: not cut), the core's top and the select unit pass it on as
// SORT_CUT (0 off, 1 on, 2 auto), --config regenerates it, and a manifest from before the
// option reads as auto. The levels are the block's rule: a bitonic sort of P candidates has
// LQ(LQ+1)/2 compare-exchange levels (LQ = log2 P), cut after the sorter level k that makes
// the longer part shortest; auto cuts only a sort deeper than the merge's log2 N + 1 levels.
TEST(HadgenConfig, SortCutIsRecordedPassedOnAndReadBack)
{
    hgt::TempDir t_dir("hgsortcut");
    std::string t = t_dir.path();
    struct {
        int p, n;
        const char *cut;
        int level;
    } cases[] = {
        {8, 16, "auto", 2},  // 6 levels against 5: cut after 3 (1 + 2)
        {8, 16, "off", 0},   //
        {8, 32, "auto", 2},  // 6 against 6: cut too
        {8, 32, "off", 0},   //
        {8, 64, "auto", 0},  // 6 against 7: whole
        {8, 64, "on", 2},    //
        {4, 4, "auto", 1},   // 3 against 3: 1 + 2
        {16, 32, "auto", 3}, // 10 against 6: 6 + 4
        {3, 5, "auto", 0},   // 3 against 4
        {3, 5, "on", 1},     // 1 + 2
        {2, 1, "auto", 0},   // 1 level: nothing to cut
        {64, 64, "auto", 4}, // 21 against 7: 10 + 11
    };
    for (auto &c : cases) {
        std::string what = "P=" + std::to_string(c.p) + " N=" + std::to_string(c.n) + " --sort-cut " + c.cut;
        Result r = hgt::run_cmd(hadgen() + " --core had --d 16 --lanes " + std::to_string(c.p) + " --top-n " +
                                std::to_string(c.n) + " --max-keys 64 --selector twostage --sort-cut " +
                                c.cut + " --dry-run");
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        EXPECT_NE(r.out.find("\"sort_cut\": \"" + std::string(c.cut) +
                             "\", \"sort_cut_level\": " + std::to_string(c.level) + ","),
                  std::string::npos)
            << what << ": " << r.out;
    }
    Result r = hgt::run_cmd(hadgen() +
                            " --core int8-topn --d 16 --lanes 8 --top-n 16 --max-keys 40 --selector twostage "
                            "--sort-cut off --out " +
                            t + "/off");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m = read_file(t + "/off/manifest.json");
    EXPECT_NE(m.find("\"sort_cut\":\t\"off\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"sort_cut_level\":\t0"), std::string::npos) << m;
    EXPECT_NE(m.find("\"SORT_CUT\":\t0"), std::string::npos) << m;
    EXPECT_NE(read_file(t + "/off/i8topn_core.v").find(".SORT_CUT(0)"), std::string::npos);
    EXPECT_NE(read_file(t + "/off/i8topn_core.v").find("selector=twostage sort_cut=off"), std::string::npos);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/off/manifest.json --out " + t + "/again");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(t + "/again/i8topn_core.v").find(".SORT_CUT(0)"), std::string::npos);
    // before the option: auto, which cuts this sort (6 levels against the merge's 5)
    std::string old =
        replace_all(replace_all(m, "\"sort_cut\":\t\"off\",", ""), ",\n\t\t\"sort_cut_level\":\t0", "");
    hgt::write_file(t + "/old.json", old);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/old");
    ASSERT_EQ(r.status, 0) << r.out << old;
    std::string o = read_file(t + "/old/manifest.json");
    EXPECT_NE(o.find("\"sort_cut\":\t\"auto\""), std::string::npos) << o;
    EXPECT_NE(o.find("\"sort_cut_level\":\t2"), std::string::npos) << o;
    EXPECT_NE(read_file(t + "/old/i8topn_core.v").find(".SORT_CUT(2)"), std::string::npos);
    // the other selectors pass auto, which the core and the block require of them
    r = hgt::run_cmd(hadgen() + " --core had --d 16 --lanes 8 --top-n 16 --max-keys 40 --out " + t +
                     "/merge");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(t + "/merge/had_core.v").find(".SORT_CUT(2)"), std::string::npos);
    EXPECT_NE(read_file(t + "/merge/manifest.json").find("\"sort_cut_level\":\t0"), std::string::npos);
}

// --etab-shadow: the manifest records it (params.etab_shadow) and the table's address width with
// the copy word (derived.etab_addr_width), the core's top passes ETAB_SHADOW and the AV and table
// units SHADOW, --config regenerates it, and a manifest from before the option reads as off.
TEST(HadgenConfig, EtabShadowIsRecordedPassedOnAndReadBack)
{
    hgt::TempDir t_dir("hgshadow");
    std::string t = t_dir.path();
    // the copy's address is the word after the table's: d = 64, wb = 8: 22 words, the copy 22 (5
    // bits either way); d = 8: 3 words and the copy 3 (2 bits); d = 256, wb = 20: 257 words of one
    // entry, the copy 257 (9 bits). No d of 8..256 in steps of 8 makes the table's words a power of
    // two, so the copy never widens the address (the blocks allow it: tests/test_blocks.cc)
    struct {
        int d, wb;
        const char *shadow;
        int xw;
    } cases[] = {
        {64, 8, "off", 5}, {64, 8, "on", 5}, {8, 8, "on", 2}, {256, 20, "off", 9}, {256, 20, "on", 9}};
    for (auto &c : cases) {
        std::string what = "d=" + std::to_string(c.d) + " wb=" + std::to_string(c.wb) + " " + c.shadow;
        Result r = hgt::run_cmd(hadgen() + " --core had --d " + std::to_string(c.d) + " --weight-bits " +
                                std::to_string(c.wb) + " --etab-shadow " + c.shadow + " --dry-run");
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        EXPECT_NE(r.out.find("\"etab_shadow\": \"" + std::string(c.shadow) +
                             "\", \"etab_addr_width\": " + std::to_string(c.xw) + ","),
                  std::string::npos)
            << what << ": " << r.out;
    }
    Result r = hgt::run_cmd(hadgen() +
                            " --core had --d 16 --lanes 4 --top-n 4 --max-keys 16 --etab-shadow on --out " +
                            t + "/on");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m = read_file(t + "/on/manifest.json");
    EXPECT_NE(m.find("\"etab_shadow\":\t\"on\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"SHADOW\":\t1"), std::string::npos) << m;
    EXPECT_NE(read_file(t + "/on/had_core.v").find(".ETAB_SHADOW(1)"), std::string::npos);
    EXPECT_NE(read_file(t + "/on/had_core.v").find("v_bits=8 etab_shadow=on selector=merge"),
              std::string::npos);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/on/manifest.json --out " + t + "/again");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(t + "/again/had_core.v").find(".ETAB_SHADOW(1)"), std::string::npos);
    // before the option: off, and no unit has SHADOW
    std::string off = replace_all(m, "\"etab_shadow\":\t\"on\",", "");
    hgt::write_file(t + "/old.json", off);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/old");
    ASSERT_EQ(r.status, 0) << r.out << off;
    std::string o = read_file(t + "/old/manifest.json");
    EXPECT_NE(o.find("\"etab_shadow\":\t\"off\""), std::string::npos) << o;
    EXPECT_EQ(o.find("\"SHADOW\""), std::string::npos) << o;
    EXPECT_NE(read_file(t + "/old/had_core.v").find(".ETAB_SHADOW(0)"), std::string::npos);
    hgt::write_file(t + "/bad.json", replace_all(m, "\"etab_shadow\":\t\"on\"", "\"etab_shadow\":\t\"yes\""));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/bad.json --out " + t + "/bad");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--etab-shadow 'yes': must be on or off"), std::string::npos) << r.out;
}

// --av-fan: the AV unit's dimensions per fan-out stage. auto keeps HG_AV_FAN's rule (stages of 64
// above d = 64, none below), off builds none at any d, K stages of K dimensions at any d (the last
// group the remainder). The manifest records the choice (params.av_fan: "auto", "off" or K) and the
// size (derived.av_fan), the core's top passes FAN, the Verilog header names a choice other than
// auto, the flow's plan builds its RTL simulation with it, --config regenerates it, and a manifest
// from before the option reads as auto.
TEST(HadgenConfig, AvFanChoosesTheStagesAndIsRecordedAndReadBack)
{
    hgt::TempDir t_dir("hgavfan");
    std::string t = t_dir.path();
    struct {
        int d;
        const char *fan;
        int size, stages;
    } cases[] = {{64, "auto", 0, 0}, {72, "auto", 64, 2}, {256, "auto", 64, 4},
                 {128, "off", 0, 0}, {32, "16", 16, 2},   {40, "16", 16, 3},
                 {24, "24", 24, 1},  {8, "1", 1, 8},      {128, "128", 128, 1}};
    for (auto &c : cases) {
        std::string what = "d=" + std::to_string(c.d) + " --av-fan " + c.fan,
                    dir = t + "/d" + std::to_string(c.d) + "-" + c.fan;
        Result r = hgt::run_cmd(hadgen() + " --core baseline --d " + std::to_string(c.d) +
                                " --lanes 4 --top-n 4 --max-keys 16 --av-fan " + c.fan + " --dry-run");
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        EXPECT_NE(r.out.find("\"av_fan\": " + std::to_string(c.size) + ","), std::string::npos)
            << what << ": " << r.out;
        r = hgt::run_cmd(hadgen() + " --core baseline --d " + std::to_string(c.d) +
                         " --lanes 4 --top-n 4 --max-keys 16 --av-fan " + c.fan + " --out " + dir);
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        std::string m = read_file(dir + "/manifest.json");
        std::string param =
            c.fan[0] >= '0' && c.fan[0] <= '9' ? std::string(c.fan) : "\"" + std::string(c.fan) + "\"";
        EXPECT_NE(m.find("\"av_fan\":\t" + param + ","), std::string::npos) << what << m.substr(0, 1500);
        EXPECT_NE(m.find("\"av_fan\":\t" + std::to_string(c.size)), std::string::npos) << what;
        std::string top = read_file(dir + "/base_core.v");
        EXPECT_NE(top.find(".FAN(" + std::to_string(c.size) + ")"), std::string::npos) << what;
        EXPECT_EQ(top.find(" av_fan=") != std::string::npos, std::string(c.fan) != "auto") << what;
        // the stage unit's instance count in the manifest
        bool unit = m.find("\"name\":\t\"base_av_fan\"") != std::string::npos;
        EXPECT_EQ(unit, c.stages > 0) << what;
        if (c.stages) {
            auto at = m.find("\"name\":\t\"base_av_fan\"");
            auto inst = m.find("\"instances\":", at);
            ASSERT_NE(inst, std::string::npos) << what;
            EXPECT_EQ(std::atoi(m.c_str() + inst + 13), c.stages) << what << ": " << m.substr(at, 300);
        }
        // the flow's RTL simulation builds the same core: the plan passes a choice other than auto on
        r = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgsynth plan --rtl " + dir);
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        EXPECT_EQ(r.out.find(" --av-fan " + std::string(c.fan)) != std::string::npos,
                  std::string(c.fan) != "auto")
            << what << ": " << r.out;
        r = hgt::run_cmd(hadgen() + " --config " + dir + "/manifest.json --out " + dir + "-again");
        ASSERT_EQ(r.status, 0) << what << ": " << r.out;
        std::string again = read_file(dir + "-again/base_core.v"); // the same but the command line
        EXPECT_EQ(again.substr(again.find("// Parameters:")), top.substr(top.find("// Parameters:"))) << what;
    }
    // before the option: auto
    std::string m = read_file(t + "/d72-auto/manifest.json");
    std::string old = replace_all(m, "\"av_fan\":\t\"auto\",", "");
    ASSERT_NE(old, m);
    hgt::write_file(t + "/old.json", old);
    Result r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/old");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string o = read_file(t + "/old/base_core.v"), a = read_file(t + "/d72-auto/base_core.v");
    EXPECT_EQ(o.substr(o.find("// Parameters:")), a.substr(a.find("// Parameters:")));
    hgt::write_file(t + "/bad.json", replace_all(m, "\"av_fan\":\t\"auto\"", "\"av_fan\":\t\"some\""));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/bad.json --out " + t + "/bad");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--av-fan 'some': must be auto, off or"), std::string::npos) << r.out;
    hgt::write_file(t + "/big.json", replace_all(m, "\"av_fan\":\t\"auto\"", "\"av_fan\":\t73"));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/big.json --out " + t + "/big");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--av-fan 73: a fan-out stage serves 1..d (72)"), std::string::npos) << r.out;
}

// --v-bits B: V ports, memories and AV widths of B bits a value; the manifest records it and a
// manifest from before the option reads as 8 bits.
TEST(HadgenConfig, ValueBitsNarrowTheValuePathOnly)
{
    hgt::TempDir t_dir("hgvbits");
    std::string t = t_dir.path();
    const std::string args = " --core baseline --d 16 --lanes 4 --top-n 6 --max-keys 40 --weight-bits 10";
    Result r = hgt::run_cmd(hadgen() + args + " --v-bits 4 --dry-run");
    ASSERT_EQ(r.status, 0) << r.out;
    // ACCW = wb + vb + clog2(L) = 10 + 4 + 6, RQ = WSW + of + vb = 17 + 8 + 4, OW = vb + of
    EXPECT_NE(r.out.find("\"v_bits\": 4"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"acc_width\": 20"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"recip_q\": 29"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"out_width\": 12"), std::string::npos) << r.out;
    r = hgt::run_cmd(hadgen() + args + " --v-bits 4 --out " + t + "/v4");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m = read_file(t + "/v4/manifest.json"), core = read_file(t + "/v4/base_core.v");
    EXPECT_NE(m.find("\"v_bits\":\t4"), std::string::npos) << m;
    EXPECT_NE(m.find("\"value_bits\":\t64"), std::string::npos) << m; // 16 values of 4 bits
    EXPECT_NE(m.find("\"key_bits\":\t128"), std::string::npos) << m;  // keys stay int8
    EXPECT_NE(core.find("input wire  [63:0]         kv_v_i"), std::string::npos) << core;
    EXPECT_NE(core.find(".VB(4)"), std::string::npos) << core;
    size_t vmem = m.find("\"name\":\t\"base_vmem\"");
    ASSERT_NE(vmem, std::string::npos) << m;
    EXPECT_EQ(m.find("\"W\":\t", vmem), m.find("\"W\":\t64", vmem)) << m; // a V row of 64 bits
    r = hgt::run_cmd(hadgen() + " --config " + t + "/v4/manifest.json --out " + t + "/again");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string again = read_file(t + "/again/base_core.v"); // the same but for the command line
    EXPECT_EQ(again.substr(again.find("// Parameters")), core.substr(core.find("// Parameters")));
    // a manifest from before --v-bits (no v_bits, no value_bits) is an 8-bit core
    r = hgt::run_cmd(hadgen() + args + " --out " + t + "/v8");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m8 = read_file(t + "/v8/manifest.json");
    std::string old = replace_all(replace_all(m8, "\"v_bits\":\t8,", ""), "\"value_bits\":\t128,", "");
    ASSERT_NE(old, m8);
    hgt::write_file(t + "/old.json", old);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/o");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(t + "/o/manifest.json").find("\"v_bits\":\t8") != std::string::npos, true);
    EXPECT_NE(read_file(t + "/o/base_core.v").find("input wire  [127:0]        kv_v_i"), std::string::npos);
    hgt::write_file(t + "/bad.json", replace_all(m, "\"v_bits\":\t4", "\"v_bits\":\t12"));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/bad.json --out " + t + "/b");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--v-bits 12: must be in 2..8"), std::string::npos) << r.out;
}

// --load-width W: K/V ports of W keys and values a beat, memories written W entries at a time
// (the top-N cores' V memory: rows of W entries); the manifest records it and a manifest from
// before the option reads as one key a beat.
TEST(HadgenConfig, LoadWidthWidensTheLoadPortOnly)
{
    hgt::TempDir t_dir("hglw");
    std::string t = t_dir.path();
    const std::string args = " --core had --d 32 --lanes 8 --top-n 16 --max-keys 100";
    Result r = hgt::run_cmd(hadgen() + args + " --load-width 8 --dry-run");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("\"load_width\": 8"), std::string::npos) << r.out;
    r = hgt::run_cmd(hadgen() + args + " --load-width 8 --out " + t + "/w8");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m = read_file(t + "/w8/manifest.json"), core = read_file(t + "/w8/had_core.v");
    EXPECT_NE(m.find("\"load_width\":\t8"), std::string::npos) << m;
    EXPECT_NE(core.find("input wire  [255:0]        kv_k_i"), std::string::npos) << core; // 8 keys of 32 bits
    EXPECT_NE(core.find("input wire  [2047:0]       kv_v_i"), std::string::npos) << core; // 8 rows of 256
    EXPECT_NE(core.find("input wire  [31:0]         q_data_i"), std::string::npos) << core; // one query
    EXPECT_NE(core.find(".LW(8)"), std::string::npos) << core;
    EXPECT_NE(core.find("load_width=8"), std::string::npos) << core;
    // V: 100 entries in 13 rows of 8, a write fills a row; K: a write fills a row of the 8 banks.
    // The memory model is given V's entries (a read drives one entry's columns), and the write
    // port is 8 entries wide
    size_t vmem = m.find("\"name\":\t\"had_vmem\"");
    ASSERT_NE(vmem, std::string::npos) << m;
    EXPECT_EQ(m.find("\"words\":\t", vmem), m.find("\"words\":\t100", vmem)) << m;
    EXPECT_EQ(m.find("\"width\":\t", vmem), m.find("\"width\":\t256", vmem)) << m;
    EXPECT_EQ(m.find("\"WL\":\t", vmem), m.find("\"WL\":\t8", vmem)) << m;
    size_t wdata = m.find("\"name\":\t\"wdata_i\"", vmem);
    ASSERT_NE(wdata, std::string::npos) << m;
    EXPECT_EQ(m.find("\"width\":\t", wdata), m.find("\"width\":\t2048", wdata)) << m;
    r = hgt::run_cmd(hadgen() + " --config " + t + "/w8/manifest.json --out " + t + "/again");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string again = read_file(t + "/again/had_core.v");
    EXPECT_EQ(again.substr(again.find("// Parameters")), core.substr(core.find("// Parameters")));
    // one key a beat: the ports and header of before; a manifest without load_width is that core
    r = hgt::run_cmd(hadgen() + args + " --out " + t + "/w1");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string m1 = read_file(t + "/w1/manifest.json"), c1 = read_file(t + "/w1/had_core.v");
    EXPECT_NE(c1.find("input wire  [31:0]         kv_k_i"), std::string::npos) << c1;
    EXPECT_EQ(c1.find("load_width="), std::string::npos) << c1;
    std::string old = replace_all(m1, "\"load_width\":\t1,", "");
    ASSERT_NE(old, m1);
    hgt::write_file(t + "/old.json", old);
    r = hgt::run_cmd(hadgen() + " --config " + t + "/old.json --out " + t + "/o");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(read_file(t + "/o/manifest.json").find("\"load_width\":\t1"), std::string::npos);
    hgt::write_file(t + "/bad.json", replace_all(m, "\"load_width\":\t8", "\"load_width\":\t6"));
    r = hgt::run_cmd(hadgen() + " --config " + t + "/bad.json --out " + t + "/b");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--load-width 6: keys per load beat must be a power of two"), std::string::npos)
        << r.out;
}

// Manifests that are not hadgen's, or that it would not write, are refused, naming the field.
TEST(HadgenConfig, RefusesBadManifestsNamingTheField)
{
    hgt::TempDir t_dir("hgconfigbad");
    std::string t = t_dir.path();
    std::string good = read_file(hgt::src_dir() + "/rtl/generated/had_d32/manifest.json");
    ASSERT_NE(good.find("\"d\":\t32,"), std::string::npos);
    struct Case {
        std::string text, message;
    };
    std::vector<Case> cases = {
        {"", "not a JSON object"},
        {"[1]", "not a JSON object"},
        {"{\"generator\": \"other\", \"params\": {}}", "not a manifest written by hadgen"},
        {"{\"generator\": \"hadgen\"}", "no \"params\" object"},
        {replace_all(good, "\"d\":\t32,", ""), "params.d: missing"},
        {replace_all(good, "\"d\":\t32,", "\"d\":\t32.5,"), "params.d: must be an integer"},
        {replace_all(good, "\"d\":\t32,", "\"d\":\t\"32\","), "params.d: must be an integer"},
        {replace_all(good, "\"d\":\t32,", "\"d\":\t1e300,"), "params.d: must be an integer"},
        {replace_all(good, "\"d\":\t32,", "\"d\":\t12,"), "--d 12: head dimension must be a multiple of 8"},
        {replace_all(good, "\"d\":\t32,", "\"d\":\t32, \"speed\": 3,"),
         "params.speed: not a configuration parameter"},
        {replace_all(good, "\"core\":\t\"had\"", "\"core\":\t7"), "params.core: must be a string"},
        {replace_all(good, "\"prefix\":\t\"had\"", "\"prefix\":\t\"x$(touch pwn)\""),
         "--prefix 'x$(touch pwn)': must be"},
        {replace_all(good, "\"groups\":\t16", "\"groups\":\t15"),
         "derived.groups: the manifest says 15, these parameters give 16"},
        {replace_all(good, "\"groups\":\t16", "\"groups\":\t16, \"speed\": 1"),
         "derived.speed: not a derived value"},
        {replace_all(good, "\"selector\":\t\"merge\"", "\"selector\":\t\"heap\""),
         "--selector 'heap': must be merge, bitonic, counting or twostage"},
        {replace_all(good, "\"selector\":\t\"merge\"", "\"selector\":\t1"),
         "params.selector: must be a string"},
        {replace_all(good, "\"sort_cut\":\t\"auto\"", "\"sort_cut\":\t\"sometimes\""),
         "--sort-cut 'sometimes': must be auto, on or off"},
        {replace_all(good, "\"sort_cut\":\t\"auto\"", "\"sort_cut\":\t\"off\""),
         "--sort-cut off: only --selector twostage has a sort to cut"},
        {replace_all(good, "\"sort_cut\":\t\"auto\"", "\"sort_cut\":\tfalse"),
         "params.sort_cut: must be a string"},
    };
    for (size_t i = 0; i < cases.size(); i++) {
        std::string m = t + "/m" + std::to_string(i) + ".json";
        hgt::write_file(m, cases[i].text);
        Result r = hgt::run_cmd(hadgen() + " --config " + m + " --out " + t + "/o" + std::to_string(i));
        EXPECT_EQ(r.status, 2) << cases[i].message << "\n" << r.out;
        EXPECT_NE(r.out.find("--config '" + m + "': "), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(cases[i].message), std::string::npos)
            << "expected: " << cases[i].message << "\ngot: " << r.out;
        struct stat st;
        EXPECT_NE(stat((t + "/o" + std::to_string(i)).c_str(), &st), 0) << "nothing written";
    }
    Result r = hgt::run_cmd(hadgen() + " --config " + hgt::src_dir() +
                            "/rtl/generated/had_d32/manifest.json"
                            " --d 64 --out " +
                            t + "/mixed");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("give either --config or configuration options"), std::string::npos) << r.out;
}

// hadgen.core describes the folder for FuseSoC: the files of filelist.f in order, the top,
// a name holding every parameter; FuseSoC lists it and its lint target (Edalize, Verilator)
// passes, for each core type.
TEST(HadgenFuseSoc, CoreFileListsTheSourcesAndLints)
{
    std::string fusesoc = std::string(HG_BIN_DIR) + "/../fusesoc/bin/fusesoc";
    struct stat st;
    ASSERT_EQ(stat(fusesoc.c_str(), &st), 0) << fusesoc << " missing: make deps-fusesoc";
    hgt::TempDir t_dir("hgfusesoc");
    std::string t = t_dir.path();
    for (const std::string &core : hgt::core_types()) {
        std::string out = t + "/" + core;
        Result g = hgt::run_cmd(hadgen() + " --core " + core +
                                " --d 16 --lanes 2 --top-n 3 --max-keys 6"
                                " --out " +
                                out);
        ASSERT_EQ(g.status, 0) << g.out;
        std::string text = read_file(out + "/hadgen.core");
        ASSERT_EQ(text.rfind("CAPI=2:\n", 0), 0u) << text;
        EXPECT_NE(text.find("AUTO-GENERATED by hadgen. DO NOT EDIT"), std::string::npos);
        std::string files;
        std::istringstream fl(read_file(out + "/filelist.f"));
        for (std::string line; std::getline(fl, line);)
            if (!line.empty() && line[0] != '#') files += "      - " + line + "\n";
        EXPECT_NE(text.find("    files:\n" + files + "targets:"), std::string::npos) << text;
        std::string m = read_file(out + "/manifest.json");
        size_t p = m.find("\"top\":\t\"") + 8;
        std::string top = m.substr(p, m.find('"', p) - p);
        EXPECT_NE(text.find("toplevel: " + top + "\n"), std::string::npos) << text;
        size_t n0 = text.find("name: ") + 6;
        std::string name = text.substr(n0, text.find('\n', n0) - n0);
        EXPECT_NE(name.find("_d16_p2_n3_l6_w8_e6_o8:1.0"), std::string::npos) << name;
        Result l = hgt::run_cmd("cd " + t + " && " + fusesoc + " --cores-root " + out + " core list");
        EXPECT_EQ(l.status, 0) << l.out;
        EXPECT_NE(l.out.find(name), std::string::npos) << l.out;
        // MAKEFLAGS of an outer `make -s test` would silence the lint's make, and its command
        Result r = hgt::run_cmd("cd " + t + " && env -u MAKEFLAGS -u MFLAGS " + fusesoc + " --cores-root " +
                                out + " run --target lint " + name.substr(0, name.rfind(':')));
        EXPECT_EQ(r.status, 0) << core << "\n" << r.out;
        EXPECT_NE(r.out.find("verilator"), std::string::npos) << r.out;
    }
}
