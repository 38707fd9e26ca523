// test_reliability.cc — bad inputs of the generator, simulator and runner tools (hadgen,
// hgsim, hgsim_bench, hadrun, hadmodel) and their libraries, one test per case of
// docs/reliability.md ("gen, sim, sw"): each gets a clear error (exit 2 from a CLI) or is
// made impossible, and nothing a user owns is overwritten or deleted.
#include "hg_testlib.h"

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
#include "st_safetensors.h"
#include "tok_wordpiece.h"
}

namespace {

using hgt::read_file;
using hgt::write_file;

std::string bin(const char *tool) { return std::string(HG_BIN_DIR) + "/" + tool; }

// Runs a command from the source tree (so the tools find build/model and sw/data).
hgt::CmdResult sh(const std::string &cmd)
{
    return hgt::run_cmd("cd '" + hgt::src_dir() + "' && " + cmd);
}

bool exists(const std::string &p)
{
    struct stat st;
    return lstat(p.c_str(), &st) == 0;
}

#define EXPECT_MSG(r, text) \
    EXPECT_NE((r).out.find(text), std::string::npos) << "expected: " << (text) << "\ngot: " << (r).out

// ------------------------------------------------------------------ hadgen

const std::string kSmall = " --d 8 --lanes 1 --top-n 1 --max-keys 8";

// --force keeps a user's files, even those the old filelist.f lists: only files hadgen wrote
// (generated name and do-not-edit header) are removed; a user's file of a generated name
// that lacks the header is never replaced.
TEST(ReliabilityHadgen, ForceDeletesOnlyWhatHadgenWrote)
{
    std::string d = hgt::temp_dir("rel_force") + "/o";
    ASSERT_EQ(sh(bin("hadgen") + kSmall + " --out " + d).status, 0);
    write_file(d + "/my_design.v", "module my_design; endmodule\n");
    write_file(d + "/had_mine_core.v", "// hand-written, a generated-looking name\n");
    std::string list = read_file(d + "/filelist.f");
    write_file(d + "/filelist.f", list + "my_design.v\nhad_mine_core.v\n../outside.v\n");
    hgt::CmdResult r = sh(bin("hadgen") + " --force --core baseline" + kSmall + " --out " + d);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(d + "/my_design.v"), "module my_design; endmodule\n");
    EXPECT_EQ(read_file(d + "/had_mine_core.v"), "// hand-written, a generated-looking name\n");
    EXPECT_FALSE(exists(d + "/had_core.v")) << "the old core type's files are hadgen's: removed";
    EXPECT_TRUE(exists(d + "/base_core.v"));

    // a user's directory with its own filelist.f naming its own files
    std::string u = hgt::temp_dir("rel_force_user");
    write_file(u + "/filelist.f", "my_design.v\nhad_core.v\n");
    write_file(u + "/my_design.v", "mine\n");
    write_file(u + "/had_core.v", "mine too\n");
    r = sh(bin("hadgen") + " --force" + kSmall + " --out " + u);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "was not written by hadgen (no do-not-edit header); refusing to replace it");
    EXPECT_EQ(read_file(u + "/my_design.v"), "mine\n");
    EXPECT_EQ(read_file(u + "/had_core.v"), "mine too\n");
    EXPECT_EQ(read_file(u + "/filelist.f"), "my_design.v\nhad_core.v\n");
    EXPECT_FALSE(exists(u + "/manifest.json"));
    EXPECT_FALSE(exists(u + "/had_wlut.v")) << "nothing written when a file would be replaced";
    sh("rm -rf '" + d + "/..' '" + u + "'");
}

// A write that fails (a directory where had_core.v goes) leaves the previous output, whole:
// no file of the new configuration, no temporary file.
TEST(ReliabilityHadgen, FailedWriteLeavesThePreviousOutput)
{
    std::string d = hgt::temp_dir("rel_fail");
    ASSERT_EQ(sh(bin("hadgen") + kSmall + " --out " + d + "/o").status, 0);
    std::string o = d + "/o";
    sh("rm '" + o + "/had_core.v' && mkdir '" + o + "/had_core.v' && touch '" + o +
       "/had_core.v/x'");
    const std::string snapshot = "cd '" + o + "' && ls -a && for f in *; do [ -f \"$f\" ] && "
                                 "cat \"$f\"; done";
    std::string before = sh(snapshot).out;
    hgt::CmdResult r = sh(bin("hadgen") + " --d 16 --lanes 1 --top-n 1 --max-keys 8 --out " + o);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "/had_core.v' is a directory, not a file hadgen wrote");
    EXPECT_MSG(r, "the directory is unchanged");
    EXPECT_EQ(sh(snapshot).out, before) << "the previous output must be left as it was";
    EXPECT_EQ(sh("grep -ls 'd=16' '" + o + "'/*.v").out, "") << "no file of the new run";
    EXPECT_EQ(sh("ls -a '" + o + "' | grep -c '\\.tmp'").out, "0\n") << "no temporary file left";
    sh("rm -rf '" + d + "'");
}

