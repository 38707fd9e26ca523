// main.cc — test runner: before the first test, builds in parallel (--hg-jobs=N, default: the
// number of cores) the simulations of every configuration the selected RTL-vs-golden tests
// use and the system models the selected system tests use, then runs the GoogleTest suites:
// in this process, or with --hg-workers=W > 1 in up to W child processes at once, one per
// source file of the selected tests (a file's suites may share a fixture made once, such as
// test_synth.cc's flow runs, so a file is never split between processes).
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace
{

struct Options {
    int jobs = 1;    // parallel simulation builds
    int workers = 1; // test processes at once
    bool build = true;
    std::vector<std::string> child_args; // what a worker gets besides its filter
};

// The selected tests of one source file, in registration order.
struct Group {
    std::string file;
    std::vector<std::string> tests; // "Suite.Name"
};

// 1 if a test of a suite whose name ends with `suite` ("<instantiation>/RtlVsGolden") runs.
bool selected(const std::string &suite)
{
    const testing::UnitTest &u = *testing::UnitTest::GetInstance();
    for (int i = 0; i < u.total_test_suite_count(); i++) {
        const testing::TestSuite &s = *u.GetTestSuite(i);
        std::string name = s.name();
        if (name.size() < suite.size() || name.compare(name.size() - suite.size(), suite.size(), suite) != 0)
            continue;
        for (int j = 0; j < s.total_test_count(); j++)
            if (s.GetTestInfo(j)->should_run()) return true;
    }
    return false;
}

std::vector<Group> groups_by_file()
{
    std::vector<Group> out;
    std::map<std::string, size_t> at;
    const testing::UnitTest &u = *testing::UnitTest::GetInstance();
    for (int i = 0; i < u.total_test_suite_count(); i++) {
        const testing::TestSuite &s = *u.GetTestSuite(i);
        for (int j = 0; j < s.total_test_count(); j++) {
            const testing::TestInfo &t = *s.GetTestInfo(j);
            if (!t.should_run()) continue;
            std::string f = t.file() ? t.file() : "?";
            auto it = at.find(f);
            if (it == at.end()) {
                it = at.emplace(f, out.size()).first;
                out.push_back(Group{f, {}});
            }
            out[it->second].tests.push_back(std::string(s.name()) + "." + t.name());
        }
    }
    return out;
}

std::string read_all(int fd)
{
    std::string s;
    char buf[65536];
    lseek(fd, 0, SEEK_SET);
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) s.append(buf, (size_t)n);
    return s;
}

struct Running {
    size_t group;
    int fd; // the worker's stdout and stderr, an unlinked temporary file
    std::chrono::steady_clock::time_point t0;
};

// Starts a worker on group g: this program again, its output to an unlinked temporary file.
pid_t start_worker(const Options &o, const Group &g, int *fd_out)
{
    std::string filter = "--gtest_filter=";
    for (size_t i = 0; i < g.tests.size(); i++) filter += (i ? ":" : "") + g.tests[i];
    const char *tmp = getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/hg_worker_XXXXXX";
    int fd = mkstemp(&path[0]);
    if (fd < 0) {
        fprintf(stderr, "[hg] cannot create a temporary file for a worker's output in %s: %s\n", path.c_str(),
                strerror(errno));
        return -1;
    }
    unlink(path.c_str());
    std::vector<std::string> args = o.child_args;
    args.push_back(filter);
    std::vector<char *> argv;
    for (std::string &a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        // the parent has sharded already: a worker runs exactly the tests its filter names
        unsetenv("GTEST_TOTAL_SHARDS");
        unsetenv("GTEST_SHARD_INDEX");
        execv("/proc/self/exe", argv.data());
        fprintf(stderr, "[hg] cannot start a worker (/proc/self/exe): %s\n", strerror(errno));
        _exit(127);
    }
    if (pid < 0) {
        fprintf(stderr, "[hg] cannot fork a worker: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    *fd_out = fd;
    return pid;
}

// Runs the groups on up to o.workers processes; prints each group's output whole when it ends
// and a summary. Returns the exit status: 0 when every worker passed.
int run_workers(const Options &o)
{
    std::vector<Group> groups = groups_by_file();
    size_t ntests = 0;
    for (const Group &g : groups) ntests += g.tests.size();
    fprintf(stderr, "[hg] running %zu tests of %zu source files in up to %d worker processes\n", ntests,
            groups.size(), o.workers);
    auto t0 = std::chrono::steady_clock::now();
    std::map<pid_t, Running> running;
    std::vector<std::string> failed;
    size_t next = 0;
    while (next < groups.size() || !running.empty()) {
        while (next < groups.size() && running.size() < (size_t)o.workers) {
            int fd = -1;
            pid_t pid = start_worker(o, groups[next], &fd);
            if (pid < 0) {
                failed.push_back(groups[next].file + ": not started");
            } else {
                running[pid] = Running{next, fd, std::chrono::steady_clock::now()};
            }
            next++;
        }
        if (running.empty()) break;
        int st = 0;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "[hg] waitpid: %s\n", strerror(errno));
            return 1;
        }
        auto it = running.find(pid);
        if (it == running.end()) continue;
        const Group &g = groups[it->second.group];
        std::string out = read_all(it->second.fd);
        close(it->second.fd);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.t0).count();
        running.erase(it);
        std::string how;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            how = "passed";
        else if (WIFEXITED(st))
            how = "FAILED (exit " + std::to_string(WEXITSTATUS(st)) + ")";
        else
            how = "FAILED (signal " + std::to_string(WIFSIGNALED(st) ? WTERMSIG(st) : 0) + ")";
        fprintf(stdout, "[hg] ---- %s: %zu tests, %.0f s: %s\n%s", g.file.c_str(), g.tests.size(), s,
                how.c_str(), out.c_str());
        if (!out.empty() && out.back() != '\n') fputc('\n', stdout);
        fflush(stdout);
        if (how != "passed") {
            std::string what = g.file + ": " + how;
            // the worker's failed tests, from GoogleTest's per-test result lines
            size_t p = 0;
            while ((p = out.find("[  FAILED  ] ", p)) != std::string::npos) {
                size_t e = out.find('\n', p);
                std::string line =
                    out.substr(p + 13, e == std::string::npos ? std::string::npos : e - p - 13);
                if (line.size() > 4 && line.compare(line.size() - 4, 4, " ms)") == 0) what += "\n    " + line;
                p = e == std::string::npos ? out.size() : e;
            }
            failed.push_back(what);
        }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (failed.empty()) {
        fprintf(stdout, "[hg] all %zu tests of %zu source files passed in %.0f s (%d workers)\n", ntests,
                groups.size(), s, o.workers);
        return 0;
    }
    fprintf(stdout, "[hg] %zu of %zu source files FAILED (%.0f s, %d workers):\n", failed.size(),
            groups.size(), s, o.workers);
    for (const std::string &f : failed) fprintf(stdout, "  %s\n", f.c_str());
    return 1;
}

