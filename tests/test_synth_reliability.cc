// test_synth_reliability.cc — bad input to the synthesis flow (synth/flow.sh, hgsynth and its
// readers, the Verilator gate-level harness) gets a clear error and exit 2, never a silent
// result, a crash or a command run from a name: names that reach shell, Tcl, Yosys or
// Verilog text are identifiers or quoted; netlist bit ids are bounded; reports, flow
// variables, toggle files and instance lists are read strictly; numbers are strict
// everywhere; inputs are regular files within the size limit; outputs are written to a
// temporary file and renamed, never over an input, and the flow deletes only what it made.
// Every case runs on crafted small inputs (a one-inverter module), no synthesis run.
#include "hg_testlib.h"
#include "sy_util.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

namespace
{

const char *const kLib = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

std::string hgsynth() { return std::string(HG_BIN_DIR) + "/hgsynth"; }
std::string flow() { return hgt::src_dir() + "/synth/flow.sh"; }
std::string q(const std::string &s) { return "'" + s + "'"; } // paths here hold no quote

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }
std::string replaced(std::string s, const std::string &from, const std::string &to)
{
    size_t at = s.find(from);
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
}
// w as a word of text (not inside a longer word): "nan" in "| nan |", not in "financial"
bool has_word(const std::string &text, const std::string &w)
{
    for (size_t at = text.find(w); at != std::string::npos; at = text.find(w, at + 1)) {
        bool before = at == 0 || !isalpha(static_cast<unsigned char>(text[at - 1]));
        bool after =
            at + w.size() >= text.size() || !isalpha(static_cast<unsigned char>(text[at + w.size()]));
        if (before && after) return true;
    }
    return false;
}
using hgt::exists;

// The manifest of the one-module design: module m (clk_i, a_i -> y_o = ~a_i); `extra`
// is spliced into params, `mod` replaces the module's name.
std::string manifest(const std::string &mod = "m", const std::string &extra = "")
{
    return "{\"top\":\"" + mod +
           "\",\"params\":{\"core\":\"had\",\"d\":8,\"lanes\":1,\"top_n\":1,\"max_keys\":8" + extra +
           "},\"blocks\":[{\"name\":\"control\"}],\"modules\":[{\"name\":\"" + mod +
           "\",\"file\":\"m.v\",\"block\":\"control\",\"instances\":1,\"ports\":["
           "{\"name\":\"clk_i\",\"dir\":\"input\",\"width\":1},{\"name\":\"a_i\",\"dir\":\"input\",\"width\":"
           "1},"
           "{\"name\":\"y_o\",\"dir\":\"output\",\"width\":1}]}]}";
}

// Its Yosys JSON netlist: one INVX1 from net `a` to net `y`.
std::string netlist(const std::string &a = "3", const std::string &y = "4")
{
    return "{\"modules\":{\"m\":{\"ports\":{\"clk_i\":{\"direction\":\"input\",\"bits\":[2]},"
           "\"a_i\":{\"direction\":\"input\",\"bits\":[" +
           a + "]},\"y_o\":{\"direction\":\"output\",\"bits\":[" + y +
           "]}},\"cells\":{\"_1_\":{\"type\":\"INVX1\",\"port_directions\":{\"A\":\"input\",\"Y\":\"output\"}"
           ","
           "\"connections\":{\"A\":[" +
           a + "],\"Y\":[" + y + "]}}}}}}";
}

// The design in a fresh directory: rtl/, nl/m.json, cap/top.m.hex (10 cycles, "a y"),
// inst.txt (the instance list), tog/.
struct Tiny {
    hgt::TempDir tmp{"synthrel"}; // removed with the design
    std::string dir, rtl, nl, cap, list, tog;
    Tiny()
    {
        dir = tmp.path();
        rtl = dir + "/rtl", nl = dir + "/nl", cap = dir + "/cap", list = dir + "/inst.txt",
        tog = dir + "/tog";
        hgt::run_cmd("mkdir -p " + q(rtl) + " " + q(nl) + " " + q(cap) + " " + q(tog));
        hgt::write_file(rtl + "/manifest.json", manifest());
        hgt::write_file(rtl + "/m.v",
                        "module m(input clk_i, input a_i, output y_o); assign y_o = ~a_i; endmodule\n");
        hgt::write_file(nl + "/m.json", netlist());
        std::string hex;
        for (int a : {0, 1, 0, 1, 1, 0, 1, 0, 0, 1})
            hex += std::to_string(a) + " " + std::to_string(1 - a) + "\n";
        hgt::write_file(cap + "/top.m.hex", hex);
        hgt::write_file(list, "m 1 1 " + cap + "/top.m\n");
    }
    std::string gatesim(const std::string &args = "") const
    {
        return hgsynth() + " gatesim --rtl " + q(rtl) + " --netlists " + q(nl) + " --lib " + kLib +
               " --module m --toggles " + q(tog) + " " + args;
    }
    std::string with_list() const { return gatesim("--instances " + q(list)); }
};

// A run directory of the design as synth/flow.sh leaves it, with crafted reports: area
// 16 um2, a 0.2 ns path at a 10 ns clock, one cell's power tables; plan, netlist, map and
// toggle file from hgsynth itself.
struct TinyRun : Tiny {
    std::string run;
    TinyRun()
    {
        run = dir + "/run";
        hgt::run_cmd("mkdir -p " + q(run) + "/generated/gl/m " + q(run) + "/generated/netlist " + q(run) +
                     "/log " + q(run) + "/reports/area " + q(run) + "/reports/sta " + q(run) +
                     "/reports/toggles");
        hgt::run_cmd("cp " + q(nl + "/m.json") + " " + q(run + "/generated/netlist/")); // module boundaries
        hgt::run_cmd(hgsynth() + " plan --rtl " + q(rtl) + " --out " + q(run + "/generated/plan.sh"));
        hgt::write_file(run + "/generated/instances.txt", "m 1 1 " + cap + "/top.m\n");
        hgt::run_cmd(hgsynth() + " gatesim --rtl " + q(rtl) + " --netlists " + q(nl) + " --lib " + kLib +
                     " --module m --instances " + q(run + "/generated/instances.txt") + " --toggles " +
                     q(run + "/reports/toggles") + " --map " + q(run + "/generated/gl/m/map.txt"));
        vars("10");
        hgt::write_file(run + "/reports/area/m.rpt", "\n17. Printing statistics.\n\n=== m ===\n\n"
                                                     "   Number of cells:                  1\n"
                                                     "     INVX1                           1\n\n"
                                                     "   Chip area for module '\\m': 16.000000\n");
        timing("9.8000");
        power("1.00000000e-06");
    }
    void vars(const std::string &period)
    {
        hgt::write_file(run + "/log/flow_vars.txt", "CLK_PERIOD_NS     = " + period +
                                                        "\nCAPTURE_DIR       = " + cap +
                                                        "\nACT_WINDOW        = all\nTOP_STA           = 0\n"
                                                        "CAPTURE_CMD       = none\nLIB               = " +
                                                        kLib + "\n");
    }
    void timing(const std::string &slack)
    {
        hgt::write_file(
            run + "/reports/sta/m.timing.rpt",
            "Startpoint: a_i (input port clocked by clk)\nEndpoint: y_o (output port clocked by clk)\n"
            "Path Group: clk\nPath Type: max\n\n"
            "      Cap      Slew     Delay      Time   Description\n"
            "             0.0000    0.0000    0.0000 ^ a_i (in)\n"
            "   0.0100    0.1000    0.2000    0.2000 v _1_/Y (INVX1)\n"
            "                                 0.2000   data arrival time\n\n"
            "                                " +
                slack + "   slack (MET)\n");
    }
    void power(const std::string &internal)
    {
        for (const char *a : {"0", "1"})
            hgt::write_file(run + "/reports/sta/m.power" + a + ".rpt",
                            "       Internal      Switching        Leakage          Total\n " + internal +
                                " 0.00000000e+00 1.00000000e-09 " + (a[0] == '0' ? "1.0e-06" : "2.0e-06") +
                                " _1_\n");
    }
    std::string summary(const std::string &rtl_dir = "") const
    {
        return hgsynth() + " summary --rtl " + q(rtl_dir.empty() ? rtl : rtl_dir) + " --run " + q(run) +
               " --out " + q(run + "/reports/summary.json");
    }
};

