// test_run.cc — the layer runner: selection and recall helpers, calibration files, fidelity
// metrics on the real model, RTL == golden on whole sentences for every core type, the
// hadrun command line (bad options, JSON determinism) and replay of dumped streams on hgsim.
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cjson/cJSON.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" {
#include "enc_bert.h"
#include "hr_attn.h"
#include "hr_calib.h"
#include "hr_corpus.h"
#include "hr_eval.h"
#include "tok_wordpiece.h"
}

namespace
{

constexpr size_t kErr = 1024;

std::string src(const std::string &rel) { return std::string(HG_SRC_DIR) + "/" + rel; }

using hgt::read_file;
using hgt::small_calib_set;
using hgt::write_file;

std::string hadrun() { return std::string(HG_BIN_DIR) + "/hadrun"; }
std::string hgsim() { return std::string(HG_BIN_DIR) + "/hgsim"; }

} // namespace

// ------------------------------------------------------------------ nearest neighbours

// Unit vectors at angles 0, 10, 25 and 90 degrees (scaled: the cosine ignores length): 0's
// nearest is 1, its margin cos 10 - cos 25; a tie goes to the lower index; with fewer than
// three vectors there is no second neighbour (margin NaN), with one no neighbour at all.
TEST(RunEval, NearestNeighboursAndTheirMargins)
{
    auto at = [](double deg, double len) {
        return std::vector<float>{(float)(len * cos(deg * M_PI / 180)), (float)(len * sin(deg * M_PI / 180))};
    };
    auto flat = [](const std::vector<std::vector<float>> &v) {
        std::vector<float> f;
        for (const auto &x : v) f.insert(f.end(), x.begin(), x.end());
        return f;
    };
    auto cosd = [](double deg) { return cos(deg * M_PI / 180); };
    std::vector<float> e = flat({at(0, 1), at(10, 3), at(25, 0.5), at(90, 2)});
    int nn[4], nn2[4];
    double m[4];
    hr_eval_nn(e.data(), 4, 2, nn, nn2, m);
    EXPECT_EQ(std::vector<int>(nn, nn + 4), (std::vector<int>{1, 0, 1, 2}));
    EXPECT_EQ(std::vector<int>(nn2, nn2 + 4), (std::vector<int>{2, 2, 0, 1}));
    EXPECT_NEAR(m[0], cosd(10) - cosd(25), 1e-6);
    EXPECT_NEAR(m[1], cosd(10) - cosd(15), 1e-6);
    EXPECT_NEAR(m[2], cosd(15) - cosd(25), 1e-6);
    EXPECT_NEAR(m[3], cosd(65) - cosd(80), 1e-6);
    // the first vector's two candidates are tied at +-10 degrees: the lower index nearest, the
    // other second, margin 0
    e = flat({at(0, 1), at(10, 1), at(-10, 1)});
    hr_eval_nn(e.data(), 3, 2, nn, nn2, m);
    EXPECT_EQ(nn[0], 1);
    EXPECT_EQ(nn2[0], 2);
    EXPECT_NEAR(m[0], 0.0, 1e-6);
    hr_eval_nn(e.data(), 3, 2, nn, nullptr, nullptr); // second and margins not wanted
    EXPECT_EQ(nn[0], 1);
    hr_eval_nn(e.data(), 2, 2, nn, nn2, m);
    EXPECT_EQ(nn[0], 1);
    EXPECT_EQ(nn[1], 0);
    EXPECT_EQ(nn2[0], -1);
    EXPECT_TRUE(std::isnan(m[0]) && std::isnan(m[1]));
    hr_eval_nn(e.data(), 1, 2, nn, nn2, m);
    EXPECT_EQ(nn[0], -1);
    EXPECT_EQ(nn2[0], -1);
    EXPECT_TRUE(std::isnan(m[0]));
}

// ------------------------------------------------------------------ selection and recall

TEST(RunSelect, MatchesGoldenSelectionAndTieRule)
{
    std::mt19937 rng(7);
    for (int core : {HG_CORE_HAD, HG_CORE_I8TOPN}) {
        hg_cfg c = hgt::make_cfg((hg_core_kind)core, 32, 8, 16, 128);
        for (int trial = 0; trial < 40; trial++) {
            int nk = 1 + (int)(rng() % 128);
            hgt::Data dt = hgt::make_data(c, trial % 3 == 0 ? hgt::M_EQUAL : hgt::M_RANDOM, 1, rng());
            dt.run.n_keys = nk;
            std::vector<int32_t> sc(nk), out(c.d);
            int kb = hm_key_bytes(&c);
            for (int j = 0; j < nk; j++) sc[j] = hm_score(&c, dt.q.data(), dt.k.data() + j * kb);
            std::vector<int> sel(nk);
            int ns = hr_select(nk, c.n, sc.data(), sel.data());
            auto det = std::make_unique<hm_detail>();
            hm_attend(&c, &dt.run, dt.q.data(), dt.k.data(), dt.v.data(), out.data(), det.get());
            ASSERT_EQ(ns, det->n_sel) << hgt::cfg_name(c) << " n_k " << nk;
            for (int i = 0; i < ns; i++)
                ASSERT_EQ(sel[i], det->sel[i]) << hgt::cfg_name(c) << " n_k " << nk << " rank " << i;
        }
    }
}

