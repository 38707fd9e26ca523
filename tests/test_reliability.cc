// test_reliability.cc — bad inputs of the generator, simulator and runner tools (hadgen,
// hgsim, hgsim_bench, hadrun, hadmodel) and their libraries, one test per case of
// docs/reliability.md ("gen, sim, sw"): each gets a clear error (exit 2 from a CLI) or is
// made impossible, and nothing a user owns is overwritten or deleted.
#include "hg_testlib.h"
extern "C" {
#include "hg_emit_int.h"
}

#include <gtest/gtest.h>

#include <cjson/cJSON.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "bert_config.h"
#include "enc_bert.h"
#include "hr_calib.h"
#include "hr_corpus.h"
#include "hr_json.h"
#include "hs_sim.h"
#include "st_safetensors.h"
#include "tok_wordpiece.h"
}

namespace
{

using hgt::read_file;
using hgt::write_file;

std::string bin(const char *tool) { return std::string(HG_BIN_DIR) + "/" + tool; }

using hgt::exists;

// The model directory the tools use, as an absolute path ("" if there is none).
std::string model_dir()
{
    char dir[4096], err[512], real[PATH_MAX];
    if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0 || !realpath(dir, real)) return "";
    return real;
}

#define EXPECT_MSG(r, text)                                                                                  \
    EXPECT_NE((r).out.find(text), std::string::npos) << "expected: " << (text) << "\ngot: " << (r).out

// ------------------------------------------------------------------ hadgen

const std::string kSmall = " --d 8 --lanes 1 --top-n 1 --max-keys 8";

// --force keeps a user's files, even those the old filelist.f lists: only files hadgen wrote
// (generated name and do-not-edit header) are removed; a user's file of a generated name
// that lacks the header is never replaced.
TEST(ReliabilityHadgen, ForceDeletesOnlyWhatHadgenWrote)
{
    hgt::TempDir td("rel_force");
    std::string d = td.file("o");
    ASSERT_EQ(hgt::run_in_src(bin("hadgen") + kSmall + " --out " + d).status, 0);
    write_file(d + "/my_design.v", "module my_design; endmodule\n");
    write_file(d + "/had_mine_core.v", "// hand-written, a generated-looking name\n");
    std::string list = read_file(d + "/filelist.f");
    write_file(d + "/filelist.f", list + "my_design.v\nhad_mine_core.v\n../outside.v\n");
    hgt::CmdResult r = hgt::run_in_src(bin("hadgen") + " --force --core baseline" + kSmall + " --out " + d);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(d + "/my_design.v"), "module my_design; endmodule\n");
    EXPECT_EQ(read_file(d + "/had_mine_core.v"), "// hand-written, a generated-looking name\n");
    EXPECT_FALSE(exists(d + "/had_core.v")) << "the old core type's files are hadgen's: removed";
    EXPECT_FALSE(exists(d + "/had_probes.v")) << "its probes too (not in filelist.f, named after the top)";
    EXPECT_TRUE(exists(d + "/base_core.v"));
    EXPECT_TRUE(exists(d + "/base_probes.v"));

    // a user's directory with its own filelist.f naming its own files
    hgt::TempDir tu("rel_force_user");
    std::string u = tu.path();
    write_file(u + "/filelist.f", "my_design.v\nhad_core.v\n");
    write_file(u + "/my_design.v", "mine\n");
    write_file(u + "/had_core.v", "mine too\n");
    r = hgt::run_in_src(bin("hadgen") + " --force" + kSmall + " --out " + u);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "was not written by hadgen (no do-not-edit header); refusing to replace it");
    EXPECT_EQ(read_file(u + "/my_design.v"), "mine\n");
    EXPECT_EQ(read_file(u + "/had_core.v"), "mine too\n");
    EXPECT_EQ(read_file(u + "/filelist.f"), "my_design.v\nhad_core.v\n");
    EXPECT_FALSE(exists(u + "/manifest.json"));
    EXPECT_FALSE(exists(u + "/hg_wlut.v")) << "nothing written when a file would be replaced";
}

// A hand-written block that cannot be read ($HADGEN_RTL_SRC without it: none at all, or all
// but one) is a clear error naming the file, for every core type, with nothing written:
// never a crash of the emitter, which goes on with a failed block before it reports.
TEST(ReliabilityHadgen, MissingHandWrittenBlockIsAnErrorNotACrash)
{
    hgt::TempDir td("rel_blocks");
    std::string all = td.file("all"), empty = td.file("empty");
    ASSERT_EQ(hgt::run_cmd("mkdir -p '" + empty + "' && cp -r '" + hgt::src_dir() + "/rtl/src' '" + all + "'")
                  .status,
              0);
    for (const char *core : {"had", "baseline", "int8-topn"})
        for (const std::string &missing :
             {std::string(""), std::string("hg_norm.v"), std::string("hg_mem_flat.v")}) {
            std::string src = missing.empty() ? empty : all;
            if (!missing.empty()) { /* all of rtl/src but one */
                ASSERT_EQ(hgt::run_cmd("cp -r '" + hgt::src_dir() + "/rtl/src/.' '" + all + "/'").status, 0);
                ASSERT_EQ(std::remove((all + "/" + missing).c_str()), 0);
            }
            std::string out = td.file(std::string("o_") + core);
            hgt::CmdResult r = hgt::run_in_src("HADGEN_RTL_SRC='" + src + "' " + bin("hadgen") + " --core " +
                                               core + kSmall + " --out " + out);
            std::string what = std::string(core) + " without " + (missing.empty() ? "any block" : missing);
            EXPECT_EQ(r.status, 1) << what << "\n" << r.out;
            EXPECT_NE(r.out.find("hand-written block '" + src + "/"), std::string::npos) << what << "\n"
                                                                                         << r.out;
            EXPECT_NE(r.out.find(": cannot open"), std::string::npos) << what << "\n" << r.out;
            EXPECT_FALSE(exists(out + "/manifest.json")) << what;
        }
}

