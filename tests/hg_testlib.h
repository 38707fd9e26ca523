// hg_testlib.h — shared helpers of the test suites: configuration lists, input data sets
// (random, edge, realistic), simulation pre-building; shell commands, temporary directories
// and files (one definition here, not one per test file).
#ifndef HG_TESTLIB_H
#define HG_TESTLIB_H

#include "hg_config.h"
#include "hm_golden.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hgt
{

// Configuration from a core and (d, P, N, L); other parameters default. Asserts valid.
hg_cfg make_cfg(hg_core_kind k, int d, int p, int n, int l, int wb = 15, int fb = 6, int of = 8);

// c with top-N selector sel (a top-N core; the baseline has none and is returned as is).
hg_cfg with_selector(hg_cfg c, hg_sel_kind sel);
// c with vb value bits (--v-bits), finished again.
hg_cfg with_vbits(hg_cfg c, int vb);
hg_cfg with_lw(hg_cfg c, int lw);
/* c with the twostage selector's sort cut (--sort-cut), finished. */
hg_cfg with_cut(hg_cfg c, hg_cut_kind cut);
// c with the shadow exp table on (--etab-shadow on; HAD only), re-finished.
hg_cfg with_shadow(hg_cfg c);
// c with the AV fan-out stages chosen (--av-fan: HG_AV_FAN_OFF or 1..d dimensions a stage), re-finished.
hg_cfg with_fan(hg_cfg c, int fan_opt);

// "had d=16 P=4 N=8 L=64 wb=15 fb=6 of=8", with " sel=bitonic" for a core whose selector is
// not the default merge
std::string cfg_name(const hg_cfg &c);
// The same as an identifier (test parameter names): "had_d24_p3_n5_l31", "..._bitonic".
std::string cfg_id(const hg_cfg &c);

// Edge configurations of every core type (smallest/largest d, N=1, N=L, P=1, P=L, odd sizes,
// extreme widths). The top-N cores alternate the merge and bitonic selectors, HAD starting
// with merge and int8-topn with bitonic, so that every edge case runs on each selector once;
// six of HAD's cases again with the counting selector, and six cases of both with the
// two-stage one. Eleven cases load several keys a beat (--load-width: P = L in one beat, 2 and
// 4 keys; every core type, and the counting and two-stage selectors). Four choose the AV fan-out
// stages (--av-fan: groups of 8 and of 16 with a remainder, one dimension a stage, none at d = 256).
std::vector<hg_cfg> edge_configs();
// `count` random small configurations, cycling through the core types, the top-N cores
// taking the selectors in turn (HAD's four, int8-topn's three), every fourth loading a power
// of two keys a beat where P allows; reproducible from seed.
std::vector<hg_cfg> random_configs(int count, uint32_t seed);
// The committed default configurations (d=64 P=16 N=32 L=1024, and the MiniLM d=32 point), each
// core with its default selector (merge for both top-N cores).
std::vector<hg_cfg> default_configs();
// Every configuration the RTL suites simulate (edge + random + defaults + selector_configs).
std::vector<hg_cfg> rtl_configs();
// HAD's MiniLM point with the bitonic, counting and two-stage selectors, the default point with
// counting, int8-topn's MiniLM point with two-stage: the other selectors at the two points the
// report measures.
std::vector<hg_cfg> selector_configs();
// Seed of the random configurations: $HG_TEST_SEED or a fixed default.
uint32_t test_seed();

// Input data of one run: run-time configuration, keys, values, queries.
struct Data {
    hm_run run{};
    std::vector<uint8_t> k, q;
    std::vector<int8_t> v;
    int nq = 0;
    std::string what;
};

enum Mode {
    M_RANDOM,     // uniform random bits / int8, n_k = L
    M_PARTIAL,    // uniform random, random n_k in 1..L
    M_EQUAL,      // every key identical: all scores equal (ties everywhere)
    M_ZERO,       // all-zero q, k, v
    M_SATURATE,   // extreme values: -128 everywhere, or all-one sign bits
    M_REALISTIC,  // Gaussian floats quantized as a model layer would be
    M_WILD_TABLE, // random exp table / exp parameters, including zeros and extremes
    M_NMODES
};
const char *mode_name(Mode m);

Data make_data(const hg_cfg &c, Mode m, int nq, uint32_t seed);

// Builds the simulations of cfgs with `jobs` parallel processes (each a build of its own).
void prebuild(const std::vector<hg_cfg> &cfgs, int jobs);

// The same for the system models (sim/sys/) of cfgs.
void prebuild_sys(const std::vector<hg_cfg> &cfgs, int jobs);

// The configurations whose system models the suites use: tests/test_sys.cc's edge set, the
// MiniLM point of every core type (tests/test_run.cc, Cores/RunSys), the longest context, and
// the third (a load beat of 4 keys) with one key a beat.
std::vector<hg_cfg> sys_configs();

// Directory of the source tree (for the generator binary, rtl/, docs/).
std::string src_dir();

// The core types, as `hadgen --list-cores` prints them (asserts it ran and gave some).
std::vector<std::string> core_types();

// Output (stdout and stderr) and exit status of a shell command.
struct CmdResult {
    int status;
    std::string out;
};
CmdResult run_cmd(const std::string &cmd);
// run_cmd from the source tree (so the tools find build/model and sw/data).
CmdResult run_in_src(const std::string &cmd);

// The last `lines` lines of text (all of it if it has fewer), for failure messages.
std::string tail(const std::string &text, size_t lines = 25);
// The non-empty lines of text, without their newlines.
std::vector<std::string> split_lines(const std::string &text);

// A new empty directory under $TMPDIR (or /tmp), named hg_<tag>_XXXXXX; asserts it was made.
std::string temp_dir(const std::string &tag);
// Removes a file or a directory with everything in it (like rm -rf; "" is ignored).
void remove_tree(const std::string &path);

// A new empty directory (temp_dir(tag)), removed with everything in it when it goes out of
// scope.
class TempDir
{
  public:
    explicit TempDir(const std::string &tag) : path_(temp_dir(tag)) {}
    ~TempDir() { remove_tree(path_); }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::string &path() const { return path_; }
    // path()/name
    std::string file(const std::string &name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// The names in a directory, sorted, without those starting with '.' (none if unreadable).
std::vector<std::string> list_dir(const std::string &dir);
// Whether something (a file, a folder, a dangling link) is at path (lstat).
bool exists(const std::string &path);
// The bytes of a file ("" if it cannot be read).
std::string read_file(const std::string &path);
// Writes bytes to a file (replacing it); asserts it was written.
void write_file(const std::string &path, const std::string &bytes);
void write_file(const std::string &path, const void *data, size_t size);

// A file dir/calib.txt of the first n sentences of the calibration set
// (sw/data/sentences_calib.txt; keeps the runner's calibrations short); returns its path.
std::string small_calib_set(const std::string &dir, int n);

} // namespace hgt

#endif