// ---------------------------------------------------------------------------------------
// Names that reach a shell, Tcl, Yosys or Verilog

// The readers' line cutter (sy_next_line): every line once, in place, without its '\n'; an
// empty line within the text is returned as "", a final '\n' makes no empty last line, a
// '\r' stays for sy_split to drop, and a text without a final '\n' keeps its last line.
TEST(SynthReliability, LinesAreCutOnceEachInPlace)
{
    struct Case {
        std::string text;
        std::vector<std::string> lines;
    };
    const Case cases[] = {{"", {}},
                          {"\n", {""}},
                          {"a", {"a"}},
                          {"a\n", {"a"}},
                          {"a\n\nb\r\nc", {"a", "", "b\r", "c"}},
                          {"\n\nx\n\n", {"", "", "x", ""}}};
    for (const Case &c : cases) {
        std::vector<char> buf(c.text.begin(), c.text.end());
        buf.push_back('\0');
        std::vector<std::string> got;
        char *rest = buf.data();
        for (char *line; (line = sy_next_line(&rest)) != nullptr;) {
            ASSERT_LT(got.size(), 16u) << "no end for " << testing::PrintToString(c.text);
            got.push_back(line);
        }
        EXPECT_EQ(got, c.lines) << "text " << testing::PrintToString(c.text);
        EXPECT_EQ(rest, buf.data() + c.text.size()) << "text " << testing::PrintToString(c.text);
        char *end = rest;
        EXPECT_EQ(sy_next_line(&end), nullptr);
    }
}

TEST(SynthReliability, PlanRefusesNamesThatAreNotIdentifiers)
{
    Tiny t;
    const std::string pwn = t.dir + "/PWN";
    struct Case {
        std::string json, what;
    } cases[] = {
        {manifest("x$(touch " + pwn + ")"), "is not an identifier"},
        {manifest("m", ",\"prefix\":\"a b\""), "params.prefix"},
        {replaced(manifest(), "\"core\":\"had\"", "\"core\":\"../../x\""), "params.core"},
        {"{\"top\":\"m\",\"blocks\":[{\"name\":\"control\"}],\"modules\":[{\"name\":\"m\",\"file\":\"../"
         "m.v\",\"block\":\"control\",\"instances\":1,"
         "\"ports\":[{\"name\":\"a_i\",\"dir\":\"input\",\"width\":1}]}]}",
         "not a plain file name"},
        {"{\"top\":\"m\",\"blocks\":[{\"name\":\"control\"}],\"modules\":[{\"name\":\"m\",\"file\":\"m.v\","
         "\"block\":\"control\",\"instances\":1,"
         "\"ports\":[{\"name\":\"a`id`\",\"dir\":\"input\",\"width\":1}]}]}",
         "port name"},
        // a unit that is a hand-written block: its module, parameter values and child cells
        // reach Yosys's Tcl and the shell through the plan
        {replaced(manifest(), "\"block\":\"control\"", "\"block\":\"control\",\"module\":\"b[id]\""),
         "module m: \"module\" \"b[id]\" is not an identifier"},
        {replaced(manifest(), "\"block\":\"control\"", "\"block\":\"control\",\"params\":{\"D\":8}"),
         "module m: \"params\" must be an object, beside \"module\""},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"module\":\"b\",\"params\":{\"D\":\"$(id)\"}"),
         "module m: parameter \"D\" must be an identifier with an integer value"},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"module\":\"b\",\"params\":{\"D;x\":8}"),
         "module m: parameter \"D;x\" must be an identifier"},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"module\":\"b\",\"params\":{\"D\":1.5}"),
         "module m: parameter \"D\" must be an identifier with an integer value"},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"children\":[{\"cell\":\"u_x [exec id]\",\"unit\":\"m\"}]"),
         "module m: children[0] must be {\"cell\": a cell name"},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"children\":[{\"cell\":\"g_l[x].u\",\"unit\":\"m\"}]"),
         "module m: children[0] must be {\"cell\": a cell name"},
        {replaced(manifest(), "\"block\":\"control\"",
                  "\"block\":\"control\",\"children\":[{\"cell\":\"g_l[2].u\",\"unit\":\"nope\"}]"),
         "module m: child g_l[2].u is of unit \"nope\", which is not in \"modules\""},
    };
    for (const Case &c : cases) {
        hgt::write_file(t.rtl + "/manifest.json", c.json);
        hgt::CmdResult r =
            hgt::run_cmd(hgsynth() + " plan --rtl " + q(t.rtl) + " --out " + q(t.dir + "/plan.sh"));
        EXPECT_EQ(r.status, 2) << c.json << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
        EXPECT_FALSE(exists(t.dir + "/plan.sh")) << c.json;
    }
    // the flow itself stops at the plan, and nothing ran
    hgt::write_file(t.rtl + "/manifest.json", cases[0].json);
    hgt::CmdResult f =
        hgt::run_cmd("STOP_AFTER=plan OUT_DIR=" + q(t.dir + "/out") + " " + flow() + " " + q(t.rtl));
    EXPECT_EQ(f.status, 2) << f.out;
    EXPECT_FALSE(exists(pwn)) << "a module name ran a command";
}

TEST(SynthReliability, PlanQuotesEveryValueForTheShell)
{
    // an RTL directory whose path holds a quote and a command substitution: sourcing the
    // plan runs nothing and gives the path back unchanged
    Tiny t;
    hgt::CmdResult mk = hgt::run_cmd("mkdir -p \"" + t.dir + "/it's \\$(touch PWN2)\" && cp " + q(t.rtl) +
                                     "/* \"" + t.dir + "/it's \\$(touch PWN2)/\"");
    ASSERT_EQ(mk.status, 0) << mk.out;
    hgt::CmdResult r =
        hgt::run_cmd("cd " + q(t.dir) + " && " + hgsynth() + " plan --rtl \"it's \\$(touch PWN2)\"" +
                     " --out plan.sh && . ./plan.sh && printf '%s|%s|%s' \"$PLAN_RTL_DIR\" "
                     "\"$PLAN_LOGIC\" \"$PLAN_FILE_m\"");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, "it's $(touch PWN2)|m|m.v");
    EXPECT_FALSE(exists(t.dir + "/PWN2"));
}