// The emitter's internal limits and the consistency of its unit descriptions are sticky errors,
// not aborts: a unit with more hand-written sources, parameters, ports or child kinds than its
// tables hold, or that names a block or child unit not described, ends in a message and no
// file left behind (no temporary file either), while what was written before the error is
// removed by ge_commit.
TEST(ReliabilityHadgen, InternalLimitsAreErrorsThatLeaveNoFiles)
{
    hgt::TempDir td("rel_limits");
    hg_cfg c;
    hg_cfg_default(&c, HG_CORE_HAD);
    char err[512] = "";
    ASSERT_EQ(hg_cfg_finish(&c, err, sizeof err), 0) << err;
    const char *blocks[] = {"hg_norm.v",   "hg_wlut.v",      "hg_topn.v",     "hg_av_dim.v",  "hg_av_list.v",
                            "hg_av_out.v", "hg_xnor_lane.v", "hg_mac_lane.v", "hg_cfg_load.v"};
    struct Case {
        const char *what, *expect;
        void (*emit)(gen *g, const char *const *blocks);
    } cases[] = {
        {"9 sources", "internal limit: more than 8 hand-written sources of a unit",
         [](gen *g, const char *const *b) {
             ge_unit_begin(g, "av", "av", 1, "hg_av_topn");
             for (int i = 0; i < 9; i++) ge_usource(g, b[i]);
         }},
        {"13 parameters", "internal limit: more than 12 parameters of a unit",
         [](gen *g, const char *const *) {
             ge_unit_begin(g, "norm", "norm", 1, "hg_norm");
             for (int i = 0; i < 13; i++) ge_uparam(g, "D", i);
         }},
        {"too many ports", "ports of a unit",
         [](gen *g, const char *const *) {
             ge_unit_begin(g, "norm", "norm", 1, "hg_norm");
             for (int i = 0; i < 1000; i++) ge_in(g, "x_i", 1);
         }},
        {"too many child kinds", "kinds of child cells of a unit",
         [](gen *g, const char *const *) {
             ge_unit_begin(g, "av", "av", 1, "hg_av_topn");
             for (int i = 0; i < 1000; i++) ge_child(g, "av_dim", "g", "u", 1);
         }},
        {"unknown block", "internal error: unit 'norm' of block 'nosuch': the block is not in ge_blocks",
         [](gen *g, const char *const *) { ge_unit_begin(g, "norm", "nosuch", 1, "hg_norm"); }},
        {"unknown block file", "internal error: block file 'hg_nosuch.v': not in block_files",
         [](gen *g, const char *const *) { ge_copy_block(g, "hg_nosuch.v"); }},
        {"undescribed child", "which was not described",
         [](gen *g, const char *const *) {
             ge_unit_begin(g, "av", "av", 1, "hg_av_topn");
             ge_child(g, "av_dim", NULL, "u_dim", 1);
             ge_unit_end(g, 1);
             ge_emit_probes(g);
         }},
    };
    for (const Case &k : cases) {
        std::string dir = td.file(std::string("o_") + std::to_string(&k - cases));
        ASSERT_EQ(hgt::run_cmd("mkdir -p '" + dir + "'").status, 0);
        gen *g = static_cast<gen *>(calloc(1, sizeof(gen)));
        ASSERT_TRUE(g);
        g->c = &c;
        g->dir = dir.c_str();
        g->cmdline = "hadgen (test)";
        g->err = err;
        g->errlen = sizeof err;
        err[0] = '\0';
        ge_emit_norm(g); /* a unit and its block's file written before the error */
        EXPECT_EQ(g->failed, 0) << k.what << ": " << err;
        k.emit(g, blocks);
        EXPECT_EQ(g->failed, 1) << k.what;
        EXPECT_NE(std::string(err).find(k.expect), std::string::npos) << k.what << ": " << err;
        EXPECT_EQ(ge_commit(g), -1) << k.what;
        free(g);
        EXPECT_EQ(hgt::run_cmd("ls -A '" + dir + "'").out, "") << k.what << ": files left behind";
    }
}

// A write that fails (a directory where had_core.v goes) leaves the previous output, whole:
// no file of the new configuration, no temporary file.
TEST(ReliabilityHadgen, FailedWriteLeavesThePreviousOutput)
{
    hgt::TempDir td("rel_fail");
    std::string d = td.path();
    ASSERT_EQ(hgt::run_in_src(bin("hadgen") + kSmall + " --out " + d + "/o").status, 0);
    std::string o = d + "/o";
    hgt::run_in_src("rm '" + o + "/had_core.v' && mkdir '" + o + "/had_core.v' && touch '" + o +
                    "/had_core.v/x'");
    const std::string snapshot = "cd '" + o +
                                 "' && ls -a && for f in *; do [ -f \"$f\" ] && "
                                 "cat \"$f\"; done";
    std::string before = hgt::run_in_src(snapshot).out;
    hgt::CmdResult r = hgt::run_in_src(bin("hadgen") + " --d 16 --lanes 1 --top-n 1 --max-keys 8 --out " + o);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "/had_core.v' is a directory, not a file hadgen wrote");
    EXPECT_MSG(r, "the directory is unchanged");
    EXPECT_EQ(hgt::run_in_src(snapshot).out, before) << "the previous output must be left as it was";
    EXPECT_EQ(hgt::run_in_src("grep -ls 'd=16' '" + o + "'/*.v").out, "") << "no file of the new run";
    EXPECT_EQ(hgt::run_in_src("ls -a '" + o + "' | grep -c '\\.tmp'").out, "0\n") << "no temporary file left";
}

// ------------------------------------------------------------------ hgsim

// The smallest HAD edge configuration (its simulation is built by the RTL suites) and an
// int8 + top-N one, with matching vector files.
class ReliabilityHgsim : public testing::Test
{
  protected:
    void SetUp() override
    {
        dir = hgt::temp_dir("rel_hgsim");
        write_file(dir + "/k.bin", std::string(8, '\x5a')); // 8 HAD keys of d/8 = 1 byte
        write_file(dir + "/v.bin", std::string(64, '\x03'));
        write_file(dir + "/q.bin", std::string(2, '\x33'));
        had = bin("hgsim") + kSmall + " --keys " + dir + "/k.bin --values " + dir + "/v.bin --queries " +
              dir + "/q.bin";
        hg_cfg c = hgt::make_cfg(HG_CORE_I8TOPN, 24, 3, 5, 31);
        hgt::Data dt = hgt::make_data(c, hgt::M_RANDOM, 2, 5);
        write_file(dir + "/ik.bin", dt.k.data(), dt.k.size());
        write_file(dir + "/iv.bin", dt.v.data(), dt.v.size());
        write_file(dir + "/iq.bin", dt.q.data(), dt.q.size());
        i8 = bin("hgsim") + " --core int8-topn --d 24 --lanes 3 --top-n 5 --max-keys 31 --keys " + dir +
             "/ik.bin --values " + dir + "/iv.bin --queries " + dir + "/iq.bin";
    }
    void TearDown() override { hgt::remove_tree(dir); }
    std::string dir, had, i8;
};

TEST_F(ReliabilityHgsim, EmptyOrOddCachePathsAreRefused)
{
    struct stat st;
    bool root_before = stat("/had_d8_p1_n1_l8_w8_f6_o8_had-plain", &st) == 0;
    hgt::CmdResult r = hgt::run_in_src(had + " --cache ''");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '': must not be empty");
    EXPECT_EQ(stat("/had_d8_p1_n1_l8_w8_f6_o8_had-plain", &st) == 0, root_before)
        << "nothing may be built at the filesystem root";
    r = hgt::run_in_src(had + " --cache /");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '/': is the filesystem root");
    r = hgt::run_in_src(had + " --cache \"" + dir + "/it's\"");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "holds a quote");
    r = hgt::run_in_src(had + " --cache " + dir + "/k.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "k.bin': exists and is not a directory");
    r = hgt::run_in_src("HADGEN_SIM_CACHE=/ " + had);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "HADGEN_SIM_CACHE '/': is the filesystem root");
}

