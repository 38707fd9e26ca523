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
                                   const std::vector<std::string> &vectors, const std::string &frac_hex = "")
{
    hgt::TempDir tmp("blocks");
    const std::string &d = tmp.path();
    if (!frac_hex.empty()) hgt::write_file(d + "/frac.hex", frac_hex);
    std::string in;
    for (const std::string &v : vectors) in += v + "\n";
    hgt::write_file(d + "/in.hex", in);
    std::string src = hgt::src_dir();
    std::string cmd = "cd '" + d + "' && iverilog -g2005 -Ptb_" + block +
                      ".NV=" + std::to_string(vectors.size()) + params + " -o tb.vvp '" + src +
                      "/tests/blocks/tb_" + block + ".v' '" + src + "/rtl/src/" + block +
                      ".v' && vvp -n tb.vvp";
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

// ---- hg_wlut: the table written, then R lookups a cycle (0 where not valid)

TEST(Blocks, WlutLooksUpTheWrittenTable)
{
    std::mt19937 rng(3);
    struct {
        int D, WW, R;
    } cfgs[] = {{8, 9, 1}, {32, 16, 3}, {64, 21, 2}};
    for (auto cf : cfgs) {
        int mw = 0;
        while ((1 << mw) < cf.D + 1) mw++;
        std::vector<uint64_t> tab(cf.D + 1);
        std::vector<std::string> vec;
        std::vector<std::vector<uint64_t>> want;
        std::vector<uint64_t> w(cf.R, 0);
        std::vector<bool> known(cf.R, false);
        std::vector<std::vector<bool>> known_at;
        auto cycle = [&](bool we, int waddr, uint64_t wdata, bool en, const std::vector<int> &valid,
                         const std::vector<int> &delta) {
            Bits b;
            b.field(we, 1);
            b.field(waddr, mw);
            b.field(wdata, cf.WW);
            b.field(en, 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(valid[r], 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(delta[r], mw);
            vec.push_back(b.hex());
            if (en)
                for (int r = 0; r < cf.R; r++) w[r] = valid[r] ? tab[delta[r]] : 0, known[r] = true;
            if (we) tab[waddr] = wdata; // written at the edge, after the lookups read
            want.push_back(w);
            known_at.push_back(known);
        };
        std::vector<int> none(cf.R, 0);
        for (int a = 0; a <= cf.D; a++)
            cycle(true, a, a == 0 ? (1ull << cf.WW) - 1 : rng() & ((1ull << cf.WW) - 1), false, none, none);
        for (int c = 0; c < 40; c++) {
            std::vector<int> valid(cf.R), delta(cf.R);
            for (int r = 0; r < cf.R; r++)
                valid[r] = c == 0 || rng() % 3, delta[r] = c == 1 ? cf.D : (int)(rng() % (cf.D + 1));
            cycle(c % 7 == 6, (int)(rng() % (cf.D + 1)), rng() & ((1ull << cf.WW) - 1), c % 5 != 4, valid,
                  delta);
        }
        std::ostringstream ps;
        ps << "hg_wlut D=" << cf.D << " WW=" << cf.WW << " R=" << cf.R;
        std::vector<std::string> got = run_bench(
            "hg_wlut", P("hg_wlut", "D", cf.D) + P("hg_wlut", "WW", cf.WW) + P("hg_wlut", "R", cf.R), vec);
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

// ---- hg_av_dim: acc = (first ? 0 : acc) + sum_r w[r] v[r], ACCW bits two's complement

TEST(Blocks, AvDimAccumulatesWeightedValues)
{
    std::mt19937 rng(4);
    struct {
        int R, WW, ACCW;
    } cfgs[] = {{1, 16, 23}, {1, 16, 28}, {3, 9, 20}, {4, 21, 34}};
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
                v[r] = (int)(rng() % 256) - 128;
                if (c < 2) w[r] = 1ull << (cf.WW - 1), v[r] = c ? 127 : -128; // the largest products
            }
            Bits b;
            b.field(en, 1);
            b.field(valid, 1);
            b.field(first, 1);
            for (int r = cf.R - 1; r >= 0; r--) b.field(w[r], cf.WW);
            for (int r = cf.R - 1; r >= 0; r--) b.field((uint8_t)v[r], 8);
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
        ps << "hg_av_dim R=" << cf.R << " WW=" << cf.WW << " ACCW=" << cf.ACCW;
        std::vector<std::string> got = run_bench(
            "hg_av_dim",
            P("hg_av_dim", "R", cf.R) + P("hg_av_dim", "WW", cf.WW) + P("hg_av_dim", "ACCW", cf.ACCW), vec);
        for (size_t c = 0; c < got.size(); c++) {
            if (!known_at[c]) continue;
            EXPECT_EQ(to_u64(from_hex(got[c], cf.ACCW), 0, cf.ACCW), want[c])
                << ps.str() << " cycle " << c << ": got 0x" << got[c] << " expected " << hexs(want[c]);
        }
    }
}

// ---- hg_exp_unit: w = 2^-(z / 2^FB) in units of 2^-WB, z = (t * mul) >> shift; the table
// answered by the bench from hg_exp_frac

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
        std::string fh;
        for (int f = 0; f < (1 << cf.FB); f++) {
            frac[f] = hg_exp_frac(&hc, f);
            fh += hexs(frac[f]).substr(2) + "\n";
        }
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
            vec, fh);
        for (size_t c = 0; c < got.size(); c++) {
            if (!known_at[c]) continue;
            EXPECT_EQ(to_u64(from_hex(got[c], cf.WB + 1), 0, cf.WB + 1), want[c])
                << ps.str() << " cycle " << c << ": got 0x" << got[c] << " expected " << hexs(want[c]);
        }
    }
}

