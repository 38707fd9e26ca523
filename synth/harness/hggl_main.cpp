// hggl_main.cpp — gate-level simulation harness of one synthesized module.
//
// Built by Verilator together with the hggl_top.v that `hgsynth glgen` writes for the
// module. For one instance of the module it replays the activity captured in the RTL
// simulation (the instance's own <path>.hex plus the captures of its cut-out logic
// submodules), checks every cycle that the netlist's outputs equal the captured RTL
// outputs, and counts the toggles of every cell output net.
//
//   hggl_sim --map map.txt --capture BASE --instance NAME --toggles OUT.tog
//            [--window START END] [--max-errors N]
//
// BASE is the capture path without ".hex"; submodule captures are BASE.<child>.hex.
// Exit status: 0 match, 1 mismatch (each printed with cycle, instance, port, got and
// expected), 2 bad input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vhggl_top.h"
#include "verilated.h"

namespace {

struct Segment {
    bool is_in;      // drives in_i (else checked on out_o)
    int pos, width;  // bit range in in_i / out_o
    int src;         // -1 = own capture, else index into children
    int col;         // column in that capture line
    std::string port;
};

struct Child {
    int id;
    std::string name, module;
    int ncols;
};

struct MemPort {
    int bit;           // acc_o bit
    std::string inst;  // memory instance (cell name in the module)
    std::string kind;  // "r" or "w"
};

struct Map {
    std::string module;
    int nin = 0, nout = 0, ntog = 0, nacc = 0, ncols = 0;
    std::vector<Segment> segs;
    std::vector<Child> children;
    std::vector<MemPort> mems;
};

int fail_input(const std::string &msg)
{
    std::fprintf(stderr, "hggl_sim: %s\n", msg.c_str());
    return 2;
}

bool read_map(const char *path, Map &m, std::string &err)
{
    FILE *f = std::fopen(path, "r");
    if (!f) {
        err = std::string("cannot read map ") + path;
        return false;
    }
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
        char a[1024], b[1024], c[1024], d[1024];
        int x, y, z, u;
        if (std::sscanf(line, "module %1023s", a) == 1) {
            m.module = a;
        } else if (std::sscanf(line, "widths %d %d %d %d", &x, &y, &z, &u) == 4) {
            m.nin = x;
            m.nout = y;
            m.ntog = z;
            m.nacc = u;
        } else if (std::sscanf(line, "mem %d %1023s %1023s %1023s %1023s", &x, a, b, c, d) == 5) {
            m.mems.push_back({x, a, c});
        } else if (std::sscanf(line, "self %d", &x) == 1) {
            m.ncols = x;
        } else if (std::sscanf(line, "child %d %1023s %1023s %d", &x, a, b, &y) == 4) {
            m.children.push_back({x, a, b, y});
        } else if (std::sscanf(line, "%1023s %d %d %1023s %d %1023s", a, &x, &y, b, &z, c) == 6 &&
                   (!std::strcmp(a, "in") || !std::strcmp(a, "out"))) {
            Segment s{a[0] == 'i', x, y, -1, z, c};
            if (std::strcmp(b, "self") != 0) {
                int id = std::atoi(b);
                s.src = -1;
                for (size_t i = 0; i < m.children.size(); i++)
                    if (m.children[i].id == id) s.src = static_cast<int>(i);
                if (s.src < 0) {
                    err = std::string("map: segment refers to unknown child ") + b;
                    std::fclose(f);
                    return false;
                }
            }
            m.segs.push_back(s);
        }
    }
    std::fclose(f);
    if (m.module.empty()) {
        err = std::string(path) + ": not a hggl map";
        return false;
    }
    return true;
}

// One capture file: one line per cycle, columns of hex numbers.
struct Capture {
    std::string path;
    FILE *f = nullptr;
    int ncols = 0;
    std::vector<std::string> cols;
    char *buf = nullptr;
    size_t cap = 0;