TEST_F(ReliabilityHgsim, SpecialDirectoryAndOversizedInputsAreRefused)
{
    std::string base =
        bin("hgsim") + kSmall + " --values " + dir + "/v.bin --queries " + dir + "/q.bin --keys ";
    hgt::CmdResult r = hgt::run_in_src("timeout 60 " + base + "/dev/zero");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--keys '/dev/zero': is a character device, not a regular file");
    ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
    r = hgt::run_in_src("timeout 60 " + base + dir + "/fifo");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "fifo': is a FIFO, not a regular file");
    r = hgt::run_in_src(base + dir);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "': is a directory, not a file");
    EXPECT_EQ(r.out.find("0 bytes"), std::string::npos) << r.out;
    write_file(dir + "/k16.bin", std::string(16, '\x01'));
    r = hgt::run_in_src(base + dir + "/k16.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "16 bytes, more than the limit of 8 bytes (max-keys 8 x 1 bytes per key, core "
                  "had d=8)");
    r = hgt::run_in_src(bin("hgsim") + kSmall + " --keys " + dir + "/k.bin --values " + dir +
                        "/v.bin --queries /dev/urandom");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--queries '/dev/urandom': is a character device");
}

TEST_F(ReliabilityHgsim, NonFiniteAndClampedNumbersAreRefused)
{
    for (const char *a : {"inf", "nan", "1e999", "0x10", " 1", "1e7", "-0.5", "0", "1.5.2"}) {
        hgt::CmdResult r = hgt::run_in_src(had + " --check --alpha '" + a + "'");
        EXPECT_EQ(r.status, 2) << a << "\n" << r.out;
        EXPECT_MSG(r, "--alpha '" + std::string(a) +
                          "': must be a positive number (a finite "
                          "decimal such as 0.05, at most 1e+06)");
    }
    for (const char *s : {"inf", "-1", "abc", "1e400"}) {
        hgt::CmdResult r = hgt::run_in_src(i8 + " --scale-q '" + s + "'");
        EXPECT_EQ(r.status, 2) << s << "\n" << r.out;
        EXPECT_MSG(r, "--scale-q '" + std::string(s) + "': must be a positive number");
    }
    hgt::CmdResult r = hgt::run_in_src(i8 + " --scale-k 1e-30");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--scale-q 0.05 --scale-k 1e-30: the exp step");
    EXPECT_MSG(r, "it would be clamped); with --scale-k 1e-30 --scale-q must be in");
    r = hgt::run_in_src(i8 + " --scale-q 1e5 --scale-k 1e5");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "outside what the core's 16-bit multiplier and 6-bit shift represent");
    // values in range still run bit-exactly
    r = hgt::run_in_src(had + " --check --alpha 1e-3");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "check: bit-exact");
    r = hgt::run_in_src(i8 + " --check --scale-q 0.002 --scale-k 0.3");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "check: bit-exact");
}

// File sizes must match the configuration: HAD keys given to the baseline core (and int8
// keys given to HAD) are refused with expected and actual bytes.
TEST_F(ReliabilityHgsim, KeysOfTheOtherLayoutAreRefused)
{
    write_file(dir + "/hk.bin", std::string(64 * 8, '\x0f')); // 64 HAD keys, d=64
    write_file(dir + "/hv.bin", std::string(64 * 64, '\x01'));
    write_file(dir + "/hq.bin", std::string(64, '\x01'));
    std::string files = " --keys " + dir + "/hk.bin --values " + dir + "/hv.bin --queries " + dir + "/hq.bin";
    hgt::CmdResult r = hgt::run_in_src(bin("hgsim") +
                                       " --core baseline --d 64 --lanes 4 --top-n 4 "
                                       "--max-keys 64" +
                                       files);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "hv.bin': 4096 bytes, expected 512: --keys '" + dir + "/hk.bin' holds 8 keys");
    EXPECT_MSG(r, "was it made for --core had?");
    write_file(dir + "/ik8.bin", std::string(8 * 64, '\x0f')); // 8 int8 keys, d=64
    write_file(dir + "/iv8.bin", std::string(8 * 64, '\x01'));
    r = hgt::run_in_src(bin("hgsim") + " --core had --d 64 --lanes 4 --top-n 4 --max-keys 64 --keys " + dir +
                        "/ik8.bin --values " + dir + "/iv8.bin --queries " + dir + "/hq.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "512 bytes, expected 4096");
    EXPECT_MSG(r, "was it made for --core baseline or int8-topn?");
}

TEST_F(ReliabilityHgsim, OutputsAreNeverInputsAndAreCheckedFirst)
{
    std::string k = read_file(dir + "/k.bin");
    hgt::CmdResult r = hgt::run_in_src(had + " --out " + dir + "/k.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--out '" + dir + "/k.bin': is the --keys file; hgsim never overwrites its inputs");
    EXPECT_EQ(read_file(dir + "/k.bin"), k);
    r = hgt::run_in_src("cd '" + dir + "' && " + had + " --out ./q.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "is the --queries file");
    r = hgt::run_in_src(had + " --out " + dir + "/none/o.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "folder '" + dir + "/none' does not exist");
    r = hgt::run_in_src(had + " --out " + dir);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "is a directory; an output must be a regular file");
    r = hgt::run_in_src(had + " --out " + dir + "/o.bin --trace " + dir + "/o.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--trace '" + dir + "/o.bin': is also the --out file");
    // a run writes its output through a temporary file: the result and nothing else
    write_file(dir + "/o.bin", "old");
    r = hgt::run_in_src(had + " --check --out " + dir + "/o.bin");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(dir + "/o.bin").size(), 2u * 8u * 4u);
    EXPECT_EQ(hgt::run_in_src("ls -a '" + dir + "' | grep -c '\\.tmp'").out, "0\n");
}