TEST(RunSelect, RecallCases)
{
    std::vector<float> fs = {5, 1, 4, 4, 0, 3}; // top-3: 0, 2, 3 (3 beats 5 on value)
    int same[] = {3, 0, 2}, two[] = {0, 1, 2}, none[] = {1, 4, 5}, all[] = {0, 1, 2, 3, 4, 5};
    EXPECT_DOUBLE_EQ(hr_recall(6, 3, fs.data(), same, 3), 1.0);
    EXPECT_DOUBLE_EQ(hr_recall(6, 3, fs.data(), two, 3), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(hr_recall(6, 3, fs.data(), none, 3), 0.0);
    EXPECT_DOUBLE_EQ(hr_recall(6, 3, fs.data(), all, 6), 1.0);
    // fewer keys than N: every key is in the float top-N
    EXPECT_DOUBLE_EQ(hr_recall(6, 16, fs.data(), all, 6), 1.0);
    EXPECT_DOUBLE_EQ(hr_recall(6, 16, fs.data(), two, 3), 0.5);
    // ties: the lower index is in the top-N
    std::vector<float> tie = {1, 2, 2, 2};
    int lo[] = {1, 2}, hi[] = {2, 3};
    EXPECT_DOUBLE_EQ(hr_recall(4, 2, tie.data(), lo, 2), 1.0);
    EXPECT_DOUBLE_EQ(hr_recall(4, 2, tie.data(), hi, 2), 0.5);
}

TEST(RunSelect, BackendNames)
{
    for (int k = 0; k < HR_NKINDS; k++) {
        hr_kind got;
        ASSERT_EQ(hr_kind_parse(hr_kind_name((hr_kind)k), &got), 0) << k;
        EXPECT_EQ(got, (hr_kind)k);
    }
    hr_kind got;
    EXPECT_NE(hr_kind_parse("rtl", &got), 0);
    EXPECT_EQ(hr_kind_core(HR_RTL_I8TOPN), HG_CORE_I8TOPN);
    EXPECT_TRUE(hr_kind_rtl(HR_RTL_BASELINE));
    EXPECT_FALSE(hr_kind_rtl(HR_GOLDEN_HAD));
    EXPECT_FALSE(hr_kind_rtl(HR_SYS_HAD));
    EXPECT_TRUE(hr_kind_sys(HR_SYS_I8TOPN));
    EXPECT_FALSE(hr_kind_sys(HR_RTL_I8TOPN));
    EXPECT_EQ(hr_kind_core(HR_SYS_BASELINE), HG_CORE_BASELINE);
    EXPECT_TRUE(hr_kind_had(HR_SYS_HAD));
    EXPECT_STREQ(hr_kind_name(HR_SYS_I8TOPN), "sys-int8-topn");
    EXPECT_FALSE(hr_kind_recall(HR_GOLDEN_BASELINE));
}

// ------------------------------------------------------------------ calibration files

namespace
{

hr_calib *fake_calib(int nl, int nh, int d, uint32_t seed)
{
    hr_calib *c = (hr_calib *)calloc(1, sizeof *c);
    c->n_layers = nl;
    c->n_heads = nh;
    c->head_dim = d;
    snprintf(c->model_hash, sizeof c->model_hash, "%016llx", 0x0123456789abcdefull);
    snprintf(c->set_hash, sizeof c->set_hash, "%016llx", 0xfedcba9876543210ull);
    c->pct = 99.99;
    c->n_sentences = 17;
    c->n_tokens = 345;
    c->head = (hr_head_cal *)calloc((size_t)nl * nh, sizeof *c->head);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(1e-3, 10.0);
    for (int i = 0; i < nl * nh; i++)
        c->head[i] = {
            u(rng), u(rng), (double)(float)u(rng), (double)(float)u(rng), (double)(float)u(rng), u(rng),
            u(rng), u(rng)};
    c->s_v_ch = (double *)calloc((size_t)nl * nh * d, sizeof *c->s_v_ch);
    for (int i = 0; i < nl * nh * d; i++) c->s_v_ch[i] = (double)(float)u(rng);
    return c;
}

} // namespace

TEST(RunCalib, FileRoundTripsExactly)
{
    hgt::TempDir td("run_calib");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::string path = dir + "/c.json";
    hr_calib *c = fake_calib(3, 5, 16, 1);
    char err[kErr] = "";
    ASSERT_EQ(hr_calib_save(c, path.c_str(), err, sizeof err), 0) << err;
    hr_calib *r = hr_calib_load(path.c_str(), err, sizeof err);
    ASSERT_NE(r, nullptr) << err;
    EXPECT_EQ(r->n_layers, 3);
    EXPECT_EQ(r->n_heads, 5);
    EXPECT_EQ(r->head_dim, 16);
    EXPECT_STREQ(r->model_hash, c->model_hash);
    EXPECT_STREQ(r->set_hash, c->set_hash);
    EXPECT_EQ(r->pct, c->pct);
    EXPECT_EQ(r->n_sentences, 17);
    EXPECT_EQ(r->n_tokens, 345);
    for (int i = 0; i < 15; i++) {
        const hr_head_cal &a = c->head[i], &b = r->head[i];
        EXPECT_EQ(a.sigma_q, b.sigma_q) << i;
        EXPECT_EQ(a.sigma_k, b.sigma_k) << i;
        EXPECT_EQ(a.s_q, b.s_q) << i;
        EXPECT_EQ(a.s_k, b.s_k) << i;
        EXPECT_EQ(a.s_v, b.s_v) << i;
        EXPECT_EQ(a.max_v, b.max_v) << i;
    }
    ASSERT_TRUE(r->s_v_ch);
    for (int i = 0; i < 15 * 16; i++) EXPECT_EQ(r->s_v_ch[i], c->s_v_ch[i]) << i;
    EXPECT_EQ(hr_calib_v_channels(r, 2, 4), r->s_v_ch + (2 * 5 + 4) * 16);
    // staleness: shape, model, sentence set, percentile, no per-channel value scales
    bcfg_config mc{};
    mc.n_layers = 3;
    mc.n_heads = 5;
    mc.head_dim = 16;
    char why[256];
    EXPECT_EQ(hr_calib_stale(r, &mc, c->model_hash, c->set_hash, 99.99, why, sizeof why), 0);
    EXPECT_EQ(hr_calib_stale(r, &mc, "0000000000000000", c->set_hash, 99.99, why, sizeof why), 1);
    EXPECT_NE(std::string(why).find("another model"), std::string::npos) << why;
    EXPECT_EQ(hr_calib_stale(r, &mc, c->model_hash, "1", 99.99, why, sizeof why), 1);
    EXPECT_EQ(hr_calib_stale(r, &mc, c->model_hash, c->set_hash, 100, why, sizeof why), 1);
    mc.head_dim = 32;
    EXPECT_EQ(hr_calib_stale(r, &mc, c->model_hash, c->set_hash, 99.99, why, sizeof why), 1);
    mc.head_dim = 16;
    free(c->s_v_ch); // a file from before --v-scale: read, but stale
    c->s_v_ch = nullptr;
    ASSERT_EQ(hr_calib_save(c, path.c_str(), err, sizeof err), 0) << err;
    hr_calib_free(r);
    r = hr_calib_load(path.c_str(), err, sizeof err);
    ASSERT_NE(r, nullptr) << err;
    EXPECT_EQ(r->s_v_ch, nullptr);
    EXPECT_EQ(hr_calib_v_channels(r, 0, 0), nullptr);
    EXPECT_EQ(hr_calib_stale(r, &mc, c->model_hash, c->set_hash, 99.99, why, sizeof why), 1);
    EXPECT_NE(std::string(why).find("without per-channel value scales"), std::string::npos) << why;
    hr_calib_free(c);
    hr_calib_free(r);
}

TEST(RunCalib, MalformedFilesNameTheProblem)
{
    hgt::TempDir td("run_calibbad");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::string path = dir + "/c.json";
    hr_calib *c = fake_calib(2, 2, 8, 2);
    char err[kErr] = "";
    ASSERT_EQ(hr_calib_save(c, path.c_str(), err, sizeof err), 0) << err;
    hr_calib_free(c);
    std::string good = read_file(path);
    struct Case {
        std::string from, to, expect;
    } cases[] = {
        {"\"hadgen-calib-1\"", "\"other\"", "'format'"},
        {"\"n_heads\":\t2", "\"n_heads\":\t3", "'heads' must be an array"},
        {"\"s_v\":", "\"s_x\":", "'s_v' missing"},
        {"\"percentile\":\t99.99", "\"percentile\":\t50", "'percentile' = 50"},
        {"\"heads\"", "\"heads\" x", "not valid JSON"},
        {"\"head\":\t1", "\"head\":\t0", "layer 0 head 0 appears twice"},
        {"\"s_v_ch\":\t[", "\"s_v_ch\":\t[1, ", "'s_v_ch' must be an array of head_dim = 8 scales"},
        {"\"s_v_ch\":\t[", "\"s_v_ch\":\t[-", "'s_v_ch'[0] must be a number in 1e-30"},
        {"\"s_v_ch\":\t[", "\"s_w_ch\":\t[", "'s_v_ch' in 3 of the 4 heads"},
    };
    for (const Case &cs : cases) {
        std::string t = good;
        size_t at = t.find(cs.from);
        ASSERT_NE(at, std::string::npos) << cs.from;
        t.replace(at, cs.from.size(), cs.to);
        write_file(path, t);
        hr_calib *r = hr_calib_load(path.c_str(), err, sizeof err);
        EXPECT_EQ(r, nullptr) << cs.from;
        EXPECT_NE(std::string(err).find(cs.expect), std::string::npos) << cs.from << ": " << err;
        EXPECT_NE(std::string(err).find(path), std::string::npos) << err;
        hr_calib_free(r);
    }
    // a negative scale
    std::string t = good;
    size_t at = t.find("\"s_q\":\t");
    ASSERT_NE(at, std::string::npos);
    t.insert(at + 7, "-");
    write_file(path, t);
    EXPECT_EQ(hr_calib_load(path.c_str(), err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("heads[0]: 's_q'"), std::string::npos) << err;
    EXPECT_EQ(hr_calib_load((dir + "/missing.json").c_str(), err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("missing.json"), std::string::npos) << err;
}

// ------------------------------------------------------------------ the real model

// Loads MiniLM once, calibrates on a few sentences, and tokenizes a few evaluation ones.
class RunModel : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        char err[kErr] = "", dir[4096];
        if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0) {
            load_err_ = err;
            return;
        }
        std::string vocab = std::string(dir) + "/vocab.txt";
        vocab_ = tok_load(vocab.c_str(), err, sizeof err);
        if (vocab_) model_ = enc_load(dir, err, sizeof err);
        hr_corpus *cal = model_ ? hr_corpus_load(src("sw/data/sentences_calib.txt").c_str(), vocab_, 128, 12,
                                                 err, sizeof err)
                                : nullptr;
        if (cal) calib_ = hr_calib_compute(model_, cal, 100.0, 0, err, sizeof err);
        hr_corpus_free(cal);
        // the longest evaluation sentences exercise selection (more keys than N = 16)
        if (calib_)
            corpus_ =
                hr_corpus_load(src("sw/data/sentences_eval.txt").c_str(), vocab_, 128, 0, err, sizeof err);
        if (corpus_) pick_long(3);
        if (!corpus_ || !calib_) load_err_ = err;
    }
    static void TearDownTestSuite()
    {
        hr_corpus_free(corpus_);
        hr_calib_free(calib_);
        enc_free(model_);
        tok_free(vocab_);
        corpus_ = nullptr;
        calib_ = nullptr;
        model_ = nullptr;
        vocab_ = nullptr;
    }
    // Keeps the first sentence and the n-1 longest others (by tokens).
    static void pick_long(int n)
    {
        std::vector<int> idx(corpus_->n);
        for (int i = 0; i < corpus_->n; i++) idx[i] = i;
        std::stable_sort(idx.begin() + 1, idx.end(),
                         [](int a, int b) { return corpus_->n_tok[a] > corpus_->n_tok[b]; });
        hr_corpus *c = (hr_corpus *)calloc(1, sizeof *c);
        c->text = (char **)calloc((size_t)n, sizeof(char *));
        c->ids = (int32_t **)calloc((size_t)n, sizeof(int32_t *));
        c->n_tok = (int *)calloc((size_t)n, sizeof(int));
        for (int i = 0; i < n; i++) {
            int j = idx[i];
            std::swap(c->text[i], corpus_->text[j]);
            std::swap(c->ids[i], corpus_->ids[j]);
            c->n_tok[i] = corpus_->n_tok[j];
            c->tokens += c->n_tok[i];
            c->n++;
        }
        hr_corpus_free(corpus_);
        corpus_ = c;
    }
    void SetUp() override { ASSERT_TRUE(model_ && vocab_ && calib_ && corpus_) << load_err_; }

    static hg_cfg minilm_cfg() { return hgt::make_cfg(HG_CORE_HAD, 32, 8, 16, 128); }
    static hr_backend *open(hr_kind k, int check = 0)
    {
        hg_cfg c = minilm_cfg();
        char err[kErr] = "";
        hr_sim_opts so{};
        so.rtl.quiet = 1;
        hr_backend *b = hr_backend_open(k, &c, calib_, &so, check, err, sizeof err);
        EXPECT_NE(b, nullptr) << hr_kind_name(k) << ": " << err;
        return b;
    }

    static enc_model *model_;
    static tok_vocab *vocab_;
    static hr_calib *calib_;
    static hr_corpus *corpus_;
    static std::string load_err_;
};
enc_model *RunModel::model_ = nullptr;
tok_vocab *RunModel::vocab_ = nullptr;
hr_calib *RunModel::calib_ = nullptr;
hr_corpus *RunModel::corpus_ = nullptr;
std::string RunModel::load_err_;