    bool open(const std::string &p, int n)
    {
        path = p;
        ncols = n;
        f = std::fopen(p.c_str(), "r");
        return f != nullptr;
    }
    // Reads the next line; false at end of file. Sets err on a malformed line.
    bool next(std::string &err, long cycle)
    {
        ssize_t len = getline(&buf, &cap, f);
        if (len <= 0) return false;
        cols.clear();
        char *save = nullptr;
        for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(nullptr, " \t\r\n", &save))
            cols.emplace_back(t);
        if (static_cast<int>(cols.size()) != ncols) {
            err = path + ": cycle " + std::to_string(cycle) + ": " + std::to_string(cols.size()) +
                  " columns, expected " + std::to_string(ncols);
            return false;
        }
        return true;
    }
    ~Capture()
    {
        if (f) std::fclose(f);
        std::free(buf);
    }
};

int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // x, z, ?
}

// Writes the hex number tok into bits [pos, pos+width) of words; unknown digits clear
// the corresponding bits of care (when given) and read as 0.
void put_hex(uint32_t *words, uint32_t *care, int pos, int width, const std::string &tok)
{
    int n = static_cast<int>(tok.size());
    for (int b = 0; b < width; b++) {
        int d = b / 4;
        int v = d < n ? hexval(tok[n - 1 - d]) : 0;
        int bit = pos + b;
        uint32_t m = 1u << (bit & 31);
        if (v < 0) {
            words[bit >> 5] &= ~m;
            if (care) care[bit >> 5] &= ~m;
        } else {
            if ((v >> (b & 3)) & 1) words[bit >> 5] |= m;
            else words[bit >> 5] &= ~m;
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

}  // namespace

int main(int argc, char **argv)
{
    const char *map_path = nullptr, *base = nullptr, *inst = nullptr, *tog_path = nullptr;
    long win_start = 0, win_end = 0;
    int max_errors = 10;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--map" && i + 1 < argc) map_path = argv[++i];
        else if (a == "--capture" && i + 1 < argc) base = argv[++i];
        else if (a == "--instance" && i + 1 < argc) inst = argv[++i];
        else if (a == "--toggles" && i + 1 < argc) tog_path = argv[++i];
        else if (a == "--max-errors" && i + 1 < argc) max_errors = std::atoi(argv[++i]);
        else if (a == "--window" && i + 2 < argc) {
            win_start = std::atol(argv[++i]);
            win_end = std::atol(argv[++i]);
        } else if (a.rfind("+verilator", 0) == 0) {
            continue;
        } else {
            return fail_input("unknown option '" + a +
                              "' (usage: --map F --capture BASE --instance NAME --toggles F "
                              "[--window START END] [--max-errors N])");
        }
    }
    if (!map_path || !base || !tog_path) return fail_input("--map, --capture and --toggles are required");
    if (!inst) inst = base;

    Map m;
    std::string err;
    if (!read_map(map_path, m, err)) return fail_input(err);
    std::vector<std::unique_ptr<Capture>> caps;
    caps.emplace_back(new Capture);
    if (!caps[0]->open(std::string(base) + ".hex", m.ncols))
        return fail_input(std::string("no capture ") + base + ".hex for instance " + inst);
    for (const Child &c : m.children) {
        caps.emplace_back(new Capture);
        std::string p = std::string(base) + "." + c.name + ".hex";
        if (!caps.back()->open(p, c.ncols))
            return fail_input("no capture " + p + " (submodule " + c.module + " of instance " + inst + ")");
    }

    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vhggl_top>(ctx.get());
    uint32_t *in = top->in_i.data();
    const uint32_t *out = top->out_o.data();
    const uint32_t *tog = top->tog_o.data();
    const int nout_w = (m.nout + 31) / 32 + 1, ntog_w = (m.ntog + 31) / 32 + 1;
    std::vector<uint32_t> exp(static_cast<size_t>(nout_w)), care(static_cast<size_t>(nout_w));
    std::vector<uint32_t> prev(static_cast<size_t>(ntog_w));
    std::vector<uint64_t> counts(static_cast<size_t>(m.ntog));
    std::vector<uint64_t> accesses(m.mems.size());
    const uint32_t *acc = top->acc_o.data();

    // Checking starts on the cycle after the first one with rst_ni low (before that the
    // state is undefined); modules without rst_ni are checked from cycle 0.
    int rst_pos = -1;
    for (const Segment &s : m.segs)
        if (s.is_in && s.src < 0 && s.port == "rst_ni") rst_pos = s.pos;
    bool checking = rst_pos < 0;
    long cycle = 0, counted = 0, mismatches = 0;
    top->clk_i = 0;
    top->eval();
    for (;; cycle++) {
        bool more = true;
        for (auto &c : caps) {
            if (!c->next(err, cycle)) {
                more = false;
                if (!err.empty()) return fail_input(err);
            }
        }
        if (!more) break;
        std::fill(exp.begin(), exp.end(), 0u);
        std::fill(care.begin(), care.end(), 0u);
        for (const Segment &s : m.segs) {
            const std::string &tok = caps[static_cast<size_t>(s.src + 1)]->cols[static_cast<size_t>(s.col)];
            if (s.is_in) put_hex(in, nullptr, s.pos, s.width, tok);
            else put_hex(exp.data(), care.data(), s.pos, s.width, tok);
        }
        top->clk_i = 0;
        top->eval();
        // outputs just before the rising edge, as captured
        bool any = false;
        for (int w = 0; checking && w < (m.nout + 31) / 32 && !any; w++)
            any = ((out[w] ^ exp[static_cast<size_t>(w)]) & care[static_cast<size_t>(w)]) != 0;
        for (size_t si = 0; any && si < m.segs.size(); si++) {
            const Segment &s = m.segs[si];
            if (s.is_in) continue;
            std::string got = get_hex(out, nullptr, s.pos, s.width);
            std::string want = get_hex(exp.data(), care.data(), s.pos, s.width);
            bool bad = false;
            for (size_t k = 0; k < got.size(); k++) bad |= want[k] != 'x' && want[k] != got[k];
            if (!bad) continue;
            if (mismatches < max_errors) {
                std::string where = s.src < 0 ? "output " + s.port
                                              : "input " + s.port + " of submodule " +
                                                    m.children[static_cast<size_t>(s.src)].name;
                std::fprintf(stderr,
                             "hggl_sim: MISMATCH cycle %ld instance %s (module %s) %s: got %s "
                             "expected %s\n",
                             cycle, inst, m.module.c_str(), where.c_str(), got.c_str(), want.c_str());
            }
            mismatches++;
        }
        if (rst_pos >= 0 && !((in[rst_pos >> 5] >> (rst_pos & 31)) & 1u)) checking = true;
        bool in_window = cycle > win_start && (win_end <= 0 || cycle < win_end);
        if (in_window)
            for (size_t k = 0; k < m.mems.size(); k++)
                accesses[k] += (acc[m.mems[k].bit >> 5] >> (m.mems[k].bit & 31)) & 1u;
        if (cycle > 0 && in_window) {
            counted++;
            for (int w = 0; w < (m.ntog + 31) / 32; w++) {
                uint32_t x = tog[w] ^ prev[static_cast<size_t>(w)];
                while (x) {
                    counts[static_cast<size_t>(32 * w + __builtin_ctz(x))]++;
                    x &= x - 1;
                }
            }
        }
        for (int w = 0; w < (m.ntog + 31) / 32; w++) prev[static_cast<size_t>(w)] = tog[w];
        top->clk_i = 1;
        top->eval();
    }
    top->final();

    FILE *f = std::fopen(tog_path, "w");
    if (!f) return fail_input(std::string("cannot write ") + tog_path);
    std::fprintf(f, "hgtog 1\ninstance %s\nmodule %s\ncycles %ld\ncounted %ld\nmismatches %ld\n", inst,
                 m.module.c_str(), cycle, counted, mismatches);
    for (size_t k = 0; k < m.mems.size(); k++)
        std::fprintf(f, "mem %s %s %llu\n", m.mems[k].inst.c_str(), m.mems[k].kind.c_str(),
                     static_cast<unsigned long long>(accesses[k]));
    std::fprintf(f, "toggles %d\n", m.ntog);
    for (int i = 0; i < m.ntog; i++) std::fprintf(f, "%llu\n", static_cast<unsigned long long>(counts[static_cast<size_t>(i)]));
    std::fclose(f);
    if (mismatches) {
        std::fprintf(stderr, "hggl_sim: %s: %ld mismatching port values over %ld cycles\n", inst, mismatches, cycle);
        return 1;
    }
    std::printf("hggl_sim: %s: %ld cycles, gate level == RTL, %ld cycles of activity\n", inst, cycle, counted);
    return 0;
}