// Set up after GoogleTest has applied --gtest_filter (and sharding), so it sees which tests
// will run: the prebuild happens only when one of them is an RtlVsGolden test, whatever
// the filter looked like. With workers, it then runs the selected tests in them and ends the
// process with their verdict (this process runs no test itself).
class PrebuildSimulations : public testing::Environment
{
  public:
    explicit PrebuildSimulations(const Options &o) : o_(o) {}
    void SetUp() override
    {
        if (o_.build && selected("RtlVsGolden")) {
            fprintf(stderr, "[hg] building the simulations of %zu configurations (%d jobs)...\n",
                    hgt::rtl_configs().size(), o_.jobs);
            hgt::prebuild(hgt::rtl_configs(), o_.jobs);
        }
        if (o_.build && (selected("SysVsBare") || selected("RunSys") || selected("SysCli"))) {
            fprintf(stderr, "[hg] building the system models of %zu configurations (%d jobs)...\n",
                    hgt::sys_configs().size(), o_.jobs);
            hgt::prebuild_sys(hgt::sys_configs(), o_.jobs);
        }
        if (o_.workers > 1) {
            int rc = run_workers(o_);
            fflush(nullptr);
            exit(rc);
        }
    }

  private:
    Options o_;
};

bool starts(const char *arg, const char *prefix) { return strncmp(arg, prefix, strlen(prefix)) == 0; }

} // namespace

int main(int argc, char **argv)
{
    // a worker gets the arguments it was started with, less the ones the parent acts on
    Options o;
    const char *one_process = nullptr; // a GoogleTest flag that needs one process
    o.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    o.child_args.push_back(argv[0]);
    for (int i = 1; i < argc; i++) {
        if (starts(argv[i], "--hg-jobs=")) {
            o.jobs = atoi(argv[i] + 10);
        } else if (starts(argv[i], "--hg-workers=")) {
            char *end = nullptr;
            long w = strtol(argv[i] + 13, &end, 10);
            if (end == argv[i] + 13 || *end || w < 1 || w > 64) {
                fprintf(stderr, "hg_tests: --hg-workers=%s: expected a whole number from 1 to 64\n",
                        argv[i] + 13);
                return 2;
            }
            o.workers = (int)w;
        } else if (strcmp(argv[i], "--hg-no-prebuild") == 0) {
            o.build = false;
        } else if (!starts(argv[i], "--gtest_filter")) {
            if (starts(argv[i], "--gtest_output") || starts(argv[i], "--gtest_repeat") ||
                starts(argv[i], "--gtest_shuffle"))
                one_process = argv[i]; // checked below
            o.child_args.push_back(argv[i]);
        }
    }
    testing::InitGoogleTest(&argc, argv);
    if (o.workers > 1) {
        if (one_process) {
            fprintf(stderr, "hg_tests: %s needs the tests in one process: drop it or use --hg-workers=1\n",
                    one_process);
            return 2;
        }
        o.child_args.push_back("--hg-no-prebuild");
        o.child_args.push_back("--hg-workers=1");
    }
    // The scripts the suites start (synth/flow.sh, synth/equiv.sh, sim/xsim.sh, ...) default
    // to the tools of build/bin; they run this build's tools instead (the sanitized ones under
    // make test), whichever builds exist.
    for (const char *tool : {"hgsynth", "hgsim", "hsprobes", "hgxsim", "hadgen"}) {
        std::string var(tool);
        for (char &ch : var) ch = (char)toupper((unsigned char)ch);
        setenv(var.c_str(), (std::string(HG_BIN_DIR) + "/" + tool).c_str(), 1);
    }
    if (o.jobs < 1) o.jobs = 1;
    testing::AddGlobalTestEnvironment(new PrebuildSimulations(o));
    return RUN_ALL_TESTS();
}