// ------------------------------------------------------------------ hgsim

// The smallest HAD edge configuration (its simulation is built by the RTL suites) and an
// int8 + top-N one, with matching vector files.
class ReliabilityHgsim : public testing::Test {
protected:
    void SetUp() override
    {
        dir = hgt::temp_dir("rel_hgsim");
        write_file(dir + "/k.bin", std::string(8, '\x5a'));  // 8 HAD keys of d/8 = 1 byte
        write_file(dir + "/v.bin", std::string(64, '\x03'));
        write_file(dir + "/q.bin", std::string(2, '\x33'));
        had = bin("hgsim") + kSmall + " --keys " + dir + "/k.bin --values " + dir +
              "/v.bin --queries " + dir + "/q.bin";
        hg_cfg c = hgt::make_cfg(HG_CORE_I8TOPN, 24, 3, 5, 31);
        hgt::Data dt = hgt::make_data(c, hgt::M_RANDOM, 2, 5);
        write_file(dir + "/ik.bin", std::string(dt.k.begin(), dt.k.end()));
        write_file(dir + "/iv.bin", std::string(dt.v.begin(), dt.v.end()));
        write_file(dir + "/iq.bin", std::string(dt.q.begin(), dt.q.end()));
        i8 = bin("hgsim") + " --core int8-topn --d 24 --lanes 3 --top-n 5 --max-keys 31 --keys " +
             dir + "/ik.bin --values " + dir + "/iv.bin --queries " + dir + "/iq.bin";
    }
    void TearDown() override { sh("rm -rf '" + dir + "'"); }
    std::string dir, had, i8;
};

TEST_F(ReliabilityHgsim, EmptyOrOddCachePathsAreRefused)
{
    struct stat st;
    bool root_before = stat("/had_d8_p1_n1_l8_w15_f6_o8_had-plain", &st) == 0;
    hgt::CmdResult r = sh(had + " --cache ''");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '': must not be empty");
    EXPECT_EQ(stat("/had_d8_p1_n1_l8_w15_f6_o8_had-plain", &st) == 0, root_before)
        << "nothing may be built at the filesystem root";
    r = sh(had + " --cache /");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '/': is the filesystem root");
    r = sh(had + " --cache \"" + dir + "/it's\"");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "holds a quote");
    r = sh(had + " --cache " + dir + "/k.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "k.bin': exists and is not a directory");
    r = sh("HADGEN_SIM_CACHE=/ " + had);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "HADGEN_SIM_CACHE '/': is the filesystem root");
}

TEST_F(ReliabilityHgsim, SpecialDirectoryAndOversizedInputsAreRefused)
{
    std::string base = bin("hgsim") + kSmall + " --values " + dir + "/v.bin --queries " + dir +
                       "/q.bin --keys ";
    hgt::CmdResult r = sh("timeout 60 " + base + "/dev/zero");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--keys '/dev/zero': is a character device, not a regular file");
    ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
    r = sh("timeout 60 " + base + dir + "/fifo");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "fifo': is a FIFO, not a regular file");
    r = sh(base + dir);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "': is a directory, not a file");
    EXPECT_EQ(r.out.find("0 bytes"), std::string::npos) << r.out;
    write_file(dir + "/k16.bin", std::string(16, '\x01'));
    r = sh(base + dir + "/k16.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "16 bytes, more than the limit of 8 bytes (max-keys 8 x 1 bytes per key, core "
                  "had d=8)");
    r = sh(bin("hgsim") + kSmall + " --keys " + dir + "/k.bin --values " + dir +
           "/v.bin --queries /dev/urandom");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--queries '/dev/urandom': is a character device");
}