// ---- hg_topn: the N best of a query's candidates, higher score first, ties by lower index

struct Cand {
    long s;
    int idx;
};

TEST(Blocks, TopnKeepsTheNBestWithTheTieRule)
{
    std::mt19937 rng(5);
    struct {
        int N, P, SW, SIGNED, IW;
    } cfgs[] = {{1, 1, 4, 0, 4}, {4, 2, 7, 0, 6}, {5, 3, 22, 1, 5}, {8, 8, 6, 0, 7}, {3, 4, 5, 1, 6}};
    for (auto cf : cfgs) {
        std::ostringstream ps;
        ps << "hg_topn N=" << cf.N << " P=" << cf.P << " SW=" << cf.SW << " SIGNED=" << cf.SIGNED
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
                    lv[j] = base + j < nk;
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
        std::vector<std::string> got =
            run_bench("hg_topn",
                      P("hg_topn", "N", cf.N) + P("hg_topn", "P", cf.P) + P("hg_topn", "SW", cf.SW) +
                          P("hg_topn", "SIGNED", cf.SIGNED) + P("hg_topn", "IW", cf.IW),
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
            std::vector<bool> vb = from_hex(v, cf.N), sb = from_hex(s, cf.N * cf.SW),
                              ib = from_hex(idx, cf.N * cf.IW);
            for (int e = 0; e < cf.N; e++) {
                bool expect_v = e < (int)want[c].size();
                EXPECT_EQ((bool)vb[e], expect_v) << ps.str() << " cycle " << c << " entry " << e << " valid";
                if (!expect_v || !vb[e]) continue;
                long sv = (long)to_u64(sb, e * cf.SW, cf.SW);
                if (cf.SIGNED && sv >= (1l << (cf.SW - 1))) sv -= 1l << cf.SW;
                EXPECT_EQ(sv, want[c][e].s) << ps.str() << " cycle " << c << " entry " << e << " score";
                EXPECT_EQ((int)to_u64(ib, e * cf.IW, cf.IW), want[c][e].idx)
                    << ps.str() << " cycle " << c << " entry " << e << " index";
            }
        }
        EXPECT_EQ(published, 6) << ps.str() << ": every query's list published";
    }
}

} // namespace
