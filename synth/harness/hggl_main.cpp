// hggl_main.cpp — gate-level simulation harness of one synthesized module.
//
// Built by Verilator together with the hggl_top.v that `hgsynth glgen` writes for the
// module. For one instance of the module it replays the activity captured in the RTL
// simulation (the instance's own <path>.hex plus the captures of its cut-out logic
// submodules), checks every cycle that the netlist's outputs equal the captured RTL
// outputs, and counts the toggles of every cell output net and, per clock-gating group of the
// map (a register's flip-flops), the cycles one of them changed.
//
//   hggl_sim --map map.txt --capture BASE --instance NAME --toggles OUT.tog
//            [--window START END] [--max-errors N]
//
// BASE is the capture path without ".hex"; submodule captures are BASE.<child>.hex. Captures
// are read by synth/src/sy_capture.c (built with this file), as hgsynth gatesim reads them.
// Exit status: 0 match, 1 mismatch (each printed with cycle, instance, port, got and
// expected), 2 bad input.
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "Vhggl_top.h"
#include "sy_capture.h"
#include "verilated.h"

namespace
{

struct Segment {
    bool is_in;     // drives in_i (else checked on out_o)
    int pos, width; // bit range in in_i / out_o
    int src;        // -1 = own capture, else index into children
    int col;        // column in that capture line
    std::string port;
};

struct Child {
    int id;
    std::string name, module;
    int ncols;
};

struct MemPort {
    int bit;          // acc_o bit
    std::string inst; // memory instance (cell name in the module)
    std::string kind; // "r" or "w"
};

struct Map {
    std::string module;
    int nin = 0, nout = 0, ntog = 0, nacc = 0, ncols = 0;
    std::vector<Segment> segs;
    std::vector<Child> children;
    std::vector<MemPort> mems;
    std::vector<std::vector<int>> gates; // toggle indices of each clock-gating group's flops
};

int fail_input(const std::string &msg)
{
    std::fprintf(stderr, "hggl_sim: %s\n", msg.c_str());
    return 2;
}

// Whole-string decimal integer in [lo, hi] (no sign, space or trailing characters besides
// a leading '-' for negative lo).
bool parse_long(const char *s, long lo, long hi, long &v)
{
    if (!s || !*s || std::isspace(static_cast<unsigned char>(*s))) return false;
    char *end = nullptr;
    errno = 0;
    long x = std::strtol(s, &end, 10);
    if (errno || *end || x < lo || x > hi) return false;
    v = x;
    return true;
}

// Splits a line at spaces and tabs.
std::vector<std::string> fields(const char *line)
{
    std::vector<std::string> f;
    std::string cur;
    for (const char *p = line; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!cur.empty()) f.push_back(cur);
            cur.clear();
        } else {
            cur += *p;
        }
    }
    if (!cur.empty()) f.push_back(cur);
    return f;
}