TEST(SynthReliability, FlowRefusesBadVariablesBeforeItWorks)
{
    Tiny t;
    struct Case {
        const char *env, *what;
    } cases[] = {
        {"CLK_PERIOD_NS=0", "CLK_PERIOD_NS='0'"},
        {"CLK_PERIOD_NS=inf", "CLK_PERIOD_NS='inf'"},
        {"CLK_PERIOD_NS=1e999", "CLK_PERIOD_NS='1e999'"},
        {"MEM_ARRAY_EFF=2", "MEM_ARRAY_EFF='2'"},
        {"IN_SLEW_NS=0x1", "IN_SLEW_NS='0x1'"},
        {"CAPTURE_SEED=abc", "CAPTURE_SEED='abc'"},
        {"CAPTURE_QUERIES=5abc", "CAPTURE_QUERIES"},
        {"ACT_WINDOW=10:5", "ACT_WINDOW='10:5'"},
        {"TAG=/../../x", "TAG="},
        {"VERILATOR_CFLAGS='-O1;touch PWN3'", "VERILATOR_CFLAGS"},
        {"ABC_SCRIPT='+strash$(touch PWN3)'", "ABC_SCRIPT"},
        {"TOP_STA=2", "TOP_STA='2'"},
        {"FANOUT_BUF=BUFX4", "FANOUT_BUF='BUFX4': must be a cell name, its input pin and its output pin"},
        {"FANOUT_BUF='BUFX4 A Y;x'", "FANOUT_BUF='BUFX4 A Y;x'"},
        {"SYN_SALT=0", "SYN_SALT='0'"},
        {"SYN_SALT=1x", "SYN_SALT='1x'"},
        {"SYN_SALT=1 ABC_SCRIPT=/tmp/abc.script", "needs an ABC_SCRIPT of abc commands"},
        {"CAPTURE_ONLY=yes", "CAPTURE_ONLY='yes': must be an integer in 0..1"},
        {"CAPTURE_ONLY=1 STOP_AFTER=sta", "STOP_AFTER='sta' with CAPTURE_ONLY=1: the run has no sta step"},
        {"CAPTURE_ONLY=1 REUSE_FROM=/tmp", "REUSE_FROM='/tmp' with CAPTURE_ONLY=1"},
        {"CAPTURE_ONLY=1 CAPTURE_CMD=none", "CAPTURE_CMD=none with CAPTURE_ONLY=1: nothing to run"},
    };
    for (const Case &c : cases) {
        hgt::CmdResult r = hgt::run_cmd("cd " + q(t.dir) + " && env " + c.env +
                                        " OUT_DIR=" + q(t.dir + "/out") + " " + flow() + " " + q(t.rtl));
        EXPECT_EQ(r.status, 2) << c.env << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << c.env << ": " << r.out;
    }
    EXPECT_FALSE(exists(t.dir + "/out")) << "a refused run made its run directory";
    EXPECT_FALSE(exists(t.dir + "/PWN3"));
}

// The model variables (clock, memory model, node) have one definition, hgsynth vars: the flow
// declares them from it (same default in its help) and checks values against its ranges.
TEST(SynthReliability, ModelVariablesHaveOneDefinition)
{
    hgt::CmdResult v = hgt::run_cmd(hgsynth() + " vars");
    ASSERT_EQ(v.status, 0) << v.out;
    hgt::CmdResult help = hgt::run_cmd(flow() + " --help");
    ASSERT_EQ(help.status, 0) << help.out;
    int n = 0;
    Tiny t;
    std::istringstream lines(v.out);
    for (std::string line; std::getline(lines, line); n++) {
        std::vector<std::string> f;
        std::istringstream cols(line);
        for (std::string c; std::getline(cols, c, '\t');) f.push_back(c);
        ASSERT_EQ(f.size(), 5u) << line;
        std::string shown = f[0];
        shown.resize(17, ' ');
        EXPECT_TRUE(has(help.out, "  " + shown + " " + f[4] + "\n")) << f[0] << ":\n" << help.out;
        EXPECT_TRUE(has(help.out, "default: " + f[1] + "\n")) << f[0];
        EXPECT_TRUE(f[2] == "pos" || f[2] == "nonneg") << line;
        // a value just above the maximum is refused by the flow, naming the variable
        hgt::CmdResult r = hgt::run_cmd("cd " + q(t.dir) + " && env " + f[0] + "=" + f[3] +
                                        "1 OUT_DIR=" + q(t.dir + "/out") + " " + flow() + " " + q(t.rtl));
        EXPECT_EQ(r.status, 2) << line << "\n" << r.out;
        EXPECT_TRUE(has(r.out, f[0] + "='" + f[3] + "1': must be a number")) << r.out;
    }
    EXPECT_EQ(n, 36) << "CLK_PERIOD_NS, 16 MEM_*, CLK_TREE and 11 CLK_*, 4 BND_*, NODE_REF_NM, NODE_CELL_K, "
                        "NODE_REF_VDD";
    EXPECT_EQ(hgt::run_cmd(hgsynth() + " vars extra").status, 2);
}

TEST(SynthReliability, FlowDeletesOnlyWhatItMade)
{
    Tiny t;
    std::string env = "STOP_AFTER=plan ";
    // a run directory with a log/ of the user's
    hgt::run_cmd("mkdir -p " + q(t.dir + "/mine/log"));
    hgt::write_file(t.dir + "/mine/log/notes.txt", "mine");
    hgt::CmdResult a = hgt::run_cmd(env + "OUT_DIR=" + q(t.dir + "/mine") + " " + flow() + " " + q(t.rtl));
    EXPECT_EQ(a.status, 2) << a.out;
    EXPECT_TRUE(has(a.out, "has a log/ that synth/flow.sh did not make")) << a.out;
    EXPECT_EQ(hgt::read_file(t.dir + "/mine/log/notes.txt"), "mine");
    // captures of the user's where the flow would make its own
    hgt::run_cmd("mkdir -p " + q(t.dir + "/caps"));
    hgt::write_file(t.dir + "/caps/keep.hex", "0\n");
    hgt::CmdResult b = hgt::run_cmd(env + "CAPTURE_CMD=bench CAPTURE_DIR=" + q(t.dir + "/caps") +
                                    " OUT_DIR=" + q(t.dir + "/o2") + " " + flow() + " " + q(t.rtl));
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_TRUE(has(b.out, "CAPTURE_DIR=")) << b.out;
    EXPECT_EQ(hgt::read_file(t.dir + "/caps/keep.hex"), "0\n");
    // the RTL directory as run directory
    hgt::CmdResult c = hgt::run_cmd(env + "OUT_DIR=" + q(t.rtl) + " " + flow() + " " + q(t.rtl));
    EXPECT_EQ(c.status, 2) << c.out;
    EXPECT_FALSE(exists(t.rtl + "/log"));
    // a directory of other files (the sweep keeps rtl/ and flow.log in its run directory),
    // then a second run into the directory the first one made
    hgt::write_file(t.dir + "/o2/flow.log", "x");
    for (int i = 0; i < 2; i++) {
        hgt::CmdResult d = hgt::run_cmd(env + "OUT_DIR=" + q(t.dir + "/o2") + " " + flow() + " " + q(t.rtl));
        EXPECT_EQ(d.status, 0) << d.out;
    }
    EXPECT_TRUE(exists(t.dir + "/o2/.hgsynth_run"));
    EXPECT_EQ(hgt::read_file(t.dir + "/o2/flow.log"), "x");
}

TEST(SynthReliability, FlowCommandIsShellQuoted)
{
    // log/command.txt reproduces the run: a run directory with a quote and a space, an abc
    // script with ; and &, come back from the shell as the same words
    Tiny t;
    std::string abc = "+strash;&get,-n;&nf;&put;buffer", out = t.dir + "/o it's";
    hgt::CmdResult r = hgt::run_cmd("STOP_AFTER=plan ABC_SCRIPT='" + abc + "' OUT_DIR=\"" + out + "\" " +
                                    flow() + " " + q(t.rtl));
    ASSERT_EQ(r.status, 0) << r.out;
    std::string cmd = hgt::read_file(out + "/log/command.txt");
    hgt::write_file(t.dir + "/cmd.txt", cmd);
    hgt::CmdResult w =
        hgt::run_cmd("eval \"set -- $(cat " + q(t.dir + "/cmd.txt") + ")\" && printf '%s\\n' \"$@\"");
    EXPECT_TRUE(has(w.out, "OUT_DIR=" + out + "\n")) << cmd << "\n" << w.out;
    EXPECT_TRUE(has(w.out, "ABC_SCRIPT=" + abc + "\n")) << cmd << "\n" << w.out;
    EXPECT_TRUE(has(w.out, "synth/flow.sh\n" + t.rtl + "\n")) << w.out;
}