TEST_F(ReliabilityHgsim, NonFiniteAndClampedNumbersAreRefused)
{
    for (const char *a : {"inf", "nan", "1e999", "0x10", " 1", "1e7", "-0.5", "0", "1.5.2"}) {
        hgt::CmdResult r = sh(had + " --check --alpha '" + a + "'");
        EXPECT_EQ(r.status, 2) << a << "\n" << r.out;
        EXPECT_MSG(r, "--alpha '" + std::string(a) + "': must be a positive number (a finite "
                      "decimal such as 0.05, at most 1e+06)");
    }
    for (const char *s : {"inf", "-1", "abc", "1e400"}) {
        hgt::CmdResult r = sh(i8 + " --scale-q '" + s + "'");
        EXPECT_EQ(r.status, 2) << s << "\n" << r.out;
        EXPECT_MSG(r, "--scale-q '" + std::string(s) + "': must be a positive number");
    }
    hgt::CmdResult r = sh(i8 + " --scale-k 1e-30");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--scale-q 0.05 --scale-k 1e-30: the exp step");
    EXPECT_MSG(r, "it would be clamped); with --scale-k 1e-30 --scale-q must be in");
    r = sh(i8 + " --scale-q 1e5 --scale-k 1e5");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "outside what the core's 16-bit multiplier and 6-bit shift represent");
    // values in range still run bit-exactly
    r = sh(had + " --check --alpha 1e-3");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "check: bit-exact");
    r = sh(i8 + " --check --scale-q 0.002 --scale-k 0.3");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_MSG(r, "check: bit-exact");
}

// File sizes must match the configuration: HAD keys given to the baseline core (and int8
// keys given to HAD) are refused with expected and actual bytes.
TEST_F(ReliabilityHgsim, KeysOfTheOtherLayoutAreRefused)
{
    write_file(dir + "/hk.bin", std::string(64 * 8, '\x0f'));   // 64 HAD keys, d=64
    write_file(dir + "/hv.bin", std::string(64 * 64, '\x01'));
    write_file(dir + "/hq.bin", std::string(64, '\x01'));
    std::string files = " --keys " + dir + "/hk.bin --values " + dir + "/hv.bin --queries " +
                        dir + "/hq.bin";
    hgt::CmdResult r = sh(bin("hgsim") + " --core baseline --d 64 --lanes 4 --top-n 4 "
                          "--max-keys 64" + files);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "hv.bin': 4096 bytes, expected 512: --keys '" + dir + "/hk.bin' holds 8 keys");
    EXPECT_MSG(r, "was it made for --core had?");
    write_file(dir + "/ik8.bin", std::string(8 * 64, '\x0f'));  // 8 int8 keys, d=64
    write_file(dir + "/iv8.bin", std::string(8 * 64, '\x01'));
    r = sh(bin("hgsim") + " --core had --d 64 --lanes 4 --top-n 4 --max-keys 64 --keys " + dir +
           "/ik8.bin --values " + dir + "/iv8.bin --queries " + dir + "/hq.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "512 bytes, expected 4096");
    EXPECT_MSG(r, "was it made for --core baseline or int8-topn?");
}

TEST_F(ReliabilityHgsim, OutputsAreNeverInputsAndAreCheckedFirst)
{
    std::string k = read_file(dir + "/k.bin");
    hgt::CmdResult r = sh(had + " --out " + dir + "/k.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--out '" + dir + "/k.bin': is the --keys file; hgsim never overwrites its inputs");
    EXPECT_EQ(read_file(dir + "/k.bin"), k);
    r = sh("cd '" + dir + "' && " + had + " --out ./q.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "is the --queries file");
    r = sh(had + " --out " + dir + "/none/o.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "folder '" + dir + "/none' does not exist");
    r = sh(had + " --out " + dir);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "is a directory; an output must be a regular file");
    r = sh(had + " --out " + dir + "/o.bin --trace " + dir + "/o.bin");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--trace '" + dir + "/o.bin': is also the --out file");
    // a run writes its output through a temporary file: the result and nothing else
    write_file(dir + "/o.bin", "old");
    r = sh(had + " --check --out " + dir + "/o.bin");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(dir + "/o.bin").size(), 2u * 8u * 4u);
    EXPECT_EQ(sh("ls -a '" + dir + "' | grep -c '\\.tmp'").out, "0\n");
}

TEST(ReliabilityHgsimBench, HelpAndStrictNumbers)
{
    hgt::CmdResult r = sh(bin("hgsim_bench") + " --help");
    EXPECT_EQ(r.status, 0) << r.out;
    for (const char *o : {"--queries", "--cache", "--help"}) EXPECT_MSG(r, o);
    for (const char *a : {"5abc", "4294967300", "1", "100001", "' 5'", "--queries x", "--queries=-3"}) {
        r = sh(bin("hgsim_bench") + " " + a);
        EXPECT_EQ(r.status, 2) << a << "\n" << r.out;
        EXPECT_MSG(r, "': must be an integer in 2..100000");
    }
    r = sh(bin("hgsim_bench") + " --bogus");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "unknown option '--bogus'");
    r = sh(bin("hgsim_bench") + " 8 9");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "unexpected argument '9'");
    r = sh(bin("hgsim_bench") + " --cache ''");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_MSG(r, "--cache '': must not be empty");
}

}  // namespace
