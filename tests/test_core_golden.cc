// test_core_golden.cc — the golden model against float references (error bounds of
// docs/spec.md section 7), and the individual rules: tie order, exp table, weights.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace
{

// Dequantized float copies of a data set's int8 vectors.
std::vector<float> deq(const std::vector<int8_t> &x, float s)
{
    std::vector<float> f(x.size());
    for (size_t i = 0; i < x.size(); i++) f[i] = (float)x[i] * s;
    return f;
}

std::vector<float> sign_floats(const hg_cfg &c, const std::vector<uint8_t> &bits, int n)
{
    std::vector<float> f((size_t)n * (size_t)c.d);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < c.d; i++)
            f[(size_t)j * (size_t)c.d + (size_t)i] =
                (bits[(size_t)j * (size_t)c.d / 8 + (size_t)i / 8] >> (i % 8)) & 1 ? 1.0f : -1.0f;
    return f;
}

struct GoldenCase {
    hg_core_kind core;
    int d, n, l;
};

class GoldenVsFloat : public testing::TestWithParam<GoldenCase>
{
};

TEST_P(GoldenVsFloat, WithinSpecBound)
{
    GoldenCase gc = GetParam();
    hg_cfg c = hgt::make_cfg(gc.core, gc.d, 4, gc.n, gc.l);
    double worst = 0.0;
    for (uint32_t seed = 1; seed <= 6; seed++) {
        hgt::Data dt = hgt::make_data(c, seed % 2 ? hgt::M_REALISTIC : hgt::M_RANDOM, 4, seed);
        int nk = dt.run.n_keys;
        std::vector<float> v = deq(dt.v, 1.0f); // units of s_V
        // the same alpha / scale the data set used for its table / exp parameters
        double alpha = -std::log((double)dt.run.etab[1] / (double)(1u << c.wb)) / 2.0;
        double sc = (double)dt.run.exp_mul / std::ldexp(1.0, (int)dt.run.exp_shift) /
                    std::ldexp(M_LOG2E, c.fb) * std::sqrt((double)c.d); // s_Q * s_K
        std::vector<int32_t> out((size_t)c.d);
        std::vector<float> ref((size_t)c.d);
        int kb = hm_key_bytes(&c);
        for (int q = 0; q < dt.nq; q++) {
            const uint8_t *qv = &dt.q[(size_t)q * (size_t)kb];
            hm_attend(&c, &dt.run, qv, dt.k.data(), dt.v.data(), out.data(), nullptr);
            int n_sel = c.core == HG_CORE_BASELINE ? nk : std::min(c.n, nk);
            double bound;
            if (c.core == HG_CORE_HAD) {
                std::vector<float> kf = sign_floats(c, dt.k, nk), qf = sign_floats(c, dt.q, dt.nq);
                hm_ref_had(c.d, nk, c.n, &qf[(size_t)q * (size_t)c.d], kf.data(), v.data(), alpha,
                           ref.data());
                bound = 128.0 * n_sel * std::ldexp(1.0, -c.wb) + std::ldexp(1.0, -c.of);
            } else {
                std::vector<float> kf = deq(std::vector<int8_t>(dt.k.begin(), dt.k.end()), 1.0f);
                std::vector<float> qf = deq(std::vector<int8_t>(qv, qv + c.d), 1.0f);
                float scale = (float)(sc / std::sqrt((double)c.d));
                hm_ref_topn(c.d, nk, c.core == HG_CORE_BASELINE ? nk : c.n, qf.data(), kf.data(), v.data(),
                            scale, ref.data());
                double xmax = (double)(c.wb + 1); // weights below 2^-(wb+1) vanish
                bound = 256.0 * (std::exp2(std::ldexp(1.0, -c.fb)) - 1.0 +
                                 std::ldexp(1.0, -14) * M_LN2 * xmax * std::ldexp(1.0, c.fb)) +
                        128.0 * n_sel * std::ldexp(1.0, -c.wb) + std::ldexp(1.0, -c.of);
            }
            for (int i = 0; i < c.d; i++) {
                double got = std::ldexp((double)out[(size_t)i], -c.of);
                double err = std::fabs(got - ref[(size_t)i]);
                worst = std::max(worst, err / bound);
                ASSERT_LE(err, bound) << hgt::cfg_name(c) << " data " << dt.what << " q " << q << " dim " << i
                                      << " golden " << got << " float " << ref[(size_t)i];
            }
        }
    }
    RecordProperty("worst_error_over_bound", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(
    Cores, GoldenVsFloat,
    testing::Values(GoldenCase{HG_CORE_HAD, 64, 32, 256}, GoldenCase{HG_CORE_HAD, 32, 8, 40},
                    GoldenCase{HG_CORE_I8TOPN, 64, 32, 256}, GoldenCase{HG_CORE_I8TOPN, 16, 4, 30},
                    GoldenCase{HG_CORE_BASELINE, 64, 32, 256}, GoldenCase{HG_CORE_BASELINE, 32, 8, 50}));

TEST(Golden, TiesKeepTheLowerIndexFirst)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 8, 2, 3, 8);
    hm_run run{};
    run.n_keys = 8;
    hm_had_etab(&c, 0.1, run.etab);
    // keys 1, 4, 6 match the query fully; the others not at all
    uint8_t q = 0xa5, k[8];
    for (int j = 0; j < 8; j++) k[j] = (j == 1 || j == 4 || j == 6 || j == 7) ? q : (uint8_t)~q;
    int8_t v[64] = {};
    int32_t out[8];
    hm_detail *det = new hm_detail;
    hm_attend(&c, &run, &q, k, v, out, det);
    ASSERT_EQ(det->n_sel, 3);
    EXPECT_EQ(det->sel[0], 1);
    EXPECT_EQ(det->sel[1], 4);
    EXPECT_EQ(det->sel[2], 6);
    EXPECT_EQ(det->score[7], 8);
    delete det;
}