// --capture DIR: checked before the run (a path too long for the simulation's file names
// crashed the Verilator runtime); the captures are written into a temporary folder inside DIR
// and renamed into DIR when the run is complete, so a failed run leaves the previous captures.
TEST_F(ReliabilityHgsim, CapturesAreCheckedFirstAndWrittenWhole)
{
    std::string lim = std::to_string(HS_CAPTURE_DIR_MAX - 11);
    std::string longdir = dir + "/" + std::string(200, 'c');
    hgt::CmdResult r = hgt::run_in_src(had + " --capture " + longdir);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--capture '" + longdir + "': " + std::to_string(longdir.size()) +
                      " bytes, more than the limit of " + lim +
                      " (the simulation's file names "
                      "DIR/<instance>.hex must fit the 256 bytes of the Verilator runtime");
    r = hgt::run_in_src(had + " --capture " + dir + "/none/cap");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--capture '" + dir + "/none/cap': folder '" + dir + "/none' does not exist");
    r = hgt::run_in_src(had + " --capture " + dir + "/k.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--capture '" + dir + "/k.bin': exists and is not a directory");
    r = hgt::run_in_src(had + " --capture ''");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--capture '': must not be empty");
    // a new folder, then the same folder again: complete captures, no temporary folder
    r = hgt::run_in_src(had + " --check --capture " + dir + "/cap/");
    ASSERT_EQ(r.status, 0) << r.out;
    std::string top = dir + "/cap/TOP.had_core.hex";
    std::string first = read_file(top);
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(hgt::run_in_src("ls -A '" + dir + "/cap' | grep -c tmp").out, "0\n");
    write_file(dir + "/cap/mine.txt", "kept\n");
    r = hgt::run_in_src(had + " --check --capture " + dir + "/cap");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(top), first);
    EXPECT_EQ(read_file(dir + "/cap/mine.txt"), "kept\n");
    // a run that fails (the watchdog) leaves the previous captures and makes no folder
    write_file(top, "previous\n");
    r = hgt::run_in_src("HADGEN_SIM_STALLS=0,100 " + had + " --capture " + dir + "/cap");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_MSG(r, "simulation hung: outputs stream");
    EXPECT_EQ(read_file(top), "previous\n");
    EXPECT_EQ(hgt::run_in_src("ls -A '" + dir + "/cap' | grep -c tmp").out, "0\n");
    r = hgt::run_in_src("HADGEN_SIM_STALLS=0,100 " + had + " --capture " + dir + "/cap2");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_FALSE(exists(dir + "/cap2"));
}

TEST(ReliabilityHgsimBench, HelpAndStrictNumbers)
{
    hgt::CmdResult r = hgt::run_in_src(bin("hgsim_bench") + " --help");
    EXPECT_EQ(r.status, 0) << r.out;
    for (const char *o : {"--queries", "--cache", "--help"}) EXPECT_MSG(r, o);
    for (const char *a : {"5abc", "4294967300", "1", "100001", "' 5'", "--queries x", "--queries=-3"}) {
        r = hgt::run_in_src(bin("hgsim_bench") + " " + a);
        EXPECT_EQ(r.status, 2) << a << "\n" << r.out;
        EXPECT_MSG(r, "': must be an integer in 2..100000");
    }
    r = hgt::run_in_src(bin("hgsim_bench") + " --bogus");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "unknown option '--bogus'");
    r = hgt::run_in_src(bin("hgsim_bench") + " 8 9");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "unexpected argument '9'");
    r = hgt::run_in_src(bin("hgsim_bench") + " --cache ''");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '': must not be empty");
}

// ------------------------------------------------------------------ hadrun

// A small calibration set and a calibration file in dir, so runs stay short.
std::string quick(const std::string &dir)
{
    std::string set = read_file(hgt::src_dir() + "/sw/data/sentences_calib.txt");
    size_t cut = 0;
    for (int i = 0; i < 4; i++) cut = set.find('\n', cut) + 1;
    write_file(dir + "/cal.txt", set.substr(0, cut));
    return " --quiet --calib " + dir + "/cal.json --calib-sentences " + dir + "/cal.txt";
}