// Reads map.txt (hgsynth glgen). Every line must be one of its kinds with integers in range;
// segments must lie inside the declared widths and their capture's columns.
bool read_map(const char *path, Map &m, std::string &err)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1L << 30)) {
        err = std::string("map ") + path + ": not a regular file of at most 1 GiB";
        return false;
    }
    FILE *f = std::fopen(path, "r");
    if (!f) {
        err = std::string("cannot read map ") + path;
        return false;
    }
    const long big = 1L << 26;
    char *line = nullptr;
    size_t cap = 0;
    int lineno = 0;
    bool ok = true, widths = false;
    while (ok && getline(&line, &cap, f) > 0) {
        lineno++;
        std::vector<std::string> t = fields(line);
        long x[4];
        auto num = [&](size_t k, long lo, long hi, long &v) {
            return k < t.size() && parse_long(t[k].c_str(), lo, hi, v);
        };
        if (t.empty() || t[0] == "hggl") {
            continue;
        } else if (t[0] == "module" && t.size() == 2) {
            m.module = t[1];
        } else if (t[0] == "widths" && t.size() == 5 && num(1, 0, big, x[0]) && num(2, 0, big, x[1]) &&
                   num(3, 0, big, x[2]) && num(4, 0, big, x[3])) {
            m.nin = static_cast<int>(x[0]);
            m.nout = static_cast<int>(x[1]);
            m.ntog = static_cast<int>(x[2]);
            m.nacc = static_cast<int>(x[3]);
            widths = true;
        } else if (t[0] == "self" && t.size() == 2 && num(1, 0, big, x[0])) {
            m.ncols = static_cast<int>(x[0]);
        } else if (t[0] == "child" && t.size() == 5 && num(1, 0, big, x[0]) && num(4, 0, big, x[1])) {
            m.children.push_back({static_cast<int>(x[0]), t[2], t[3], static_cast<int>(x[1])});
        } else if (t[0] == "mem" && t.size() == 6 && widths && num(1, 0, m.nacc - 1L, x[0]) &&
                   (t[4] == "r" || t[4] == "w")) {
            m.mems.push_back({static_cast<int>(x[0]), t[2], t[4]});
        } else if (t[0] == "tog") {
            continue; // toggle nets are read by hgsynth summary
        } else if (t[0] == "gate" && t.size() >= 7 && widths &&
                   num(1, static_cast<long>(m.gates.size()), static_cast<long>(m.gates.size()), x[0]) &&
                   num(5, 1, big, x[1]) && t.size() == 6 + static_cast<size_t>(x[1])) {
            std::vector<int> members; // gate INDEX TYPE NAME COND N TOG... (COND is in gen_o)
            for (size_t k = 6; ok && k < t.size(); k++) {
                ok = num(k, 0, m.ntog - 1L, x[2]);
                members.push_back(static_cast<int>(x[2]));
            }
            if (ok) m.gates.push_back(members);
        } else if ((t[0] == "in" || t[0] == "out") && t.size() == 6 && widths && num(1, 0, big, x[0]) &&
                   num(2, 1, big, x[1]) && num(4, 0, big, x[2])) {
            bool in = t[0] == "in";
            Segment s{in, static_cast<int>(x[0]), static_cast<int>(x[1]), -1, static_cast<int>(x[2]), t[5]};
            int ncols = m.ncols;
            if (t[3] != "self") {
                long id;
                if (!parse_long(t[3].c_str(), 0, big, id)) ok = false;
                for (size_t i = 0; ok && i < m.children.size(); i++)
                    if (m.children[i].id == id) {
                        s.src = static_cast<int>(i);
                        ncols = m.children[i].ncols;
                    }
                if (s.src < 0) ok = false;
            }
            if (ok && (s.pos + s.width > (in ? m.nin : m.nout) || s.col >= ncols)) ok = false;
            if (ok) m.segs.push_back(s);
        } else {
            ok = false;
        }
        if (!ok) err = std::string(path) + ": line " + std::to_string(lineno) + " is not a valid map line";
    }
    std::free(line);
    std::fclose(f);
    if (ok && (m.module.empty() || !widths)) {
        err = std::string(path) + ": not a hggl map (no module or widths line)";
        ok = false;
    }
    return ok;
}

// One capture file, read by sy_capture (synth/src/sy_capture.c, as hgsynth gatesim reads it).
struct Capture {
    sy_capture c{};
    bool open(const std::string &p, int n)
    {
        char e[512];
        return sy_capture_open(&c, p.c_str(), n, e, sizeof e) == 0;
    }
    // Reads the next line; false at end of file or on a malformed line (then err is set).
    bool next(std::string &err, long cycle)
    {
        char e[1024];
        int r = sy_capture_next(&c, cycle, e, sizeof e);
        if (r < 0) err = e;
        return r == 1;
    }
    // Column i of the line read last.
    std::string col(size_t i) const { return std::string(c.tok[i], static_cast<size_t>(c.len[i])); }
    ~Capture() { sy_capture_close(&c); }
};

// Writes the hex number tok into bits [pos, pos+width) of words; unknown digits clear
// the corresponding bits of care (when given) and read as 0.
void put_hex(uint32_t *words, uint32_t *care, int pos, int width, const std::string &tok)
{
    int n = static_cast<int>(tok.size());
    for (int b = 0; b < width; b++) {
        int d = b / 4;
        int v = d < n ? sy_hex_digit(tok[n - 1 - d]) : 0;
        int bit = pos + b;
        uint32_t m = 1u << (bit & 31);
        if (v < 0) {
            words[bit >> 5] &= ~m;
            if (care) care[bit >> 5] &= ~m;
        } else {
            if ((v >> (b & 3)) & 1)
                words[bit >> 5] |= m;
            else
                words[bit >> 5] &= ~m;
            if (care) care[bit >> 5] |= m;
        }
    }
}