TEST_F(RunModel, CalibrationIsSaneAndRoundTrips)
{
    const bcfg_config *mc = enc_config(model_);
    ASSERT_EQ(calib_->n_layers, mc->n_layers);
    ASSERT_EQ(calib_->n_heads, mc->n_heads);
    for (int l = 0; l < mc->n_layers; l++)
        for (int h = 0; h < mc->n_heads; h++) {
            const hr_head_cal *e = hr_calib_head(calib_, l, h);
            EXPECT_GT(e->sigma_q, 0.0);
            EXPECT_GT(e->sigma_k, 0.0);
            // percentile 100: the scale maps the largest |x| to 127
            EXPECT_NEAR(e->s_q * 127.0, e->max_q, 1e-5 * e->max_q) << l << ":" << h;
            EXPECT_NEAR(e->s_v * 127.0, e->max_v, 1e-5 * e->max_v) << l << ":" << h;
            EXPECT_LT(e->sigma_q, e->max_q);
        }
    hgt::TempDir td("run_calibmodel");
    std::string dir = td.path(), path = dir + "/c.json";
    char err[kErr] = "";
    ASSERT_EQ(hr_calib_save(calib_, path.c_str(), err, sizeof err), 0) << err;
    hr_calib *r = hr_calib_load(path.c_str(), err, sizeof err);
    ASSERT_NE(r, nullptr) << err;
    EXPECT_EQ(memcmp(r->head, calib_->head, sizeof(hr_head_cal) * 72), 0);
    hr_calib_free(r);
}