TEST(ReliabilityHadrun, SpecialAndOversizedSentenceFilesAreRefused)
{
    hgt::TempDir td("rel_sent");
    std::string d = td.path();
    std::string q = quick(d), run = "timeout 120 " + bin("hadrun") + q;
    for (const char *dev : {"/dev/zero", "/dev/urandom"}) {
        hgt::CmdResult r = hgt::run_in_src(run + " --sentences " + dev);
        EXPECT_EQ(r.status, 2) << dev << "\n" << r.out;
        EXPECT_MSG(r, "--sentences: " + std::string(dev) +
                          ": is a character device, not a regular "
                          "file");
    }
    ASSERT_EQ(mkfifo((d + "/fifo").c_str(), 0600), 0);
    hgt::CmdResult r = hgt::run_in_src(run + " --sentences " + d + "/fifo");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "fifo: is a FIFO, not a regular file");
    r = hgt::run_in_src(bin("hadrun") + " --quiet --calib " + d + "/cal.json --calib-sentences /dev/zero");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--calib-sentences: /dev/zero: is a character device");
    write_file(d + "/big.txt", "");
    ASSERT_EQ(truncate((d + "/big.txt").c_str(), (64LL << 20) + 1), 0); // sparse
    r = hgt::run_in_src(run + " --sentences " + d + "/big.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "big.txt: 67108865 bytes, more than the limit of 67108864 bytes");
    write_file(d + "/long.txt", "a short sentence.\n" + std::string(70000, 'a') + "\n");
    r = hgt::run_in_src(run + " --sentences " + d + "/long.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "long.txt:2: line longer than 65536 bytes");
}

TEST(ReliabilityHadrun, NulBytesAndInvalidUtf8AreRefusedNamingTheLine)
{
    hgt::TempDir td("rel_utf8");
    std::string d = td.path();
    std::string run = bin("hadrun") + quick(d) + " --sentences ";
    write_file(d + "/nul.txt", std::string("a good sentence.\nabc\0def ghi.\n", 30));
    hgt::CmdResult r = hgt::run_in_src(run + d + "/nul.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "nul.txt:2: NUL byte at byte 4 of the line; a sentence file must be UTF-8 text");
    write_file(d + "/bad.txt", "fine.\nalso fine.\ncaf\xc3 au lait\n");
    r = hgt::run_in_src(run + d + "/bad.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "bad.txt:3: invalid UTF-8 at byte 4 of the line (0xc3)");
    std::mt19937 rng(4096);
    std::string noise(4096, '\0');
    for (char &c : noise) c = (char)(rng() & 0xff);
    write_file(d + "/noise.txt", noise);
    r = hgt::run_in_src(run + d + "/noise.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "noise.txt:");
    EXPECT_MSG(r, "a sentence file must be UTF-8 text");
    // valid UTF-8 (accents, CJK, a literal U+FFFD) and CRLF line ends are accepted
    write_file(d + "/ok.txt", "Caf\xc3\xa9 au lait.\r\n\xe4\xb8\xad\xe6\x96\x87 \xef\xbf\xbd ok.\n");
    r = hgt::run_in_src(run + d + "/ok.txt --backend float");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "2 sentences");
}

// No output is an input or another output; outputs are checked before the run.
TEST(ReliabilityHadrun, OutputsAreNeverInputsAndAreCheckedFirst)
{
    hgt::TempDir td("rel_out");
    std::string d = td.path();
    std::string q = quick(d), run = bin("hadrun") + q;
    write_file(d + "/s.txt", "The first sentence.\nThe second one.\n");
    std::string s = d + "/s.txt";
    // a model directory of copies (the weights linked: no output names them), so a tool that
    // wrongly wrote an output there could not damage the real model
    std::string m = d + "/model", real = model_dir();
    ASSERT_FALSE(real.empty());
    hgt::run_in_src("mkdir '" + m + "' && cp '" + real + "/config.json' '" + real + "/vocab.txt' '" + m +
                    "/' && ln -s '" + real + "/model.safetensors' '" + m + "/'");
    struct Case {
        std::string args, expect;
    } cases[] = {
        {"--json " + s, "--json '" + s + "': is the --sentences file; hadrun never overwrites"},
        {"--embeddings " + d + "/./s.txt", "is the --sentences file"},
        {"--calib-sentences " + s + " --calib " + s, "--calib '" + s + "': is the --sentences"},
        {"--json " + d + "/cal.txt", "is the --calib-sentences file"},
        {"--model " + m + " --json " + m + "/vocab.txt", "is the --model file"},
        {"--json " + d + "/a.json --embeddings " + d + "/a.json", "is also the --json file"},
        {"--json " + d + "/cal.json", "is also the --json file"},
        {"--json " + d + "/nodir/x.json", "folder '" + d + "/nodir' does not exist"},
        {"--embeddings " + d, "is a directory; an output must be a regular file"},
        {"--json " + d + "/x.json/", "ends with '/'"},
        {"--calib " + d, "--calib '" + d + "': is not a regular file"},
        {"--calib " + d + "/nodir/c.json",
         "--calib '" + d + "/nodir/c.json': folder '" + d +
             "/nodir' does not exist (create it first); a calibration file is written when it is "
             "missing or stale, so it must lie in an existing, writable folder"},
        {"--calib " + d + "/s.txt/c.json",
         "--calib '" + d + "/s.txt/c.json': '" + d + "/s.txt' is not a folder"},
    };
    for (const Case &c : cases) {
        // rtl-had would take minutes to run: the checks come first
        hgt::CmdResult r = hgt::run_in_src(run + " --sentences " + s + " --backend float,rtl-had " + c.args);
        EXPECT_EQ(r.status, 2) << c.args << "\n" << r.out;
        EXPECT_MSG(r, c.expect);
        EXPECT_EQ(r.out.find("backend "), std::string::npos) << "ran before checking: " << r.out;
    }
    EXPECT_EQ(read_file(s), "The first sentence.\nThe second one.\n");
    EXPECT_EQ(hgt::run_in_src("ls -a '" + d + "' | grep -c '\\.tmp'").out, "0\n");
    // a distilled model's calibration: --student-calib, and its default beside --calib
    std::string had = std::string(HG_BIN_DIR) + "/../model-had";
    ASSERT_TRUE(exists(had + "/had.json")) << "make model-had";
    std::string cases2[][2] = {
        {"--student-calib " + d + "/nodir/s.json", "--student-calib '" + d +
                                                       "/nodir/s.json': "
                                                       "folder '" +
                                                       d + "/nodir' does not exist"},
        {"--calib " + d + "/c.json --student-calib " + d, "--student-calib '" + d +
                                                              "': is not a "
                                                              "regular file"},
    };
    for (const auto &c : cases2) {
        hgt::CmdResult r = hgt::run_in_src(bin("hadrun") + " --quiet --calib-sentences " + d +
                                           "/cal.txt "
                                           "--sentences " +
                                           s + " --model " + had + " --backend rtl-had " + c[0]);
        EXPECT_EQ(r.status, 2) << c[0] << "\n" << r.out;
        EXPECT_MSG(r, c[1]);
        EXPECT_EQ(r.out.find("backend "), std::string::npos) << "ran before checking";
    }
    if (geteuid() != 0) { // root writes into any folder
        hgt::run_in_src("mkdir '" + d + "/ro' && chmod 555 '" + d + "/ro'");
        hgt::CmdResult r =
            hgt::run_in_src(run + " --sentences " + s + " --backend rtl-had --calib " + d + "/ro/c.json");
        EXPECT_EQ(r.status, 2) << r.out;
        EXPECT_MSG(r, "--calib '" + d + "/ro/c.json': folder '" + d + "/ro' is not writable");
        hgt::run_in_src("chmod 755 '" + d + "/ro'");
    }
}

// Streams go only into a new or empty directory, or one hadrun dumped into before.
TEST(ReliabilityHadrun, DumpWritesOnlyIntoItsOwnDirectory)
{
    hgt::TempDir td("rel_dump");
    std::string d = td.path();
    std::string run = bin("hadrun") + quick(d) + " --limit 1 --backend float --dump-heads 0:0 ";
    hgt::run_in_src("mkdir '" + d + "/user'");
    write_file(d + "/user/index.json", "{\"mine\": true}\n");
    hgt::CmdResult r = hgt::run_in_src(run + "--dump-streams " + d + "/user");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--dump-streams '" + d +
                      "/user': directory is not empty and was not made by "
                      "hadrun");
    EXPECT_MSG(r, "give a new directory");
    EXPECT_EQ(read_file(d + "/user/index.json"), "{\"mine\": true}\n");
    r = hgt::run_in_src(run + "--dump-streams " + d + "/user/index.json");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "exists and is not a directory");
    // a new directory, then the same one again (hadrun's marker), then an empty one
    r = hgt::run_in_src(run + "--dump-streams " + d + "/new");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(exists(d + "/new/.hadrun-streams"));
    EXPECT_TRUE(exists(d + "/new/had/l0h0/s001/keys.bin"));
    r = hgt::run_in_src(run + "--dump-streams " + d + "/new");
    EXPECT_EQ(r.status, 0) << r.out;
    hgt::run_in_src("mkdir '" + d + "/empty'");
    r = hgt::run_in_src(run + "--dump-streams " + d + "/empty");
    EXPECT_EQ(r.status, 0) << r.out;
    // an input inside the dump directory is refused
    write_file(d + "/new/s.txt", "A sentence.\n");
    r = hgt::run_in_src(run + "--dump-streams " + d + "/new --sentences " + d + "/new/s.txt");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "lies inside --dump-streams");
    EXPECT_EQ(hgt::run_in_src("find '" + d + "' -name '*.tmp*' | wc -l").out, "0\n");
}

// A copy of the real model with one weight replaced by v.
std::string model_with(const std::string &d, const char *tensor, size_t elem, float v)
{
    std::string real = model_dir(), m = d + "/model";
    EXPECT_FALSE(real.empty()) << "no model (make deps-model)";
    hgt::run_in_src("mkdir -p '" + m + "' && cp '" + real + "/config.json' '" + real + "/vocab.txt' '" + m +
                    "/'");
    std::string b = read_file(real + "/model.safetensors");
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | (uint8_t)b[(size_t)i];
    cJSON *h = cJSON_ParseWithLength(b.data() + 8, (size_t)hlen);
    cJSON *off = cJSON_GetObjectItem(cJSON_GetObjectItem(h, tensor), "data_offsets");
    size_t at = 8 + (size_t)hlen + (size_t)cJSON_GetArrayItem(off, 0)->valuedouble + 4 * elem;
    cJSON_Delete(h);
    memcpy(&b[at], &v, 4);
    write_file(m + "/model.safetensors", b);
    return m;
}