std::string get_hex(const uint32_t *words, const uint32_t *care, int pos, int width)
{
    std::string s;
    for (int d = (width + 3) / 4 - 1; d >= 0; d--) {
        int v = 0;
        bool known = true;
        for (int b = 0; b < 4 && 4 * d + b < width; b++) {
            int bit = pos + 4 * d + b;
            if (care && !((care[bit >> 5] >> (bit & 31)) & 1)) known = false;
            v |= static_cast<int>((words[bit >> 5] >> (bit & 31)) & 1) << b;
        }
        s += known ? "0123456789abcdef"[v] : 'x';
    }
    return s;
}

// The command line.
struct Args {
    const char *map_path = nullptr, *base = nullptr, *inst = nullptr, *tog_path = nullptr;
    long win_start = 0, win_end = 0, max_errors = 10;
    bool window = false;
};

// Parses the options: 0, or the exit status of fail_input after its message.
int parse_args(int argc, char **argv, Args &a)
{
    for (int i = 1; i < argc; i++) {
        std::string o = argv[i];
        if (o == "--map" && i + 1 < argc)
            a.map_path = argv[++i];
        else if (o == "--capture" && i + 1 < argc)
            a.base = argv[++i];
        else if (o == "--instance" && i + 1 < argc)
            a.inst = argv[++i];
        else if (o == "--toggles" && i + 1 < argc)
            a.tog_path = argv[++i];
        else if (o == "--max-errors" && i + 1 < argc) {
            if (!parse_long(argv[++i], 0, 1000000, a.max_errors))
                return fail_input(std::string("--max-errors '") + argv[i] +
                                  "': must be an integer in 0..1000000");
        } else if (o == "--window" && i + 2 < argc) {
            a.window = true;
            bool ok = parse_long(argv[i + 1], 0, 1000000000000L, a.win_start) &&
                      parse_long(argv[i + 2], 0, 1000000000000L, a.win_end) && a.win_start + 2 <= a.win_end;
            if (!ok)
                return fail_input(std::string("--window '") + argv[i + 1] + "' '" + argv[i + 2] +
                                  "': must be START END, integers with 0 <= START and START + 2 <= END (the "
                                  "cycles START < c < END count)");
            i += 2;
        } else if (o.rfind("+verilator", 0) == 0) {
            continue;
        } else {
            return fail_input("unknown option '" + o +
                              "' (usage: --map F --capture BASE --instance NAME --toggles F "
                              "[--window START END] [--max-errors N])");
        }
    }
    if (!a.map_path || !a.base || !a.tog_path)
        return fail_input("--map, --capture and --toggles are required");
    if (!a.inst) a.inst = a.base;
    return 0;
}

// The instance's capture and those of its cut-out submodules: 0, or fail_input's status.
int open_captures(const Map &m, const Args &a, std::vector<std::unique_ptr<Capture>> &caps)
{
    caps.emplace_back(new Capture);
    if (!caps[0]->open(std::string(a.base) + ".hex", m.ncols))
        return fail_input(std::string("no capture ") + a.base + ".hex for instance " + a.inst);
    for (const Child &c : m.children) {
        caps.emplace_back(new Capture);
        std::string p = std::string(a.base) + "." + c.name + ".hex";
        if (!caps.back()->open(p, c.ncols))
            return fail_input("no capture " + p + " (submodule " + c.module + " of instance " + a.inst + ")");
    }
    return 0;
}

// Counters of one run.
struct Run {
    long cycle = 0, counted = 0, mismatches = 0;
    std::vector<uint64_t> counts, accesses;
    std::vector<uint64_t> gates, changed; // per clock-gating group: cycles open, cycles a flop changed
};