// ---------------------------------------------------------------------------------------
// Netlists

TEST(SynthReliability, NetlistBitIdsAreBounded)
{
    Tiny t;
    for (const char *bit : {"2147483647", "16777216", "-5", "2.5", "\"q\""}) {
        hgt::write_file(t.nl + "/m.json", netlist("3", bit));
        hgt::CmdResult g = hgt::run_cmd(hgsynth() + " glgen --rtl " + q(t.rtl) + " --netlists " + q(t.nl) +
                                        " --module m --out " + q(t.tog));
        EXPECT_EQ(g.status, 2) << bit << "\n" << g.out;
        EXPECT_TRUE(has(g.out, "port y_o: bit 0")) << g.out;
        hgt::CmdResult s = hgt::run_cmd(t.with_list());
        EXPECT_EQ(s.status, 2) << bit << "\n" << s.out;
        if (std::string(bit) == "2147483647") {
            EXPECT_TRUE(has(s.out, "integers in 0..16777215")) << s.out;
        }
    }
    // a wiring module that contains itself: an error, not endless recursion
    hgt::write_file(t.rtl + "/manifest.json",
                    "{\"top\":\"w\",\"blocks\":[{\"name\":\"control\"}],\"modules\":[{\"name\":\"w\","
                    "\"file\":\"m.v\",\"block\":\"control\","
                    "\"instances\":1,\"ports\":[{\"name\":\"a_i\",\"dir\":\"input\",\"width\":1}]}]}");
    hgt::write_file(t.nl + "/w.json",
                    "{\"modules\":{\"w\":{\"ports\":{\"a_i\":{\"direction\":\"input\",\"bits\":[2]}},"
                    "\"cells\":{\"u\":{\"type\":\"w\",\"port_directions\":{\"a_i\":\"input\"},"
                    "\"connections\":{\"a_i\":[2]}}}}}}");
    hgt::CmdResult g = hgt::run_cmd(hgsynth() + " glgen --rtl " + q(t.rtl) + " --netlists " + q(t.nl) +
                                    " --module w --out " + q(t.tog));
    EXPECT_EQ(g.status, 2) << g.out;
    EXPECT_TRUE(has(g.out, "levels")) << g.out;
    hgt::CmdResult i = hgt::run_cmd(hgsynth() + " instances --rtl " + q(t.rtl) + " --netlists " + q(t.nl) +
                                    " --captures " + q(t.cap) + " --out " + q(t.dir + "/i.txt"));
    EXPECT_EQ(i.status, 2) << i.out;
    EXPECT_TRUE(has(i.out, "levels")) << i.out;
}

// The flops' load enables (docs/synth.md, "Clock gating"): a netlist with a flip-flop needs
// its <module>.ffen.json; each enable resolves, by its kept net, to a net of the netlist, and a
// malformed file or one of another run is an error naming the file. Module m as one DFFPOSX1
// from a_i to y_o whose enable file says it loads when a_i is low: its gate opens in the
// cycles after one with a_i low (5 of the 9 counted), and y_o, which follows a_i, changes in 6.
TEST(SynthReliability, FlopEnablesResolveToKeptNets)
{
    Tiny t;
    const std::string keep = "\"attributes\":{\"keep\":\"00000000000000000000000000000001\"}";
    auto nl = [&](const std::string &kept) {
        return "{\"modules\":{\"m\":{\"ports\":{\"clk_i\":{\"direction\":\"input\",\"bits\":[2]},"
               "\"a_i\":{\"direction\":\"input\",\"bits\":[3]},\"y_o\":{\"direction\":\"output\","
               "\"bits\":[4]}},\"cells\":{\"hg_ff0\":{\"type\":\"DFFPOSX1\",\"port_directions\":{"
               "\"CLK\":\"input\",\"D\":\"input\",\"Q\":\"output\"},\"connections\":{\"CLK\":[2],"
               "\"D\":[3],\"Q\":[4]}}},\"netnames\":{\"" +
               kept + "\":{\"bits\":[3]," + keep + "},\"y_o\":{\"bits\":[4],\"attributes\":{}}}}}}";
    };
    auto ffen = [&](const std::string &type, const std::string &e, const std::string &name) {
        return "{\"modules\":{\"m\":{\"cells\":{\"hg_ff0\":{\"type\":\"" + type +
               "\",\"connections\":{\"C\":[20],\"D\":[21],\"E\":[" + e + "],\"Q\":[22]}}},\"netnames\":{\"" +
               name + "\":{\"bits\":[21]," + keep + "}}}}}";
    };
    std::string hex;
    const int a[] = {0, 1, 0, 1, 1, 0, 1, 0, 0, 1};
    for (int c = 0; c < 10; c++) hex += std::to_string(a[c]) + " " + std::to_string(c ? a[c - 1] : 0) + "\n";
    hgt::write_file(t.cap + "/top.m.hex", hex);
    hgt::write_file(t.nl + "/m.json", nl("a_i"));
    const std::string ff = t.nl + "/m.ffen.json", map = t.dir + "/map.txt";
    const std::string sim = t.with_list() + " --map " + q(map);
    struct Case {
        std::string nl, ffen, what;
    } cases[] = {
        {nl("a_i"), "", "has flip-flops but no m.ffen.json beside it"},
        {nl("a_i"), "{", "not a JSON document"},
        {nl("a_i"), "{\"modules\":{}}", "no module of the netlist's name"},
        {nl("a_i"), ffen("$_DFF_P_", "21", "a_i"), "cell hg_ff0 has a type other than"},
        {nl("a_i"), ffen("$_DFFE_PX_", "21", "a_i"), "cell hg_ff0 has a type other than"},
        {nl("a_i"), ffen("$_DFFE_PN_", "7", "a_i"), "its E connection is a net without a kept name"},
        {nl("a_i"), ffen("$_DFFE_PN_", "21, 21", "a_i"), "its E connection is not one net"},
        {nl("a_i"), ffen("$_DFFE_PN_", "21", "hg_en9"), "is a kept net the netlist lacks"},
        {nl("b"), ffen("$_DFFE_PN_", "21", "a_i"), "is a kept net the netlist lacks"},
        {nl("a_i"), ffen("$_SDFFE_PN0N_", "21", "a_i"), "its R connection is not one net"},
    };
    for (const Case &c : cases) {
        hgt::write_file(t.nl + "/m.json", c.nl);
        hgt::run_cmd("rm -f " + q(ff));
        if (!c.ffen.empty()) hgt::write_file(ff, c.ffen);
        hgt::CmdResult r = hgt::run_cmd(sim);
        EXPECT_EQ(r.status, 2) << c.ffen << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
        EXPECT_TRUE(c.ffen.empty() || has(r.out, ff)) << r.out;
    }
    // active low: open after the 5 cycles of a_i low among cycles 0..8
    hgt::write_file(t.nl + "/m.json", nl("a_i"));
    hgt::write_file(ff, ffen("$_DFFE_PN_", "21", "a_i"));
    hgt::CmdResult r = hgt::run_cmd(sim);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(has(hgt::read_file(map), "\ngate 0 DFFPOSX1 y_o !a_i 1 0\n")) << hgt::read_file(map);
    EXPECT_TRUE(has(hgt::read_file(t.tog + "/top.m.tog"), "\ngates 1\ngate 0 5 6\n"))
        << hgt::read_file(t.tog + "/top.m.tog");
    // active high, and a reset over it ($_SDFFE_: its gate also opens when the reset is on)
    hgt::write_file(ff, ffen("$_DFFE_PP_", "21", "a_i"));
    ASSERT_EQ(hgt::run_cmd(sim).status, 0);
    EXPECT_TRUE(has(hgt::read_file(t.tog + "/top.m.tog"), "\ngate 0 4 6\n"));
    hgt::write_file(ff, replaced(ffen("$_SDFFE_PN0P_", "21", "a_i"), "\"Q\"", "\"R\":[21],\"Q\""));
    ASSERT_EQ(hgt::run_cmd(sim).status, 0);
    EXPECT_TRUE(has(hgt::read_file(map), " y_o a_i|!a_i 1 0\n")) << hgt::read_file(map);
    EXPECT_TRUE(has(hgt::read_file(t.tog + "/top.m.tog"), "\ngate 0 9 6\n"));
    // a flop without an enable has no gate; the file may list none
    hgt::write_file(ff, "{\"modules\":{\"m\":{\"cells\":{},\"netnames\":{}}}}");
    ASSERT_EQ(hgt::run_cmd(sim).status, 0);
    EXPECT_TRUE(has(hgt::read_file(t.tog + "/top.m.tog"), "\ngates 0\n"));
}