// NaN and Inf weights are refused when the model is loaded, naming the tensor; a
// calibration file never holds a bare nan, and one holding null is refused as not a number.
TEST(ReliabilityHadrun, NonFiniteWeightsAreRefusedAndNeverReachJson)
{
    hgt::TempDir td("rel_nan");
    std::string d = td.path();
    std::string m = model_with(d, "encoder.layer.2.attention.self.key.weight", 5, NAN);
    hgt::CmdResult r = hgt::run_in_src(bin("hadrun") + quick(d) + " --limit 1 --model " + m);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "model.safetensors: tensor 'encoder.layer.2.attention.self.key.weight': element "
                  "5 is NaN; weights must be finite");
    EXPECT_FALSE(exists(d + "/cal.json")) << "no calibration from NaN weights";
    m = model_with(d, "embeddings.LayerNorm.weight", 0, -INFINITY);
    char err[1024] = "";
    enc_model *em = enc_load(m.c_str(), err, sizeof err);
    EXPECT_EQ(em, nullptr);
    EXPECT_NE(std::string(err).find("tensor 'embeddings.LayerNorm.weight': element 0 is -Inf"),
              std::string::npos)
        << err;
    enc_free(em);

    // the JSON writer prints null for a non-finite value; the reader refuses it
    hr_calib c{};
    c.n_layers = c.n_heads = 1;
    c.head_dim = 8;
    c.pct = 100;
    hr_head_cal hc{1, 1, NAN, 0.1, 0.1, 1, 1, 1};
    c.head = &hc;
    std::string path = d + "/nan_calib.json";
    ASSERT_EQ(hr_calib_save(&c, path.c_str(), err, sizeof err), 0) << err;
    std::string txt = read_file(path);
    EXPECT_EQ(txt.find("nan"), std::string::npos) << txt;
    cJSON *j = cJSON_Parse(txt.c_str());
    EXPECT_NE(j, nullptr) << "the file must stay JSON:\n" << txt;
    cJSON_Delete(j);
    hr_calib *back = hr_calib_load(path.c_str(), err, sizeof err);
    EXPECT_EQ(back, nullptr);
    EXPECT_NE(std::string(err).find("heads[0]: 's_q' missing or not a number"), std::string::npos) << err;
    hr_calib_free(back);
    // counts must be whole numbers
    hc.s_q = 0.1;
    ASSERT_EQ(hr_calib_save(&c, path.c_str(), err, sizeof err), 0) << err;
    txt = read_file(path);
    size_t at = txt.find("\"n_heads\":\t1");
    ASSERT_NE(at, std::string::npos) << txt;
    write_file(path, txt.replace(at, 12, "\"n_heads\":\t1.5"));
    back = hr_calib_load(path.c_str(), err, sizeof err);
    EXPECT_EQ(back, nullptr);
    EXPECT_NE(std::string(err).find("'n_heads' = 1.5: must be a whole number"), std::string::npos) << err;
    hr_calib_free(back);
}

// ------------------------------------------------------------------ watchdog

// A core that stops responding ends hs_run and hs_load with an error that names the stream,
// the state and the cycle, within the documented bound (sim/hs_sim.h): here the host holds
// o_ready low, so the output stream stalls, the core fills and stops taking queries, and a
// later configuration write finds the core busy.
TEST(ReliabilityWatchdog, StalledStreamsEndWithStreamStateAndCycle)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 8, 1, 1, 8); // an edge configuration: prebuilt
    hs_opts o{};
    o.quiet = 1;
    char err[1024] = "";
    hs_sim *s = hs_open(&c, &o, err, sizeof err);
    ASSERT_NE(s, nullptr) << err;
    hgt::Data dt = hgt::make_data(c, hgt::M_RANDOM, 4, 3);
    ASSERT_EQ(hs_load(s, &dt.run, dt.k.data(), dt.v.data(), err, sizeof err), 0) << err;
    hs_set_stalls(s, 0, 100, 1);
    hs_stats st0, st1;
    hs_get_stats(s, &st0);
    std::vector<int32_t> out((size_t)dt.nq * (size_t)c.d);
    ASSERT_EQ(hs_run(s, dt.nq, dt.q.data(), out.data(), err, sizeof err), -1);
    hs_get_stats(s, &st1);
    uint64_t bound = hs_watchdog_cycles(&c);
    EXPECT_EQ(bound, 64u * (uint64_t)(c.ii + c.g + c.n + c.cr + c.cm) + 1024u);
    EXPECT_LE(st1.cycles - st0.cycles, bound + (uint64_t)dt.nq * (uint64_t)(c.ii + c.g + c.n + c.cr + c.cm))
        << "the run must end once no handshake happened for the bound";
    std::string e = err;
    EXPECT_NE(e.find("simulation hung: outputs stream, cycle " + std::to_string(st1.cycles) + ": "),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("of 4 queries taken, 0 outputs; waiting for the output of query 0 (the "
                     "host holds o_ready low: output stalls 100%)"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("o 1/0;"), std::string::npos) << e;
    EXPECT_NE(e.find("no handshake for " + std::to_string(bound) + " cycles (watchdog: 64 x (II "),
              std::string::npos)
        << e;
    // the core holds an output: it is not idle, so it takes no configuration write
    ASSERT_EQ(hs_load(s, &dt.run, dt.k.data(), dt.v.data(), err, sizeof err), -1);
    e = err;
    EXPECT_NE(e.find("simulation hung: configuration stream, cycle "), std::string::npos) << e;
    EXPECT_NE(e.find("the write of address 0x000 waits for ready; valid/ready: cfg 1/0"), std::string::npos)
        << e;
    hs_close(s);
}