// Compares the outputs before the rising edge with the capture (exp, care); prints the first
// max_errors mismatches and counts them all.
void check_outputs(const Map &m, const Args &a, const uint32_t *out, const std::vector<uint32_t> &exp,
                   const std::vector<uint32_t> &care, Run &r)
{
    bool any = false;
    for (int w = 0; w < (m.nout + 31) / 32 && !any; w++)
        any = ((out[w] ^ exp[static_cast<size_t>(w)]) & care[static_cast<size_t>(w)]) != 0;
    for (size_t si = 0; any && si < m.segs.size(); si++) {
        const Segment &s = m.segs[si];
        if (s.is_in) continue;
        std::string got = get_hex(out, nullptr, s.pos, s.width);
        std::string want = get_hex(exp.data(), care.data(), s.pos, s.width);
        bool bad = false;
        for (size_t k = 0; k < got.size(); k++) bad |= want[k] != 'x' && want[k] != got[k];
        if (!bad) continue;
        if (r.mismatches < a.max_errors) {
            std::string where = s.src < 0 ? "output " + s.port
                                          : "input " + s.port + " of submodule " +
                                                m.children[static_cast<size_t>(s.src)].name;
            std::fprintf(stderr,
                         "hggl_sim: MISMATCH cycle %ld instance %s (module %s) %s: got %s expected %s\n",
                         r.cycle, a.inst, m.module.c_str(), where.c_str(), got.c_str(), want.c_str());
        }
        r.mismatches++;
    }
}