TEST_F(RunModel, FloatAgainstItselfIsExact)
{
    hr_backend *b = open(HR_FLOAT);
    ASSERT_NE(b, nullptr);
    hr_result r;
    char err[kErr] = "";
    ASSERT_EQ(hr_evaluate(model_, corpus_, &b, 1, &r, nullptr, 0, err, sizeof err), 0) << err;
    for (int l = 0; l < r.n_layers; l++) EXPECT_EQ(r.layer_err[l], 0.0) << "layer " << l;
    EXPECT_EQ(r.recall, 1.0);
    EXPECT_EQ(r.recall_sel, 1.0); // the long sentences have more keys than N
    EXPECT_NEAR(r.cos_mean, 1.0, 1e-6);
    EXPECT_NEAR(r.cos_min, 1.0, 1e-6);
    EXPECT_EQ(r.nn_agree, 1.0);
    EXPECT_NEAR(r.pair_cos_err, 0.0, 1e-7);
    for (int i = 0; i < r.n_sent; i++) {
        EXPECT_EQ(r.nn[i], r.nn_ref[i]) << "sentence " << i;
        EXPECT_GE(r.nn_ref_margin[i], 0.0) << "sentence " << i;
    }
    hr_result_free(&r);
    hr_backend_close(b);
}

TEST_F(RunModel, GoldenInt8CoresAreFaithfulAndHadIsMeasured)
{
    hr_backend *b[3] = {open(HR_GOLDEN_BASELINE), open(HR_GOLDEN_I8TOPN), open(HR_GOLDEN_HAD)};
    ASSERT_TRUE(b[0] && b[1] && b[2]);
    hr_result r[3];
    char err[kErr] = "";
    ASSERT_EQ(hr_evaluate(model_, corpus_, b, 3, r, nullptr, 0, err, sizeof err), 0) << err;
    EXPECT_GT(r[0].cos_min, 0.95) << "golden-baseline";
    EXPECT_GT(r[1].cos_mean, 0.9) << "golden-int8-topn"; // top-16 of ~100 keys loses some
    EXPECT_LT(r[0].layer_err[0], 0.05) << "golden-baseline";
    EXPECT_EQ(r[0].recall, -1.0);    // not measured: keeps every key
    EXPECT_GT(r[1].recall_sel, 0.9); // int8 scores pick nearly the float top-N
    EXPECT_GT(r[2].recall_sel, 0.0); // HAD: measured, below int8
    EXPECT_LT(r[2].recall_sel, r[1].recall_sel + 1e-9);
    EXPECT_GT(r[2].cos_mean, 0.0);
    printf("[ info ] cos mean/min: baseline %.6f/%.6f int8-topn %.6f/%.6f had %.6f/%.6f\n", r[0].cos_mean,
           r[0].cos_min, r[1].cos_mean, r[1].cos_min, r[2].cos_mean, r[2].cos_min);
    EXPECT_LT(r[2].cos_mean, r[0].cos_mean);
    for (int k = 0; k < 3; k++) {
        hr_result_free(&r[k]);
        hr_backend_close(b[k]);
    }
}

namespace
{
// Collects every head's int32 outputs, keyed by (layer, head).
struct Capture {
    std::map<std::pair<int, int>, std::vector<int32_t>> out;
    static void tap(void *ctx, const hr_head_io *io)
    {
        auto *c = static_cast<Capture *>(ctx);
        c->out[{io->layer, io->head}].assign(io->out, io->out + (size_t)io->n_tok * io->cfg->d);
    }
};
} // namespace

// Whole sentences through all layers: every head's int32 outputs of the RTL core equal the
// golden model's, for each core type, and so do the embeddings.
class RunRtl : public RunModel, public ::testing::WithParamInterface<int>
{
};

TEST_P(RunRtl, EqualsGoldenOnEveryHeadOfEveryLayer)
{
    hr_kind gk = (hr_kind)(HR_GOLDEN_HAD + GetParam()), rk = (hr_kind)(HR_RTL_HAD + GetParam());
    hr_backend *g = open(gk), *r = open(rk, 1);
    ASSERT_TRUE(g && r);
    const bcfg_config *mc = enc_config(model_);
    std::vector<float> eg(mc->hidden), er(mc->hidden);
    int sentences = GetParam() == 0 ? 2 : 1; // HAD: two sentences, others one
    for (int s = 0; s < sentences; s++) {
        Capture cg, cr;
        hr_backend_set_tap(g, Capture::tap, &cg);
        hr_backend_set_tap(r, Capture::tap, &cr);
        char err[kErr] = "";
        enc_hooks hg{hr_attn, g, nullptr, nullptr, nullptr}, hr{hr_attn, r, nullptr, nullptr, nullptr};
        ASSERT_EQ(enc_embed(model_, corpus_->ids[s], corpus_->n_tok[s], &hg, eg.data(), err, sizeof err), 0)
            << err;
        ASSERT_EQ(enc_embed(model_, corpus_->ids[s], corpus_->n_tok[s], &hr, er.data(), err, sizeof err), 0)
            << err << " " << hr_backend_error(r);
        ASSERT_EQ(cg.out.size(), (size_t)(mc->n_layers * mc->n_heads));
        ASSERT_EQ(cr.out.size(), cg.out.size());
        for (auto &kv : cg.out) {
            const std::vector<int32_t> &a = kv.second, &b = cr.out[kv.first];
            ASSERT_EQ(a.size(), b.size());
            for (size_t i = 0; i < a.size(); i++)
                ASSERT_EQ(b[i], a[i])
                    << hr_kind_name(rk) << " sentence " << s << " layer " << kv.first.first << " head "
                    << kv.first.second << " query " << i / 32 << " dim " << i % 32;
        }
        EXPECT_EQ(memcmp(eg.data(), er.data(), eg.size() * sizeof(float)), 0);
    }
    hr_head_stats t;
    hr_backend_total(r, -1, &t);
    EXPECT_EQ(t.mismatches, 0);
    EXPECT_EQ(t.calls, (long)sentences * mc->n_layers * mc->n_heads);
    EXPECT_GT(t.cycles, (uint64_t)t.queries);
    EXPECT_EQ(t.cycles, t.cycles_cfg + t.cycles_load + t.cycles_query);
    hr_backend_close(g);
    hr_backend_close(r);
}