// hgsim and hadrun end with exit 1 and the watchdog's message; HADGEN_SIM_STALLS (the host's
// random stalls, Q,O percent) is checked like an option.
TEST(ReliabilityWatchdog, HgsimAndHadrunExitNonZeroWithTheMessage)
{
    hgt::TempDir td("rel_wd");
    std::string d = td.path();
    write_file(d + "/k.bin", std::string(8, '\x5a'));
    write_file(d + "/v.bin", std::string(64, '\x03'));
    write_file(d + "/q.bin", std::string(3, '\x33'));
    std::string hgsim = bin("hgsim") + kSmall + " --keys " + d + "/k.bin --values " + d +
                        "/v.bin --queries " + d + "/q.bin --out " + d + "/o.bin";
    hgt::CmdResult r = hgt::run_in_src("HADGEN_SIM_STALLS=0,100 timeout 60 " + hgsim);
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_MSG(r, "hgsim: simulation hung: outputs stream, cycle ");
    EXPECT_MSG(r, "waiting for the output of query 0");
    EXPECT_FALSE(exists(d + "/o.bin")) << "no output from a hung run";
    r = hgt::run_in_src("HADGEN_SIM_STALLS=100,0 timeout 60 " + hgsim);
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_MSG(r, "hgsim: simulation hung: queries stream, cycle ");
    EXPECT_MSG(r, "0 of 3 queries taken, 0 outputs; waiting for the core to take query 0 (the "
                  "host withholds q_valid: query gaps 100%)");
    for (const char *bad : {"100", "0,101", "-1,0", "a,b", "1,2,3", " 1,2"}) {
        r = hgt::run_in_src(std::string("HADGEN_SIM_STALLS='") + bad + "' " + hgsim);
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.out;
        EXPECT_MSG(r, "HADGEN_SIM_STALLS '" + std::string(bad) +
                          "': must be Q,O: the percentages"
                          " of cycles in which the host withholds q_valid and o_ready, integers in "
                          "0..100");
    }
    r = hgt::run_in_src("HADGEN_SIM_STALLS=30,40 " + hgsim + " --check");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "check: bit-exact");
    r = hgt::run_in_src("HADGEN_SIM_STALLS=0,100 timeout 300 " + bin("hadrun") + quick(d) +
                        " --limit 1 --backend float,rtl-had");
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_MSG(r, "backend rtl-had: simulation hung: outputs stream, cycle ");
    r = hgt::run_in_src("HADGEN_SIM_STALLS=x " + bin("hadrun") + quick(d) + " --limit 1 --backend float");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "hadrun: HADGEN_SIM_STALLS 'x': must be Q,O");
}

// The capture bench of the synthesis flow (Icarus) ends on a core that stops responding,
// naming the stream, the state and the cycle; synth/flow.sh fails on its "timeout" line.
TEST(ReliabilityWatchdog, CaptureBenchEndsOnAStalledCore)
{
    hgt::TempDir td("rel_wdtb");
    std::string d = td.path();
    // a core of d = 8, L = 8 that answers nothing (DEAD=0) or takes everything but never
    // gives an output (DEAD=1)
    write_file(d + "/stub.v",
               "module stub_core (input clk_i, input rst_ni,\n"
               "  input cfg_valid_i, output cfg_ready_o, input [15:0] cfg_addr_i,\n"
               "  input [31:0] cfg_data_i, input kv_valid_i, output kv_ready_o,\n"
               "  input [7:0] kv_k_i, input [63:0] kv_v_i, input q_valid_i, output q_ready_o,\n"
               "  input [7:0] q_data_i, output o_valid_o, input o_ready_i,\n"
               "  output [127:0] o_data_o);\n"
               "  assign cfg_ready_o = `DEAD; assign kv_ready_o = `DEAD;\n"
               "  assign q_ready_o = `DEAD; assign o_valid_o = 1'b0; assign o_data_o = 0;\n"
               "endmodule\n");
    std::string defs = " -DHGB_TOP=stub_core -DHGB_KW=8 -DHGB_VW=64 -DHGB_OW=128 -DHGB_D=8 "
                       "-DHGB_L=8 -DHGB_HAD=1 -DHGB_WB=15 -DHGB_FRAC=6 ";
    int wd = 64 * (3 * 8 + 2 * 8 + 128) + 1024;
    for (int dead : {0, 1}) {
        hgt::CmdResult r =
            hgt::run_in_src("cd '" + d + "' && iverilog -g2005 -DDEAD=" + std::to_string(dead) + defs +
                            "-o tb.vvp '" + hgt::src_dir() +
                            "/synth/bench/hg_capture_tb.v' stub.v && timeout 60 vvp -n tb.vvp "
                            "+hg_capture_dir=" +
                            d);
        EXPECT_EQ(r.status, 0) << r.out;
        if (dead == 0)
            EXPECT_MSG(r, "hg_capture_tb: timeout: configuration stream, cycle ");
        else
            EXPECT_MSG(r, "hg_capture_tb: timeout: outputs stream, cycle ");
        EXPECT_MSG(r, dead == 0 ? "a write waits for cfg_ready (0 of 16 outputs); valid/ready: "
                                  "cfg 1/0"
                                : "all queries taken, waiting for o_valid (0 of 16 outputs)");
        EXPECT_MSG(r, "no handshake for " + std::to_string(wd) + " cycles (watchdog " + std::to_string(wd) +
                          ")");
        EXPECT_FALSE(exists(d + "/hg_phase.txt"));
    }
}

// ------------------------------------------------------------------ model files

// A safetensors file of F32 tensors {name, [begin, end)} over data of `size` bytes.
std::string st_file_of(const std::vector<std::pair<std::string, std::pair<int, int>>> &ts, size_t size)
{
    std::string h = "{";
    for (const auto &t : ts)
        h += (h.size() > 1 ? "," : "") + std::string("\"") + t.first + "\":{\"dtype\":\"F32\",\"shape\":[" +
             std::to_string((t.second.second - t.second.first) / 4) + "],\"data_offsets\":[" +
             std::to_string(t.second.first) + "," + std::to_string(t.second.second) + "]}";
    h += "}";
    std::string len(8, '\0');
    for (int i = 0; i < 8; i++) len[(size_t)i] = (char)((h.size() >> (8 * i)) & 0xff);
    return len + h + std::string(size, '\0');
}

TEST(ReliabilityModelFiles, SafetensorsDataMustBeCoveredExactly)
{
    hgt::TempDir td("rel_st");
    std::string d = td.path(), p = d + "/w.safetensors";
    struct Case {
        std::vector<std::pair<std::string, std::pair<int, int>>> ts;
        size_t size;
        const char *expect;
    } cases[] = {
        {{{"a", {0, 16}}, {"b", {8, 24}}},
         24,
         "tensors 'a' (data_offsets [0, 16]) and 'b' (data_offsets [8, 24]) overlap"},
        {{{"a", {0, 16}}, {"b", {0, 16}}}, 16, "tensors 'a' (data_offsets [0, 16]) and 'b'"},
        {{{"a", {0, 16}}, {"b", {20, 36}}},
         36,
         "bytes 16..19 of the data section, between tensors 'a' (ends at 16) and 'b' (begins at "
         "20), belong to no tensor"},
        {{{"a", {8, 24}}}, 24, "bytes 0..7 of the data section, before the first tensor 'a'"},
        {{{"a", {0, 16}}},
         20,
         "the data section is 20 bytes but its tensors end at byte 16 "
         "(tensor 'a'): 4 trailing bytes belong to no tensor"},
    };
    for (const Case &c : cases) {
        write_file(p, st_file_of(c.ts, c.size));
        char err[1024] = "";
        st_file *f = st_open(p.c_str(), err, sizeof err);
        EXPECT_EQ(f, nullptr) << c.expect;
        EXPECT_NE(std::string(err).find(c.expect), std::string::npos) << err;
        st_close(f);
    }
    // exact cover, in any header order, with an empty tensor, opens
    write_file(p, st_file_of({{"z", {16, 24}}, {"e", {16, 16}}, {"a", {0, 16}}}, 24));
    char err[1024] = "";
    st_file *f = st_open(p.c_str(), err, sizeof err);
    EXPECT_NE(f, nullptr) << err;
    st_close(f);
}