// ---------------------------------------------------------------------------------------
// hgsynth summary and report

TEST(SynthReliability, SummaryRefusesEmptyOrGarbageReports)
{
    TinyRun t;
    hgt::CmdResult ok = hgt::run_cmd(t.summary());
    ASSERT_EQ(ok.status, 0) << ok.out;
    EXPECT_TRUE(has(ok.out, "area 16 um2 logic")) << ok.out;
    EXPECT_TRUE(has(ok.out, "Fmax 5000.0 MHz")) << ok.out;
    const std::string good = hgt::read_file(t.run + "/reports/summary.json");
    struct Case {
        std::string file, text, what;
    } cases[] = {
        {"reports/area/m.rpt", "", "not a Yosys stat report"},
        {"reports/area/m.rpt", "garbage\n", "not a Yosys stat report"},
        {"reports/area/m.rpt", "=== m ===\n   Chip area for module '\\m': 1e999\n", "is not a number"},
        {"reports/area/m.rpt", "=== m ===\n   Number of cells: 1\n", "no \"Chip area\" line"},
        {"reports/sta/m.timing.rpt", "", "empty"},
        {"reports/sta/m.timing.rpt", "garbage\n", "not an OpenSTA report_checks report"},
        {"reports/sta/m.timing.rpt", "No paths found.\n", "no Fmax"},
        {"reports/sta/m.power0.rpt", " nan 0 0 1e-6 _1_\n", "not a finite number"},
        {"reports/sta/m.power1.rpt", "", "no row for cell _1_"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS     = 0\n", "CLK_PERIOD_NS = '0'"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS     = inf\n", "CLK_PERIOD_NS = 'inf'"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS     = 10\nMEM_ARRAY_EFF = 0\n", "MEM_ARRAY_EFF"},
        {"log/flow_vars.txt", "TOP_STA = 0\n", "no CLK_PERIOD_NS"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS = 10\nCLK_TREE = 0.5\n", "CLK_TREE = 0.5: must be 0 or 1"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS = 10\nCLK_BUF_LOAD_PF = 0.07\n",
         "CLK_BUF_LOAD_PF = 0.07: must be at least twice CLK_BUF_IN_PF"},
        {"log/flow_vars.txt", "CLK_PERIOD_NS = 10\nLIB = /nonexistent/x.lib\n", "/nonexistent/x.lib"},
        {"reports/toggles/top.m.tog", "hgtog 1\nmodule m\ncycles 10\ncounted 9\nmismatches 3\ntoggles 1\n7\n",
         "the gate-level check of this instance failed"},
        {"reports/toggles/top.m.tog",
         "hgtog 1\nmodule m\ncycles 10\ncounted 9\nmismatches 0\ntoggles 1\nx7\n", "line 7"},
        {"generated/instances.txt", "m 1 1\n", "instance list"},
        {"generated/plan.sh", "PLAN_CONFIG='x'\n", "PLAN_MANIFEST_HASH"},
    };
    for (const Case &c : cases) {
        std::string path = t.run + "/" + c.file, keep = hgt::read_file(path);
        std::string vars = "CAPTURE_DIR = " + t.cap + "\nACT_WINDOW = all\nTOP_STA = 0\n";
        hgt::write_file(path, c.text + (c.file == "log/flow_vars.txt" ? vars : ""));
        hgt::CmdResult r = hgt::run_cmd(t.summary());
        EXPECT_EQ(r.status, 2) << c.file << ": " << c.text << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << c.file << ": expected '" << c.what << "' in: " << r.out;
        // the previous summary is still there, whole
        EXPECT_EQ(hgt::read_file(t.run + "/reports/summary.json"), good) << c.file;
        hgt::write_file(path, keep);
    }
    EXPECT_EQ(hgt::run_cmd(t.summary()).status, 0);
    // clock-gating groups (docs/synth.md, "Clock gating"): a map's gate lines name toggle nets of
    // the map, in order; a toggle file's counts match the map's groups, lie within the cycles
    // counted, and no flop changes more often than its gate opened
    const std::string map_path = t.run + "/generated/gl/m/map.txt",
                      tog_path = t.run + "/reports/toggles/top.m.tog";
    const std::string map = hgt::read_file(map_path), tog = hgt::read_file(tog_path);
    const std::string head = "hgtog 1\nmodule m\ncycles 10\ncounted 9\nmismatches 0\n",
                      tail = "toggles 1\n7\n";
    struct GateCase {
        std::string map, tog, what;
    } gcases[] = {
        {map + "gate 0 INVX1 r en 1 5\n", tog, "a gate member that is not a toggle net of the map"},
        {map + "gate 1 INVX1 r en 1 0\n", tog, "a malformed gate line"},
        {map + "gate 0 INVX1 r en 2 0\n", tog, "a malformed gate line"},
        {map + "gate 0 INVX1 r 1 0\n", tog, "a malformed gate line"},
        {map, head + "gates 1\ngate 0 3 3\n" + tail, "1 clock-gating groups, the module's map 0"},
        {map, head + "gates 0\ngate 0 3 3\n" + tail, "a malformed gate line"},
        {map + "gate 0 INVX1 r en 1 0\n", head + "gates 1\ngate 0 12 2\n" + tail,
         "gate 0 open in 12 cycles of 9 counted"},
        {map + "gate 0 INVX1 r en 1 0\n", head + "gates 1\ngate 0 3\n" + tail, "a malformed gate line"},
        {map + "gate 0 INVX1 r en 1 0\n", head + "gates 1\ngate 0 3 4\n" + tail,
         "a flip-flop of gate 0 changed in 4 cycles, its enable was on in 3"},
        {map + "gate 0 INVX1 r en 1 0\n", head + "gates 1\ngates 1\ngate 0 1 1\n" + tail,
         "a malformed or second gates line"},
    };
    for (const GateCase &c : gcases) {
        hgt::write_file(map_path, c.map);
        hgt::write_file(tog_path, c.tog);
        hgt::CmdResult r = hgt::run_cmd(t.summary());
        EXPECT_EQ(r.status, 2) << c.map << c.tog << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
        EXPECT_EQ(hgt::read_file(t.run + "/reports/summary.json"), good);
    }
    // a group of one inverter's output, open in 4 of 9 cycles, below CLK_GATE_MIN: no gate
    hgt::write_file(map_path, map + "gate 0 INVX1 r en 1 0\n");
    hgt::write_file(tog_path, head + "gates 1\ngate 0 4 2\n" + tail);
    ASSERT_EQ(hgt::run_cmd(t.summary()).status, 0);
    EXPECT_TRUE(has(hgt::read_file(t.run + "/reports/summary.json"), "\"gates\":\t0,"))
        << hgt::read_file(t.run + "/reports/summary.json");
    hgt::write_file(map_path, map);
    hgt::write_file(tog_path, tog);
    EXPECT_EQ(hgt::run_cmd(t.summary()).status, 0);
    // the RTL of another configuration (same module names) is not mixed in
    std::string other = t.dir + "/rtl2";
    hgt::run_cmd("cp -r " + q(t.rtl) + " " + q(other));
    hgt::write_file(other + "/manifest.json", replaced(manifest(), "\"top_n\":1", "\"top_n\":2"));
    hgt::CmdResult r = hgt::run_cmd(t.summary(other));
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(has(r.out, "was planned from another manifest")) << r.out;
    // --out onto one of the reports it reads (read after the output was opened)
    std::string area = hgt::read_file(t.run + "/reports/area/m.rpt");
    hgt::CmdResult o = hgt::run_cmd(hgsynth() + " summary --rtl " + q(t.rtl) + " --run " + q(t.run) +
                                    " --out " + q(t.run + "/reports/area/m.rpt"));
    EXPECT_EQ(o.status, 2) << o.out;
    EXPECT_TRUE(has(o.out, "is an input of this command")) << o.out;
    EXPECT_EQ(hgt::read_file(t.run + "/reports/area/m.rpt"), area);
}

// The clock network counts the library's sequential cells of the area reports (with their
// clock pins' capacitance), and nothing when CLK_TREE=0.
TEST(SynthReliability, ClockNetworkCountsTheFlopsOfTheAreaReports)
{
    TinyRun t;
    auto clock = [&](const char *key) {
        cJSON *j = cJSON_Parse(hgt::read_file(t.run + "/reports/summary.json").c_str());
        const cJSON *c = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "clock_network"), key);
        double v = c ? c->valuedouble : -1.0;
        cJSON_Delete(j);
        return v;
    };
    ASSERT_EQ(hgt::run_cmd(t.summary()).status, 0);
    EXPECT_EQ(clock("flops"), 0); // one inverter
    EXPECT_EQ(clock("power_uw"), 0);
    hgt::write_file(t.run + "/reports/area/m.rpt", "\n17. Printing statistics.\n\n=== m ===\n\n"
                                                   "   Number of cells:                  4\n"
                                                   "     DFFPOSX1                        3\n"
                                                   "     INVX1                           1\n"
                                                   "     sub                             1\n\n"
                                                   "   Chip area for module '\\m': 16.000000\n");
    hgt::CmdResult r = hgt::run_cmd(t.summary());
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(clock("flops"), 3);
    EXPECT_NEAR(clock("pins_pf"), 3 * 0.0279235, 1e-9); // osu018 DFFPOSX1's CLK pin
    EXPECT_GT(clock("power_uw"), 0);
    std::string vars = hgt::read_file(t.run + "/log/flow_vars.txt");
    hgt::write_file(t.run + "/log/flow_vars.txt", vars + "CLK_TREE = 0\n");
    ASSERT_EQ(hgt::run_cmd(t.summary()).status, 0);
    EXPECT_EQ(clock("flops"), 0);
    EXPECT_EQ(clock("power_uw"), 0);
    EXPECT_FALSE(has(hgt::read_file(t.run + "/reports/summary.json"), "\"clock\":")) << "no clock block";
}