INSTANTIATE_TEST_SUITE_P(Cores, RunRtl, ::testing::Values(0, 1, 2),
                         [](const ::testing::TestParamInfo<int> &i) {
                             return std::string(hg_core_short((hg_core_kind)i.param));
                         });

// Whole sentences through the system model (every head of a layer at once): every head's
// outputs equal the golden model's, the embeddings too, and the layer figures add up.
class RunSys : public RunModel, public ::testing::WithParamInterface<int>
{
};

TEST_P(RunSys, EqualsGoldenOnEveryHeadOfEveryLayer)
{
    hr_kind gk = HR_GOLDEN((hg_core_kind)GetParam()), sk = HR_SYS((hg_core_kind)GetParam());
    hr_backend *g = open(gk), *r = open(sk, 1);
    ASSERT_TRUE(g && r);
    ASSERT_EQ(hr_backend_layer_fn(g), nullptr);
    ASSERT_NE(hr_backend_layer_fn(r), nullptr);
    const bcfg_config *mc = enc_config(model_);
    std::vector<float> eg(mc->hidden), er(mc->hidden);
    Capture cg, cr;
    hr_backend_set_tap(g, Capture::tap, &cg);
    hr_backend_set_tap(r, Capture::tap, &cr);
    char err[kErr] = "";
    enc_hooks hg{hr_attn, g, nullptr, nullptr, nullptr},
        hs{hr_attn, r, nullptr, nullptr, hr_backend_layer_fn(r)};
    ASSERT_EQ(enc_embed(model_, corpus_->ids[0], corpus_->n_tok[0], &hg, eg.data(), err, sizeof err), 0)
        << err;
    ASSERT_EQ(enc_embed(model_, corpus_->ids[0], corpus_->n_tok[0], &hs, er.data(), err, sizeof err), 0)
        << err << " " << hr_backend_error(r);
    ASSERT_EQ(cr.out.size(), cg.out.size());
    for (auto &kv : cg.out)
        EXPECT_EQ(cr.out[kv.first], kv.second) << "layer " << kv.first.first << " head " << kv.first.second;
    EXPECT_EQ(memcmp(eg.data(), er.data(), eg.size() * sizeof(float)), 0);
    hr_head_stats t;
    hr_backend_total(r, -1, &t);
    EXPECT_EQ(t.mismatches, 0);
    EXPECT_EQ(t.calls, (long)mc->n_layers * mc->n_heads);
    ss_layer_stats st;
    long calls = 0;
    ASSERT_EQ(hr_backend_sys_stats(r, -1, &st, &calls), 0);
    EXPECT_EQ(calls, mc->n_layers);
    EXPECT_EQ(st.cycles, t.cycles);
    EXPECT_EQ(st.queries, (uint64_t)t.queries);
    EXPECT_EQ(st.bytes_v, (uint64_t)mc->n_layers * mc->n_heads * corpus_->n_tok[0] * mc->head_dim);
    // per head: the n_keys write, then the exp table (HAD: d + 1 entries, 32 / ww a write) or
    // exp_mul and exp_shift beside the keys, a key a beat: whichever take more cycles
    int e = 32 / hr_backend_cfg(r)->ww;
    uint64_t regs = GetParam() == HG_CORE_HAD ? (uint64_t)((mc->head_dim + e) / e) : 2;
    EXPECT_EQ(st.core_load, (uint64_t)mc->n_layers * mc->n_heads *
                                (1 + std::max<uint64_t>(regs, (uint64_t)corpus_->n_tok[0])))
        << "heads " << mc->n_layers * mc->n_heads << ", keys " << corpus_->n_tok[0] << ", registers " << regs;
    // every head loads the sentence's tokens as keys and scores each of its queries against them
    uint64_t nt = (uint64_t)corpus_->n_tok[0], heads = (uint64_t)mc->n_layers * mc->n_heads;
    EXPECT_EQ(st.heads, heads);
    EXPECT_EQ(st.keys, heads * nt);
    EXPECT_EQ(st.query_keys, heads * nt * nt);
    EXPECT_NE(hr_backend_sys_stats(g, -1, &st, &calls), 0);
    // a system backend computes layers, not single heads
    std::vector<float> x((size_t)corpus_->n_tok[0] * mc->head_dim, 0.5f), o(x.size());
    EXPECT_NE(hr_attn(r, 0, 0, corpus_->n_tok[0], mc->head_dim, x.data(), x.data(), x.data(), o.data()), 0);
    EXPECT_NE(std::string(hr_backend_error(r)).find("whole layers"), std::string::npos)
        << hr_backend_error(r);
    hr_backend_close(g);
    hr_backend_close(r);
}

INSTANTIATE_TEST_SUITE_P(Cores, RunSys, ::testing::Values(0, 1, 2),
                         [](const ::testing::TestParamInfo<int> &i) {
                             return std::string(hg_core_short((hg_core_kind)i.param));
                         });

// ------------------------------------------------------------------ hadrun command line