// Every loader refuses devices and FIFOs at once (none blocks or reads forever).
TEST(ReliabilityModelFiles, LoadersRefuseSpecialFiles)
{
    hgt::TempDir td("rel_special");
    std::string d = td.path(), fifo = d + "/fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    for (const std::string &p : {std::string("/dev/zero"), fifo}) {
        char err[1024] = "";
        const std::string kind = p == fifo ? "is a FIFO" : "is a character device";
        bcfg_config bc;
        EXPECT_NE(bcfg_load(p.c_str(), &bc, err, sizeof err), 0);
        EXPECT_NE(std::string(err).find(kind), std::string::npos) << err;
        EXPECT_EQ(tok_load(p.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find(kind), std::string::npos) << err;
        EXPECT_EQ(st_open(p.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find(kind), std::string::npos) << err;
        EXPECT_EQ(hr_calib_load(p.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find(kind), std::string::npos) << err;
        uint64_t h = HR_HASH_INIT;
        EXPECT_NE(hr_hash_file(&h, p.c_str(), err, sizeof err), 0);
        EXPECT_NE(std::string(err).find(kind), std::string::npos) << err;
    }
    hgt::CmdResult r =
        hgt::run_in_src("timeout 60 " + bin("hadmodel") + " --artifact " + fifo + " --out " + d + "/o");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "fifo: is a FIFO, not a regular file");
}

// ------------------------------------------------------------------ fuzz findings
// Inputs the fuzz targets of tests/fuzz found (docs/reliability.md, "Fuzzing"); each input is
// also in its target's committed corpus, which make test replays (make fuzz-smoke).

// layer_norm_eps is held as a float: a value below the smallest normal float (1e-92 in the
// fuzz input) became 0 and was accepted (target bert_config).
TEST(ReliabilityModelFiles, LayerNormEpsMustBeAPositiveFloat)
{
    const std::string head = "{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
                             " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6,"
                             " \"layer_norm_eps\": ";
    bcfg_config c;
    char err[1024] = "";
    for (const char *bad : {"1e-92", "1e-39", "0", "-1e-12", "2", "\"1e-12\""}) {
        EXPECT_NE(bcfg_parse((head + bad + "}").c_str(), "cfg", &c, err, sizeof err), 0) << bad;
        EXPECT_NE(std::string(err).find("cfg: \"layer_norm_eps\" must be a number in (0, 1] and at "
                                        "least 1.17549e-38 (a normal float)"),
                  std::string::npos)
            << err;
    }
    for (const char *good : {"1e-12", "1.1754944e-38", "1"}) {
        ASSERT_EQ(bcfg_parse((head + good + "}").c_str(), "cfg", &c, err, sizeof err), 0)
            << good << ": " << err;
        EXPECT_GT(c.ln_eps, 0.0f) << good;
    }
}

// The readers the fuzz targets call on bytes in memory give what the file readers give.
TEST(ReliabilityModelFiles, InMemoryReadersMatchTheFileReaders)
{
    hgt::TempDir td("rel_mem");
    std::string d = td.path();
    char err[1024] = "";
    std::string st = st_file_of({{"b", {8, 16}}, {"a", {0, 8}}}, 16);
    write_file(d + "/w.safetensors", st);
    st_file *f = st_open((d + "/w.safetensors").c_str(), err, sizeof err);
    st_file *m = st_open_mem(st.data(), st.size(), "mem", err, sizeof err);
    ASSERT_NE(f, nullptr) << err;
    ASSERT_NE(m, nullptr) << err;
    EXPECT_EQ(st_count(m), st_count(f));
    for (int i = 0; i < st_count(f); i++) {
        EXPECT_STREQ(st_at(m, i)->name, st_at(f, i)->name);
        EXPECT_EQ(st_at(m, i)->nbytes, st_at(f, i)->nbytes);
    }
    EXPECT_STREQ(st_path(m), "mem");
    st_close(f);
    st_close(m);
    EXPECT_EQ(st_open_mem(st.data(), 7, "short", err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("short: file is 7 bytes, too short"), std::string::npos) << err;

    const std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\ncat\n##s\n";
    write_file(d + "/vocab.txt", vocab);
    tok_vocab *vf = tok_load((d + "/vocab.txt").c_str(), err, sizeof err);
    tok_vocab *vm = tok_load_text(vocab.data(), vocab.size(), "mem", err, sizeof err);
    ASSERT_NE(vf, nullptr) << err;
    ASSERT_NE(vm, nullptr) << err;
    EXPECT_EQ(tok_size(vm), tok_size(vf));
    int32_t a[16], b[16];
    int na = tok_encode(vf, "The cats", 16, a, err, sizeof err),
        nb = tok_encode(vm, "The cats", 16, b, err, sizeof err);
    ASSERT_EQ(na, nb);
    EXPECT_EQ(std::vector<int32_t>(a, a + na), std::vector<int32_t>(b, b + nb));
    EXPECT_EQ(tok_load_text("[UNK]\n", 6, "mem", err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("vocab mem: 1 tokens but missing the special token(s) [CLS] [SEP]"),
              std::string::npos)
        << err;

    const std::string text = "the cat\n\n  \ncats the\r\n";
    write_file(d + "/s.txt", text);
    hr_corpus *cf = hr_corpus_load((d + "/s.txt").c_str(), vf, 8, 0, err, sizeof err);
    FILE *in = fmemopen(const_cast<char *>(text.data()), text.size(), "r");
    ASSERT_NE(in, nullptr);
    hr_corpus *cm = hr_corpus_read(in, "mem", vf, 8, 0, err, sizeof err);
    fclose(in);
    ASSERT_NE(cf, nullptr) << err;
    ASSERT_NE(cm, nullptr) << err;
    ASSERT_EQ(cm->n, cf->n);
    for (int i = 0; i < cf->n; i++) {
        EXPECT_STREQ(cm->text[i], cf->text[i]);
        EXPECT_EQ(std::vector<int32_t>(cm->ids[i], cm->ids[i] + cm->n_tok[i]),
                  std::vector<int32_t>(cf->ids[i], cf->ids[i] + cf->n_tok[i]));
    }
    hr_corpus_free(cf);
    hr_corpus_free(cm);
    tok_free(vf);
    tok_free(vm);
}

} // namespace
