// main.cc — test runner: builds every simulation the suites need in parallel first
// (--hg-jobs=N, default: the number of cores), then runs the GoogleTest suites.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

int main(int argc, char **argv)
{
    testing::InitGoogleTest(&argc, argv);
    int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    bool build = true;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--hg-jobs=", 10) == 0) jobs = atoi(argv[i] + 10);
        if (strcmp(argv[i], "--hg-no-prebuild") == 0) build = false;
    }
    std::string filter = testing::GTEST_FLAG(filter);
    if (filter.find("Rtl") == std::string::npos && filter != "*") build = false;
    if (build) {
        fprintf(stderr, "[hg] building the simulations of %zu configurations (%d jobs)...\n",
                hgt::rtl_configs().size(), jobs < 1 ? 1 : jobs);
        hgt::prebuild(hgt::rtl_configs(), jobs < 1 ? 1 : jobs);
    }
    return RUN_ALL_TESTS();
}