// V of vb bits (docs/spec.md 2): the core reads the low vb bits of each host byte as a vb-bit
// two's complement, packed vb bits an element; the host quantizer saturates at 2^(vb-1) - 1;
// the output is a convex combination of such values (OW = vb + of bits).
TEST(Golden, NarrowValuesAreTheLowBitsSignExtended)
{
    hg_cfg c = hgt::with_vbits(hgt::make_cfg(HG_CORE_HAD, 8, 2, 3, 8), 4);
    EXPECT_EQ(hm_v_qmax(&c), 7);
    EXPECT_EQ(hm_v_value(&c, 7), 7);
    EXPECT_EQ(hm_v_value(&c, -8), -8);
    EXPECT_EQ(hm_v_value(&c, 8), -8);   // 0x08: low bits 1000
    EXPECT_EQ(hm_v_value(&c, -1), -1);  // 0xff: low bits 1111
    EXPECT_EQ(hm_v_value(&c, 0x17), 7); // the high bits are not read
    EXPECT_EQ(hm_v_value(&c, -128), 0); // 0x80: low bits 0000
    hg_cfg c2 = hgt::with_vbits(c, 2), c8 = hgt::with_vbits(c, 8);
    EXPECT_EQ(hm_v_value(&c2, 2), -2);
    EXPECT_EQ(hm_v_value(&c2, 1), 1);
    EXPECT_EQ(hm_v_value(&c8, -128), -128);
    EXPECT_EQ(hm_v_qmax(&c2), 1);
    EXPECT_EQ(hm_v_qmax(&c8), 127);
    // packing: element i at bits [4i+3 : 4i]
    const int8_t v[8] = {1, -1, 7, -8, 0x35, 0, 2, -2};
    uint8_t p[4];
    hm_v_pack(&c, v, p);
    EXPECT_EQ(p[0], 0xf1);
    EXPECT_EQ(p[1], 0x87);
    EXPECT_EQ(p[2], 0x05);
    EXPECT_EQ(p[3], 0xe2);
    // the quantizer rounds half away from zero and saturates symmetrically
    const float x[6] = {0.25f, -0.25f, 3.0f, -3.0f, 0.74f, -100.0f};
    int8_t q[6];
    hm_quant(6, x, 0.5f, 7, q);
    EXPECT_EQ(std::vector<int>(q, q + 6), (std::vector<int>{1, -1, 6, -6, 1, -7}));
    // with a scale per channel: element i by scale[i], the same rounding and saturation
    const float sc[6] = {0.25f, 0.5f, 1.0f, 0.1f, 2.0f, 50.0f};
    hm_quant_ch(6, x, sc, 7, q);
    EXPECT_EQ(std::vector<int>(q, q + 6), (std::vector<int>{1, -1, 3, -7, 0, -2}));
    // one key of weight 1: out = v * 2^of, in vb + of bits
    hm_run run{};
    run.n_keys = 1;
    hm_had_etab(&c, 0.1, run.etab);
    uint8_t qk = 0x5a;
    int32_t out[8];
    hm_attend(&c, &run, &qk, &qk, v, out, nullptr);
    for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], hm_v_value(&c, v[i]) * (1 << c.of)) << i;
    EXPECT_EQ(c.ow, 4 + c.of);
}

