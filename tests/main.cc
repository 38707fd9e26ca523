// main.cc — test runner: before the first test, builds in parallel (--hg-jobs=N, default: the
// number of cores) the simulations of every configuration the selected RTL-vs-golden tests
// use and the system models the selected system tests use, then runs the GoogleTest suites.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace
{

// Set up after GoogleTest has applied --gtest_filter (and sharding), so it sees which tests
// will run: the prebuild happens only when one of them is an RtlVsGolden test, whatever
// the filter looked like.
class PrebuildSimulations : public testing::Environment
{
  public:
    explicit PrebuildSimulations(int jobs) : jobs_(jobs) {}
    void SetUp() override
    {
        if (selected("RtlVsGolden")) {
            fprintf(stderr, "[hg] building the simulations of %zu configurations (%d jobs)...\n",
                    hgt::rtl_configs().size(), jobs_);
            hgt::prebuild(hgt::rtl_configs(), jobs_);
        }
        if (selected("SysVsBare") || selected("RunSys") || selected("SysCli")) {
            fprintf(stderr, "[hg] building the system models of %zu configurations (%d jobs)...\n",
                    hgt::sys_configs().size(), jobs_);
            hgt::prebuild_sys(hgt::sys_configs(), jobs_);
        }
    }

  private:
    // 1 if a test of a suite whose name ends with `suite` ("<instantiation>/RtlVsGolden") runs.
    static bool selected(const std::string &suite)
    {
        const testing::UnitTest &u = *testing::UnitTest::GetInstance();
        for (int i = 0; i < u.total_test_suite_count(); i++) {
            const testing::TestSuite &s = *u.GetTestSuite(i);
            std::string name = s.name();
            if (name.size() < suite.size() ||
                name.compare(name.size() - suite.size(), suite.size(), suite) != 0)
                continue;
            for (int j = 0; j < s.total_test_count(); j++)
                if (s.GetTestInfo(j)->should_run()) return true;
        }
        return false;
    }
    int jobs_;
};

} // namespace

int main(int argc, char **argv)
{
    testing::InitGoogleTest(&argc, argv);
    // The scripts the suites start (synth/flow.sh, synth/equiv.sh, sim/xsim.sh, ...) default
    // to the tools of build/bin; they run this build's tools instead (the sanitized ones under
    // make test), whichever builds exist.
    for (const char *tool : {"hgsynth", "hgsim", "hsprobes", "hgxsim", "hadgen"}) {
        std::string var(tool);
        for (char &ch : var) ch = (char)toupper((unsigned char)ch);
        setenv(var.c_str(), (std::string(HG_BIN_DIR) + "/" + tool).c_str(), 1);
    }
    int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    bool build = true;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--hg-jobs=", 10) == 0) jobs = atoi(argv[i] + 10);
        if (strcmp(argv[i], "--hg-no-prebuild") == 0) build = false;
    }
    if (build) testing::AddGlobalTestEnvironment(new PrebuildSimulations(jobs < 1 ? 1 : jobs));
    return RUN_ALL_TESTS();
}