TEST(SynthReliability, ReportRequiresEveryField)
{
    TinyRun t;
    ASSERT_EQ(hgt::run_cmd(t.summary()).status, 0);
    std::string bad = t.dir + "/bad";
    hgt::run_cmd("mkdir -p " + q(bad + "/reports"));
    hgt::write_file(bad + "/reports/summary.json", "{\"core\":\"had\"}");
    hgt::run_cmd("mkdir -p " + q(t.dir + "/rep"));
    std::string rep = std::string(HG_BIN_DIR) + "/hgreport --out " + q(t.dir + "/rep") + " --point ";
    hgt::CmdResult a = hgt::run_cmd(rep + q("p=s:" + bad));
    EXPECT_EQ(a.status, 2) << a.out;
    EXPECT_TRUE(has(a.out, bad + "/reports/summary.json: key clock_period_ns missing or not a finite number"))
        << a.out;
    EXPECT_FALSE(exists(t.dir + "/rep/report.md"));
    // one field removed from a whole summary is named
    std::string s = hgt::read_file(t.run + "/reports/summary.json");
    size_t at = s.find("\"fmax_mhz\"");
    ASSERT_NE(at, std::string::npos);
    hgt::write_file(bad + "/reports/summary.json", s.replace(at, 10, "\"fmax_mhx\""));
    hgt::CmdResult b = hgt::run_cmd(rep + q("p=s:" + bad));
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_TRUE(has(b.out, "key timing.fmax_mhz")) << b.out;
    // a block without its power
    std::string whole = hgt::read_file(t.run + "/reports/summary.json");
    size_t in_blocks = whole.find("\"power_uw\"", whole.find("\"blocks\""));
    ASSERT_NE(in_blocks, std::string::npos);
    hgt::write_file(bad + "/reports/summary.json", whole.replace(in_blocks, 10, "\"power_uX\""));
    hgt::CmdResult e = hgt::run_cmd(rep + q("p=s:" + bad));
    EXPECT_EQ(e.status, 2) << e.out;
    EXPECT_TRUE(has(e.out, "area_um2 and power_uw must be finite numbers")) << e.out;
    // two runs of one core
    hgt::CmdResult c = hgt::run_cmd(rep + q("p=s:" + t.run + "," + t.run));
    EXPECT_EQ(c.status, 2) << c.out;
    // a whole summary: no nan or inf anywhere; gnuplot runs in a folder whose name has a quote
    std::string out = t.dir + "/it's";
    hgt::run_cmd("mkdir -p \"" + out + "\"");
    hgt::CmdResult d = hgt::run_cmd(std::string(HG_BIN_DIR) + "/hgreport --out \"" + out + "\" --point " +
                                    q("p=s:" + t.run));
    ASSERT_EQ(d.status, 0) << d.out;
    for (const char *f : {"report.md", "summary.csv", "blocks.csv", "report.json"}) {
        std::string text = hgt::read_file(out + "/" + f);
        EXPECT_FALSE(has_word(text, "nan") || has_word(text, "inf")) << f << ":\n" << text;
    }
    EXPECT_GT(hgt::read_file(out + "/p_area.png").size(), 100u) << d.out;
}

// ---------------------------------------------------------------------------------------
// Numbers, windows, instance lists