TEST(Golden, HadEtabAndExpTableFollowTheSpec)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 64, 16, 32, 1024);
    uint32_t etab[HG_D_MAX + 1];
    hm_had_etab(&c, 0.125, etab);
    EXPECT_EQ(etab[0], 1u << 15);
    EXPECT_EQ(etab[4], (uint32_t)std::llround(32768.0 * std::exp(-1.0)));
    hg_cfg b = hgt::make_cfg(HG_CORE_BASELINE, 64, 16, 32, 1024);
    EXPECT_EQ(hg_exp_frac(&b, 0), 1u << 15);
    EXPECT_EQ(hg_exp_frac(&b, 32), (uint32_t)std::llround(32768.0 / std::sqrt(2.0)));
    hm_run run{};
    run.exp_mul = 1u << 15; // z = t * 2^15 >> 15 = t: t in units of 2^-fb
    run.exp_shift = 15;
    EXPECT_EQ(hm_weight(&b, &run, 100, 100), 1u << 15);
    EXPECT_EQ(hm_weight(&b, &run, 100, 100 - 64), 1u << 14); // one octave
    EXPECT_EQ(hm_weight(&b, &run, 100, 100 - 64 * 15), 1u);  // 2^-15
    EXPECT_EQ(hm_weight(&b, &run, 100, 100 - 64 * 16), 0u);  // zi > wb
}

// The exp table as configuration writes (docs/spec.md section 6): 32 / ww entries a word, entry
// e j + f in bits [f ww +: ww], each at most 2^wb, fields past entry d zero.
TEST(Golden, EtabWordsPackEntriesAsTheSpecSays)
{
    struct {
        int d, wb, e, words;
    } cases[] = {{32, 8, 3, 11}, {64, 8, 3, 22}, {64, 15, 2, 33}, {8, 20, 1, 9}, {256, 8, 3, 86}};
    for (auto k : cases) {
        hg_cfg c = hgt::make_cfg(HG_CORE_HAD, k.d, 2, 4, 16, k.wb);
        ASSERT_EQ(c.ew, k.e) << "d " << k.d << " wb " << k.wb;
        uint32_t etab[HG_D_MAX + 1], w[HG_D_MAX + 1], wmax = 1u << k.wb;
        for (int i = 0; i <= k.d; i++)
            etab[i] = i % 5 == 1 ? wmax + 1 + (uint32_t)i : (uint32_t)(i * 37) % wmax;
        etab[0] = 0xffffffffu; // saturates too
        ASSERT_EQ(hg_etab_words(&c, etab, w), k.words);
        EXPECT_EQ(c.xw, k.words > 1 ? hg_clog2(k.words) : 1);
        for (int j = 0; j < k.words; j++) {
            uint32_t want = 0;
            for (int f = 0; f < k.e; f++) {
                int i = j * k.e + f;
                uint32_t v = i > k.d ? 0 : etab[i] > wmax ? wmax : etab[i];
                want |= v << (f * c.ww);
            }
            EXPECT_EQ(w[j], want) << "d " << k.d << " wb " << k.wb << " word " << j;
        }
    }
}

TEST(Golden, ExpParamsApproximateTheScale)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_BASELINE, 64, 16, 32, 1024);
    std::mt19937 rng(5);
    for (int i = 0; i < 200; i++) {
        double sq = std::exp(std::uniform_real_distribution<double>(-9, 1)(rng));
        double sk = std::exp(std::uniform_real_distribution<double>(-9, 1)(rng));
        uint32_t mul, sh;
        hm_exp_params(&c, sq, sk, &mul, &sh);
        double target = std::ldexp(M_LOG2E * sq * sk / 8.0, c.fb);
        double got = mul / std::ldexp(1.0, (int)sh);
        ASSERT_LE(mul, 65535u);
        if (sh > 0 && sh < 63) {
            EXPECT_GE(mul, 32768u);
            EXPECT_NEAR(got / target, 1.0, 1.0 / 32768.0) << sq << " " << sk;
        }
    }
}

TEST(Golden, NormalizationRoundsAndHandlesZeroWeights)
{
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, 8, 1, 2, 4, 8, 6, 4);
    hm_run run{};
    run.n_keys = 2;
    for (int i = 0; i <= 8; i++) run.etab[i] = 0; // all weights zero
    uint8_t q = 0, k[2] = {0, 0};
    int8_t v[16];
    for (int i = 0; i < 16; i++) v[i] = (int8_t)(i * 9 - 70);
    int32_t out[8];
    hm_attend(&c, &run, &q, k, v, out, nullptr);
    for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], 0);
    run.etab[0] = 3; // both keys weight 3: out = mean of the two values, of = 4 bits
    hm_attend(&c, &run, &q, k, v, out, nullptr);
    for (int i = 0; i < 8; i++) {
        double mean = (v[i] + v[8 + i]) / 2.0;
        EXPECT_NEAR(out[i] / 16.0, mean, 1.0 / 16.0) << i;
    }
}

} // namespace
