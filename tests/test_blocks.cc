// Block-level tests: each hand-written block of rtl/src alone, under Icarus Verilog, against a
// C reference, over several parameter sets with their edge cases. A bench in tests/blocks/
// reads one input vector a cycle from in.hex and writes the block's outputs after each rising
// edge; the reference computes what the block must output, cycle by cycle. A mismatch names
// the block, the parameters, the cycle, the value got and the value expected.
#include "hg_config.h"
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace
{

// A bit vector, bit 0 first, built from fields in concatenation order ({a, b, c}: a first).
struct Bits {
    std::vector<bool> b;
    // appends (as the next, less significant field) the w low bits of v
    void field(uint64_t v, int w)
    {
        std::vector<bool> f(w);
        for (int i = 0; i < w; i++) f[i] = i < 64 && ((v >> i) & 1);
        fields.push_back(f);
    }
    void field_bits(const std::vector<bool> &f) { fields.push_back(f); }
    std::string hex()
    {
        b.clear();
        for (auto it = fields.rbegin(); it != fields.rend(); ++it) b.insert(b.end(), it->begin(), it->end());
        std::string s;
        for (int d = ((int)b.size() + 3) / 4 - 1; d >= 0; d--) {
            int v = 0;
            for (int k = 0; k < 4; k++)
                if (4 * d + k < (int)b.size() && b[4 * d + k]) v |= 1 << k;
            s += "0123456789abcdef"[v];
        }
        return s;
    }
    std::vector<std::vector<bool>> fields;
};

// The low w bits of a hex string (x digits read as 0; known is false if any was x).
std::vector<bool> from_hex(const std::string &h, int w, bool *known = nullptr)
{
    std::vector<bool> v(w);
    if (known) *known = true;
    for (int i = 0; i < w; i++) {
        int d = (int)h.size() - 1 - i / 4;
        if (d < 0) break;
        char c = h[d];
        int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (x < 0) {
            if (known) *known = false;
            continue;
        }
        v[i] = (x >> (i % 4)) & 1;
    }
    return v;
}

uint64_t to_u64(const std::vector<bool> &v, int lo = 0, int w = 64)
{
    uint64_t x = 0;
    for (int i = 0; i < w && lo + i < (int)v.size(); i++)
        if (v[lo + i]) x |= 1ull << i;
    return x;
}

std::string hexs(uint64_t v)
{
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

// Runs tests/blocks/tb_<block>.v with the block under Icarus; returns out.txt's lines.
std::vector<std::string> run_bench(const std::string &block, const std::string &params,
                                   const std::vector<std::string> &vectors)
{
    hgt::TempDir tmp("blocks");
    const std::string &d = tmp.path();
    std::string in;
    for (const std::string &v : vectors) in += v + "\n";
    hgt::write_file(d + "/in.hex", in);
    std::string src = hgt::src_dir();
    std::string cmd = "cd '" + d + "' && iverilog -g2005 -Ptb_" + block +
                      ".NV=" + std::to_string(vectors.size()) + params + " -o tb.vvp '" + src +
                      "/tests/blocks/tb_" + block + ".v' '" + src + "/rtl/src/" + block + ".v'" + " -y '" +
                      src + "/rtl/src' && vvp -n tb.vvp";
    hgt::CmdResult r = hgt::run_cmd(cmd);
    EXPECT_EQ(r.status, 0) << cmd << "\n" << r.out;
    std::vector<std::string> lines;
    std::istringstream f(hgt::read_file(d + "/out.txt"));
    for (std::string l; std::getline(f, l);) lines.push_back(l);
    EXPECT_EQ(lines.size(), vectors.size()) << block << params;
    return lines;
}

std::string P(const std::string &tb, const char *name, long v)
{
    return " -Ptb_" + tb + "." + name + "=" + std::to_string(v);
}

// ---- hg_bank_addr: row r of score bank b at memory row b * G + r (combinational)

TEST(Blocks, BankAddrPlacesBankOneAfterBankZero)
{
    for (int G : {1, 2, 3, 16, 17, 128}) {
        int gw = 1;
        while (G > 1 && (1 << gw) < G) gw++;
        std::vector<std::string> vec;
        std::vector<long> want;
        for (int bank = 0; bank < 2; bank++)
            for (int row = 0; row < G; row++) {
                Bits b;
                b.field(bank, 1);
                b.field(row, gw);
                vec.push_back(b.hex());
                want.push_back((long)bank * G + row);
            }
        std::vector<std::string> got = run_bench("hg_bank_addr", P("hg_bank_addr", "G", G), vec);
        int aw = (G > 1 ? gw : 0) + 1;
        for (size_t c = 0; c < got.size() && c < want.size(); c++)
            EXPECT_EQ((long)to_u64(from_hex(got[c], aw)), want[c])
                << "hg_bank_addr G=" << G << " bank " << (c >= (size_t)G) << " row " << c % G;
    }
}

// ---- hg_xnor_lane: m = popcount(~(q ^ k)), registered when enabled

TEST(Blocks, XnorLaneCountsMatchingSigns)
{
    std::mt19937 rng(1);
    for (int D : {8, 24, 64, 256}) {
        std::vector<std::string> vec;
        std::vector<long> want; // -1: not yet known
        long m = -1;
        for (int c = 0; c < 40; c++) {
            std::vector<bool> q(D), k(D);
            for (int i = 0; i < D; i++) q[i] = rng() & 1, k[i] = rng() & 1;
            if (c == 1) k = q; // all agree: D
            if (c == 2)
                for (int i = 0; i < D; i++) k[i] = !q[i]; // none: 0
            bool en = c < 3 || (rng() % 4);
            Bits b;
            b.field(en, 1);
            b.field_bits(q);
            b.field_bits(k);
            vec.push_back(b.hex());
            if (en) {
                m = 0;
                for (int i = 0; i < D; i++) m += q[i] == k[i];
            }
            want.push_back(m);
        }
        std::vector<std::string> got = run_bench("hg_xnor_lane", P("hg_xnor_lane", "D", D), vec);
        int mw = 0;
        while ((1 << mw) < D + 1) mw++;
        for (size_t c = 0; c < got.size(); c++)
            EXPECT_EQ((long)to_u64(from_hex(got[c], mw)), want[c])
                << "hg_xnor_lane D=" << D << " cycle " << c;
    }
}

// ---- hg_mac_lane: s = sum q[i] k[i] over int8, SW bits two's complement

TEST(Blocks, MacLaneIsTheInt8DotProduct)
{
    std::mt19937 rng(2);
    struct {
        int D, SW;
    } cfgs[] = {{8, 19}, {24, 21}, {64, 22}, {256, 24}};
    for (auto cf : cfgs) {
        std::vector<std::string> vec;
        std::vector<uint64_t> want;
        uint64_t s = 0, mask = (1ull << cf.SW) - 1;
        for (int c = 0; c < 40; c++) {
            std::vector<int> q(cf.D), k(cf.D);
            for (int i = 0; i < cf.D; i++) q[i] = (int)(rng() % 256) - 128, k[i] = (int)(rng() % 256) - 128;
            if (c == 0) std::fill(q.begin(), q.end(), -128), std::fill(k.begin(), k.end(), -128); // largest
            if (c == 1) std::fill(q.begin(), q.end(), -128), std::fill(k.begin(), k.end(), 127);  // smallest
            bool en = c < 2 || (rng() % 4);
            Bits b;
            b.field(en, 1);
            for (int i = cf.D - 1; i >= 0; i--) b.field((uint8_t)q[i], 8);
            for (int i = cf.D - 1; i >= 0; i--) b.field((uint8_t)k[i], 8);
            vec.push_back(b.hex());
            if (en) {
                int64_t dot = 0;
                for (int i = 0; i < cf.D; i++) dot += (int64_t)q[i] * k[i];
                s = (uint64_t)dot & mask;
            }
            want.push_back(s);
        }
        std::vector<std::string> got =
            run_bench("hg_mac_lane", P("hg_mac_lane", "D", cf.D) + P("hg_mac_lane", "SW", cf.SW), vec);
        for (size_t c = 2; c < got.size(); c++)
            EXPECT_EQ(to_u64(from_hex(got[c], cf.SW), 0, cf.SW), want[c])
                << "hg_mac_lane D=" << cf.D << " SW=" << cf.SW << " cycle " << c << ": got 0x" << got[c]
                << " expected " << hexs(want[c]);
        ASSERT_GE(got.size(), 2u);
        EXPECT_EQ(to_u64(from_hex(got[0], cf.SW), 0, cf.SW), want[0]) << "largest dot product, D=" << cf.D;
        EXPECT_EQ(to_u64(from_hex(got[1], cf.SW), 0, cf.SW), want[1]) << "smallest dot product, D=" << cf.D;
    }
}

// ---- hg_score_array: P lanes side by side, lane j scores key j of the row against the query
// (XNOR-popcount lanes for HAD = 1, int8 dot products of SW bits for HAD = 0)

TEST(Blocks, ScoreArrayScoresEveryLaneOfTheRow)
{
    std::mt19937 rng(11);
    struct {
        int P, D, HAD, SW;
    } cfgs[] = {{1, 8, 1, 4}, {3, 24, 1, 5}, {8, 64, 1, 7}, {1, 4, 0, 18}, {4, 8, 0, 19}, {3, 24, 0, 21}};
    for (auto cf : cfgs) {
        int kw = cf.HAD ? cf.D : 8 * cf.D;
        std::vector<std::string> vec;
        std::vector<std::vector<uint64_t>> want;
        std::vector<uint64_t> s(cf.P, 0);
        for (int c = 0; c < 30; c++) {
            std::vector<bool> q(kw), k((size_t)cf.P * kw);
            for (auto &&x : q) x = rng() & 1;
            for (auto &&x : k) x = rng() & 1;
            if (c == 1) /* lane 0 the query itself, the last lane its complement */
                for (int i = 0; i < kw; i++) k[i] = q[i], k[(size_t)(cf.P - 1) * kw + i] = !q[i];
            bool en = c < 2 || (rng() % 4);
            Bits b;
            b.field(en, 1);
            b.field_bits(q);
            b.field_bits(k);
            vec.push_back(b.hex());
            for (int j = 0; j < cf.P && en; j++) {
                int64_t v = 0;
                for (int i = 0; i < cf.D; i++) {
                    if (cf.HAD) {
                        v += q[i] == k[(size_t)j * kw + i];
                        continue;
                    }
                    int qi = 0, ki = 0;
                    for (int t = 0; t < 8; t++)
                        qi |= q[8 * i + t] << t, ki |= k[(size_t)j * kw + 8 * i + t] << t;
                    v += (int64_t)(int8_t)qi * (int8_t)ki;
                }
                s[j] = (uint64_t)v & ((1ull << cf.SW) - 1);
            }
            want.push_back(s);
        }
        std::ostringstream ps;
        ps << "hg_score_array P=" << cf.P << " D=" << cf.D << " HAD=" << cf.HAD << " SW=" << cf.SW;
        std::vector<std::string> got =
            run_bench("hg_score_array",
                      P("hg_score_array", "P", cf.P) + P("hg_score_array", "D", cf.D) +
                          P("hg_score_array", "HAD", cf.HAD) + P("hg_score_array", "SW", cf.SW),
                      vec);
        for (size_t c = 0; c < got.size(); c++) {
            std::vector<bool> bits = from_hex(got[c], cf.P * cf.SW);
            for (int j = 0; j < cf.P; j++)
                EXPECT_EQ(to_u64(bits, j * cf.SW, cf.SW), want[c][j])
                    << ps.str() << " cycle " << c << " lane " << j << ": got 0x" << got[c];
        }
    }
}

// Width of an address of n entries (at least 1 bit).
int addr_bits(int n) { return n > 1 ? hg_clog2(n) : 1; }

// ---- hg_wlut: the table written E entries a word (word j: entries E j .. E j + E - 1), then R
// lookups a cycle (0 where not valid); SHADOW: the words fill a shadow table, and a write to word
// NWR copies it into the one looked up

TEST(Blocks, WlutLooksUpTheWrittenTable)
{
    std::mt19937 rng(3);
    struct {
        int D, WW, R, E, SHADOW;
    } cfgs[] = {{8, 9, 1, 3, 0},  {32, 16, 3, 2, 0}, {64, 21, 2, 1, 0}, {7, 5, 2, 6, 0},  {64, 9, 1, 3, 0},
                {64, 9, 2, 3, 1}, {8, 9, 1, 3, 1},   {7, 5, 2, 6, 1},   {2, 16, 1, 2, 1}, {32, 9, 3, 3, 1}};
    for (auto cf : cfgs) {
        int mw = 0;
        while ((1 << mw) < cf.D + 1) mw++;
        int nwr = (cf.D + cf.E) / cf.E, xw = addr_bits(nwr + cf.SHADOW);
        std::vector<uint64_t> tab(cf.D + 1), shadow(cf.D + 1);
        std::vector<std::string> vec;
        std::vector<std::vector<uint64_t>> want;
        std::vector<uint64_t> w(cf.R, 0);
        std::vector<bool> known(cf.R, false);
        std::vector<std::vector<bool>> known_at;
        auto cycle = [&](bool we, int waddr, uint64_t wdata, bool en, const std::vector<int> &valid,
                         const std::vector<int> &delta) {
            Bits b;
            b.field(we, 1);
            b.field(waddr, xw);
            b.field(wdata, cf.E * cf.WW);
            b.field(en, 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(valid[r], 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(delta[r], mw);
            vec.push_back(b.hex());
            if (en)
                for (int r = 0; r < cf.R; r++) w[r] = valid[r] ? tab[delta[r]] : 0, known[r] = true;
            std::vector<uint64_t> &to = cf.SHADOW ? shadow : tab;
            for (int f = 0; we && f < cf.E && waddr * cf.E + f <= cf.D; f++) // at the edge, after the reads
                to[waddr * cf.E + f] = (wdata >> (f * cf.WW)) & ((1ull << cf.WW) - 1);
            if (we && cf.SHADOW && waddr == nwr) tab = shadow;
            want.push_back(w);
            known_at.push_back(known);
        };
        std::vector<int> none(cf.R, 0);
        uint64_t wmask = (1ull << (cf.E * cf.WW)) - 1;
        for (int j = 0; j < nwr; j++) // word 0's first entry all ones
            cycle(true, j, j == 0 ? wmask : rng() & wmask, false, none, none);
        if (cf.SHADOW) cycle(true, nwr, rng() & wmask, false, none, none); // the copy
        for (int c = 0; c < 80; c++) {
            std::vector<int> valid(cf.R), delta(cf.R);
            for (int r = 0; r < cf.R; r++)
                valid[r] = c == 0 || rng() % 3, delta[r] = c == 1 ? cf.D : (int)(rng() % (cf.D + 1));
            // SHADOW: words written while the lookups go on, and now and then the copy
            int waddr = cf.SHADOW && c % 11 == 10 ? nwr : (int)(rng() % (unsigned)nwr);
            cycle(c % 7 == 6 || (cf.SHADOW && (c % 3 == 1 || c % 11 == 10)), waddr, rng() & wmask, c % 5 != 4,
                  valid, delta);
        }
        std::ostringstream ps;
        ps << "hg_wlut D=" << cf.D << " WW=" << cf.WW << " R=" << cf.R << " E=" << cf.E
           << " SHADOW=" << cf.SHADOW;
        std::vector<std::string> got =
            run_bench("hg_wlut",
                      P("hg_wlut", "D", cf.D) + P("hg_wlut", "WW", cf.WW) + P("hg_wlut", "R", cf.R) +
                          P("hg_wlut", "E", cf.E) + P("hg_wlut", "SHADOW", cf.SHADOW),
                      vec);
        for (size_t c = 0; c < got.size(); c++) {
            std::vector<bool> g = from_hex(got[c], cf.R * cf.WW);
            for (int r = 0; r < cf.R; r++) {
                if (!known_at[c][r]) continue;
                EXPECT_EQ(to_u64(g, r * cf.WW, cf.WW), want[c][r])
                    << ps.str() << " cycle " << c << " lookup " << r;
            }
        }
    }
}

// ---- hg_av_dim: acc = (first ? 0 : acc) + sum_r w[r] v[r], v VB-bit signed, ACCW bits two's
// complement

TEST(Blocks, AvDimAccumulatesWeightedValues)
{
    std::mt19937 rng(4);
    struct {
        int R, WW, VB, ACCW;
    } cfgs[] = {{1, 16, 8, 23}, {1, 16, 8, 28}, {3, 9, 8, 20}, {4, 21, 8, 34}, {3, 9, 4, 16}, {2, 21, 2, 22}};
    for (auto cf : cfgs) {
        uint64_t mask = (1ull << cf.ACCW) - 1, acc = 0;
        bool known = false;
        std::vector<std::string> vec;
        std::vector<uint64_t> want;
        std::vector<bool> known_at;
        for (int c = 0; c < 60; c++) {
            bool en = c < 2 || rng() % 5, valid = c < 2 || rng() % 4, first = c == 0 || rng() % 6 == 0;
            std::vector<uint64_t> w(cf.R);
            std::vector<int> v(cf.R);
            for (int r = 0; r < cf.R; r++) {
                w[r] = rng() % ((1ull << (cf.WW - 1)) + 1); // the block's domain: 0..2^(WW-1)
                int vmax = 1 << (cf.VB - 1);
                v[r] = (int)(rng() % (2 * (unsigned)vmax)) - vmax;
                if (c < 2) w[r] = 1ull << (cf.WW - 1), v[r] = c ? vmax - 1 : -vmax; // the largest products
            }
            Bits b;
            b.field(en, 1);
            b.field(valid, 1);
            b.field(first, 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(w[r], cf.WW);
            for (int r = cf.R - 1; r >= 0; r--) b.field((uint64_t)v[r] & ((1ull << cf.VB) - 1), cf.VB);
            vec.push_back(b.hex());
            if (en && valid && (first || known)) {
                int64_t sum = 0;
                for (int r = 0; r < cf.R; r++) sum += (int64_t)w[r] * v[r];
                acc = ((first ? 0 : acc) + (uint64_t)sum) & mask;
                known = true;
            }
            want.push_back(acc);
            known_at.push_back(known);
        }
        std::ostringstream ps;
        ps << "hg_av_dim R=" << cf.R << " WW=" << cf.WW << " VB=" << cf.VB << " ACCW=" << cf.ACCW;
        std::vector<std::string> got =
            run_bench("hg_av_dim",
                      P("hg_av_dim", "R", cf.R) + P("hg_av_dim", "WW", cf.WW) + P("hg_av_dim", "VB", cf.VB) +
                          P("hg_av_dim", "ACCW", cf.ACCW),
                      vec);
        for (size_t c = 0; c < got.size(); c++) {
            if (!known_at[c]) continue;
            EXPECT_EQ(to_u64(from_hex(got[c], cf.ACCW), 0, cf.ACCW), want[c])
                << ps.str() << " cycle " << c << ": got 0x" << got[c] << " expected " << hexs(want[c]);
        }
    }
}

// ---- hg_exp_unit: w = 2^-(z / 2^FB) in units of 2^-WB, z = (t * mul) >> shift, with the
// table the block computes at elaboration

TEST(Blocks, ExpUnitShiftsTheFractionTable)
{
    std::mt19937 rng(6);
    struct {
        int TW, FB, WB;
    } cfgs[] = {{21, 6, 15}, {23, 6, 15}, {22, 2, 8}, {25, 8, 20}};
    for (auto cf : cfgs) {
        hg_cfg hc;
        hg_cfg_default(&hc, HG_CORE_I8TOPN);
        hc.fb = cf.FB, hc.wb = cf.WB;
        std::vector<uint64_t> frac(1u << cf.FB);
        for (int f = 0; f < (1 << cf.FB); f++) frac[f] = hg_exp_frac(&hc, f);
        std::vector<std::string> vec;
        std::vector<uint64_t> want;
        std::vector<bool> known_at;
        uint64_t w = 0;
        bool known = false;
        for (int c = 0; c < 60; c++) {
            bool en = c < 4 || rng() % 5, valid = c < 4 || rng() % 4;
            uint64_t t = rng() & ((1ull << cf.TW) - 1), mul = rng() & 0xffff, shift = rng() % 64;
            if (c == 0) t = 0;                                            // the best key: 2^WB
            if (c == 1) t = (1ull << cf.TW) - 1, mul = 0xffff, shift = 0; // far away: 0
            if (c == 2) shift = 63;
            if (c > 3 && c % 3 == 0) shift = 10 + rng() % 14, t &= 0xfff; // mid-range weights
            Bits b;
            b.field(en, 1);
            b.field(valid, 1);
            b.field(t, cf.TW);
            b.field(mul, 16);
            b.field(shift, 6);
            vec.push_back(b.hex());
            if (en) {
                uint64_t z = (t * mul) >> shift, zi = z >> cf.FB, zf = z & ((1ull << cf.FB) - 1);
                w = !valid || zi > (uint64_t)cf.WB ? 0 : frac[zf] >> zi;
                known = true;
            }
            want.push_back(w);
            known_at.push_back(known);
        }
        std::ostringstream ps;
        ps << "hg_exp_unit TW=" << cf.TW << " FB=" << cf.FB << " WB=" << cf.WB;
        std::vector<std::string> got = run_bench(
            "hg_exp_unit",
            P("hg_exp_unit", "TW", cf.TW) + P("hg_exp_unit", "FB", cf.FB) + P("hg_exp_unit", "WB", cf.WB),
            vec);
        for (size_t c = 0; c < got.size(); c++) {
            if (!known_at[c]) continue;
            EXPECT_EQ(to_u64(from_hex(got[c], cf.WB + 1), 0, cf.WB + 1), want[c])
                << ps.str() << " cycle " << c << ": got 0x" << got[c] << " expected " << hexs(want[c]);
        }
    }
}

// The table itself, entry by entry (t = f, mul = 1, shift = 0 reads entry f unshifted), for
// every fraction-table size and weight width hadgen accepts: the block's elaboration-time
// fixed-point computation against the golden model's hg_exp_frac (libm).
TEST(Blocks, ExpUnitTableIsTheGoldenTableForEveryConfiguration)
{
    const int tw = 9;
    for (int fb = HG_FB_MIN; fb <= HG_FB_MAX; fb++)
        for (int wb = HG_WB_MIN; wb <= HG_WB_MAX; wb++) {
            hg_cfg hc;
            hg_cfg_default(&hc, HG_CORE_I8TOPN);
            hc.fb = fb, hc.wb = wb;
            std::vector<std::string> vec;
            for (int f = 0; f < (1 << fb); f++) {
                Bits b;
                b.field(1, 1);
                b.field(1, 1);
                b.field((uint64_t)f, tw);
                b.field(1, 16);
                b.field(0, 6);
                vec.push_back(b.hex());
            }
            std::vector<std::string> got = run_bench(
                "hg_exp_unit",
                P("hg_exp_unit", "TW", tw) + P("hg_exp_unit", "FB", fb) + P("hg_exp_unit", "WB", wb), vec);
            int bad = 0;
            for (size_t f = 0; f < got.size(); f++) {
                uint64_t want = hg_exp_frac(&hc, (int)f), have = to_u64(from_hex(got[f], wb + 1), 0, wb + 1);
                if (have != want && bad++ < 3)
                    ADD_FAILURE() << "hg_exp_unit FB=" << fb << " WB=" << wb << " entry " << f << ": got "
                                  << hexs(have) << " expected " << hexs(want);
            }
        }
}

// ---- hg_topn: the N best of a query's candidates, higher score first, ties by lower index

struct Cand {
    long s;
    int idx;
};

// A published list as the bench prints it (out_v, out_s, out_idx in hex) against the expected
// entries: valid exactly for the first want.size(), each with its score (signed if SIGNED) and
// key index. `at` names the bench and cycle in the messages.
void expect_list(const std::string &at, int N, int SW, int SIGNED, int IW, const std::string &v,
                 const std::string &s, const std::string &idx, const std::vector<Cand> &want)
{
    std::vector<bool> vb = from_hex(v, N), sb = from_hex(s, N * SW), ib = from_hex(idx, N * IW);
    for (int e = 0; e < N; e++) {
        bool expect_v = e < (int)want.size();
        EXPECT_EQ((bool)vb[(size_t)e], expect_v) << at << " entry " << e << " valid";
        if (!expect_v || !vb[(size_t)e]) continue;
        long sv = (long)to_u64(sb, e * SW, SW);
        if (SIGNED && sv >= (1l << (SW - 1))) sv -= 1l << SW;
        EXPECT_EQ(sv, want[(size_t)e].s) << at << " entry " << e << " score";
        EXPECT_EQ((int)to_u64(ib, e * IW, IW), want[(size_t)e].idx) << at << " entry " << e << " index";
    }
}

// Both selectors (sel 0: hg_topn, the merge by ranks; 1: hg_topn_bitonic, the networks) on
// one bench, tests/blocks/tb_hg_topn.v, against the same reference: a stable sort of the
// query's valid candidates by score, cut to N. Half the queries have invalid lanes inside a
// group, not only at the end of the last.
void check_topn(int sel)
{
    const char *name = sel ? "hg_topn_bitonic" : "hg_topn";
    std::mt19937 rng(5 + sel);
    struct {
        int N, P, SW, SIGNED, IW;
    } cfgs[] = {{1, 1, 4, 0, 4}, {4, 2, 7, 0, 6},  {5, 3, 22, 1, 5},  {8, 8, 6, 0, 7}, {3, 4, 5, 1, 6},
                {2, 5, 4, 0, 6}, {16, 8, 6, 0, 7}, {16, 8, 21, 1, 7}, {7, 6, 3, 1, 5}, {12, 1, 6, 0, 6}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << name << " N=" << cf.N << " P=" << cf.P << " SW=" << cf.SW << " SIGNED=" << cf.SIGNED
           << " IW=" << cf.IW;
        std::vector<std::string> vec;
        std::vector<std::vector<Cand>> want; // per vector: the list published after it (or empty)
        auto cycle = [&](int rst_n, int en, int in_valid, int first, int last, const std::vector<int> &lv,
                         const std::vector<long> &s, int base, int take) {
            Bits b;
            b.field(rst_n, 1);
            b.field(en, 1);
            b.field(in_valid, 1);
            b.field(first, 1);
            b.field(last, 1);
            for (int j = cf.P - 1; j >= 0; j--) b.field(lv[j], 1);
            for (int j = cf.P - 1; j >= 0; j--) b.field((uint64_t)s[j], cf.SW);
            b.field(base, cf.IW);
            b.field(take, 1);
            vec.push_back(b.hex());
        };
        std::vector<int> z(cf.P, 0);
        std::vector<long> zs(cf.P, 0);
        cycle(0, 1, 0, 0, 0, z, zs, 0, 0);
        want.push_back({});
        long lo = cf.SIGNED ? -(1l << (cf.SW - 1)) : 0,
             hi = cf.SIGNED ? (1l << (cf.SW - 1)) - 1 : (1l << cf.SW) - 1;
        long range = std::min(hi - lo + 1, 5l); // few distinct scores: many ties
        int maxkeys = 1 << cf.IW;
        for (int q = 0; q < 6; q++) {
            int nk = 1 + (int)(rng() % (unsigned)std::min(maxkeys, 4 * cf.P + 3));
            std::vector<Cand> all;
            for (int base = 0, g = 0; base < nk; base += cf.P, g++) {
                std::vector<int> lv(cf.P);
                std::vector<long> s(cf.P);
                for (int j = 0; j < cf.P; j++) {
                    lv[j] = base + j < nk && (q % 2 == 0 || base + j == 0 || rng() % 4 != 0);
                    s[j] = q == 0 ? lo + (hi - lo) * (j % 2) : lo + (long)(rng() % (unsigned long)range);
                    if (lv[j]) all.push_back({s[j], base + j});
                }
                bool last = base + cf.P >= nk;
                cycle(1, 1, 1, g == 0, last, lv, s, base, 0);
                if (last) {
                    std::stable_sort(all.begin(), all.end(),
                                     [](const Cand &a, const Cand &b) { return a.s > b.s; });
                    if ((int)all.size() > cf.N) all.resize(cf.N);
                    want.push_back(all);
                } else {
                    want.push_back({});
                }
                if (!last && rng() % 3 == 0) { // a cycle without a group (en low)
                    cycle(1, 0, 1, 0, 0, lv, s, base, 0);
                    want.push_back({});
                }
            }
            cycle(1, 1, 0, 0, 0, z, zs, 0, 1); // the consumer takes the list
            want.push_back({});
        }
        std::vector<std::string> got = run_bench(
            "hg_topn",
            P("hg_topn", "N", cf.N) + P("hg_topn", "P", cf.P) + P("hg_topn", "SW", cf.SW) +
                P("hg_topn", "SIGNED", cf.SIGNED) + P("hg_topn", "IW", cf.IW) + P("hg_topn", "SEL", sel),
            vec);
        int published = 0;
        for (size_t c = 0; c < got.size(); c++) {
            std::istringstream ls(got[c]);
            std::string ov, v, s, idx;
            ls >> ov >> v >> s >> idx;
            bool is_valid = ov == "1";
            EXPECT_EQ(is_valid, !want[c].empty()) << ps.str() << " cycle " << c << ": out_valid " << ov;
            if (want[c].empty() || !is_valid) continue;
            published++;
            expect_list(ps.str() + " cycle " + std::to_string(c), cf.N, cf.SW, cf.SIGNED, cf.IW, v, s, idx,
                        want[c]);
        }
        EXPECT_EQ(published, 6) << ps.str() << ": every query's list published";
    }
}

TEST(Blocks, TopnKeepsTheNBestWithTheTieRule) { check_topn(0); }

TEST(Blocks, TopnBitonicKeepsTheNBestWithTheTieRule) { check_topn(1); }

// The two-stage selector (hg_topn_bitonic, PIPE = 1) against a model of its schedule: a group
// offered (en and in_valid) enters the first register; it moves one register a cycle (one, or
// two when the block cuts its sort: SORT_CUT 1, or 2 (auto) where it has at least as many sorter
// levels, LQ(LQ+1)/2, as the global stage's log2 M + 1; 0 never); from the last, the global stage merges it into the held list (a query's first
// group: into an empty one) and, for a query's last group, publishes the list, unless a list
// published before is still held and not taken that cycle: then every register waits and the
// producer may offer none (en low, as the score stage holds). Groups come with random gaps and
// random enables, the consumer takes a list at random, so last groups wait behind held lists;
// the list is checked after every edge, and busy_o (a group in a register). Half the
// configurations cut, half do not (checked), some of each by SORT_CUT 0 or 1 against auto.
TEST(Blocks, TopnTwoStageMergesARowOneOrTwoCyclesLaterAndWaitsBehindAHeldList)
{
    std::mt19937 rng(21);
    struct {
        int N, P, SW, SIGNED, IW, CUT; // CUT: SORT_CUT, 0 never, 1 always, 2 auto
    } cfgs[] = {{1, 1, 4, 0, 4, 2},  {4, 2, 7, 0, 6, 2},  {5, 3, 22, 1, 5, 2},  {8, 8, 6, 0, 7, 2},
                {3, 4, 5, 1, 6, 2},  {2, 5, 4, 0, 6, 2},  {16, 8, 6, 0, 7, 2},  {16, 8, 21, 1, 7, 2},
                {7, 6, 3, 1, 5, 2},  {3, 16, 5, 0, 7, 2}, {32, 16, 7, 0, 9, 2}, {32, 8, 6, 0, 8, 2},
                {2, 4, 4, 0, 5, 2},  {16, 8, 6, 0, 7, 0}, {3, 16, 5, 1, 7, 0},  {5, 3, 22, 1, 5, 1},
                {32, 8, 6, 0, 8, 1}, {4, 2, 7, 0, 6, 0},  {32, 8, 6, 0, 8, 0},  {4, 4, 5, 1, 6, 2}};
    int cuts = 0, forced = 0;
    for (auto cf : cfgs) {
        // the registers: 2 when the sort is cut (the block's rule, restated)
        auto clog2 = [](int x) {
            int l = 0;
            while ((1 << l) < x) l++;
            return l;
        };
        int lq = clog2(cf.P), sg = clog2(cf.N) + 1;
        int autodepth = lq > 1 && lq * (lq + 1) / 2 >= sg ? 2 : 1;
        int depth = cf.CUT == 2 ? autodepth : cf.CUT == 1 ? 2 : 1;
        cuts += depth == 2;
        forced += depth != autodepth;
        std::ostringstream ps;
        ps << "hg_topn_bitonic PIPE=1 N=" << cf.N << " P=" << cf.P << " SW=" << cf.SW
           << " SIGNED=" << cf.SIGNED << " IW=" << cf.IW << " SORT_CUT=" << cf.CUT << " (" << depth
           << " registers)";
        struct Group {
            std::vector<int> lv;
            std::vector<long> s;
            int base, first, last;
        };
        long lo = cf.SIGNED ? -(1l << (cf.SW - 1)) : 0,
             hi = cf.SIGNED ? (1l << (cf.SW - 1)) - 1 : (1l << cf.SW) - 1;
        long range = std::min(hi - lo + 1, 5l);
        std::vector<Group> groups;
        const int nq = 16;
        for (int q = 0; q < nq; q++) {
            int nk = 1 + (int)(rng() % (unsigned)std::min(1 << cf.IW, 3 * cf.P + 2));
            for (int base = 0; base < nk; base += cf.P) {
                Group g{std::vector<int>((size_t)cf.P), std::vector<long>((size_t)cf.P), base, base == 0,
                        base + cf.P >= nk};
                for (int j = 0; j < cf.P; j++) {
                    g.lv[(size_t)j] = base + j < nk && (q % 2 == 0 || base + j == 0 || rng() % 4 != 0);
                    g.s[(size_t)j] = lo + (long)(rng() % (unsigned long)range);
                }
                groups.push_back(g);
            }
        }
        // the model: the registers (a group's index, -1 empty; the last feeds the global
        // stage), the held list, the published list
        auto better = [](const Cand &a, const Cand &b) { return a.s != b.s ? a.s > b.s : a.idx < b.idx; };
        std::vector<long> reg((size_t)depth, -1);
        bool out_v = false;
        size_t next = 0;
        auto any = [&] { return std::any_of(reg.begin(), reg.end(), [](long r) { return r >= 0; }); };
        std::vector<Cand> held, out;
        std::vector<std::string> vec;
        struct Want {
            bool valid;
            std::vector<Cand> list;
            bool busy;
        };
        std::vector<Want> want;
        auto emit = [&](int rst_n, int en, int offer, const Group *g, int take) {
            Bits b;
            b.field(rst_n, 1), b.field(en, 1), b.field(offer, 1);
            b.field(g ? g->first : 0, 1), b.field(g ? g->last : 0, 1);
            for (int j = cf.P - 1; j >= 0; j--) b.field(g ? g->lv[(size_t)j] : 0, 1);
            for (int j = cf.P - 1; j >= 0; j--) b.field(g ? (uint64_t)g->s[(size_t)j] : 0, cf.SW);
            b.field(g ? (uint64_t)g->base : 0, cf.IW);
            b.field(take, 1);
            vec.push_back(b.hex());
        };
        emit(0, 1, 0, nullptr, 0);
        want.push_back({false, {}, false});
        int published = 0, waited = 0;
        for (int c = 0; c < 2000 && (next < groups.size() || any() || out_v); c++) {
            int take = out_v && rng() % 3 == 0;
            long g_at = reg.back();
            bool wait = g_at >= 0 && groups[(size_t)g_at].last && out_v && !take;
            int offer = next < groups.size() && rng() % 5 != 0;
            int en = wait ? 0 : rng() % 6 != 0;
            emit(1, en, offer, offer ? &groups[next] : nullptr, take);
            waited += wait;
            if (g_at >= 0 && !wait) { // the global stage merges the group in the last register
                const Group &g = groups[(size_t)g_at];
                if (g.first) held.clear();
                for (int j = 0; j < cf.P; j++)
                    if (g.lv[(size_t)j]) held.push_back({g.s[(size_t)j], g.base + j});
                std::stable_sort(held.begin(), held.end(), better);
                if ((int)held.size() > cf.N) held.resize((size_t)cf.N);
                if (g.last) out = held, out_v = true, published++;
            }
            if (!(g_at >= 0 && !wait && groups[(size_t)g_at].last) && take) out_v = false;
            if (!wait) {
                for (size_t r = reg.size() - 1; r > 0; r--) reg[r] = reg[r - 1];
                reg[0] = en && offer ? (long)next++ : -1;
            }
            want.push_back({out_v, out, any()});
        }
        ASSERT_EQ(published, nq) << ps.str();
        EXPECT_GT(waited, 0) << ps.str() << ": no last group waited behind a held list";
        std::vector<std::string> got =
            run_bench("hg_topn",
                      P("hg_topn", "N", cf.N) + P("hg_topn", "P", cf.P) + P("hg_topn", "SW", cf.SW) +
                          P("hg_topn", "SIGNED", cf.SIGNED) + P("hg_topn", "IW", cf.IW) +
                          P("hg_topn", "SEL", 2) + P("hg_topn", "SORT_CUT", cf.CUT),
                      vec);
        ASSERT_EQ(got.size(), want.size()) << ps.str();
        for (size_t c = 0; c < got.size(); c++) {
            std::istringstream ls(got[c]);
            std::string ov, v, s, idx, busy;
            ls >> ov >> v >> s >> idx >> busy;
            EXPECT_EQ(ov, want[c].valid ? "1" : "0") << ps.str() << " cycle " << c << ": out_valid";
            EXPECT_EQ(busy, want[c].busy ? "1" : "0") << ps.str() << " cycle " << c << ": busy";
            if (!want[c].valid || ov != "1") continue;
            expect_list(ps.str() + " cycle " + std::to_string(c), cf.N, cf.SW, cf.SIGNED, cf.IW, v, s, idx,
                        want[c].list);
        }
    }
    EXPECT_GE(cuts, 4) << "configurations with a cut sort";
    EXPECT_GE((int)(sizeof cfgs / sizeof cfgs[0]) - cuts, 4) << "configurations without";
    EXPECT_GE(forced, 4) << "configurations whose SORT_CUT (0 or 1) overrides auto";
}

// ---- the counting selector (HAD): hg_topn_scan counts, hg_topn_place picks

// A query's match counts: nk real keys (0..D, few levels in half the queries: many ties), the
// lanes past nk of its last row filled with any SW-bit value (not keys: must be ignored).
std::vector<int> count_row_values(std::mt19937 &rng, int nk, int rows, int P, int D, int SW, bool few)
{
    std::vector<int> s((size_t)rows * (size_t)P);
    int top = few ? std::min(D, 2) : D;
    for (int k = 0; k < rows * P; k++)
        s[(size_t)k] = k < nk ? (int)(rng() % (unsigned)(top + 1)) : (int)(rng() % (1u << SW));
    return s;
}

// What the first pass hands on, from the first nk counts of s: the threshold level, the lowest
// level with fewer than N keys above it (every key above it is kept, none below), how many keys
// of that level are kept (the first ones: min(N, nk) less the keys above), and the largest
// count.
struct Figures {
    int thr, quota, smax;
};
Figures figures_ref(const std::vector<int> &s, int nk, int N)
{
    auto above = [&](int v) {
        int c = 0;
        for (int k = 0; k < nk; k++) c += s[(size_t)k] > v;
        return c;
    };
    int thr = 0, smax = 0;
    while (above(thr) >= N) thr++;
    for (int k = 0; k < nk; k++) smax = std::max(smax, s[(size_t)k]);
    return {thr, std::min(N, nk) - above(thr), smax};
}

TEST(Blocks, TopnScanCountsTheKeysAboveEachLevel)
{
    std::mt19937 rng(11);
    struct {
        int N, P, G, D;
    } cfgs[] = {{1, 1, 4, 8},  {4, 2, 3, 8}, {5, 3, 4, 16}, {16, 8, 16, 32},
                {3, 4, 2, 24}, {8, 1, 8, 8}, {2, 5, 1, 64}};
    for (auto cf : cfgs) {
        int SW = hg_clog2(cf.D + 1), GW = cf.G > 1 ? hg_clog2(cf.G) : 1, CW = hg_clog2(cf.N + 1);
        std::ostringstream ps;
        ps << "hg_topn_scan N=" << cf.N << " P=" << cf.P << " G=" << cf.G << " D=" << cf.D;
        std::vector<std::string> vec;
        struct Want {
            int we, waddr, sc_v, bank;
            Figures f; // checked if fig (from the second edge after the last row: registered)
            bool fig;
        };
        std::vector<Want> want;
        int sc_v = 0, sc_bank = 0;
        Figures sc_f{0, 0, 0};
        auto cycle = [&](int rst_n, int en, int p2_v, int first, int last, int bank, int row,
                         const std::vector<int> &s, const std::vector<int> &ok, int take) {
            Bits b;
            b.field(rst_n, 1), b.field(en, 1), b.field(p2_v, 1), b.field(first, 1), b.field(last, 1);
            b.field(bank, 1), b.field(row, GW);
            for (int j = cf.P - 1; j >= 0; j--) b.field((uint64_t)s[(size_t)j], SW);
            for (int j = cf.P - 1; j >= 0; j--) b.field(ok[(size_t)j], 1);
            b.field(take, 1);
            vec.push_back(b.hex());
        };
        std::vector<int> zs((size_t)cf.P, 0);
        cycle(0, 1, 0, 0, 0, 0, 0, zs, zs, 0);
        want.push_back({0, 0, 0, 0, sc_f, false});
        // What the block holds after each edge: the figures are registered at the edge after
        // the one that took a query's last row (whatever the enable), and stay until the next
        // such edge; sc_v and the bank are set with the last row and cleared by a release.
        bool fig_next = false, fig_ok = false;
        Figures fig_new{0, 0, 0};
        auto edge = [&](bool took_last, int bank, const Figures &f, bool take) {
            if (fig_next) sc_f = fig_new, fig_ok = true, fig_next = false;
            if (took_last) {
                sc_v = 1, sc_bank = bank, fig_new = f, fig_next = true, fig_ok = false;
            } else if (take) {
                sc_v = 0;
            }
        };
        auto expect = [&](int we, int waddr) {
            want.push_back({we, waddr, sc_v, sc_bank, sc_f, sc_v && fig_ok});
        };
        for (int q = 0; q < 9; q++) {
            // Queries 2, 3, 5 and 6 follow the last row of the one before at once: that one's
            // figures must hold while this one's rows are counted, until it is released at a
            // random row (at the latest with this one's last row, as the score stage waits).
            int nk = 1 + (int)(rng() % (unsigned)(cf.G * cf.P)), rows = (nk + cf.P - 1) / cf.P, bank = q % 2;
            std::vector<int> s = count_row_values(rng, nk, rows, cf.P, cf.D, SW, q % 2 == 1);
            Figures f = figures_ref(s, nk, cf.N);
            int take_row = sc_v ? (int)(rng() % (unsigned)rows) : -1;
            for (int r = 0; r < rows; r++) {
                std::vector<int> rs(s.begin() + r * cf.P, s.begin() + (r + 1) * cf.P), ok((size_t)cf.P);
                for (int j = 0; j < cf.P; j++) ok[(size_t)j] = r * cf.P + j < nk;
                bool last = r == rows - 1;
                if (rng() % 4 == 0) { // a held cycle: nothing is written or counted
                    cycle(1, 0, 1, r == 0, last, bank, r, rs, ok, 0);
                    edge(false, 0, f, false);
                    expect(0, 0);
                }
                cycle(1, 1, 1, r == 0, last, bank, r, rs, ok, r == take_row);
                edge(last, bank, f, r == take_row);
                expect(1, bank * cf.G + r);
            }
            if (q % 3 != 0 && q < 8) continue;     // the next query follows at once
            cycle(1, 1, 0, 0, 0, 0, 0, zs, zs, 0); // the figures, a cycle after the counts
            edge(false, 0, f, false);
            EXPECT_TRUE(sc_v && fig_ok) << ps.str();
            expect(0, 0);
            cycle(1, 1, 0, 0, 0, 0, 0, zs, zs, 1); // the second pass releases the counts
            edge(false, 0, f, true);
            expect(0, 0);
        }
        std::vector<std::string> got = run_bench(
            "hg_topn_scan",
            P("hg_topn_scan", "N", cf.N) + P("hg_topn_scan", "P", cf.P) + P("hg_topn_scan", "G", cf.G) +
                P("hg_topn_scan", "D", cf.D) + P("hg_topn_scan", "SW", SW),
            vec);
        int aw = (cf.G > 1 ? hg_clog2(cf.G) : 0) + 1;
        for (size_t c = 0; c < got.size() && c < want.size(); c++) {
            std::istringstream ls(got[c]);
            std::string we, wa, v, bk, th, qu, sm;
            ls >> we >> wa >> v >> bk >> th >> qu >> sm;
            const Want &w = want[c];
            EXPECT_EQ(we, w.we ? "1" : "0") << ps.str() << " cycle " << c << " sm_we";
            if (w.we) {
                EXPECT_EQ((int)to_u64(from_hex(wa, aw)), w.waddr)
                    << ps.str() << " cycle " << c << " sm_waddr";
            }
            EXPECT_EQ(v, w.sc_v ? "1" : "0") << ps.str() << " cycle " << c << " sc_v";
            if (!w.sc_v) continue;
            EXPECT_EQ(bk, w.bank ? "1" : "0") << ps.str() << " cycle " << c << " sc_bank";
            if (!w.fig) continue;
            EXPECT_EQ((int)to_u64(from_hex(th, SW)), w.f.thr) << ps.str() << " cycle " << c << " sc_thr";
            EXPECT_EQ((int)to_u64(from_hex(qu, CW)), w.f.quota) << ps.str() << " cycle " << c << " sc_quota";
            EXPECT_EQ((int)to_u64(from_hex(sm, SW)), w.f.smax) << ps.str() << " cycle " << c << " sc_smax";
        }
    }
}

// The second pass on a score memory of the bench's own, queries back to back (the figures of
// the next presented in the cycle the last row of this one is read, its rows written while
// this one's are read), then two queries whose lists wait for the consumer: the second
// finished list holds the block until the first is taken, while a third query is offered. Every list holds the keys of the
// stable sort of the query's keys by count, cut to N (the tie rule), in key order, with the
// largest count beside it.
TEST(Blocks, TopnPlacePicksTheKeptKeysInKeyOrder)
{
    std::mt19937 rng(12);
    struct {
        int N, P, L, D, full;
    } cfgs[] = {{1, 1, 8, 8, 1},   {4, 2, 6, 8, 0},    {5, 3, 11, 16, 1}, {16, 8, 128, 32, 1},
                {3, 4, 8, 24, 0},  {20, 4, 20, 16, 1}, {4, 2, 12, 64, 0}, {16, 8, 128, 32, 0},
                {12, 1, 13, 8, 0}, {7, 6, 40, 16, 0},  {3, 8, 8, 16, 1},  {32, 16, 96, 64, 0},
                {5, 16, 20, 16, 1}};
    for (auto cf : cfgs) {
        int G = (cf.L + cf.P - 1) / cf.P, SW = hg_clog2(cf.D + 1), IW = std::max(1, hg_clog2(cf.L));
        int AW = (G > 1 ? hg_clog2(G) : 0) + 1, NKW = hg_clog2(cf.L + 1), CW = hg_clog2(cf.N + 1);
        int nk = cf.full ? cf.L : 1 + (int)(rng() % (unsigned)cf.L), rows = (nk + cf.P - 1) / cf.P;
        std::ostringstream ps;
        ps << "hg_topn_place N=" << cf.N << " P=" << cf.P << " L=" << cf.L << " D=" << cf.D << " n_k=" << nk;
        // queries 0..5 back to back; 6 and 7 with a held list; 8 offered while 7 waits finished
        // (a one-row query waits on its first row: its figures must not be 8's)
        const int NQ = 9;
        std::vector<std::vector<int>> s(NQ);
        std::vector<std::vector<Cand>> lists(NQ);
        for (int q = 0; q < NQ; q++) {
            s[(size_t)q] = count_row_values(rng, nk, rows, cf.P, cf.D, SW, q % 2 == 0);
            for (int k = 0; k < nk; k++) lists[(size_t)q].push_back({s[(size_t)q][(size_t)k], k});
            std::stable_sort(lists[(size_t)q].begin(), lists[(size_t)q].end(),
                             [](const Cand &a, const Cand &b) { return a.s > b.s; });
            if ((int)lists[(size_t)q].size() > cf.N) lists[(size_t)q].resize((size_t)cf.N);
            std::sort(lists[(size_t)q].begin(), lists[(size_t)q].end(),
                      [](const Cand &a, const Cand &b) { return a.idx < b.idx; });
        }
        // the schedule: writes of query q at rows cycles from W[q], its counts presented at Pr[q]
        int hold_from = 0, hold_to = 0, ncyc = 0;
        std::vector<int> W(NQ), Pr(NQ);
        for (int q = 0; q < 6; q++) W[(size_t)q] = 1 + q * rows, Pr[(size_t)q] = 1 + (q + 1) * rows;
        int t = Pr[5] + rows + 8; // queries 6, 7: the consumer holds off until both lists are done
        W[6] = t, W[7] = t + rows, Pr[6] = t + 2 * rows, Pr[7] = Pr[6] + rows;
        W[8] = Pr[7], Pr[8] = Pr[7] + rows; // bank 0, read for 6 until Pr[7]
        hold_from = Pr[6], hold_to = Pr[8] + 2 * rows + 10;
        ncyc = hold_to + 12 + 2 * rows;
        struct Cyc {
            int rst_n = 1, we = 0, waddr = 0, present = 0, bank = 0, take_ok = 1;
            std::vector<int> wdata;
            Figures f{0, 0, 0};
        };
        std::vector<Cyc> cy((size_t)ncyc);
        cy[0].rst_n = 0;
        for (int q = 0; q < NQ; q++) {
            for (int r = 0; r < rows; r++) {
                Cyc &c = cy[(size_t)(W[(size_t)q] + r)];
                c.we = 1, c.waddr = (q % 2) * G + r;
                c.wdata.assign(s[(size_t)q].begin() + r * cf.P, s[(size_t)q].begin() + (r + 1) * cf.P);
            }
            Cyc &c = cy[(size_t)Pr[(size_t)q]];
            c.present = 1, c.bank = q % 2, c.f = figures_ref(s[(size_t)q], nk, cf.N);
        }
        for (int c = hold_from; c < hold_to; c++) cy[(size_t)c].take_ok = 0;
        std::vector<std::string> vec;
        for (const Cyc &c : cy) {
            Bits b;
            b.field(c.rst_n, 1), b.field(c.we, 1), b.field(c.waddr, AW);
            for (int j = cf.P - 1; j >= 0; j--) b.field(c.we ? (uint64_t)c.wdata[(size_t)j] : 0, SW);
            b.field(nk, NKW), b.field(c.present, 1), b.field(c.bank, 1);
            b.field(c.f.thr, SW), b.field(c.f.quota, CW), b.field(c.f.smax, SW);
            b.field(c.take_ok, 1);
            vec.push_back(b.hex());
        }
        std::string tb = "hg_topn_place";
        std::vector<std::string> got =
            run_bench(tb,
                      P(tb, "N", cf.N) + P(tb, "P", cf.P) + P(tb, "G", G) + P(tb, "L", cf.L) +
                          P(tb, "D", cf.D) + P(tb, "SW", SW) + P(tb, "IW", IW),
                      vec);
        int taken = 0, held = 0;
        for (size_t c = 0; c < got.size(); c++) {
            std::istringstream ls(got[c]);
            std::string tk, v, sv, iv, smx, scv, idle;
            ls >> tk >> v >> sv >> iv >> smx >> scv >> idle;
            if ((int)c > Pr[8] && (int)c < hold_to && scv == "1") held++; // 8's rows wait unread
            if (tk != "1") continue;
            ASSERT_LT(taken, NQ) << ps.str() << " cycle " << c << ": more lists than queries";
            const std::vector<Cand> &w = lists[(size_t)taken];
            auto from_bin = [](const std::string &text, int width) { // bit i: character size - 1 - i
                std::vector<bool> b((size_t)width);
                for (int i = 0; i < width && i < (int)text.size(); i++)
                    b[(size_t)i] = text[text.size() - 1 - (size_t)i] == '1';
                return b;
            };
            std::vector<bool> vb = from_bin(v, cf.N), sb = from_bin(sv, cf.N * SW),
                              ib = from_bin(iv, cf.N * IW);
            for (int e = 0; e < cf.N; e++) {
                bool expect_v = e < (int)w.size();
                EXPECT_EQ((bool)vb[(size_t)e], expect_v) << ps.str() << " query " << taken << " entry " << e;
                if (!expect_v || !vb[(size_t)e]) continue;
                EXPECT_EQ((long)to_u64(sb, e * SW, SW), w[(size_t)e].s)
                    << ps.str() << " query " << taken << " entry " << e << " count";
                EXPECT_EQ((int)to_u64(ib, e * IW, IW), w[(size_t)e].idx)
                    << ps.str() << " query " << taken << " entry " << e << " index";
            }
            EXPECT_EQ((int)to_u64(from_hex(smx, SW)), figures_ref(s[(size_t)taken], nk, cf.N).smax)
                << ps.str() << " query " << taken << " smax";
            taken++;
        }
        EXPECT_EQ(taken, NQ) << ps.str() << ": every query's list taken";
        EXPECT_EQ(held, hold_to - Pr[8] - 1)
            << ps.str() << ": the finished list of 7 holds the block (no reads) while 6's waits";
    }
}

// ---- hg_norm: out[i] = sat(round(acc[i] * recip / 2^(RQ - OF))), recip = floor(2^RQ / wsum)
// (all RQ + 1 bits set when wsum = 0), busy CR + CM cycles a query

// The normalizer's output for one dimension, from docs/spec.md section 4.
int64_t norm_ref(int64_t acc, uint64_t wsum, int RQ, int OF, int OW)
{
    uint64_t recip = wsum ? (1ull << RQ) / wsum : (2ull << RQ) - 1;
    __int128 p = (__int128)acc * (__int128)recip;
    p += (__int128)1 << (RQ - OF - 1);
    p >>= RQ - OF; // arithmetic: floor
    int64_t hi = (1ll << (OW - 1)) - 1, lo = -(1ll << (OW - 1));
    return p > hi ? hi : p < lo ? lo : (int64_t)p;
}

TEST(Blocks, NormScalesByTheReciprocalOfTheWeightSum)
{
    std::mt19937 rng(7);
    struct {
        int D, ACCW, WSW, RQ, OF, OW, BPC, CR, MN, CM;
    } cfgs[] = {
        {32, 20, 13, 29, 8, 16, 6, 5, 3, 11}, // the MiniLM point: D padded to 33
        {4, 12, 6, 14, 4, 8, 1, 15, 4, 1},    // one bit a cycle, one multiply cycle
        {5, 16, 9, 17, 6, 10, 4, 5, 2, 3},    // CR * BPC > RQ + 1, padding
        {8, 24, 16, 32, 8, 16, 33, 1, 1, 8},  // the reciprocal in one cycle, one multiplier
    };
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_norm D=" << cf.D << " ACCW=" << cf.ACCW << " WSW=" << cf.WSW << " RQ=" << cf.RQ
           << " OF=" << cf.OF << " OW=" << cf.OW << " BPC=" << cf.BPC << " CR=" << cf.CR << " MN=" << cf.MN
           << " CM=" << cf.CM;
        int64_t amax = (1ll << (cf.ACCW - 1)) - 1, amin = -(1ll << (cf.ACCW - 1));
        uint64_t wmax = (1ull << cf.WSW) - 1;
        std::vector<std::string> vec;
        std::vector<std::vector<int64_t>> offered; // the (acc) of each cycle
        std::vector<uint64_t> offered_w;
        auto cycle = [&](int rst_n, int in_valid, int o_ready, uint64_t wsum,
                         const std::vector<int64_t> &acc) {
            Bits b;
            b.field(rst_n, 1);
            b.field(in_valid, 1);
            b.field(o_ready, 1);
            b.field(wsum, cf.WSW);
            for (int i = cf.D - 1; i >= 0; i--) b.field((uint64_t)acc[i], cf.ACCW);
            vec.push_back(b.hex());
            offered.push_back(acc);
            offered_w.push_back(wsum);
        };
        std::vector<int64_t> zero(cf.D, 0);
        cycle(0, 0, 1, 0, zero);
        cycle(0, 0, 1, 0, zero);
        int busy = cf.CR + cf.CM;
        for (int q = 0; q < 14; q++) {
            std::vector<int64_t> acc(cf.D);
            for (int i = 0; i < cf.D; i++)
                acc[i] = amin + (int64_t)(((uint64_t)rng() << 20 ^ rng()) % (uint64_t)(amax - amin + 1));
            uint64_t wsum = ((uint64_t)rng() << 20 ^ rng()) & wmax;
            if (q == 0) wsum = 0;                                      // all-ones reciprocal
            if (q == 1) wsum = 1, acc[0] = amax, acc[cf.D - 1] = amin; // saturation both ways
            if (q == 2) wsum = wmax;
            if (q == 3) std::fill(acc.begin(), acc.end(), 0);
            if (q == 4) wsum = 3, acc[0] = -1, acc[cf.D - 1] = 1; // rounding of small values
            // offered for a while, then held until taken; the consumer stalls at random
            for (int c = 0; c < busy + 3; c++)
                cycle(1, q % 3 != 2 || c > 1, q < 5 || rng() % 3 != 0, wsum, acc);
        }
        for (int c = 0; c < busy + 4; c++) cycle(1, 0, 1, 0, zero);
        std::vector<std::string> got =
            run_bench("hg_norm",
                      P("hg_norm", "D", cf.D) + P("hg_norm", "ACCW", cf.ACCW) + P("hg_norm", "WSW", cf.WSW) +
                          P("hg_norm", "RQ", cf.RQ) + P("hg_norm", "OF", cf.OF) + P("hg_norm", "OW", cf.OW) +
                          P("hg_norm", "BPC", cf.BPC) + P("hg_norm", "CR", cf.CR) +
                          P("hg_norm", "MN", cf.MN) + P("hg_norm", "CM", cf.CM),
                      vec);
        // Queries taken, in order, and the outputs handed over, in order: the k-th output is the
        // k-th taken query's, no sooner than CR + CM cycles after its take.
        std::vector<size_t> taken_at, out_at;
        std::vector<std::vector<int64_t>> outs;
        for (size_t c = 2; c < got.size(); c++) {
            std::istringstream ls(got[c]);
            std::string take, fire, data, idle;
            ls >> take >> fire >> data >> idle;
            ASSERT_TRUE((take == "0" || take == "1") && (fire == "0" || fire == "1"))
                << ps.str() << " cycle " << c << ": handshake unknown: " << got[c];
            if (take == "1") taken_at.push_back(c);
            if (fire == "1") {
                bool known;
                std::vector<bool> ob = from_hex(data, cf.D * cf.OW, &known);
                EXPECT_TRUE(known) << ps.str() << " cycle " << c << ": output has x bits: " << data;
                std::vector<int64_t> o(cf.D);
                for (int i = 0; i < cf.D; i++) {
                    int64_t v = (int64_t)to_u64(ob, i * cf.OW, cf.OW);
                    o[i] = v >= (1ll << (cf.OW - 1)) ? v - (1ll << cf.OW) : v;
                }
                outs.push_back(o);
                out_at.push_back(c);
            }
        }
        // a query offered longer than the unit is busy may be taken twice: both are checked
        EXPECT_GE(taken_at.size(), 14u) << ps.str() << ": every query taken";
        bool back_to_back = false; // one query every CR + CM cycles when offered and drained
        for (size_t k = 1; k < taken_at.size(); k++)
            back_to_back |= taken_at[k] - taken_at[k - 1] == (size_t)busy;
        EXPECT_TRUE(back_to_back) << ps.str() << ": no two queries taken CR + CM cycles apart";
        ASSERT_EQ(outs.size(), taken_at.size()) << ps.str() << ": one output per query taken";
        for (size_t k = 0; k < outs.size(); k++) {
            size_t t = taken_at[k];
            // taken at edge t, the last multiply at edge t + CR + CM, valid after it
            EXPECT_GE(out_at[k], t + busy + 1) << ps.str() << " query " << k << ": output too early";
            if (k == 0) {
                EXPECT_EQ(out_at[k], t + busy + 1)
                    << ps.str() << " query 0 (idle unit, consumer ready): latency";
            }
            if (k > 0) {
                EXPECT_GE(t - taken_at[k - 1], (size_t)busy)
                    << ps.str() << " query " << k << ": taken while busy";
            }
            for (int i = 0; i < cf.D; i++) {
                int64_t want = norm_ref(offered[t][i], offered_w[t], cf.RQ, cf.OF, cf.OW);
                EXPECT_EQ(outs[k][i], want)
                    << ps.str() << " query " << k << " (taken at cycle " << t << ", wsum " << offered_w[t]
                    << ", acc " << offered[t][i] << ") dim " << i << ": got " << outs[k][i] << " expected "
                    << want;
            }
        }
    }
}

// ---- hg_mem_banked / hg_mem_flat: a write of WL entries lands at the edge; a read registers
// the entry (a read and a write of the same entry in one cycle read the old value); a port not
// read holds its last data

TEST(Blocks, BankedMemoryWritesWlEntriesAndReadsARow)
{
    std::mt19937 rng(8);
    struct {
        int LANES, WORDS, W, WL;
    } cfgs[] = {{1, 1, 1, 1},  {4, 8, 12, 1},  {3, 5, 40, 1}, {8, 16, 64, 1}, {4, 8, 12, 2},
                {4, 3, 12, 4}, {8, 16, 20, 8}, {8, 5, 12, 2}, {16, 4, 64, 4}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_mem_banked LANES=" << cf.LANES << " WORDS=" << cf.WORDS << " W=" << cf.W << " WL=" << cf.WL;
        int beats = cf.LANES / cf.WL; // writes a row
        int lnw = addr_bits(cf.LANES), gw = addr_bits(cf.WORDS);
        uint64_t wmask = cf.W >= 64 ? ~0ull : (1ull << cf.W) - 1;
        std::vector<std::vector<uint64_t>> mem(cf.LANES, std::vector<uint64_t>(cf.WORDS));
        std::vector<uint64_t> rd(cf.LANES);
        std::vector<bool> rd_known(cf.LANES, false);
        std::vector<std::string> vec;
        std::vector<std::vector<uint64_t>> want;
        std::vector<std::vector<bool>> known;
        std::vector<std::vector<bool>> written(cf.LANES, std::vector<bool>(cf.WORDS, false));
        for (int c = 0; c < 120; c++) {
            bool fill = c < beats * cf.WORDS; // every entry written first
            int we = fill || rng() % 2, wl = (fill ? c % beats : (int)(rng() % beats)) * cf.WL,
                wr = fill ? c / beats : (int)(rng() % cf.WORDS);
            std::vector<uint64_t> wd(cf.WL);
            for (int j = 0; j < cf.WL; j++) {
                wd[j] = ((uint64_t)rng() << 32 ^ rng()) & wmask;
                if (c % 7 == 3) wd[j] = wmask;
            }
            int re = fill ? c % 3 == 0 : rng() % 4 != 0, rr = (int)(rng() % cf.WORDS);
            if (c % 5 == 0) rr = wr; // read and write of one row in a cycle
            Bits b;
            b.field(we, 1);
            b.field(wl, lnw);
            b.field(wr, gw);
            for (int j = cf.WL - 1; j >= 0; j--) b.field(wd[j], cf.W); // entry j at [j*W +: W]
            b.field(re, 1);
            b.field(rr, gw);
            vec.push_back(b.hex());
            if (re)
                for (int l = 0; l < cf.LANES; l++) rd[l] = mem[l][rr], rd_known[l] = written[l][rr];
            if (we)
                for (int j = 0; j < cf.WL; j++) mem[wl + j][wr] = wd[j], written[wl + j][wr] = true;
            want.push_back(rd);
            known.push_back(rd_known);
        }
        std::vector<std::string> got =
            run_bench("hg_mem_banked",
                      P("hg_mem_banked", "LANES", cf.LANES) + P("hg_mem_banked", "WORDS", cf.WORDS) +
                          P("hg_mem_banked", "W", cf.W) + P("hg_mem_banked", "WL", cf.WL),
                      vec);
        for (size_t c = 0; c < got.size(); c++) {
            std::vector<bool> gb = from_hex(got[c], cf.LANES * cf.W);
            for (int l = 0; l < cf.LANES; l++) {
                if (!known[c][l]) continue;
                EXPECT_EQ(to_u64(gb, l * cf.W, cf.W), want[c][l])
                    << ps.str() << " cycle " << c << " bank " << l << ": got "
                    << hexs(to_u64(gb, l * cf.W, cf.W)) << " expected " << hexs(want[c][l]);
            }
        }
    }
}

TEST(Blocks, FlatMemoryHasIndependentReadPorts)
{
    std::mt19937 rng(9);
    struct {
        int WORDS, W, RP, WL;
    } cfgs[] = {{1, 1, 1, 1},  {8, 12, 2, 1}, {5, 33, 3, 1},   {128, 64, 1, 1}, {8, 12, 2, 2},
                {5, 33, 3, 4}, {4, 20, 2, 4}, {100, 40, 1, 8}, {9, 16, 4, 8}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_mem_flat WORDS=" << cf.WORDS << " W=" << cf.W << " RP=" << cf.RP << " WL=" << cf.WL;
        int rows = (cf.WORDS + cf.WL - 1) / cf.WL; // a write fills one
        int aw = addr_bits(cf.WORDS);
        uint64_t wmask = cf.W >= 64 ? ~0ull : (1ull << cf.W) - 1;
        std::vector<uint64_t> mem((size_t)rows * cf.WL);
        std::vector<bool> written((size_t)rows * cf.WL, false);
        std::vector<uint64_t> rd(cf.RP);
        std::vector<bool> rd_known(cf.RP, false);
        std::vector<std::string> vec;
        std::vector<std::vector<uint64_t>> want;
        std::vector<std::vector<bool>> known;
        for (int c = 0; c < rows + 100; c++) {
            bool fill = c < rows;
            int we = fill || rng() % 2, wa = (fill ? c : (int)(rng() % rows)) * cf.WL;
            std::vector<uint64_t> wd(cf.WL);
            for (int j = 0; j < cf.WL; j++) wd[j] = ((uint64_t)rng() << 32 ^ rng()) & wmask;
            Bits b;
            b.field(we, 1);
            b.field(wa, aw);
            for (int j = cf.WL - 1; j >= 0; j--) b.field(wd[j], cf.W); // entry wa + j at [j*W +: W]
            std::vector<int> re(cf.RP), ra(cf.RP);
            for (int r = 0; r < cf.RP; r++) {
                // nothing read while filling, then every port (an unknown entry would make the
                // hex digit it shares with the next port unreadable)
                re[r] = !fill && (c == rows || rng() % 3 != 0);
                ra[r] = c % 4 == r && wa + r < cf.WORDS
                            ? wa + r
                            : (int)(rng() % cf.WORDS); // some read the row being written
            }
            for (int r = cf.RP - 1; r >= 0; r--) b.field(re[r], 1);
            for (int r = cf.RP - 1; r >= 0; r--) b.field(ra[r], aw);
            vec.push_back(b.hex());
            for (int r = 0; r < cf.RP; r++)
                if (re[r]) rd[r] = mem[ra[r]], rd_known[r] = written[ra[r]];
            if (we)
                for (int j = 0; j < cf.WL; j++) mem[wa + j] = wd[j], written[wa + j] = true;
            want.push_back(rd);
            known.push_back(rd_known);
        }
        std::vector<std::string> got =
            run_bench("hg_mem_flat",
                      P("hg_mem_flat", "WORDS", cf.WORDS) + P("hg_mem_flat", "W", cf.W) +
                          P("hg_mem_flat", "RP", cf.RP) + P("hg_mem_flat", "WL", cf.WL),
                      vec);
        for (size_t c = 0; c < got.size(); c++) {
            std::vector<bool> gb = from_hex(got[c], cf.RP * cf.W);
            for (int r = 0; r < cf.RP; r++) {
                if (!known[c][r]) continue;
                EXPECT_EQ(to_u64(gb, r * cf.W, cf.W), want[c][r])
                    << ps.str() << " cycle " << c << " port " << r << ": got "
                    << hexs(to_u64(gb, r * cf.W, cf.W)) << " expected " << hexs(want[c][r]);
            }
        }
    }
}

// ---- hg_av_out: the weight sum of a query's beats, held for the normalizer; the AV unit is
// stalled (en low) while a finished query waits

std::vector<std::string> tokens(const std::string &line)
{
    std::istringstream ls(line);
    std::vector<std::string> t;
    for (std::string w; ls >> w;) t.push_back(w);
    return t;
}

TEST(Blocks, AvOutSumsTheWeightsAndHoldsTheResult)
{
    std::mt19937 rng(10);
    struct {
        int R, WW, WSW;
    } cfgs[] = {{1, 9, 13}, {1, 9, 9}, {3, 5, 8}, {8, 9, 16}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_av_out R=" << cf.R << " WW=" << cf.WW << " WSW=" << cf.WSW;
        uint64_t wsmask = (1ull << cf.WSW) - 1;
        std::vector<std::string> vec;
        struct Want {
            int en, idle, ov;
            uint64_t ws;
            bool ws_known;
        };
        std::vector<Want> want;
        int ov = 0;
        uint64_t ws = 0;
        bool ws_known = false;
        for (int c = 0; c < 150; c++) {
            int rst_n = c >= 2 && c != 70, mac_v = rng() % 3 != 0, first = rng() % 4 == 0,
                last = rng() % 4 == 0, busy = rng() % 5 == 0, ready = rng() % 3 != 0;
            std::vector<uint64_t> w(cf.R);
            uint64_t sum = 0;
            Bits b;
            b.field(rst_n, 1);
            b.field(mac_v, 1);
            b.field(first, 1);
            b.field(last, 1);
            for (int r = cf.R - 1; r >= 0; r--) {
                w[r] = rng() % (1u << cf.WW);
                if (c % 9 == 0) w[r] = (1u << cf.WW) - 1; // the largest weights: the sum wraps at WSW bits
                b.field(w[r], cf.WW);
            }
            for (int r = 0; r < cf.R; r++) sum += w[r];
            b.field(busy, 1);
            b.field(ready, 1);
            vec.push_back(b.hex());
            Want x;
            x.en = !(ov && !ready);
            x.idle = !mac_v && !ov && !busy;
            if (!rst_n)
                ov = 0;
            else if (x.en && mac_v && last)
                ov = 1;
            else if (ready)
                ov = 0;
            if (x.en && mac_v) {
                ws = ((first ? 0 : ws) + sum) & wsmask;
                ws_known = first || ws_known;
            }
            x.ov = ov;
            x.ws = ws;
            x.ws_known = ws_known;
            want.push_back(x);
        }
        std::vector<std::string> got = run_bench(
            "hg_av_out",
            P("hg_av_out", "R", cf.R) + P("hg_av_out", "WW", cf.WW) + P("hg_av_out", "WSW", cf.WSW), vec);
        for (size_t c = 2; c < got.size(); c++) {
            std::vector<std::string> t = tokens(got[c]);
            ASSERT_EQ(t.size(), 4u) << ps.str() << " cycle " << c << ": " << got[c];
            EXPECT_EQ(t[0], std::to_string(want[c].en)) << ps.str() << " cycle " << c << ": en";
            EXPECT_EQ(t[1], std::to_string(want[c].idle)) << ps.str() << " cycle " << c << ": idle";
            EXPECT_EQ(t[2], std::to_string(want[c].ov)) << ps.str() << " cycle " << c << ": out_valid";
            if (want[c].ws_known) {
                EXPECT_EQ(to_u64(from_hex(t[3], cf.WSW)), want[c].ws)
                    << ps.str() << " cycle " << c << ": wsum got 0x" << t[3] << " expected "
                    << hexs(want[c].ws);
            }
        }
    }
}

// ---- hg_av_mac: D av_dim accumulators and the hand-off stage, driven by one beat a cycle; with
// FAN, the dimensions in groups of FAN behind a buffer stage each (hg_fanout; the last group
// smaller where FAN does not divide D), which must not change a bit

TEST(Blocks, AvMacAccumulatesEveryDimensionAndSumsTheWeights)
{
    std::mt19937 rng(12);
    struct {
        int D, R, WW, ACCW, WSW, FAN;
    } cfgs[] = {{4, 1, 9, 20, 13, 0},  {3, 3, 9, 20, 16, 0}, {8, 2, 16, 28, 20, 0}, {2, 8, 9, 23, 16, 0},
                {8, 2, 16, 28, 20, 3}, {7, 3, 9, 20, 16, 2}, {5, 1, 9, 20, 13, 1},  {4, 2, 9, 20, 13, 4}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_av_mac D=" << cf.D << " R=" << cf.R << " WW=" << cf.WW << " ACCW=" << cf.ACCW
           << " WSW=" << cf.WSW << " FAN=" << cf.FAN;
        uint64_t wsmask = (1ull << cf.WSW) - 1, amask = (1ull << cf.ACCW) - 1;
        std::vector<std::string> vec;
        struct Want {
            int en, idle, ov;
            uint64_t ws;
            std::vector<uint64_t> acc;
            bool known;
        };
        std::vector<Want> want;
        int ov = 0;
        uint64_t ws = 0;
        std::vector<uint64_t> acc(cf.D, 0);
        bool known = false;
        for (int c = 0; c < 120; c++) {
            int rst_n = c >= 2 && c != 60, mac_v = rng() % 3 != 0, first = rng() % 4 == 0,
                last = rng() % 4 == 0, busy = rng() % 5 == 0, ready = rng() % 3 != 0;
            std::vector<uint64_t> w(cf.R);
            std::vector<std::vector<int>> v(cf.R, std::vector<int>(cf.D));
            Bits b;
            b.field(rst_n, 1);
            b.field(mac_v, 1);
            b.field(first, 1);
            b.field(last, 1);
            for (int r = cf.R - 1; r >= 0; r--) {
                w[r] = rng() % ((1ull << (cf.WW - 1)) + 1); // the weights' domain: 0..2^(WW-1)
                if (c % 11 == 0) w[r] = 1ull << (cf.WW - 1);
                b.field(w[r], cf.WW);
            }
            for (int r = cf.R - 1; r >= 0; r--)
                for (int i = cf.D - 1; i >= 0; i--) {
                    v[r][i] = (int)(rng() % 256) - 128;
                    if (c % 11 == 0) v[r][i] = i % 2 ? 127 : -128;
                    b.field((uint8_t)v[r][i], 8);
                }
            b.field(busy, 1);
            b.field(ready, 1);
            vec.push_back(b.hex());
            Want x;
            x.en = !(ov && !ready);
            x.idle = !mac_v && !ov && !busy;
            // Before the first edge out_valid is not reset yet and en is unknown: a beat then
            // leaves the sums unknown until a first beat restarts them.
            if (c > 0 && x.en && mac_v && (first || known)) {
                uint64_t sum = 0;
                for (int r = 0; r < cf.R; r++) sum += w[r];
                ws = ((first ? 0 : ws) + sum) & wsmask;
                for (int i = 0; i < cf.D; i++) {
                    int64_t p = 0;
                    for (int r = 0; r < cf.R; r++) p += (int64_t)w[r] * v[r][i];
                    acc[i] = ((first ? 0 : acc[i]) + (uint64_t)p) & amask;
                }
                known = true;
            }
            if (!rst_n)
                ov = 0;
            else if (x.en && mac_v && last)
                ov = 1;
            else if (ready)
                ov = 0;
            x.ov = ov;
            x.ws = ws;
            x.acc = acc;
            x.known = known;
            want.push_back(x);
        }
        std::vector<std::string> got =
            run_bench("hg_av_mac",
                      P("hg_av_mac", "D", cf.D) + P("hg_av_mac", "R", cf.R) + P("hg_av_mac", "WW", cf.WW) +
                          P("hg_av_mac", "ACCW", cf.ACCW) + P("hg_av_mac", "WSW", cf.WSW) +
                          P("hg_av_mac", "FAN", cf.FAN),
                      vec);
        for (size_t c = 2; c < got.size(); c++) {
            std::vector<std::string> t = tokens(got[c]);
            ASSERT_EQ(t.size(), 5u) << ps.str() << " cycle " << c << ": " << got[c];
            EXPECT_EQ(t[0], std::to_string(want[c].en)) << ps.str() << " cycle " << c << ": en";
            EXPECT_EQ(t[1], std::to_string(want[c].idle)) << ps.str() << " cycle " << c << ": idle";
            EXPECT_EQ(t[2], std::to_string(want[c].ov)) << ps.str() << " cycle " << c << ": out_valid";
            if (!want[c].known) continue;
            EXPECT_EQ(to_u64(from_hex(t[3], cf.WSW)), want[c].ws)
                << ps.str() << " cycle " << c << ": wsum got 0x" << t[3] << " expected " << hexs(want[c].ws);
            std::vector<bool> a = from_hex(t[4], cf.D * cf.ACCW);
            for (int i = 0; i < cf.D; i++)
                EXPECT_EQ(to_u64(a, i * cf.ACCW, cf.ACCW), want[c].acc[i])
                    << ps.str() << " cycle " << c << ": acc of dimension " << i << " expected "
                    << hexs(want[c].acc[i]);
        }
    }
}

// ---- hg_av_list: R entries of the published list a cycle; t = s_max - s (s_max an input of
// its own); released after the last valid entry

TEST(Blocks, AvListWalksTheListREntriesACycle)
{
    std::mt19937 rng(11);
    struct {
        int N, R, SW, SIGNED, IW;
    } cfgs[] = {{16, 1, 6, 0, 7}, {1, 1, 4, 0, 3}, {5, 2, 7, 1, 6}, {8, 8, 21, 1, 7}, {7, 3, 5, 0, 4}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_av_list N=" << cf.N << " R=" << cf.R << " SW=" << cf.SW << " SIGNED=" << cf.SIGNED
           << " IW=" << cf.IW;
        int tw = cf.SW + cf.SIGNED, nstep = (cf.N + cf.R - 1) / cf.R;
        int stw = nstep > 1 ? hg_clog2(nstep) : 1;
        uint64_t smask = (1ull << cf.SW) - 1, tmask = (1ull << tw) - 1;
        auto sext = [&](uint64_t v) {
            return cf.SIGNED && (v >> (cf.SW - 1)) ? (int64_t)v - (1ll << cf.SW) : (int64_t)v;
        };
        std::vector<std::string> vec;
        struct Want {
            int take, mac_v, mac_first, mac_last;
            uint64_t re, lookup;
            std::vector<uint64_t> raddr, t;
        };
        std::vector<Want> want;
        int st = 0, mac_v = 0, mac_first = 0, mac_last = 0;
        std::vector<int> lv(cf.N);
        std::vector<uint64_t> ls(cf.N), li(cf.N);
        uint64_t smax = 0;
        for (int c = 0; c < 160; c++) {
            if (c % 12 == 0) { // a new list: a valid prefix, random scores and indices
                int nv = (int)(rng() % (unsigned)(cf.N + 1));
                for (int e = 0; e < cf.N; e++) {
                    lv[e] = e < nv;
                    ls[e] = rng() & smask;
                    li[e] = rng() & ((1u << cf.IW) - 1);
                }
                if (c % 24 == 0) ls[0] = smask; // extreme scores
                smax = c % 36 == 0 ? smask : rng() & smask;
            }
            int rst_n = c >= 1 && c != 80, en = c < 2 || rng() % 5 != 0, valid = rng() % 4 != 0;
            Bits b;
            b.field(rst_n, 1);
            b.field(en, 1);
            b.field(valid, 1);
            for (int e = cf.N - 1; e >= 0; e--) b.field(lv[e], 1);
            for (int e = cf.N - 1; e >= 0; e--) b.field(ls[e], cf.SW);
            for (int e = cf.N - 1; e >= 0; e--) b.field(li[e], cf.IW);
            b.field(smax, cf.SW);
            vec.push_back(b.hex());
            Want x;
            x.re = 0;
            x.raddr.assign(cf.R, 0);
            x.t.assign(cf.R, 0);
            int more = (st + 1) * cf.R < cf.N && st < nstep ? lv[(st + 1) * cf.R] : 0;
            int rd = valid && en, rd_last = rd && !more;
            x.take = rd_last;
            for (int r = 0; r < cf.R; r++) {
                int e = st * cf.R + r;
                bool in = st < nstep && e < cf.N;
                int ev = in ? lv[e] : 0;
                uint64_t es = in ? ls[e] : 0;
                if (ev && rd) x.re |= 1ull << r;
                x.raddr[r] = in ? li[e] : 0;
                x.t[r] = (uint64_t)(sext(smax) - sext(es)) & tmask;
            }
            x.lookup = x.re;
            int o_st = st;
            if (!rst_n) {
                st = 0;
                mac_v = 0;
            } else if (en) {
                mac_v = rd;
            }
            if (en) {
                mac_first = o_st == 0;
                mac_last = !more;
            }
            if (rst_n && en && rd) st = rd_last ? 0 : (st + 1) & ((1 << stw) - 1);
            x.mac_v = mac_v;
            x.mac_first = mac_first;
            x.mac_last = mac_last;
            want.push_back(x);
        }
        std::vector<std::string> got =
            run_bench("hg_av_list",
                      P("hg_av_list", "N", cf.N) + P("hg_av_list", "R", cf.R) + P("hg_av_list", "SW", cf.SW) +
                          P("hg_av_list", "SIGNED", cf.SIGNED) + P("hg_av_list", "IW", cf.IW),
                      vec);
        for (size_t c = 2; c < got.size(); c++) {
            std::vector<std::string> t = tokens(got[c]);
            ASSERT_EQ(t.size(), 8u) << ps.str() << " cycle " << c << ": " << got[c];
            const Want &x = want[c];
            std::string at = ps.str() + " cycle " + std::to_string(c) + ": ";
            EXPECT_EQ(t[0], std::to_string(x.take)) << at << "list_take";
            EXPECT_EQ(to_u64(from_hex(t[1], cf.R)), x.re) << at << "vm_re";
            EXPECT_EQ(to_u64(from_hex(t[3], cf.R)), x.lookup) << at << "lookup_v";
            std::vector<bool> ra = from_hex(t[2], cf.R * cf.IW), tv = from_hex(t[4], cf.R * tw);
            for (int r = 0; r < cf.R; r++) {
                EXPECT_EQ(to_u64(ra, r * cf.IW, cf.IW), x.raddr[r]) << at << "vm_raddr slot " << r;
                EXPECT_EQ(to_u64(tv, r * tw, tw), x.t[r])
                    << at << "t slot " << r << " got " << hexs(to_u64(tv, r * tw, tw)) << " expected "
                    << hexs(x.t[r]);
            }
            EXPECT_EQ(t[5], std::to_string(x.mac_v)) << at << "mac_v";
            EXPECT_EQ(t[6], std::to_string(x.mac_first)) << at << "mac_first";
            EXPECT_EQ(t[7], std::to_string(x.mac_last)) << at << "mac_last";
        }
    }
}

// ---- hg_av_rows: a row of the score bank a cycle; one cycle later t = s_max - s for its real
// keys and its V row read; released after the last row of n_k keys

TEST(Blocks, AvRowsWalksTheScoreBankRowByRow)
{
    std::mt19937 rng(12);
    struct {
        int P, G, L, SW;
    } cfgs[] = {{8, 16, 128, 21}, {4, 1, 4, 8}, {3, 11, 31, 10}, {16, 64, 1024, 22}, {1, 5, 5, 2}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_av_rows P=" << cf.P << " G=" << cf.G << " L=" << cf.L << " SW=" << cf.SW;
        int nkw = hg_clog2(cf.L + 1), gw = cf.G > 1 ? hg_clog2(cf.G) : 1;
        int raw = cf.G > 1 ? gw + 1 : 1;
        uint64_t smask = (1ull << cf.SW) - 1, tmask = (1ull << (cf.SW + 1)) - 1;
        auto sext = [&](uint64_t v) { return (v >> (cf.SW - 1)) ? (int64_t)v - (1ll << cf.SW) : (int64_t)v; };
        std::vector<std::string> vec;
        struct Want {
            int take, sm_re, vm_re, busy, mac_v, mac_first, mac_last;
            uint64_t sm_raddr, vm_raddr, lookup;
            std::vector<uint64_t> t;
        };
        std::vector<Want> want;
        // registers
        long row = 0, base = 0, b0_row = 0, b0_base = 0;
        int b0_v = 0, b0_first = 0, b0_last = 0, mac_v = 0, mac_first = 0, mac_last = 0;
        uint64_t smax = 0;
        long nk = cf.L;
        for (int c = 0; c < 200; c++) {
            if (c % 40 == 0) nk = c == 0 ? cf.L : 1 + (long)(rng() % (unsigned)cf.L);
            if (c % 40 == 20) nk = std::min<long>(cf.L, cf.P); // one row
            int rst_n = c >= 1 && c != 100, en = c < 2 || rng() % 5 != 0, valid = c < 2 || rng() % 4 != 0;
            int bank = rng() % 2;
            uint64_t sc_smax = rng() & smask;
            std::vector<uint64_t> sd(cf.P);
            Bits b;
            b.field(rst_n, 1);
            b.field(en, 1);
            b.field(nk, nkw);
            b.field(valid, 1);
            b.field(bank, 1);
            b.field(sc_smax, cf.SW);
            for (int j = cf.P - 1; j >= 0; j--) {
                sd[j] = rng() & smask;
                if (c % 7 == 0) sd[j] = j % 2 ? smask >> 1 : 1ull << (cf.SW - 1); // extremes
                b.field(sd[j], cf.SW);
            }
            vec.push_back(b.hex());
            Want x;
            int rd = valid && en, rd_last = rd && base + cf.P >= nk;
            x.take = rd_last;
            x.sm_re = rd;
            x.sm_raddr = cf.G == 1 ? (uint64_t)bank : (uint64_t)(bank ? row + cf.G : row);
            x.vm_re = b0_v && en;
            x.vm_raddr = (uint64_t)b0_row;
            x.busy = b0_v;
            x.lookup = 0;
            x.t.assign(cf.P, 0);
            for (int j = 0; j < cf.P; j++) {
                if (b0_v && b0_base + j < nk) x.lookup |= 1ull << j;
                x.t[j] = (uint64_t)(sext(smax) - sext(sd[j])) & tmask;
            }
            // the edge
            int o_b0_v = b0_v, o_b0_first = b0_first, o_b0_last = b0_last;
            long o_row = row, o_base = base;
            if (!rst_n) {
                row = base = 0;
                b0_v = mac_v = 0;
            } else if (en) {
                b0_v = rd;
                mac_v = o_b0_v;
                if (rd) {
                    row = rd_last ? 0 : (row + 1) & ((1l << gw) - 1);
                    base = rd_last ? 0 : base + cf.P;
                }
            }
            if (en) {
                if (rd && o_row == 0) smax = sc_smax; // taken with a query's first row
                b0_first = o_row == 0;
                b0_last = rd_last;
                b0_row = o_row;
                b0_base = o_base;
                mac_first = o_b0_first;
                mac_last = o_b0_last;
            }
            x.mac_v = mac_v;
            x.mac_first = mac_first;
            x.mac_last = mac_last;
            want.push_back(x);
        }
        std::vector<std::string> got =
            run_bench("hg_av_rows",
                      P("hg_av_rows", "P", cf.P) + P("hg_av_rows", "G", cf.G) + P("hg_av_rows", "L", cf.L) +
                          P("hg_av_rows", "SW", cf.SW),
                      vec);
        for (size_t c = 3; c < got.size(); c++) {
            std::vector<std::string> t = tokens(got[c]);
            ASSERT_EQ(t.size(), 11u) << ps.str() << " cycle " << c << ": " << got[c];
            const Want &x = want[c];
            std::string at = ps.str() + " cycle " + std::to_string(c) + ": ";
            EXPECT_EQ(t[0], std::to_string(x.take)) << at << "sc_take";
            EXPECT_EQ(t[1], std::to_string(x.sm_re)) << at << "sm_re";
            EXPECT_EQ(to_u64(from_hex(t[2], raw)), x.sm_raddr) << at << "sm_raddr";
            EXPECT_EQ(t[3], std::to_string(x.vm_re)) << at << "vm_re";
            EXPECT_EQ(to_u64(from_hex(t[4], gw)), x.vm_raddr) << at << "vm_raddr";
            EXPECT_EQ(to_u64(from_hex(t[5], cf.P)), x.lookup) << at << "lookup_v";
            std::vector<bool> tv = from_hex(t[6], cf.P * (cf.SW + 1));
            for (int j = 0; j < cf.P; j++)
                EXPECT_EQ(to_u64(tv, j * (cf.SW + 1), cf.SW + 1), x.t[j]) << at << "t of key " << j;
            EXPECT_EQ(t[7], std::to_string(x.busy)) << at << "busy";
            EXPECT_EQ(t[8], std::to_string(x.mac_v)) << at << "mac_v";
            EXPECT_EQ(t[9], std::to_string(x.mac_first)) << at << "mac_first";
            EXPECT_EQ(t[10], std::to_string(x.mac_last)) << at << "mac_last";
        }
    }
}

// ---- hg_cfg_load: configuration writes and K/V pairs taken only while idle; n_k clamped to
// 1..L and restarting the load; key i to bank i mod P, row i / P, LW keys a beat (a beat
// whose first key is past L dropped); exp registers (EXP) and exp-table writes of 32 / WW
// entries each, every entry saturated at 2^WB (ETAB); ETAB_SHADOW: the table's words taken while
// busy too, and the word after them (the copy) only while idle; cfg_wait: a write offered that
// only the idle core takes (the score stage holds queries back for it)

TEST(Blocks, CfgLoadTakesWritesWhileIdleAndCountsTheLoad)
{
    std::mt19937 rng(13);
    struct {
        int P, L, D, WW, WB, EXP, ETAB, A_ETAB, LW, SHADOW = 0;
    } cfgs[] = {{8, 128, 32, 9, 8, 0, 1, 0x100, 1},      {8, 128, 32, 9, 8, 1, 0, 0x100, 1},
                {1, 1, 1, 2, 1, 1, 1, 0x20, 1},          {3, 10, 7, 5, 3, 0, 1, 0x100, 1},
                {16, 1024, 64, 15, 14, 1, 0, 0x100, 1},  {8, 128, 32, 9, 8, 0, 1, 0x100, 8},
                {4, 10, 7, 5, 3, 1, 0, 0x100, 4},        {8, 21, 16, 9, 8, 0, 1, 0x100, 2},
                {16, 1024, 64, 15, 14, 1, 0, 0x100, 16}, {2, 2, 8, 9, 8, 0, 1, 0x100, 2},
                {8, 128, 32, 9, 8, 0, 1, 0x100, 1, 1},   {16, 1024, 64, 9, 8, 0, 1, 0x100, 16, 1},
                {3, 10, 7, 5, 3, 0, 1, 0x100, 1, 1},     {1, 1, 1, 2, 1, 0, 1, 0x20, 1, 1},
                {4, 16, 2, 16, 8, 0, 1, 0xfffd, 2, 1}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_cfg_load P=" << cf.P << " LW=" << cf.LW << " L=" << cf.L << " D=" << cf.D << " WW=" << cf.WW
           << " WB=" << cf.WB << " EXP=" << cf.EXP << " ETAB=" << cf.ETAB << " A_ETAB=" << cf.A_ETAB
           << " ETAB_SHADOW=" << cf.SHADOW;
        int nkw = hg_clog2(cf.L + 1), iw = addr_bits(cf.L);
        int e = 32 / cf.WW, nwr = (cf.D + e) / e, xw = addr_bits(nwr + cf.SHADOW); // entries a write, writes
        int gw = addr_bits((cf.L + cf.P - 1) / cf.P);
        const uint32_t A_NK = HG_CFG_NKEYS, A_MUL = HG_CFG_EXP_MUL, A_SH = HG_CFG_EXP_SHIFT;
        std::vector<std::string> vec, want;
        uint64_t nk = cf.L, mul = 0, sh = 0, cnt = 0, lane = 0, row = 0;
        for (int c = 0; c < 400; c++) {
            int rst_n = c >= 1 && c != 200, idle = rng() % 4 != 0, cv = rng() % 3 == 0, kv = rng() % 2;
            uint32_t addr, data;
            switch (rng() % 6) {
            case 0: addr = A_NK; break;
            case 1: addr = A_MUL; break;
            case 2: addr = A_SH; break;
            case 3: addr = (uint32_t)(cf.A_ETAB + (int)(rng() % (unsigned)(nwr + 2)) - 1) & 0xffff; break;
            default: addr = rng() & 0xffff;
            }
            switch (rng() % 6) {
            case 0: data = 0; break;
            case 1: data = (uint32_t)cf.L + (rng() % 3) - 1; break;
            case 2: data = (1u << cf.WB) + (rng() % 3) - 1; break;
            case 3: data = (uint32_t)(rng() % (unsigned)(cf.L + 1)); break;
            case 4: // every entry of a table write near its saturation
                data = 0;
                for (int f = 0; f < e; f++) data |= ((1u << cf.WB) + (rng() % 3) - 1) << (f * cf.WW);
                break;
            default: data = (uint32_t)rng();
            }
            if (c % 50 == 10) cv = 0, kv = 1, idle = 1; // loads in a row, past L
            Bits b;
            b.field(rst_n, 1);
            b.field(idle, 1);
            b.field(cv, 1);
            b.field(addr, 16);
            b.field(data, 32);
            b.field(kv, 1);
            vec.push_back(b.hex());
            // outputs before the edge
            uint32_t off = (addr - (uint32_t)cf.A_ETAB) & 0xffff;
            int in_tab = cf.ETAB && addr >= (uint32_t)cf.A_ETAB; // at or after the table's first word
            int ready = idle || (cf.SHADOW && in_tab && off < (uint32_t)nwr);
            int cfg_fire = cv && ready, kv_fire = kv && idle, nk_write = cfg_fire && addr == A_NK;
            int etab_we = cfg_fire && in_tab && off < (uint32_t)(nwr + cf.SHADOW);
            uint64_t etab_addr = cf.ETAB ? off & ((1u << xw) - 1) : 0;
            uint64_t wmax = 1ull << cf.WB, etab_data = 0;
            for (int f = 0; f < e && cf.ETAB; f++) {
                uint64_t v = (data >> (f * cf.WW)) & ((1ull << cf.WW) - 1);
                etab_data |= (v > wmax ? wmax : v) << (f * cf.WW);
            }
            int ld_we = kv_fire && cnt < (uint64_t)cf.L;
            std::ostringstream w;
            w << ready << " " << idle << " " << std::hex << nk << " " << mul << " " << sh << " " << etab_we
              << " " << etab_addr << " " << etab_data << " " << ld_we << " " << (cnt & ((1u << iw) - 1))
              << " " << lane << " " << row << " " << (cv && !(cf.SHADOW && in_tab && off < (uint32_t)nwr));
            want.push_back(w.str());
            // the edge
            if (!rst_n)
                nk = cf.L;
            else if (nk_write)
                nk = data == 0 ? 1 : data > (uint32_t)cf.L ? cf.L : data & ((1u << nkw) - 1);
            if (cf.EXP) {
                if (!rst_n)
                    mul = sh = 0;
                else if (cfg_fire) {
                    if (addr == A_MUL) mul = data & 0xffff;
                    if (addr == A_SH) sh = data & 63;
                }
            }
            if (!rst_n || nk_write) {
                cnt = lane = row = 0;
            } else if (ld_we) {
                cnt += (uint64_t)cf.LW;
                if (lane == (uint64_t)(cf.P - cf.LW))
                    lane = 0, row = (row + 1) & ((1u << gw) - 1);
                else
                    lane += (uint64_t)cf.LW;
            }
        }
        std::vector<std::string> got = run_bench(
            "hg_cfg_load",
            P("hg_cfg_load", "P", cf.P) + P("hg_cfg_load", "LW", cf.LW) + P("hg_cfg_load", "L", cf.L) +
                P("hg_cfg_load", "D", cf.D) + P("hg_cfg_load", "WW", cf.WW) + P("hg_cfg_load", "WB", cf.WB) +
                P("hg_cfg_load", "EXP", cf.EXP) + P("hg_cfg_load", "ETAB", cf.ETAB) +
                P("hg_cfg_load", "A_ETAB", cf.A_ETAB) + P("hg_cfg_load", "ETAB_SHADOW", cf.SHADOW),
            vec);
        // hex fields as numbers: the bench pads them, the reference does not
        for (size_t c = 1; c < got.size(); c++) {
            std::vector<std::string> g = tokens(got[c]), x = tokens(want[c]);
            ASSERT_EQ(g.size(), x.size()) << ps.str() << " cycle " << c << ": " << got[c];
            static const char *const names[] = {"cfg_ready", "kv_ready",  "nkeys",     "exp_mul", "exp_shift",
                                                "etab_we",   "etab_addr", "etab_data", "ld_we",   "ld_idx",
                                                "ld_lane",   "ld_row",    "cfg_wait"};
            for (size_t k = 0; k < g.size(); k++)
                EXPECT_EQ(std::stoull(g[k], nullptr, 16), std::stoull(x[k], nullptr, 16))
                    << ps.str() << " cycle " << c << ": " << names[k] << " got " << g[k] << " expected "
                    << x[k];
        }
    }
}

// ---- hg_score_stage: rows of P keys issued a cycle, two stages behind; stalls while its last
// row waits for a held result, and while any row waits for a selector that takes none (the
// two-stage selector's held register, at random in a fifth of the cycles); the next query
// taken in the cycle of the last issue

TEST(Blocks, ScoreStageIssuesRowsAndStallsOnAHeldResult)
{
    std::mt19937 rng(14);
    struct {
        int P, L, KW, BANKED;
    } cfgs[] = {{8, 128, 32, 0}, {8, 128, 64, 1}, {1, 1, 1, 1},
                {3, 10, 5, 1},   {2, 6, 16, 0},   {16, 1024, 12, 1}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_score_stage P=" << cf.P << " L=" << cf.L << " KW=" << cf.KW << " BANKED=" << cf.BANKED;
        int nkw = hg_clog2(cf.L + 1), iw = addr_bits(cf.L), g = (cf.L + cf.P - 1) / cf.P, gw = addr_bits(g);
        uint64_t kmask = cf.KW >= 64 ? ~0ull : (1ull << cf.KW) - 1, gmask = (1ull << gw) - 1;
        std::vector<std::string> vec, want;
        struct {
            uint64_t s_run = 0, s_base = 0, row = 0, q_cur = 0, p1_v = 0, p1_first = 0, p1_last = 0,
                     p1_base = 0, p1_q = 0, p2_v = 0, p2_first = 0, p2_last = 0, p2_base = 0, s_bank = 0,
                     p1_bank = 0, p2_bank = 0, p1_row = 0, p2_row = 0;
        } r;
        uint64_t nk = cf.L;
        int full = 0;
        for (int c = 0; c < 500; c++) {
            if (c % 60 == 0) nk = 1 + rng() % (unsigned)cf.L;
            int rst_n = c >= 1 && c != 250, qv = c == 1 || rng() % 3 != 0, cv = rng() % 9 == 0,
                kv = rng() % 9 == 0;
            uint64_t qd = ((uint64_t)rng() << 32 ^ rng()) & kmask;
            // the result downstream: held for a while once the last row has gone by
            int take = full && rng() % 3 == 0, down_idle = rng() % 2, hold = rng() % 5 == 0;
            if (c < 5) cv = kv = 0;
            Bits b;
            b.field(rst_n, 1);
            b.field(qv, 1);
            b.field(qd, cf.KW);
            b.field(cv, 1);
            b.field(kv, 1);
            b.field(nk, nkw);
            b.field(full, 1);
            b.field(take, 1);
            b.field(hold, 1);
            b.field(down_idle, 1);
            vec.push_back(b.hex());
            int en = !(r.p2_v && ((r.p2_last && full && !take) || hold));
            int issue = r.s_run && en, row_last = r.s_base + cf.P >= nk, issue_last = issue && row_last;
            int q_ready = en && (!r.s_run || issue_last) && !cv && !kv, q_fire = qv && q_ready;
            int idle = !r.s_run && !r.p1_v && !r.p2_v && down_idle;
            uint64_t lane_ok = 0;
            for (int j = 0; j < cf.P; j++)
                if (r.p2_base + j < nk) lane_ok |= 1ull << j;
            std::ostringstream w;
            w << std::hex << q_ready << " " << en << " " << issue << " " << r.row << " " << r.p1_q << " "
              << r.p2_v << " " << r.p2_first << " " << r.p2_last << " " << (r.p2_base & ((1ull << iw) - 1))
              << " " << lane_ok << " " << (cf.BANKED ? r.p2_bank : 0) << " "
              << (cf.BANKED && g > 1 ? r.p2_row : 0) << " " << idle;
            want.push_back(w.str());
            // the downstream result: taken when the last row moves on, released at random
            if (rst_n && en && r.p2_v && r.p2_last)
                full = 1;
            else if (take)
                full = 0;
            auto o = r;
            if (!rst_n) {
                r.s_run = r.p1_v = r.p2_v = 0;
            } else if (en) {
                r.p1_v = issue;
                r.p2_v = o.p1_v;
                if (q_fire)
                    r.s_run = 1;
                else if (issue_last)
                    r.s_run = 0;
            }
            if (en) {
                if (q_fire) {
                    r.q_cur = qd;
                    r.s_base = 0;
                    r.row = 0;
                } else if (issue) {
                    r.s_base = o.s_base + cf.P;
                    r.row = (o.row + 1) & gmask;
                }
                r.p1_first = o.row == 0;
                r.p1_last = row_last;
                r.p1_base = o.s_base;
                if (issue && o.row == 0) r.p1_q = o.q_cur; // loaded with a query's first row
                r.p2_first = o.p1_first;
                r.p2_last = o.p1_last;
                r.p2_base = o.p1_base;
                r.p1_bank = o.s_bank;
                r.p2_bank = o.p1_bank;
                r.p1_row = o.row;
                r.p2_row = o.p1_row;
            }
            if (!rst_n)
                r.s_bank = 0;
            else if (en && q_fire)
                r.s_bank = !o.s_bank;
        }
        std::vector<std::string> got =
            run_bench("hg_score_stage",
                      P("hg_score_stage", "P", cf.P) + P("hg_score_stage", "L", cf.L) +
                          P("hg_score_stage", "KW", cf.KW) + P("hg_score_stage", "BANKED", cf.BANKED),
                      vec);
        static const char *const names[] = {"q_ready", "en",       "issue",   "row",      "p1_q",
                                            "p2_v",    "p2_first", "p2_last", "p2_index", "lane_ok",
                                            "p2_bank", "p2_row",   "idle"};
        for (size_t c = 6; c < got.size(); c++) {
            std::vector<std::string> gt = tokens(got[c]), x = tokens(want[c]);
            ASSERT_EQ(gt.size(), x.size()) << ps.str() << " cycle " << c << ": " << got[c];
            for (size_t k = 0; k < gt.size(); k++) {
                bool known;
                uint64_t gv = to_u64(from_hex(gt[k], 64, &known));
                EXPECT_TRUE(known && gv == std::stoull(x[k], nullptr, 16))
                    << ps.str() << " cycle " << c << ": " << names[k] << " got " << gt[k] << " expected "
                    << x[k];
            }
        }
    }
}

// ---- hg_rowmax: each row in p2 written to the query's score bank and folded into its maximum
// (valid lanes, signed); after the last row the bank and maximum are held until taken

TEST(Blocks, RowmaxKeepsTheMaximumOfTheValidScores)
{
    std::mt19937 rng(15);
    struct {
        int P, G, SW;
    } cfgs[] = {{8, 16, 21}, {1, 1, 2}, {3, 11, 10}, {16, 64, 22}, {5, 1, 8}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_rowmax P=" << cf.P << " G=" << cf.G << " SW=" << cf.SW;
        int gw = addr_bits(cf.G), aw = cf.G > 1 ? gw + 1 : 1;
        uint64_t smask = (1ull << cf.SW) - 1;
        auto sext = [&](uint64_t v) { return (v >> (cf.SW - 1)) ? (int64_t)v - (1ll << cf.SW) : (int64_t)v; };
        std::vector<std::string> vec;
        struct Want {
            int we, sc_v, sc_bank;
            uint64_t waddr, sc_smax;
            bool known;
        };
        std::vector<Want> want;
        int64_t smax = 0;
        int sc_v = 0, sc_bank = 0;
        int64_t sc_smax = 0;
        bool smax_known = false, sc_known = false;
        for (int c = 0; c < 300; c++) {
            int rst_n = c >= 1 && c != 150, en = rng() % 5 != 0, v = rng() % 4 != 0,
                first = c == 2 || rng() % 5 == 0, last = rng() % 4 == 0, bank = rng() % 2,
                take = rng() % 3 == 0;
            uint64_t row = rng() % (unsigned)cf.G, ok = rng() & ((1ull << cf.P) - 1);
            if (c % 11 == 0) ok = 0;   // no valid lane: the maximum holds
            if (c == 2) en = 1, v = 1; // a first row: the maximum becomes known
            std::vector<uint64_t> s(cf.P);
            Bits b;
            b.field(rst_n, 1);
            b.field(en, 1);
            b.field(v, 1);
            b.field(first, 1);
            b.field(last, 1);
            b.field(bank, 1);
            b.field(row, gw);
            for (int j = cf.P - 1; j >= 0; j--) {
                s[j] = rng() & smask;
                if (c % 7 == 0) s[j] = j % 2 ? 1ull << (cf.SW - 1) : smask >> 1; // extremes
                if (c % 13 == 0) s[j] = s[0];                                    // ties
                b.field(s[j], cf.SW);
            }
            b.field(ok, cf.P);
            b.field(take, 1);
            vec.push_back(b.hex());
            Want x;
            x.we = en && v;
            x.waddr = cf.G == 1 ? (uint64_t)bank : (uint64_t)(bank ? row + cf.G : row);
            int64_t m = first ? -(1ll << (cf.SW - 1)) : smax;
            bool d_known = first || smax_known;
            for (int j = 0; j < cf.P; j++)
                if ((ok >> j) & 1) m = std::max<int64_t>(m, sext(s[j]));
            if (!rst_n)
                sc_v = 0;
            else if (en && v && last)
                sc_v = 1;
            else if (take)
                sc_v = 0;
            if (en && v) {
                smax = m;
                smax_known = d_known;
                if (last) {
                    sc_bank = bank;
                    sc_smax = m;
                    sc_known = d_known;
                }
            }
            x.sc_v = sc_v;
            x.sc_bank = sc_bank;
            x.sc_smax = (uint64_t)sc_smax & smask;
            x.known = sc_known;
            want.push_back(x);
        }
        std::vector<std::string> got = run_bench(
            "hg_rowmax", P("hg_rowmax", "P", cf.P) + P("hg_rowmax", "G", cf.G) + P("hg_rowmax", "SW", cf.SW),
            vec);
        for (size_t c = 1; c < got.size(); c++) {
            std::vector<std::string> t = tokens(got[c]);
            ASSERT_EQ(t.size(), 5u) << ps.str() << " cycle " << c << ": " << got[c];
            const Want &x = want[c];
            std::string at = ps.str() + " cycle " + std::to_string(c) + ": ";
            EXPECT_EQ(t[0], std::to_string(x.we)) << at << "sm_we";
            EXPECT_EQ(to_u64(from_hex(t[1], aw)), x.waddr) << at << "sm_waddr";
            EXPECT_EQ(t[2], std::to_string(x.sc_v)) << at << "sc_v";
            if (!x.known) continue;
            EXPECT_EQ(t[3], std::to_string(x.sc_bank)) << at << "sc_bank";
            EXPECT_EQ(to_u64(from_hex(t[4], cf.SW)), x.sc_smax)
                << at << "sc_smax got 0x" << t[4] << " expected " << hexs(x.sc_smax);
        }
    }
}

} // namespace