TEST(SynthReliability, NumbersAreParsedStrictly)
{
    Tiny t;
    std::string vec = hgsynth() + " vectors --rtl " + q(t.rtl) + " --out " + q(t.tog) + " ";
    for (const char *arg : {"--seed abc", "--seed -1", "--seed ' 1'", "--seed 99999999999999999999",
                            "--queries 1e3", "--queries 0", "--const 2", "--seed 1 --seed 2", "--seed ''"}) {
        hgt::CmdResult r = hgt::run_cmd(vec + arg);
        EXPECT_EQ(r.status, 2) << arg << "\n" << r.out;
    }
    EXPECT_TRUE(has(hgt::run_cmd(vec + "--seed abc").out, "--seed 'abc': must be an integer in 0.."))
        << "message";
    // seeds give different data (abc used to be seed 0)
    ASSERT_EQ(hgt::run_cmd(vec + "--seed 0").status, 0);
    std::string k0 = hgt::read_file(t.tog + "/keys.bin");
    ASSERT_EQ(hgt::run_cmd(vec + "--seed 1").status, 0);
    EXPECT_NE(hgt::read_file(t.tog + "/keys.bin"), k0);
    EXPECT_EQ(k0.size(), 8u);
    // a core of 2-bit values gets values in -1..1, and its captures are simulated at 2 bits
    hgt::write_file(t.rtl + "/manifest.json",
                    replaced(manifest(), "\"max_keys\":8", "\"max_keys\":8,\"v_bits\":2"));
    ASSERT_EQ(hgt::run_cmd(vec + "--seed 3").status, 0);
    std::string v2 = hgt::read_file(t.tog + "/values.bin");
    EXPECT_EQ(v2.size(), 64u);
    int nonzero = 0;
    for (char c : v2) {
        EXPECT_LE(std::abs((int)(int8_t)c), 1);
        nonzero += c != 0;
    }
    EXPECT_GT(nonzero, 8);
    EXPECT_TRUE(has(hgt::run_cmd(hgsynth() + " plan --rtl " + q(t.rtl)).out, " --v-bits 2"));
    hgt::write_file(t.rtl + "/manifest.json", manifest());
    hgt::CmdResult s = hgt::run_cmd(hgsynth() + " instances --rtl " + q(t.rtl) + " --netlists " + q(t.nl) +
                                    " --captures " + q(t.cap) + " --sample 5x --out " + q(t.dir + "/i.txt"));
    EXPECT_EQ(s.status, 2) << s.out;
    EXPECT_EQ(hgt::run_cmd(t.with_list() + " --max-errors 1.5").status, 2);
    // numbers in the manifest
    const char *const edits[][2] = {
        {"\"d\":8,", "\"d\":8.5,"},
        {"\"lanes\":1,", "\"lanes\":1e999,"},
        {"\"max_keys\":8", "\"max_keys\":8,\"out_frac\":-3"},
        {"\"max_keys\":8", "\"max_keys\":8,\"weight_bits\":\"8\""},
        {"\"instances\":1", "\"instances\":2.5"},
        {"\"width\":1}]", "\"width\":\"1\"}]"},
    };
    for (const auto &e : edits) {
        hgt::write_file(t.rtl + "/manifest.json", replaced(manifest(), e[0], e[1]));
        hgt::CmdResult r = hgt::run_cmd(hgsynth() + " plan --rtl " + q(t.rtl));
        EXPECT_EQ(r.status, 2) << e[1] << "\n" << r.out;
        EXPECT_TRUE(has(r.out, "must be an integer")) << e[1] << ": " << r.out;
    }
}

TEST(SynthReliability, GatesimRefusesEmptyWindowsAndBadInstanceLists)
{
    Tiny t;
    for (const char *w : {"10:5", "5:5", "4:5", "a:b", "3", "-1:4", "100:200", "3:200"}) {
        hgt::CmdResult r = hgt::run_cmd(t.with_list() + " --window '" + w + "'");
        EXPECT_EQ(r.status, 2) << w << "\n" << r.out;
        EXPECT_TRUE(has(r.out, "--window")) << w << ": " << r.out;
        EXPECT_FALSE(exists(t.tog + "/top.m.tog")) << w << ": toggles written";
    }
    EXPECT_TRUE(has(hgt::run_cmd(t.with_list() + " --window 100:200").out,
                    "ends past the captures of top.m (10 cycles)"));
    hgt::CmdResult ok = hgt::run_cmd(t.with_list() + " --window 0:10");
    EXPECT_EQ(ok.status, 0) << ok.out;
    EXPECT_TRUE(has(ok.out, "10 cycles, gate level == RTL, 9 cycles of activity")) << ok.out;
    // instance lists: random bytes, a malformed line, no line for the module
    hgt::run_cmd("head -c 3000 /dev/urandom > " + q(t.dir + "/rand.bin") +
                 " && head -c 3000 /dev/urandom | tr -d '\\000' > " + q(t.dir + "/rand.txt"));
    struct Case {
        std::string list, what;
    } cases[] = {
        {t.dir + "/rand.bin", ""},
        {t.dir + "/rand.txt", "instance list"},
        {"m 2 1 " + t.cap + "/top.m\n", "SIMULATE \"2\" must be 0 or 1"},
        {"m 1 x " + t.cap + "/top.m\n", "CELLS"},
        {"q 1 1 " + t.cap + "/top.m\n", "\"q\" is not a logic module"},
        {"m 0 1 " + t.cap + "/top.m\n", "no instance of module m to simulate"},
        {"m 1 1 " + t.cap + "/nothere\n", "no capture for instance nothere"},
    };
    for (const Case &c : cases) {
        std::string path = c.list;
        if (c.list[0] != '/') {
            path = t.dir + "/list.txt";
            hgt::write_file(path, c.list);
        }
        hgt::CmdResult r = hgt::run_cmd(t.gatesim("--instances " + q(path)));
        EXPECT_EQ(r.status, 2) << c.list << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
    }
    // captures of unequal length and bad digits
    hgt::write_file(t.cap + "/top.m.hex", "0 1\n1 g\n");
    hgt::CmdResult g = hgt::run_cmd(t.with_list());
    EXPECT_EQ(g.status, 2) << g.out;
    EXPECT_TRUE(has(g.out, "capture values are hex digits")) << g.out;
}

// ---------------------------------------------------------------------------------------
// Files

TEST(SynthReliability, InputsMustBeRegularFilesWithinTheLimit)
{
    Tiny t;
    hgt::run_cmd("mkfifo " + q(t.dir + "/fifo") + " && truncate -s 1100M " + q(t.dir + "/big.lib"));
    struct Case {
        std::string cmd, what;
    } cases[] = {
        {hgsynth() + " cells --lib /dev/zero --out " + q(t.dir + "/c.v"), "is a device"},
        {hgsynth() + " cells --lib " + q(t.dir) + " --out " + q(t.dir + "/c.v"), "is a directory"},
        {hgsynth() + " cells --lib " + q(t.dir + "/fifo") + " --out " + q(t.dir + "/c.v"), "is a FIFO"},
        {hgsynth() + " cells --lib " + q(t.dir + "/big.lib") + " --out " + q(t.dir + "/c.v"),
         "input limit of 1 GiB"},
        {t.gatesim("--instances " + q(t.dir + "/fifo")), "is a FIFO"},
        {t.gatesim("--instances /dev/urandom"), "is a device"},
    };
    for (const Case &c : cases) {
        hgt::CmdResult r = hgt::run_cmd("timeout 20 " + c.cmd);
        EXPECT_EQ(r.status, 2) << c.cmd << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
    }
    // a capture that is a FIFO
    hgt::run_cmd("rm " + q(t.cap + "/top.m.hex") + " && mkfifo " + q(t.cap + "/top.m.hex"));
    hgt::CmdResult r = hgt::run_cmd("timeout 20 " + t.with_list());
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(has(r.out, "is a FIFO")) << r.out;
}

TEST(SynthReliability, OutputsNeverReplaceInputsAndFailuresLeaveNoTrace)
{
    Tiny t;
    std::string man = hgt::read_file(t.rtl + "/manifest.json");
    hgt::CmdResult a =
        hgt::run_cmd(hgsynth() + " plan --rtl " + q(t.rtl) + " --out " + q(t.rtl + "/manifest.json"));
    EXPECT_EQ(a.status, 2) << a.out;
    EXPECT_TRUE(has(a.out, "is an input of this command")) << a.out;
    EXPECT_EQ(hgt::read_file(t.rtl + "/manifest.json"), man);
    std::string list = hgt::read_file(t.list);
    hgt::CmdResult b = hgt::run_cmd(t.with_list() + " --map " + q(t.list));
    EXPECT_EQ(b.status, 2) << b.out;
    EXPECT_EQ(hgt::read_file(t.list), list);
    // outputs onto devices are refused; a failed write leaves the previous output
    hgt::CmdResult c = hgt::run_cmd(hgsynth() + " cells --lib " + kLib + " --out /dev/null");
    EXPECT_EQ(c.status, 2) << c.out;
    hgt::write_file(t.dir + "/plan.sh", "previous\n");
    hgt::CmdResult d = hgt::run_cmd("bash -c \"trap '' XFSZ; ulimit -f 0; " + hgsynth() + " plan --rtl " +
                                    q(t.rtl) + " --out " + q(t.dir + "/plan.sh") + "\"");
    EXPECT_NE(d.status, 0) << d.out;
    EXPECT_EQ(hgt::read_file(t.dir + "/plan.sh"), "previous\n");
    // no temporary file is left behind
    hgt::CmdResult l =
        hgt::run_cmd("ls -A " + q(t.dir) + " " + q(t.rtl) + " " + q(t.tog) + " | grep '^\\.' ");
    EXPECT_EQ(l.out, "") << "left behind: " << l.out;
}