TEST(RunCli, BadOptionsExit2NamingTheOption)
{
    struct Case {
        std::string args, expect;
    } cases[] = {
        {"--limit 0", "--limit '0': must be an integer in 1..1000000"},
        {"--limit x", "--limit 'x'"},
        {"--backend float,tpu", "unknown backend 'tpu'"},
        {"--backend float,float", "given twice"},
        {"--core had", "--core 'had': not used by hadrun"},
        {"--d 64", "--d '64': must equal the model's head dimension 32"},
        {"--max-keys 64", "--max-keys '64': must be at least --max-tokens 128"},
        {"--lanes 0", "--lanes"},
        {"--top-n 200", "--top-n"},
        {"--calib-pct 50", "--calib-pct '50': must be a number in 90..100"},
        {"--max-tokens 1", "--max-tokens '1'"},
        {"--max-tokens 600", "--max-tokens '600': must be in 2..512"},
        {"--repeat 0", "--repeat '0'"},
        {"--dump-streams /tmp/x", "--dump-streams and --dump-heads go together"},
        {"--dump-sentences 2", "--dump-sentences needs --dump-streams"},
        {"--dump-streams /tmp/hg_run_never --dump-heads 6:0", "--dump-heads '6:0': must be "
                                                              "LAYER:HEAD with layer 0..5"},
        {"--dump-streams /tmp/hg_run_never --dump-heads 0:12", "head 0..11"},
        {"--dump-streams /tmp/hg_run_never --dump-heads 0:1,", "ends with a comma"},
        {"--limit 2 --dump-streams /tmp/hg_run_never --dump-heads 0:1 --dump-sentences 3",
         "--dump-sentences '3': must be in 1..2"},
        {"--sentences /nonexistent/s.txt", "--sentences: /nonexistent/s.txt: cannot open"},
        {"--model /nonexistent", "--model: "},
        {"--frobnicate", "unknown option '--frobnicate'"},
        {"--limit", "option '--limit' needs a value"},
        {"stray", "unexpected argument 'stray'"},
    };
    for (const Case &c : cases) {
        hgt::CmdResult r = hgt::run_in_src(hadrun() + " --quiet " + c.args);
        EXPECT_EQ(r.status, 2) << c.args << "\n" << r.out;
        EXPECT_NE(r.out.find(c.expect), std::string::npos) << c.args << "\n" << r.out;
        EXPECT_EQ(r.out.find("Segmentation"), std::string::npos) << c.args;
    }
    hgt::CmdResult help = hgt::run_in_src(hadrun() + " --help");
    EXPECT_EQ(help.status, 0);
    for (const char *opt :
         {"--backend", "--json", "--dump-streams", "--calib", "--check", "--repeat", "--max-keys"})
        EXPECT_NE(help.out.find(opt), std::string::npos) << opt;
}

// One hadrun run with streams dumped; every dumped head replays bit-exactly on hgsim and its
// RTL outputs equal the dumped golden outputs; the JSON metrics are deterministic.
// The JSON's per-sentence neighbours, pairwise-cosine error and margin error against an independent
// computation (double precision) from the --embeddings file, on 40 unrelated sentences (the evaluation set's last, which have
// no paraphrase partner) where the post-training HAD loses many neighbours: every backend's
// "nn", and every "nn_lost" entry with the float reference's neighbour and margin.
TEST(RunCli, JsonNamesEachLostNeighbourWithTheReferenceMargin)
{
    hgt::TempDir td("run_nn");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::vector<std::string> lines;
    {
        std::ifstream in(src("sw/data/sentences_eval.txt"));
        std::string l;
        while (std::getline(in, l))
            if (!l.empty()) lines.push_back(l);
    }
    ASSERT_GE(lines.size(), 40u);
    std::string text;
    for (size_t i = lines.size() - 40; i < lines.size(); i++) text += lines[i] + "\n";
    write_file(dir + "/s.txt", text);
    hgt::CmdResult r = hgt::run_in_src(hadrun() + " --quiet --sentences " + dir +
                                       "/s.txt --backend float,golden-had --json " + dir +
                                       "/h.json --embeddings " + dir + "/e.txt");
    ASSERT_EQ(r.status, 0) << r.out;
    std::map<std::string, std::vector<std::vector<double>>> emb;
    {
        std::ifstream in(dir + "/e.txt");
        std::string name;
        int idx;
        std::string l;
        while (std::getline(in, l)) {
            std::istringstream ls(l);
            ls >> name >> idx;
            std::vector<double> v;
            double x;
            while (ls >> x) v.push_back(x);
            emb[name].push_back(v);
        }
    }
    ASSERT_EQ(emb["float"].size(), 40u);
    ASSERT_EQ(emb["golden-had"].size(), 40u);
    // the cosine of two rows, in double
    auto cosine = [](const std::vector<double> &x, const std::vector<double> &y) {
        double d = 0, p = 0, q = 0;
        for (size_t k = 0; k < x.size(); k++) {
            d += x[k] * y[k];
            p += x[k] * x[k];
            q += y[k] * y[k];
        }
        return d / sqrt(p * q);
    };
    // neighbour (from 1) and margin of each row
    auto neighbours = [&](const std::vector<std::vector<double>> &e, std::vector<int> &nn,
                          std::vector<double> &mg) {
        size_t n = e.size();
        nn.assign(n, 0);
        mg.assign(n, 0.0);
        for (size_t i = 0; i < n; i++) {
            std::vector<double> c;
            for (size_t j = 0; j < n; j++) c.push_back(j == i ? -HUGE_VAL : cosine(e[i], e[j]));
            size_t best = (size_t)(std::max_element(c.begin(), c.end()) - c.begin());
            double top = c[best];
            c[best] = -HUGE_VAL;
            nn[i] = (int)best + 1;
            mg[i] = top - *std::max_element(c.begin(), c.end());
        }
    };
    // the RMS change of the pairwise cosines (pair_cos_err)
    auto pair_err = [&](const std::vector<std::vector<double>> &a,
                        const std::vector<std::vector<double>> &b) {
        double s = 0;
        int n = 0;
        for (size_t i = 0; i < a.size(); i++)
            for (size_t j = i + 1; j < a.size(); j++, n++) {
                double e = cosine(a[i], a[j]) - cosine(b[i], b[j]);
                s += e * e;
            }
        return sqrt(s / n);
    };
    std::vector<int> nn_ref, nn_had;
    std::vector<double> mg_ref, mg_had;
    neighbours(emb["float"], nn_ref, mg_ref);
    neighbours(emb["golden-had"], nn_had, mg_had);
    // the RMS change of each sentence's margin between the reference's two nearest
    // (nn_margin_err), their second found as the nearest with the first left out
    auto margin_err = [&](const std::vector<std::vector<double>> &a,
                          const std::vector<std::vector<double>> &ref) {
        double s = 0;
        for (size_t i = 0; i < ref.size(); i++) {
            std::vector<double> c;
            for (size_t j = 0; j < ref.size(); j++) c.push_back(j == i ? -HUGE_VAL : cosine(ref[i], ref[j]));
            size_t f = (size_t)(std::max_element(c.begin(), c.end()) - c.begin());
            c[f] = -HUGE_VAL;
            size_t g = (size_t)(std::max_element(c.begin(), c.end()) - c.begin());
            double d =
                (cosine(a[i], a[f]) - cosine(a[i], a[g])) - (cosine(ref[i], ref[f]) - cosine(ref[i], ref[g]));
            s += d * d;
        }
        return sqrt(s / ref.size());
    };
    cJSON *js = cJSON_Parse(read_file(dir + "/h.json").c_str());
    ASSERT_NE(js, nullptr);
    cJSON *be = cJSON_GetObjectItem(js, "backends");
    ASSERT_EQ(cJSON_GetArraySize(be), 2);
    const std::vector<int> *mine[2] = {&nn_ref, &nn_had};
    const std::vector<double> *margin[2] = {&mg_ref, &mg_had};
    for (int k = 0; k < 2; k++) {
        cJSON *b = cJSON_GetArrayItem(be, k), *nn = cJSON_GetObjectItem(b, "nn");
        ASSERT_EQ(cJSON_GetArraySize(nn), 40);
        for (int i = 0; i < 40; i++) {
            if ((*margin[k])[i] <= 1e-5) continue; // a nearer tie may go either way in float
            EXPECT_EQ(cJSON_GetArrayItem(nn, i)->valueint, (*mine[k])[i]) << k << ", sentence " << i + 1;
        }
    }
    EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(be, 0), "pair_cos_err")->valuedouble, 0.0);
    double pe = pair_err(emb["golden-had"], emb["float"]);
    EXPECT_GT(pe, 0.01);
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetArrayItem(be, 1), "pair_cos_err")->valuedouble, pe, 1e-7);
    EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(be, 0), "nn_margin_err")->valuedouble, 0.0);
    double me = margin_err(emb["golden-had"], emb["float"]);
    EXPECT_GT(me, pe) << "the near ties move more than the average pair";
    EXPECT_NEAR(cJSON_GetObjectItem(cJSON_GetArrayItem(be, 1), "nn_margin_err")->valuedouble, me, 1e-5);
    cJSON *lost = cJSON_GetObjectItem(cJSON_GetArrayItem(be, 1), "nn_lost"), *x;
    int expect = 0;
    for (int i = 0; i < 40; i++) expect += nn_ref[i] != nn_had[i];
    EXPECT_GE(expect, 10) << "the post-training HAD loses many of these neighbours";
    EXPECT_EQ(cJSON_GetArraySize(lost), expect);
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(be, 0), "nn_lost")), 0);
    double agree = cJSON_GetObjectItem(cJSON_GetArrayItem(be, 1), "nn_agree")->valuedouble;
    EXPECT_EQ(std::lround(40 * (1 - agree)), cJSON_GetArraySize(lost));
    int prev = 0;
    cJSON_ArrayForEach(x, lost)
    {
        int s = cJSON_GetObjectItem(x, "sentence")->valueint;
        EXPECT_GT(s, prev) << "in sentence order";
        prev = s;
        EXPECT_EQ(cJSON_GetObjectItem(x, "neighbour")->valueint, nn_had[s - 1]) << s;
        EXPECT_EQ(cJSON_GetObjectItem(x, "reference_neighbour")->valueint, nn_ref[s - 1]) << s;
        EXPECT_NEAR(cJSON_GetObjectItem(x, "reference_margin")->valuedouble, mg_ref[s - 1], 1e-5) << s;
    }
    cJSON_Delete(js);
}