// Writes the .tog file (a temporary file beside it, renamed when complete) and the result
// line: 0 match, 1 mismatch, or fail_input's status.
int write_toggles(const Map &m, const Args &a, const Run &r)
{
    std::string tmp = std::string(a.tog_path) + ".tmp" + std::to_string(static_cast<long>(getpid()));
    FILE *f = std::fopen(tmp.c_str(), "w");
    if (!f) return fail_input(std::string("cannot write ") + a.tog_path);
    std::fprintf(f, "hgtog 1\ninstance %s\nmodule %s\ncycles %ld\ncounted %ld\nmismatches %ld\n", a.inst,
                 m.module.c_str(), r.cycle, r.counted, r.mismatches);
    for (size_t k = 0; k < m.mems.size(); k++)
        std::fprintf(f, "mem %s %s %llu\n", m.mems[k].inst.c_str(), m.mems[k].kind.c_str(),
                     static_cast<unsigned long long>(r.accesses[k]));
    std::fprintf(f, "gates %zu\n", m.gates.size());
    for (size_t q = 0; q < m.gates.size(); q++)
        std::fprintf(f, "gate %zu %llu %llu\n", q, static_cast<unsigned long long>(r.gates[q]),
                     static_cast<unsigned long long>(r.changed[q]));
    std::fprintf(f, "toggles %d\n", m.ntog);
    for (int i = 0; i < m.ntog; i++)
        std::fprintf(f, "%llu\n", static_cast<unsigned long long>(r.counts[static_cast<size_t>(i)]));
    bool bad = std::ferror(f) != 0;
    if (std::fclose(f) != 0 || bad || std::rename(tmp.c_str(), a.tog_path) != 0) {
        std::remove(tmp.c_str());
        return fail_input(std::string("cannot write ") + a.tog_path);
    }
    if (r.mismatches) {
        std::fprintf(stderr, "hggl_sim: %s: %ld mismatching port values over %ld cycles\n", a.inst,
                     r.mismatches, r.cycle);
        return 1;
    }
    std::printf("hggl_sim: %s: %ld cycles, gate level == RTL, %ld cycles of activity\n", a.inst, r.cycle,
                r.counted);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    Args a;
    if (int rc = parse_args(argc, argv, a)) return rc;
    Map m;
    std::string err;
    if (!read_map(a.map_path, m, err)) return fail_input(err);
    std::vector<std::unique_ptr<Capture>> caps;
    if (int rc = open_captures(m, a, caps)) return rc;
    auto top_bits = [](size_t bytes) { return static_cast<long>(bytes / sizeof(uint32_t) * 32); };
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vhggl_top>(ctx.get());
    bool fits = m.nin <= top_bits(sizeof top->in_i) && m.nout <= top_bits(sizeof top->out_o) &&
                m.ntog <= top_bits(sizeof top->tog_o) && m.nacc <= top_bits(sizeof top->acc_o) &&
                static_cast<long>(m.gates.size()) <= top_bits(sizeof top->gen_o);
    if (!fits)
        return fail_input(std::string(a.map_path) + ": its widths exceed those of the compiled hggl_top");
    uint32_t *in = top->in_i.data();
    const uint32_t *out = top->out_o.data(), *tog = top->tog_o.data(), *acc = top->acc_o.data();
    const uint32_t *gen = top->gen_o.data();
    const int nout_w = (m.nout + 31) / 32 + 1, ntog_w = (m.ntog + 31) / 32 + 1;
    std::vector<uint32_t> exp(static_cast<size_t>(nout_w)), care(static_cast<size_t>(nout_w));
    std::vector<uint32_t> prev(static_cast<size_t>(ntog_w));
    Run r;
    r.counts.assign(static_cast<size_t>(m.ntog), 0);
    r.accesses.assign(m.mems.size(), 0);
    r.gates.assign(m.gates.size(), 0);
    r.changed.assign(m.gates.size(), 0);
    std::vector<char> gen_prev(m.gates.size(), 0); // each group's enable in the cycle before

    // Checking starts on the first cycle with rst_ni high after one with it low (before the
    // reset the state is undefined, and while it is held so are registers without a reset in
    // a 4-state RTL simulation); modules without rst_ni are checked from cycle 0.
    int rst_pos = -1;
    for (const Segment &s : m.segs)
        if (s.is_in && s.src < 0 && s.port == "rst_ni") rst_pos = s.pos;
    bool checking = rst_pos < 0, armed = false;
    top->clk_i = 0;
    top->eval();
    for (;; r.cycle++) {
        size_t ended = 0;
        for (auto &c : caps) {
            if (!c->next(err, r.cycle)) {
                if (!err.empty()) return fail_input(err);
                ended++;
            }
        }
        if (ended > 0 && ended < caps.size())
            return fail_input("captures of unequal length: some end after " + std::to_string(r.cycle) +
                              " lines, others go on");
        if (ended) break;
        std::fill(exp.begin(), exp.end(), 0u);
        std::fill(care.begin(), care.end(), 0u);
        for (const Segment &s : m.segs) {
            const std::string tok = caps[static_cast<size_t>(s.src + 1)]->col(static_cast<size_t>(s.col));
            if (s.is_in)
                put_hex(in, nullptr, s.pos, s.width, tok);
            else
                put_hex(exp.data(), care.data(), s.pos, s.width, tok);
        }
        top->clk_i = 0;
        top->eval();
        bool rst_low = rst_pos >= 0 && !((in[rst_pos >> 5] >> (rst_pos & 31)) & 1u);
        if (armed && !rst_low) checking = true;
        if (checking) check_outputs(m, a, out, exp, care, r); // the outputs just before the edge
        armed |= rst_low;
        bool in_window = !a.window || (r.cycle > a.win_start && r.cycle < a.win_end);
        if (in_window)
            for (size_t k = 0; k < m.mems.size(); k++)
                r.accesses[k] += (acc[m.mems[k].bit >> 5] >> (m.mems[k].bit & 31)) & 1u;
        if (r.cycle > 0 && in_window) {
            r.counted++;
            for (int w = 0; w < (m.ntog + 31) / 32; w++) {
                uint32_t x = tog[w] ^ prev[static_cast<size_t>(w)];
                for (; x; x &= x - 1) r.counts[static_cast<size_t>(32 * w + __builtin_ctz(x))]++;
            }
            // the edge into this cycle: the gate passed it when the enable was on in the cycle
            // before; a flop of the group changed when one of its outputs did
            for (size_t q = 0; q < m.gates.size(); q++) {
                r.gates[q] += gen_prev[q] != 0;
                for (int t : m.gates[q])
                    if (((tog[t >> 5] ^ prev[static_cast<size_t>(t >> 5)]) >> (t & 31)) & 1u) {
                        r.changed[q]++;
                        break;
                    }
            }
        }
        for (int w = 0; w < (m.ntog + 31) / 32; w++) prev[static_cast<size_t>(w)] = tog[w];
        for (size_t q = 0; q < m.gates.size(); q++) gen_prev[q] = (gen[q >> 5] >> (q & 31)) & 1u;
        top->clk_i = 1;
        top->eval();
    }
    top->final();
    if (a.window && a.win_end > r.cycle)
        return fail_input("--window " + std::to_string(a.win_start) + " " + std::to_string(a.win_end) +
                          " ends past the captures (" + std::to_string(r.cycle) +
                          " cycles): END must be at most " + std::to_string(r.cycle));
    return write_toggles(m, a, r);
}