// ---------------------------------------------------------------------------------------
// Liberty files and the Verilator harness

TEST(SynthReliability, LibertyNamesAndNestingAreChecked)
{
    Tiny t;
    std::string cell = "library (l) { cell (\"X;Y\") { area : 1; pin (A) { direction : input; } "
                       "pin (Y) { direction : output; function : \"!A\"; } } }\n";
    std::string deep = "library (l) {";
    for (int i = 0; i < 5000; i++) deep += " g (x) {";
    std::string func =
        "library (l) { cell (C) { pin (A) { direction : input; } pin (Y) { direction : output; "
        "function : \"" +
        std::string(20000, '(') + "A" + std::string(20000, ')') + "\"; } } }\n";
    std::string area = "library (l) { cell (C) { area : 1e999; pin (A) { direction : input; } } }\n";
    struct Case {
        std::string text, what;
    } cases[] = {{cell, "is not a Verilog identifier"},
                 {deep, "nested more than 64 deep"},
                 {func, "nested more than 64 deep"},
                 {area, "is not a number"}};
    for (const Case &c : cases) {
        hgt::write_file(t.dir + "/x.lib", c.text);
        hgt::CmdResult r =
            hgt::run_cmd(hgsynth() + " cells --lib " + q(t.dir + "/x.lib") + " --out " + q(t.dir + "/c.v"));
        EXPECT_EQ(r.status, 2) << c.what << "\n" << r.out;
        EXPECT_TRUE(has(r.out, c.what)) << "expected '" << c.what << "' in: " << r.out;
        EXPECT_FALSE(exists(t.dir + "/c.v"));
    }
}

TEST(SynthReliability, VerilatorHarnessIsStrict)
{
    Tiny t;
    std::string gl = t.dir + "/gl";
    hgt::run_cmd("mkdir -p " + q(gl));
    ASSERT_EQ(hgt::run_cmd(hgsynth() + " glgen --rtl " + q(t.rtl) + " --netlists " + q(t.nl) +
                           " --module m --out " + q(gl))
                  .status,
              0);
    ASSERT_EQ(hgt::run_cmd(hgsynth() + " cells --lib " + kLib + " --out " + q(gl + "/cells.v")).status, 0);
    hgt::CmdResult b = hgt::run_cmd(
        "cd " + q(gl) +
        " && verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint "
        "-Wno-style --timescale 1ns/1ps --top-module hggl_top -Mdir obj -o hggl_sim "
        "-CFLAGS '-O1 -std=c++17 -I" +
        hgt::src_dir() +
        "/synth/src' hggl_top.v "
        "cells.v " +
        hgt::src_dir() + "/synth/harness/hggl_main.cpp " + hgt::src_dir() + "/synth/src/sy_capture.c");
    ASSERT_EQ(b.status, 0) << b.out.substr(b.out.size() > 2000 ? b.out.size() - 2000 : 0);
    std::string sim = q(gl + "/obj/hggl_sim") + " --map " + q(gl + "/map.txt") + " --capture " +
                      q(t.cap + "/top.m") + " --toggles " + q(t.dir + "/v.tog");
    for (const char *bad : {"--window 10 5", "--window 3 200", "--window a b", "--max-errors 5abc"}) {
        hgt::CmdResult r = hgt::run_cmd(sim + " " + bad);
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.out;
        EXPECT_FALSE(exists(t.dir + "/v.tog")) << bad;
    }
    hgt::write_file(t.dir + "/map.txt", "hggl 1\nmodule m\nwidths 1 1 1 0\nself 2\nin 0 99 self 0 a_i\n");
    hgt::CmdResult m =
        hgt::run_cmd(q(gl + "/obj/hggl_sim") + " --map " + q(t.dir + "/map.txt") + " --capture " +
                     q(t.cap + "/top.m") + " --toggles " + q(t.dir + "/v.tog"));
    EXPECT_EQ(m.status, 2) << m.out;
    EXPECT_TRUE(has(m.out, "line 5 is not a valid map line")) << m.out;
    // the same toggles as the built-in simulator
    hgt::CmdResult v = hgt::run_cmd(sim + " --window 0 10");
    ASSERT_EQ(v.status, 0) << v.out;
    ASSERT_EQ(hgt::run_cmd(t.with_list() + " --window 0:10").status, 0);
    std::string a = hgt::read_file(t.dir + "/v.tog"), c = hgt::read_file(t.tog + "/top.m.tog");
    ASSERT_TRUE(has(a, "cycles")) << a;
    EXPECT_EQ(a.substr(a.find("cycles")), c.substr(c.find("cycles")));
}

// ---------------------------------------------------------------------------------------
// Fuzz findings (docs/reliability.md, "Fuzzing"; the inputs are in tests/fuzz/corpus)

// A power report without rows: summary sorted the empty table through a null pointer
// (undefined behaviour; fuzz target synth_reports). It is an error naming what is missing.
TEST(SynthReliability, EmptyPowerTablesAreAnError)
{
    TinyRun t;
    hgt::write_file(t.run + "/reports/sta/m.power0.rpt", "");
    hgt::CmdResult r = hgt::run_cmd(t.summary());
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(has(r.out, "cell _1_ is not in the activity-0 table")) << r.out;
    hgt::write_file(t.run + "/reports/sta/m.power1.rpt", "");
    r = hgt::run_cmd(t.summary());
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(has(r.out, "a toggle net of a cell that has no row in the power tables")) << r.out;
}

// A combinational cell of 32 inputs: the cell-check testbench enumerated 1 << 32 vectors, an
// int shift past its width (undefined behaviour; found while writing the fuzz target liberty,
// which now holds the input). Such a cell is modelled, and listed as not tested.
TEST(SynthReliability, WideCellsAreNotEnumerated)
{
    Tiny t;
    std::string pins, fn;
    for (int i = 0; i < 32; i++) {
        pins += (i ? "," : "") + std::string("I") + std::to_string(i);
        fn += (i ? "&" : "") + std::string("I") + std::to_string(i);
    }
    hgt::write_file(t.dir + "/w.lib", "library(w) { cell(W) { pin(" + pins +
                                          ") { direction : input; } pin(Y) { "
                                          "direction : output; function : \"" +
                                          fn + "\"; } } }\n");
    hgt::write_file(t.dir + "/ref.v", "module W(Y, " + pins + "); endmodule\n");
    hgt::CmdResult r =
        hgt::run_cmd(hgsynth() + " cells --lib " + q(t.dir + "/w.lib") + " --out " + q(t.dir + "/c.v") +
                     " --check-ref " + q(t.dir + "/ref.v") + " --check-dir " + q(t.dir));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(has(r.out, "1 of 1 cells of w modelled")) << r.out;
    EXPECT_TRUE(has(r.out, "check bench for 0 cells")) << r.out;
    EXPECT_TRUE(has(hgt::read_file(t.dir + "/cellcheck_tb.v"),
                    "// W: not tested (32 inputs, more than 20 for all "
                    "combinations)"));
}

} // namespace