TEST(RunCli, DumpedStreamsReplayOnHgsimAndJsonIsDeterministic)
{
    hgt::TempDir td("run_dump");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::string cset = small_calib_set(dir, 6);
    std::string common =
        hadrun() + " --quiet --limit 3 --calib " + dir + "/calib.json" + " --calib-sentences " + cset;
    hgt::CmdResult r = hgt::run_in_src(common + " --backend float,golden-had,golden-int8-topn --json " + dir +
                                       "/a.json --embeddings " + dir + "/emb.txt --dump-streams " + dir +
                                       "/streams --dump-heads 0:0,5:11 --dump-sentences 2");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("golden-int8-topn"), std::string::npos) << r.out;
    // second run reuses the calibration file and writes the same JSON
    hgt::CmdResult r2 =
        hgt::run_in_src(common + " --backend float,golden-had,golden-int8-topn --json " + dir + "/b.json");
    ASSERT_EQ(r2.status, 0) << r2.out;
    std::string a = read_file(dir + "/a.json"), b = read_file(dir + "/b.json");
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    cJSON *js = cJSON_Parse(a.c_str());
    ASSERT_NE(js, nullptr);
    cJSON *be = cJSON_GetObjectItem(js, "backends");
    ASSERT_EQ(cJSON_GetArraySize(be), 3);
    cJSON *f = cJSON_GetArrayItem(be, 0);
    EXPECT_STREQ(cJSON_GetObjectItem(f, "backend")->valuestring, "float");
    EXPECT_EQ(cJSON_GetObjectItem(f, "cos_mean")->valuedouble, 1.0);
    // per sentence: its neighbour (from 1); the lost ones are those nn_agree counts
    cJSON *bk;
    cJSON_ArrayForEach(bk, be)
    {
        std::string name = cJSON_GetObjectItem(bk, "backend")->valuestring;
        cJSON *nn = cJSON_GetObjectItem(bk, "nn"), *lost = cJSON_GetObjectItem(bk, "nn_lost"), *x;
        ASSERT_TRUE(cJSON_IsArray(nn) && cJSON_IsArray(lost)) << name;
        ASSERT_EQ(cJSON_GetArraySize(nn), 3) << name;
        cJSON_ArrayForEach(x, nn)
        {
            EXPECT_GE(x->valueint, 1) << name;
            EXPECT_LE(x->valueint, 3) << name;
        }
        double agree = cJSON_GetObjectItem(bk, "nn_agree")->valuedouble;
        EXPECT_EQ(cJSON_GetArraySize(lost), (int)std::lround(3 * (1 - agree))) << name;
        cJSON_ArrayForEach(x, lost)
        {
            int s = cJSON_GetObjectItem(x, "sentence")->valueint;
            EXPECT_EQ(cJSON_GetObjectItem(x, "neighbour")->valueint, cJSON_GetArrayItem(nn, s - 1)->valueint);
            EXPECT_NE(cJSON_GetObjectItem(x, "neighbour")->valueint,
                      cJSON_GetObjectItem(x, "reference_neighbour")->valueint);
            EXPECT_GE(cJSON_GetObjectItem(x, "reference_margin")->valuedouble, 0.0);
        }
    }
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(f, "nn_lost")), 0);
    cJSON_Delete(js);
    // embeddings: 3 backends x 3 sentences
    std::ifstream emb(dir + "/emb.txt");
    std::string line;
    int lines = 0;
    while (std::getline(emb, line)) lines++;
    EXPECT_EQ(lines, 9);

    cJSON *idx = cJSON_Parse(read_file(dir + "/streams/index.json").c_str());
    ASSERT_NE(idx, nullptr);
    cJSON *heads = cJSON_GetObjectItem(idx, "heads"), *it;
    EXPECT_EQ(cJSON_GetArraySize(heads), 2 * 2 * 3); // heads x sentences x cores
    cJSON_ArrayForEach(it, heads)
    {
        std::string hd = dir + "/streams/" + it->valuestring;
        cJSON *h = cJSON_Parse(read_file(hd + "/head.json").c_str());
        ASSERT_NE(h, nullptr) << hd;
        std::string cmd = cJSON_GetObjectItem(h, "hgsim")->valuestring;
        int nq = cJSON_GetObjectItem(h, "n_queries")->valueint;
        cJSON_Delete(h);
        ASSERT_EQ(cmd.rfind("hgsim ", 0), 0u) << cmd;
        hgt::CmdResult sim =
            hgt::run_in_src("cd '" + hd + "' && " + hgsim() + cmd.substr(5) + " --out rtl_out.bin");
        EXPECT_EQ(sim.status, 0) << hd << "\n" << sim.out;
        EXPECT_NE(sim.out.find("check: bit-exact"), std::string::npos) << hd << "\n" << sim.out;
        std::string gold = read_file(hd + "/out.bin"), rtl = read_file(hd + "/rtl_out.bin");
        EXPECT_EQ(gold.size(), (size_t)nq * 32 * 4) << hd;
        EXPECT_TRUE(gold == rtl) << hd << ": hgsim outputs differ from the dumped golden outputs";
    }
    cJSON_Delete(idx);
}

