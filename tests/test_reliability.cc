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

}  // namespace