// --v-bits B: V quantized to B bits at the calibration's percentile (s_V' = s_V * 127 /
// (2^(B-1) - 1)), recorded in the JSON and in a dumped head (its values within +-(2^(B-1) - 1),
// its core options and s_v); narrower V moves the embeddings.
// --etab-shadow on builds the HAD backends' cores with the shadow exp table (the bare core's driver
// writes the table, n_keys, then the copy) and leaves the int8 cores as they are: the run goes
// through, RTL equals golden, and the JSON records the option.
TEST(RunCli, ShadowTableIsTheHadBackendsOnly)
{
    hgt::TempDir td("run_shadow");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::string cset = small_calib_set(dir, 6);
    hgt::CmdResult r = hgt::run_in_src(
        hadrun() + " --quiet --limit 2 --calib " + dir + "/calib.json --calib-sentences " + cset +
        " --backend golden-had,rtl-had,golden-baseline --etab-shadow on --check "
        "--json " +
        dir + "/s.json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("RTL outputs differing from the golden model: 0"), std::string::npos) << r.out;
    cJSON *j = cJSON_Parse(read_file(dir + "/s.json").c_str());
    ASSERT_TRUE(j);
    EXPECT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "core"), "etab_shadow")),
                 "on");
    cJSON_Delete(j);
}

TEST(RunCli, NarrowValuesQuantizeAtTheCalibrationsPercentile)
{
    hgt::TempDir td("run_vbits");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    std::string cset = small_calib_set(dir, 6);
    std::string common = hadrun() + " --quiet --limit 4 --calib " + dir + "/calib.json --calib-sentences " +
                         cset + " --backend golden-had,golden-baseline";
    double cos[2][2];
    double s_v[2];
    const int vbs[2] = {8, 4};
    for (int k = 0; k < 2; k++) {
        std::string out = dir + "/v" + std::to_string(vbs[k]);
        hgt::CmdResult r = hgt::run_in_src(common + " --v-bits " + std::to_string(vbs[k]) + " --json " + out +
                                           ".json --dump-streams " + out + " --dump-heads 1:2");
        ASSERT_EQ(r.status, 0) << r.out;
        cJSON *j = cJSON_Parse(read_file(out + ".json").c_str());
        ASSERT_TRUE(j);
        EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "core"), "v_bits")->valueint, vbs[k]);
        for (int b = 0; b < 2; b++)
            cos[k][b] =
                cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "backends"), b), "cos_mean")
                    ->valuedouble;
        cJSON_Delete(j);
        std::string hd = out + "/baseline/l1h2/s001";
        cJSON *h = cJSON_Parse(read_file(hd + "/head.json").c_str());
        ASSERT_TRUE(h) << hd;
        std::string opts = cJSON_GetObjectItem(h, "core_options")->valuestring;
        EXPECT_NE(opts.find("--v-bits " + std::to_string(vbs[k])), std::string::npos) << opts;
        s_v[k] = cJSON_GetObjectItem(h, "s_v")->valuedouble;
        int nk = cJSON_GetObjectItem(h, "n_keys")->valueint;
        cJSON_Delete(h);
        std::string v = read_file(hd + "/values.bin");
        ASSERT_EQ(v.size(), (size_t)nk * 32);
        int qmax = (1 << (vbs[k] - 1)) - 1, top = 0;
        for (char c : v) {
            EXPECT_LE(std::abs((int)(int8_t)c), qmax);
            top = std::max(top, std::abs((int)(int8_t)c));
        }
        EXPECT_GE(top, qmax / 2) << "values use the range";
    }
    EXPECT_NEAR(s_v[1], s_v[0] * 127.0 / 7.0, s_v[1] * 1e-6);
    // the baseline (int8 everywhere else) loses fidelity; post-training HAD's error is dominated by
    // its scores, so 4 sentences may go either way, but its embeddings move
    EXPECT_LT(cos[1][1], cos[0][1]);
    EXPECT_GT(cos[1][1], 0.9);
    EXPECT_NE(cos[1][0], cos[0][0]);
    // --v-scale channel: a scale per channel of V from the calibration (at percentile 100 the
    // head's scale is its largest channel's); head.json holds them; the embeddings move
    std::string out = dir + "/v4c";
    hgt::CmdResult r = hgt::run_in_src(common + " --v-bits 4 --v-scale channel --json " + out +
                                       ".json --dump-streams " + out + " --dump-heads 1:2");
    ASSERT_EQ(r.status, 0) << r.out;
    cJSON *j = cJSON_Parse(read_file(out + ".json").c_str());
    ASSERT_TRUE(j);
    EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "core"), "v_scale")->valuestring, "channel");
    EXPECT_NE(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "backends"), 1), "cos_mean")
                  ->valuedouble,
              cos[1][1]);
    cJSON_Delete(j);
    cJSON *h = cJSON_Parse(read_file(out + "/baseline/l1h2/s001/head.json").c_str());
    ASSERT_TRUE(h);
    EXPECT_STREQ(cJSON_GetObjectItem(h, "v_scale")->valuestring, "channel");
    const cJSON *ch = cJSON_GetObjectItem(h, "s_v_ch"), *x;
    ASSERT_EQ(cJSON_GetArraySize(ch), 32);
    double top = 0, low = 1e30;
    cJSON_ArrayForEach(x, ch) top = std::max(top, x->valuedouble), low = std::min(low, x->valuedouble);
    EXPECT_EQ(top, s_v[1]);
    EXPECT_LT(low, top / 2) << "channels differ in range";
    cJSON_Delete(h);
    r = hgt::run_in_src(common + " --v-scale block");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("--v-scale 'block': must be head or channel"), std::string::npos) << r.out;
}
