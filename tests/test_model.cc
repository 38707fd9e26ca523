// test_model.cc — real-model side: safetensors reader, config.json, WordPiece tokenizer,
// float BERT encoder (synthetic checkpoints and all-MiniLM-L6-v2 against reference values
// from the original implementation, tests/ref/minilm_ref.json).
//
// The MiniLM tests need the model files: $HADGEN_MODEL or build/model (`make deps-model`,
// which `make test` runs first).
#include <gtest/gtest.h>

#include <cjson/cJSON.h>
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bert_config.h"
#include "enc_bert.h"
#include "hg_testlib.h"
#include "st_safetensors.h"
#include "tok_wordpiece.h"

namespace
{

constexpr size_t kErr = 1024;

// ------------------------------------------------------------------ helpers

using hgt::read_file;
using hgt::TempDir; // removed with its files at the end
using hgt::write_file;

// One tensor for a synthetic safetensors file; bytes already in the file's dtype.
struct Tensor {
    std::string name, dtype;
    std::vector<int64_t> shape;
    std::string bytes;
};

std::string le64(uint64_t v)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; i++) s[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

std::string header_json(const std::vector<Tensor> &ts)
{
    std::string h = "{\"__metadata__\":{\"format\":\"pt\"}";
    size_t off = 0;
    for (const auto &t : ts) {
        h += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); i++) h += (i ? "," : "") + std::to_string(t.shape[i]);
        h += "],\"data_offsets\":[" + std::to_string(off) + "," + std::to_string(off + t.bytes.size()) + "]}";
        off += t.bytes.size();
    }
    return h + "}";
}

// Whole file: length + header + data.
std::string st_bytes(const std::vector<Tensor> &ts)
{
    std::string h = header_json(ts), data;
    for (const auto &t : ts) data += t.bytes;
    return le64(h.size()) + h + data;
}

std::string f32_bytes(const std::vector<float> &v)
{
    return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float));
}

// float -> F16 / BF16 for values exactly representable in both (k / 512, |k| <= 256).
uint16_t to_f16(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    if ((b & 0x7fffffffu) == 0) return static_cast<uint16_t>((b >> 16) & 0x8000u);
    uint32_t sign = b >> 31, exp = ((b >> 23) & 0xffu) - 127u + 15u, man = (b >> 13) & 0x3ffu;
    return static_cast<uint16_t>((sign << 15) | (exp << 10) | man);
}
uint16_t to_bf16(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return static_cast<uint16_t>(b >> 16);
}
std::string half_bytes(const std::vector<float> &v, bool bf16)
{
    std::string s;
    for (float f : v) {
        uint16_t h = bf16 ? to_bf16(f) : to_f16(f);
        s += static_cast<char>(h & 0xff);
        s += static_cast<char>(h >> 8);
    }
    return s;
}

// tests/ref/minilm_ref.json: from the source tree root when the build says where it is,
// else next to this file as compiled.
std::string ref_path()
{
#ifdef HG_SRC_DIR
    return std::string(HG_SRC_DIR) + "/tests/ref/minilm_ref.json";
#endif
    std::string f = __FILE__;
    size_t slash = f.find_last_of('/');
    return (slash == std::string::npos ? std::string(".") : f.substr(0, slash)) + "/ref/minilm_ref.json";
}

// ------------------------------------------------------------------ safetensors

TEST(ModelSafetensors, ReadsF32F16Bf16AndShapes)
{
    TempDir td("model");
    std::string p = td.file("ok.safetensors");
    std::vector<float> a = {1.0f, -2.5f, 0.125f, 0.0f, 3.0f, -0.5f};
    write_file(p, st_bytes({{"a.f32", "F32", {2, 3}, f32_bytes(a)},
                            {"b.f16", "F16", {6}, half_bytes(a, false)},
                            {"c.bf16", "BF16", {3, 2}, half_bytes(a, true)},
                            {"d.scalar", "F32", {}, f32_bytes({7.0f})}}));
    char err[kErr] = "";
    st_file *f = st_open(p.c_str(), err, sizeof err);
    ASSERT_NE(f, nullptr) << err;
    EXPECT_EQ(st_count(f), 4);
    const st_info *in = st_find(f, "c.bf16");
    ASSERT_NE(in, nullptr);
    EXPECT_EQ(in->dtype, ST_BF16);
    EXPECT_EQ(in->ndim, 2);
    EXPECT_EQ(in->shape[0], 3);
    EXPECT_EQ(in->numel, 6u);
    EXPECT_EQ(st_find(f, "missing"), nullptr);
    for (const char *name : {"a.f32", "b.f16", "c.bf16"}) {
        std::vector<float> got(6);
        ASSERT_EQ(st_read_f32(f, name, got.data(), got.size(), err, sizeof err), 0) << err;
        for (size_t i = 0; i < a.size(); i++) EXPECT_EQ(got[i], a[i]) << name << "[" << i << "]";
    }
    float s = 0;
    EXPECT_EQ(st_read_f32(f, "d.scalar", &s, 1, err, sizeof err), 0) << err;
    EXPECT_EQ(s, 7.0f);
    std::vector<float> buf(6);
    int64_t want[2] = {3, 2};
    EXPECT_NE(st_read_f32_shape(f, "a.f32", 2, want, buf.data(), err, sizeof err), 0);
    EXPECT_NE(std::string(err).find("tensor 'a.f32' has shape [2, 3], expected [3, 2]"), std::string::npos)
        << err;
    EXPECT_NE(st_read_f32(f, "a.f32", buf.data(), 5, err, sizeof err), 0);
    EXPECT_NE(std::string(err).find("has 6 elements, expected 5"), std::string::npos) << err;
    EXPECT_NE(st_read_f32(f, "nope", buf.data(), 6, err, sizeof err), 0);
    EXPECT_NE(std::string(err).find("tensor 'nope' not found"), std::string::npos) << err;
    st_close(f);
}

TEST(ModelSafetensors, F16SpecialValues)
{
    TempDir td("model");
    std::string p = td.file("h.safetensors");
    // 0x0001 smallest subnormal, 0x3c00 = 1, 0xfc00 = -inf, 0x7bff = 65504
    std::string b = {'\x01', '\x00', '\x00', '\x3c', '\x00', '\xfc', '\xff', '\x7b'};
    write_file(p, st_bytes({{"h", "F16", {4}, b}}));
    char err[kErr];
    st_file *f = st_open(p.c_str(), err, sizeof err);
    ASSERT_NE(f, nullptr) << err;
    float v[4];
    ASSERT_EQ(st_read_f32(f, "h", v, 4, err, sizeof err), 0) << err;
    EXPECT_EQ(v[0], std::ldexp(1.0f, -24));
    EXPECT_EQ(v[1], 1.0f);
    EXPECT_TRUE(std::isinf(v[2]) && v[2] < 0);
    EXPECT_EQ(v[3], 65504.0f);
    st_close(f);
}

// Each malformed file must fail to open with a message naming the file and the problem.
struct BadCase {
    const char *what;
    std::string bytes;
    const char *expect; // substring of the error message
};

TEST(ModelSafetensors, MalformedFilesGiveClearErrors)
{
    std::vector<float> v = {1, 2, 3, 4};
    std::string good = st_bytes({{"w", "F32", {2, 2}, f32_bytes(v)}});
    std::string hdr = header_json({{"w", "F32", {2, 2}, f32_bytes(v)}});
    auto with_header = [&](const std::string &h, const std::string &data) {
        return le64(h.size()) + h + data;
    };
    std::vector<BadCase> cases = {
        {"empty file", "", "too short for the 8-byte header length"},
        {"truncated length", good.substr(0, 5), "too short for the 8-byte header length"},
        {"header beyond end", le64(1u << 20) + "{}", "bad header length 1048576"},
        {"zero header length", le64(0) + "{}", "bad header length 0"},
        {"huge header length", le64(~0ull) + hdr, "bad header length"},
        {"truncated data", good.substr(0, good.size() - 3),
         "tensor 'w': data_offsets [0, 16] out of range (data section is 13 bytes"},
        {"bad JSON", with_header("{\"w\": {\"dtype\": \"F32\",", ""), "header is not valid JSON"},
        {"JSON not an object", with_header("[1, 2]", ""), "header JSON is not an object"},
        {"offsets out of range",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}", f32_bytes(v)),
         "tensor 'w': data_offsets [8, 24] out of range"},
        {"offsets reversed",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}}", f32_bytes(v)),
         "tensor 'w': data_offsets [16, 0] out of range"},
        {"negative offset",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[-1,15]}}", f32_bytes(v)),
         "tensor 'w': \"data_offsets\" must be [begin, end]"},
        {"shape/size mismatch",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,16]}}", f32_bytes(v)),
         "tensor 'w': shape gives 6 elements x 4 bytes = 24 bytes, but data_offsets span 16"},
        {"unknown dtype",
         with_header("{\"w\":{\"dtype\":\"Q7\",\"shape\":[4],\"data_offsets\":[0,16]}}", f32_bytes(v)),
         "tensor 'w': unknown dtype 'Q7' (supported: F64, F32, F16, BF16"},
        {"missing dtype", with_header("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", f32_bytes(v)),
         "tensor 'w': missing or non-string \"dtype\""},
        {"bad shape entry",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", f32_bytes(v)),
         "tensor 'w': shape[0] is not a non-negative integer"},
        {"entry not an object", with_header("{\"w\": 3}", f32_bytes(v)),
         "tensor 'w': header entry is not a JSON object"},
        {"duplicate name",
         with_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                     "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                     f32_bytes(v)),
         "tensor 'w' appears twice"},
    };
    TempDir td("model");
    for (const auto &c : cases) {
        std::string p = td.file("bad.safetensors");
        write_file(p, c.bytes);
        char err[kErr] = "";
        st_file *f = st_open(p.c_str(), err, sizeof err);
        EXPECT_EQ(f, nullptr) << c.what;
        st_close(f);
        std::string msg = err;
        EXPECT_NE(msg.find(c.expect), std::string::npos)
            << c.what << ": got \"" << msg << "\", expected to contain \"" << c.expect << "\"";
        EXPECT_NE(msg.find(p), std::string::npos) << c.what << ": message lacks the file name";
    }
    char err[kErr] = "";
    EXPECT_EQ(st_open((td.path() + "/does-not-exist").c_str(), err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("does-not-exist: cannot open"), std::string::npos) << err;
}

// Random corruption of a valid file: st_open either fails with a message or yields a
// file whose tensors can all be read (no crash, no out-of-bounds read under sanitizers).
TEST(ModelSafetensors, RandomCorruptionNeverCrashes)
{
    std::vector<float> v = {1, 2, 3, 4, 5, 6};
    std::string good =
        st_bytes({{"a", "F32", {2, 3}, f32_bytes(v)}, {"b", "F16", {3}, half_bytes({1, 2, 3}, false)}});
    std::mt19937 rng(99);
    TempDir td("model");
    std::string p = td.file("fuzz.safetensors");
    int opened = 0;
    for (int it = 0; it < 300; it++) {
        std::string b = good;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; e++) {
            size_t pos = rng() % b.size();
            switch (rng() % 3) {
            case 0: b[pos] = static_cast<char>(rng() & 0xff); break;       // flip
            case 1: b.resize(pos); break;                                  // truncate
            default: b[pos] = "{}[]\",:0123456789-eE."[rng() % 20]; break; // JSON-ish
            }
            if (b.empty()) break;
        }
        write_file(p, b);
        char err[kErr] = "";
        st_file *f = st_open(p.c_str(), err, sizeof err);
        if (!f) {
            EXPECT_GT(strlen(err), 0u) << "iteration " << it << ": failure without a message";
            continue;
        }
        opened++;
        for (int i = 0; i < st_count(f); i++) {
            const st_info *in = st_at(f, i);
            std::vector<float> buf(in->numel + 1);
            EXPECT_EQ(st_read_f32(f, in->name, buf.data(), in->numel, err, sizeof err), 0) << err;
        }
        st_close(f);
    }
    EXPECT_GT(opened, 0); // some edits only touch tensor data
}

// ------------------------------------------------------------------ config.json

const char *kTinyConfig = "{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 2,"
                          " \"intermediate_size\": 20, \"vocab_size\": 30, \"max_position_embeddings\": 20,"
                          " \"type_vocab_size\": 2, \"layer_norm_eps\": 1e-12, \"hidden_act\": \"gelu\","
                          " \"model_type\": \"bert\"}";

TEST(ModelConfig, ParsesAndDerivesHeadDim)
{
    bcfg_config c;
    char err[kErr] = "";
    ASSERT_EQ(bcfg_parse(kTinyConfig, "tiny", &c, err, sizeof err), 0) << err;
    EXPECT_EQ(c.hidden, 12);
    EXPECT_EQ(c.n_heads, 3);
    EXPECT_EQ(c.head_dim, 4);
    EXPECT_EQ(c.n_layers, 2);
    EXPECT_EQ(c.intermediate, 20);
    EXPECT_EQ(c.vocab_size, 30);
    EXPECT_EQ(c.max_pos, 20);
    EXPECT_EQ(c.type_vocab, 2);
    EXPECT_FLOAT_EQ(c.ln_eps, 1e-12f);
    EXPECT_EQ(c.act, BCFG_GELU_ERF);
    // defaults for optional keys
    ASSERT_EQ(bcfg_parse("{\"hidden_size\": 8, \"num_attention_heads\": 2, "
                         "\"num_hidden_layers\": 1, \"intermediate_size\": 4, \"vocab_size\": 5,"
                         " \"max_position_embeddings\": 6}",
                         "min", &c, err, sizeof err),
              0)
        << err;
    EXPECT_EQ(c.type_vocab, 2);
    EXPECT_FLOAT_EQ(c.ln_eps, 1e-12f);
}

TEST(ModelConfig, MalformedConfigsGiveClearErrors)
{
    struct {
        const char *json, *expect;
    } cases[] = {
        {"{\"hidden_size\": 12,", "cfg: not valid JSON"},
        {"[1]", "cfg: top level is not a JSON object"},
        {"{\"num_attention_heads\": 3}", "missing required key \"hidden_size\""},
        {"{\"hidden_size\": \"384\"}", "\"hidden_size\" must be an integer"},
        {"{\"hidden_size\": 0}", "\"hidden_size\" = 0 is invalid (allowed: integers 1.."},
        {"{\"hidden_size\": 12.5}", "\"hidden_size\" = 12.5 is invalid"},
        {"{\"hidden_size\": 10, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
         " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6}",
         "hidden_size 10 is not a multiple of num_attention_heads 3"},
        {"{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
         " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6,"
         " \"hidden_act\": \"relu\"}",
         "hidden_act \"relu\" is not supported (allowed: \"gelu\""},
        {"{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
         " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6,"
         " \"layer_norm_eps\": -1}",
         "\"layer_norm_eps\" must be a number in (0, 1]"},
        {"{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
         " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6,"
         " \"model_type\": \"gpt2\"}",
         "model_type \"gpt2\" is not supported (allowed: \"bert\")"},
        {"{\"hidden_size\": 12, \"num_attention_heads\": 3, \"num_hidden_layers\": 1,"
         " \"intermediate_size\": 4, \"vocab_size\": 5, \"max_position_embeddings\": 6,"
         " \"position_embedding_type\": \"relative_key\"}",
         "position_embedding_type \"relative_key\" is not supported"},
    };
    for (const auto &c : cases) {
        bcfg_config cfg;
        char err[kErr] = "";
        EXPECT_NE(bcfg_parse(c.json, "cfg", &cfg, err, sizeof err), 0) << c.json;
        EXPECT_NE(std::string(err).find(c.expect), std::string::npos)
            << "config " << c.json << ": got \"" << err << "\", expected \"" << c.expect << "\"";
    }
    TempDir td("model");
    bcfg_config cfg;
    char err[kErr] = "";
    std::string missing = td.path() + "/none.json";
    EXPECT_NE(bcfg_load(missing.c_str(), &cfg, err, sizeof err), 0);
    EXPECT_NE(std::string(err).find("none.json: cannot open"), std::string::npos) << err;
    std::string p = td.file("config.json");
    write_file(p, "{\"hidden_size\": 12, oops}");
    EXPECT_NE(bcfg_load(p.c_str(), &cfg, err, sizeof err), 0);
    EXPECT_NE(std::string(err).find(p + ": not valid JSON"), std::string::npos) << err;
}

// ------------------------------------------------------------------ tokenizer (own vocab)

std::vector<int32_t> encode(const tok_vocab *v, const std::string &s, int max_len = 128)
{
    std::vector<int32_t> ids(static_cast<size_t>(max_len));
    char err[kErr] = "";
    int n = tok_encode(v, s.c_str(), max_len, ids.data(), err, sizeof err);
    EXPECT_GE(n, 2) << err;
    ids.resize(static_cast<size_t>(n < 0 ? 0 : n));
    return ids;
}

TEST(ModelTokenizer, WordPieceOnSmallVocab)
{
    TempDir td("model");
    std::string p = td.file("vocab.txt");
    // ids:           0      1     2     3     4    5      6       7  8  9   10     11
    write_file(p, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n,\n!\na\n##a\nhello\r\n");
    char err[kErr] = "";
    tok_vocab *v = tok_load(p.c_str(), err, sizeof err);
    ASSERT_NE(v, nullptr) << err;
    EXPECT_EQ(tok_size(v), 12);
    EXPECT_EQ(tok_id(v, "hello"), 11); // trailing \r stripped
    EXPECT_STREQ(tok_token(v, 5), "##aff");
    EXPECT_EQ(tok_token(v, 12), nullptr);
    EXPECT_EQ(encode(v, "unaffable"), (std::vector<int32_t>{2, 4, 5, 6, 3}));
    EXPECT_EQ(encode(v, "UnAffAble, HELLO!"), (std::vector<int32_t>{2, 4, 5, 6, 7, 11, 8, 3}));
    EXPECT_EQ(encode(v, "unaffablex hello"), (std::vector<int32_t>{2, 1, 11, 3})); // no match
    EXPECT_EQ(encode(v, ""), (std::vector<int32_t>{2, 3}));
    EXPECT_EQ(encode(v, std::string(100, 'a')).size(), 102u);                     // a ##a x 99
    EXPECT_EQ(encode(v, std::string(101, 'a')), (std::vector<int32_t>{2, 1, 3})); // > 100 chars
    // truncation keeps [SEP]; the cut may fall inside a word
    EXPECT_EQ(encode(v, "unaffable hello", 4), (std::vector<int32_t>{2, 4, 5, 3}));
    EXPECT_EQ(encode(v, "hello", 2), (std::vector<int32_t>{2, 3}));
    int32_t ids[1];
    EXPECT_EQ(tok_encode(v, "x", 1, ids, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("max_len 1 too small"), std::string::npos) << err;
    tok_free(v);
}

// Arbitrary bytes (invalid UTF-8, controls, long runs) always give [CLS] ... [SEP].
TEST(ModelTokenizer, RandomBytesNeverCrash)
{
    TempDir td("model");
    std::string p = td.file("vocab.txt");
    write_file(p, "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n##a\n\xc3\xa9\n##\xc3\xa9\n");
    char err[kErr] = "";
    tok_vocab *v = tok_load(p.c_str(), err, sizeof err);
    ASSERT_NE(v, nullptr) << err;
    std::mt19937 rng(7);
    for (int it = 0; it < 2000; it++) {
        std::string s(rng() % 300, '\0');
        for (auto &c : s) {
            uint32_t r = rng();
            c = static_cast<char>(r % 4 == 0 ? 'a' : r % 4 == 1 ? ' ' : (r >> 8) & 0xff);
            if (c == '\0') c = 'a';
        }
        int max_len = 2 + static_cast<int>(rng() % 40);
        std::vector<int32_t> ids(static_cast<size_t>(max_len));
        int n = tok_encode(v, s.c_str(), max_len, ids.data(), err, sizeof err);
        ASSERT_GE(n, 2) << err;
        ASSERT_LE(n, max_len);
        EXPECT_EQ(ids[0], 2);
        EXPECT_EQ(ids[static_cast<size_t>(n - 1)], 3);
        for (int i = 1; i < n - 1; i++)
            EXPECT_TRUE(ids[static_cast<size_t>(i)] == 1 ||
                        (ids[static_cast<size_t>(i)] >= 4 && ids[static_cast<size_t>(i)] <= 7));
    }
    tok_free(v);
}

TEST(ModelTokenizer, MissingOrMalformedVocabGivesClearErrors)
{
    TempDir td("model");
    struct {
        const char *name;
        std::string content;
        const char *expect;
    } cases[] = {
        {"empty.txt", "", "file is empty"},
        {"blank.txt", "\n\n  \n", "file is empty"},
        {"nounk.txt", "[PAD]\n[CLS]\n[SEP]\nhello\n", "missing the special token(s) [UNK]"},
        {"nospecial.txt", "a\nb\n", "missing the special token(s) [UNK] [CLS] [SEP]"},
        {"binary.txt", std::string("[UNK]\n[CLS]\0[SEP]\n", 19), "contains a NUL byte"},
        {"longline.txt", "[UNK]\n[CLS]\n[SEP]\n" + std::string(2000, 'x') + "\n",
         "line 4 is 2000 bytes long"},
    };
    for (const auto &c : cases) {
        std::string p = td.file(c.name);
        write_file(p, c.content);
        char err[kErr] = "";
        tok_vocab *v = tok_load(p.c_str(), err, sizeof err);
        EXPECT_EQ(v, nullptr) << c.name;
        tok_free(v);
        std::string msg = err;
        EXPECT_NE(msg.find("vocab " + p + ": "), std::string::npos) << c.name << ": " << msg;
        EXPECT_NE(msg.find(c.expect), std::string::npos)
            << c.name << ": got \"" << msg << "\", expected \"" << c.expect << "\"";
    }
    char err[kErr] = "";
    EXPECT_EQ(tok_load((td.path() + "/missing.txt").c_str(), err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("missing.txt: cannot open: No such file"), std::string::npos) << err;
}

// ------------------------------------------------------------------ encoder (synthetic)

// A tiny random BERT checkpoint plus a straightforward double-precision forward pass to
// check the optimised encoder against.
struct TinyBert {
    int H = 12, heads = 3, L = 2, I = 20, V = 30, P = 20;
    std::vector<Tensor> tensors;
    std::vector<std::vector<float>> vals; // same order as tensors
    std::mt19937 rng{1234};

    // Values exact in F32, F16 and BF16: k/512 with |k| <= 256 (8 significant bits at
    // most), or with an offset of 1 (LayerNorm scales): 1 + k/128 with |k| <= 64.
    std::vector<float> rand_vec(size_t n, float offset = 0.0f)
    {
        std::uniform_int_distribution<int> d(-256, 256);
        std::vector<float> v(n);
        for (auto &x : v)
            x = offset == 0.0f ? static_cast<float>(d(rng)) / 512.0f
                               : offset + static_cast<float>(d(rng) / 4) / 128.0f;
        return v;
    }
    void add(const std::string &name, std::vector<int64_t> shape, const std::string &dtype,
             float offset = 0.0f)
    {
        size_t n = 1;
        for (auto s : shape) n *= static_cast<size_t>(s);
        std::vector<float> v = rand_vec(n, offset);
        std::string bytes = dtype == "F32" ? f32_bytes(v) : half_bytes(v, dtype == "BF16");
        tensors.push_back({name, dtype, shape, bytes});
        vals.push_back(v);
    }
    const std::vector<float> &get(const std::string &suffix) const
    {
        for (size_t i = 0; i < tensors.size(); i++)
            if (tensors[i].name.size() >= suffix.size() &&
                tensors[i].name.compare(tensors[i].name.size() - suffix.size(), suffix.size(), suffix) == 0)
                return vals[i];
        throw std::runtime_error("no tensor " + suffix);
    }
    void build(const std::string &prefix, const std::string &dtype, bool gamma_beta)
    {
        const char *g = gamma_beta ? ".gamma" : ".weight", *b = gamma_beta ? ".beta" : ".bias";
        add(prefix + "embeddings.word_embeddings.weight", {V, H}, dtype);
        add(prefix + "embeddings.position_embeddings.weight", {P, H}, dtype);
        add(prefix + "embeddings.token_type_embeddings.weight", {2, H}, dtype);
        add(prefix + "embeddings.LayerNorm" + g, {H}, dtype, 1.0f);
        add(prefix + "embeddings.LayerNorm" + b, {H}, dtype);
        for (int l = 0; l < L; l++) {
            std::string p = prefix + "encoder.layer." + std::to_string(l) + ".";
            for (const char *m : {"attention.self.query", "attention.self.key", "attention.self.value",
                                  "attention.output.dense"}) {
                add(p + m + ".weight", {H, H}, dtype);
                add(p + m + ".bias", {H}, dtype);
            }
            add(p + "attention.output.LayerNorm" + g, {H}, dtype, 1.0f);
            add(p + "attention.output.LayerNorm" + b, {H}, dtype);
            add(p + "intermediate.dense.weight", {I, H}, dtype);
            add(p + "intermediate.dense.bias", {I}, dtype);
            add(p + "output.dense.weight", {H, I}, dtype);
            add(p + "output.dense.bias", {H}, dtype);
            add(p + "output.LayerNorm" + g, {H}, dtype, 1.0f);
            add(p + "output.LayerNorm" + b, {H}, dtype);
        }
        add(prefix + "pooler.dense.weight", {H, H}, dtype); // present in many checkpoints
    }

    using Mat = std::vector<std::vector<double>>;
    Mat linear(const Mat &x, const std::string &name, int in, int out) const
    {
        const auto &w = get(name + ".weight"), &b = get(name + ".bias");
        Mat y(x.size(), std::vector<double>(static_cast<size_t>(out)));
        for (size_t t = 0; t < x.size(); t++)
            for (int o = 0; o < out; o++) {
                double s = b[static_cast<size_t>(o)];
                for (int i = 0; i < in; i++)
                    s += x[t][static_cast<size_t>(i)] * w[static_cast<size_t>(o * in + i)];
                y[t][static_cast<size_t>(o)] = s;
            }
        return y;
    }
    void norm(Mat &x, const std::string &name, bool gb) const
    {
        const auto &g = get(name + (gb ? ".gamma" : ".weight"));
        const auto &b = get(name + (gb ? ".beta" : ".bias"));
        for (auto &r : x) {
            double m = 0, v = 0;
            for (double e : r) m += e;
            m /= static_cast<double>(r.size());
            for (double e : r) v += (e - m) * (e - m);
            v /= static_cast<double>(r.size());
            for (size_t i = 0; i < r.size(); i++) r[i] = (r[i] - m) / std::sqrt(v + 1e-12) * g[i] + b[i];
        }
    }
    Mat forward(const std::vector<int32_t> &ids, bool gb) const
    {
        size_t n = ids.size(), h = static_cast<size_t>(H), d = h / static_cast<size_t>(heads);
        Mat x(n, std::vector<double>(h));
        const auto &we = get("word_embeddings.weight"), &pe = get("position_embeddings.weight"),
                   &te = get("token_type_embeddings.weight");
        for (size_t t = 0; t < n; t++)
            for (size_t i = 0; i < h; i++)
                x[t][i] = we[static_cast<size_t>(ids[t]) * h + i] + pe[t * h + i] + te[i];
        norm(x, "embeddings.LayerNorm", gb);
        for (int l = 0; l < L; l++) {
            std::string p = "encoder.layer." + std::to_string(l) + ".";
            Mat q = linear(x, p + "attention.self.query", H, H);
            Mat k = linear(x, p + "attention.self.key", H, H);
            Mat v = linear(x, p + "attention.self.value", H, H);
            Mat a(n, std::vector<double>(h, 0.0));
            for (size_t hd = 0; hd < static_cast<size_t>(heads); hd++)
                for (size_t i = 0; i < n; i++) {
                    std::vector<double> s(n);
                    double mx = -1e300, sum = 0;
                    for (size_t j = 0; j < n; j++) {
                        double dot = 0;
                        for (size_t c = 0; c < d; c++) dot += q[i][hd * d + c] * k[j][hd * d + c];
                        s[j] = dot / std::sqrt(static_cast<double>(d));
                        mx = std::max(mx, s[j]);
                    }
                    for (auto &e : s) sum += (e = std::exp(e - mx));
                    for (size_t j = 0; j < n; j++)
                        for (size_t c = 0; c < d; c++) a[i][hd * d + c] += s[j] / sum * v[j][hd * d + c];
                }
            Mat o = linear(a, p + "attention.output.dense", H, H);
            for (size_t t = 0; t < n; t++)
                for (size_t i = 0; i < h; i++) o[t][i] += x[t][i];
            norm(o, p + "attention.output.LayerNorm", gb);
            Mat f = linear(o, p + "intermediate.dense", H, I);
            for (auto &r : f)
                for (auto &e : r) e = 0.5 * e * (1.0 + std::erf(e / std::sqrt(2.0)));
            x = linear(f, p + "output.dense", I, H);
            for (size_t t = 0; t < n; t++)
                for (size_t i = 0; i < h; i++) x[t][i] += o[t][i];
            norm(x, p + "output.LayerNorm", gb);
        }
        return x;
    }
};

// Writes a tiny checkpoint (config.json + model.safetensors) into td; returns the dir.
std::string write_tiny(TempDir &td, TinyBert &tb)
{
    write_file(td.file("config.json"), kTinyConfig);
    write_file(td.file("model.safetensors"), st_bytes(tb.tensors));
    return td.path();
}

struct TinyCase {
    const char *prefix, *dtype;
    bool gamma_beta;
};

class ModelEncoderTiny : public ::testing::TestWithParam<TinyCase>
{
};

TEST_P(ModelEncoderTiny, MatchesDoublePrecisionReference)
{
    const TinyCase &c = GetParam();
    TinyBert tb;
    tb.build(c.prefix, c.dtype, c.gamma_beta);
    TempDir td("model");
    std::string dir = write_tiny(td, tb);
    char err[kErr] = "";
    enc_model *m = enc_load(dir.c_str(), err, sizeof err);
    ASSERT_NE(m, nullptr) << err;
    for (int n : {1, 2, 5, 7, 20}) { // odd counts exercise the padded row blocks
        std::vector<int32_t> ids;
        for (int t = 0; t < n; t++) ids.push_back((t * 7 + 3) % tb.V);
        std::vector<float> out(static_cast<size_t>(n * tb.H));
        ASSERT_EQ(enc_forward(m, ids.data(), n, nullptr, out.data(), err, sizeof err), 0) << err;
        TinyBert::Mat want = tb.forward(ids, c.gamma_beta);
        double worst = 0;
        for (size_t t = 0; t < static_cast<size_t>(n); t++)
            for (size_t i = 0; i < static_cast<size_t>(tb.H); i++)
                worst = std::max(worst, std::fabs(out[t * static_cast<size_t>(tb.H) + i] - want[t][i]));
        EXPECT_LT(worst, 1e-4) << "prefix '" << c.prefix << "' dtype " << c.dtype << " n_tok " << n
                               << ": max |got - expected| = " << worst;
    }
    enc_free(m);
}

INSTANTIATE_TEST_SUITE_P(ModelCheckpoints, ModelEncoderTiny,
                         ::testing::Values(TinyCase{"", "F32", false}, TinyCase{"bert.", "F16", false},
                                           TinyCase{"bert.", "BF16", true}, TinyCase{"", "F32", true}),
                         [](const ::testing::TestParamInfo<TinyCase> &i) {
                             return std::string(i.param.dtype) +
                                    (*i.param.prefix ? "_bert_prefix" : "_no_prefix") +
                                    (i.param.gamma_beta ? "_gamma_beta" : "");
                         });

TEST(ModelEncoder, WeightProblemsNameTheTensor)
{
    char err[kErr] = "";
    { // wrong shape
        TinyBert tb;
        tb.build("", "F32", false);
        for (auto &t : tb.tensors)
            if (t.name == "encoder.layer.1.intermediate.dense.weight") t.shape = {tb.H, tb.I};
        TempDir td("model");
        std::string dir = write_tiny(td, tb);
        EXPECT_EQ(enc_load(dir.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find("tensor 'encoder.layer.1.intermediate.dense.weight' has "
                                        "shape [12, 20], expected [20, 12]"),
                  std::string::npos)
            << err;
    }
    { // missing tensor
        TinyBert tb;
        tb.build("bert.", "F32", false);
        for (auto &t : tb.tensors)
            if (t.name == "bert.encoder.layer.0.attention.self.key.bias") t.name = "renamed";
        TempDir td("model");
        std::string dir = write_tiny(td, tb);
        EXPECT_EQ(enc_load(dir.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find("tensor 'bert.encoder.layer.0.attention.self.key.bias' "
                                        "not found"),
                  std::string::npos)
            << err;
    }
    { // config that does not match the weights (and would need a 4 GB table)
        TinyBert tb;
        tb.build("", "F32", false);
        TempDir td("model");
        std::string dir = write_tiny(td, tb);
        std::string cfg = kTinyConfig;
        const std::string key = "\"vocab_size\": 30";
        cfg.replace(cfg.find(key), key.size(), "\"vocab_size\": 90000000");
        write_file(dir + "/config.json", cfg);
        EXPECT_EQ(enc_load(dir.c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find("tensor 'embeddings.word_embeddings.weight' has shape "
                                        "[30, 12], expected [90000000, 12]"),
                  std::string::npos)
            << err;
    }
    { // not a BERT file at all
        TempDir td("model");
        write_file(td.file("config.json"), kTinyConfig);
        write_file(td.file("model.safetensors"), st_bytes({{"x", "F32", {1}, f32_bytes({1})}}));
        EXPECT_EQ(enc_load(td.path().c_str(), err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find("no BERT word embeddings found"), std::string::npos) << err;
    }
    { // missing directory
        EXPECT_EQ(enc_load("/nonexistent/model", err, sizeof err), nullptr);
        EXPECT_NE(std::string(err).find("/nonexistent/model/config.json: cannot open"), std::string::npos)
            << err;
    }
}

struct HookLog {
    int calls = 0, observed = 0, fail_at = -1;
    bool shapes_ok = true;
};

int counting_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                  const float *V, float *O)
{
    auto *log = static_cast<HookLog *>(ctx);
    if (log->calls++ == log->fail_at) return 7;
    if (d != 4 || n_tok != 5 || layer < 0 || layer > 1 || head < 0 || head > 2) log->shapes_ok = false;
    return enc_attn_float(nullptr, layer, head, n_tok, d, Q, K, V, O);
}

int observer(void *ctx, int layer, int n_tok, int hidden, const float *attn, const float *hs)
{
    auto *log = static_cast<HookLog *>(ctx);
    if (layer != log->observed || n_tok != 5 || hidden != 12 || !attn || !hs) log->shapes_ok = false;
    log->observed++;
    return 0;
}

TEST(ModelEncoder, AttentionHookAndObserver)
{
    TinyBert tb;
    tb.build("", "F32", false);
    TempDir td("model");
    std::string dir = write_tiny(td, tb);
    char err[kErr] = "";
    enc_model *m = enc_load(dir.c_str(), err, sizeof err);
    ASSERT_NE(m, nullptr) << err;
    std::vector<int32_t> ids = {1, 5, 9, 2, 3};
    std::vector<float> plain(12), hooked(12);
    ASSERT_EQ(enc_embed(m, ids.data(), 5, nullptr, plain.data(), err, sizeof err), 0) << err;
    HookLog log;
    enc_hooks hk = {counting_attn, &log, observer, &log, nullptr};
    ASSERT_EQ(enc_embed(m, ids.data(), 5, &hk, hooked.data(), err, sizeof err), 0) << err;
    EXPECT_EQ(log.calls, 2 * 3); // layers x heads
    EXPECT_EQ(log.observed, 2);
    EXPECT_TRUE(log.shapes_ok);
    EXPECT_EQ(plain, hooked); // the float hook is the default path
    double norm = 0;
    for (float v : plain) norm += v * v;
    EXPECT_NEAR(norm, 1.0, 1e-5);

    HookLog failing;
    failing.fail_at = 4; // layer 1, head 1
    enc_hooks bad = {counting_attn, &failing, nullptr, nullptr, nullptr};
    EXPECT_EQ(enc_embed(m, ids.data(), 5, &bad, hooked.data(), err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("attention hook failed at layer 1 head 1"), std::string::npos) << err;
    EXPECT_NE(std::string(err).find("returned 7"), std::string::npos) << err;

    std::vector<int32_t> bad_ids = {1, 30};
    EXPECT_EQ(enc_embed(m, bad_ids.data(), 2, nullptr, hooked.data(), err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("token 1 has id 30 (allowed: 0..29)"), std::string::npos) << err;
    EXPECT_EQ(enc_embed(m, ids.data(), 0, nullptr, hooked.data(), err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("0 tokens (allowed: 1..20"), std::string::npos) << err;
    std::vector<int32_t> many(21, 1);
    EXPECT_EQ(enc_embed(m, many.data(), 21, nullptr, hooked.data(), err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("21 tokens (allowed: 1..20"), std::string::npos) << err;
    enc_free(m);
}

TEST(ModelEncoder, FloatAttentionEdgeCases)
{
    // one token: O = V
    float q[2] = {3, -1}, k[2] = {0.5f, 2}, v[2] = {7, -8}, o[2];
    ASSERT_EQ(enc_attn_float(nullptr, 0, 0, 1, 2, q, k, v, o), 0);
    EXPECT_FLOAT_EQ(o[0], 7);
    EXPECT_FLOAT_EQ(o[1], -8);
    // zero queries: uniform weights, O = mean of V
    float Q[6] = {0}, K[6] = {1, 2, 3, 4, 5, 6}, V[6] = {1, 10, 2, 20, 6, 60}, O[6];
    ASSERT_EQ(enc_attn_float(nullptr, 0, 0, 3, 2, Q, K, V, O), 0);
    for (int i = 0; i < 3; i++) {
        EXPECT_FLOAT_EQ(O[2 * i], 3);
        EXPECT_FLOAT_EQ(O[2 * i + 1], 30);
    }
    // large scores do not overflow (max subtracted)
    float Qb[4] = {1000, 0, 1000, 0}, Kb[4] = {1000, 0, -1000, 0}, Vb[4] = {1, 0, 0, 1}, Ob[4];
    ASSERT_EQ(enc_attn_float(nullptr, 0, 0, 2, 2, Qb, Kb, Vb, Ob), 0);
    for (int i = 0; i < 2; i++) {
        EXPECT_FLOAT_EQ(Ob[2 * i], 1);
        EXPECT_FLOAT_EQ(Ob[2 * i + 1], 0);
    }
    EXPECT_NE(enc_attn_float(nullptr, 0, 0, 0, 2, Q, K, V, O), 0);
}

TEST(ModelEncoder, ModelDirFromEnvironment)
{
    const char *old = getenv("HADGEN_MODEL");
    std::string saved = old ? old : "";
    char dir[4096], err[kErr] = "";
    setenv("HADGEN_MODEL", "/nonexistent/place", 1);
    EXPECT_EQ(enc_model_dir(dir, sizeof dir, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("HADGEN_MODEL=/nonexistent/place: no config.json there"),
              std::string::npos)
        << err;
    TempDir td("model");
    write_file(td.file("config.json"), kTinyConfig);
    setenv("HADGEN_MODEL", td.path().c_str(), 1);
    EXPECT_EQ(enc_model_dir(dir, sizeof dir, err, sizeof err), 0) << err;
    EXPECT_EQ(std::string(dir), td.path());
    if (old)
        setenv("HADGEN_MODEL", saved.c_str(), 1);
    else
        unsetenv("HADGEN_MODEL");
}

// ------------------------------------------------------------------ all-MiniLM-L6-v2

// Loads the reference JSON and the real model once for the MiniLM tests.
class ModelMiniLM : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        std::string text = read_file(ref_path());
        ref_ = cJSON_Parse(text.c_str());
        char err[kErr] = "";
        char dir[4096];
        if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0) {
            load_err_ = err;
            return;
        }
        std::string vocab = std::string(dir) + "/vocab.txt";
        vocab_ = tok_load(vocab.c_str(), err, sizeof err);
        if (vocab_) model_ = enc_load(dir, err, sizeof err);
        if (!vocab_ || !model_) load_err_ = err;
    }
    static void TearDownTestSuite()
    {
        enc_free(model_);
        tok_free(vocab_);
        cJSON_Delete(ref_);
        model_ = nullptr;
        vocab_ = nullptr;
        ref_ = nullptr;
    }
    void SetUp() override
    {
        ASSERT_NE(ref_, nullptr) << "cannot read or parse " << ref_path();
        ASSERT_TRUE(model_ && vocab_) << load_err_;
    }
    static std::vector<int32_t> ref_ids(const cJSON *e)
    {
        std::vector<int32_t> ids;
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(e, "ids"))
            ids.push_back(static_cast<int32_t>(it->valueint));
        return ids;
    }
    static enc_model *model_;
    static tok_vocab *vocab_;
    static cJSON *ref_;
    static std::string load_err_;
};
enc_model *ModelMiniLM::model_ = nullptr;
tok_vocab *ModelMiniLM::vocab_ = nullptr;
cJSON *ModelMiniLM::ref_ = nullptr;
std::string ModelMiniLM::load_err_;

TEST_F(ModelMiniLM, ConfigIsAllMiniLML6)
{
    const bcfg_config *c = enc_config(model_);
    EXPECT_EQ(c->hidden, 384);
    EXPECT_EQ(c->n_heads, 12);
    EXPECT_EQ(c->head_dim, 32);
    EXPECT_EQ(c->n_layers, 6);
    EXPECT_EQ(tok_size(vocab_), c->vocab_size);
}

TEST_F(ModelMiniLM, TokenIdsEqualReference)
{
    int checked = 0;
    for (const char *key : {"embed", "tokenize"}) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(ref_, key))
        {
            const char *text = cJSON_GetObjectItem(e, "text")->valuestring;
            std::vector<int32_t> want = ref_ids(e), got = encode(vocab_, text);
            EXPECT_EQ(got, want) << "text: \"" << text << "\"";
            checked++;
        }
    }
    EXPECT_GE(checked, 300);
}

TEST_F(ModelMiniLM, FloatEmbeddingsMatchReference)
{
    const int h = enc_config(model_)->hidden;
    double worst = 1.0, ms = 0, max_abs = 0;
    int n = 0, toks = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(ref_, "embed"))
    {
        const char *text = cJSON_GetObjectItem(e, "text")->valuestring;
        std::vector<int32_t> ids = encode(vocab_, text);
        std::vector<float> want, got(static_cast<size_t>(h));
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(e, "embedding"))
            want.push_back(static_cast<float>(it->valuedouble));
        ASSERT_EQ(want.size(), static_cast<size_t>(h));
        char err[kErr] = "";
        auto t0 = std::chrono::steady_clock::now();
        ASSERT_EQ(
            enc_embed(model_, ids.data(), static_cast<int>(ids.size()), nullptr, got.data(), err, sizeof err),
            0)
            << err;
        ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        double ab = 0, aa = 0, bb = 0;
        for (size_t i = 0; i < static_cast<size_t>(h); i++) {
            ab += static_cast<double>(got[i]) * want[i];
            aa += static_cast<double>(got[i]) * got[i];
            bb += static_cast<double>(want[i]) * want[i];
            max_abs = std::max(max_abs, std::fabs(static_cast<double>(got[i]) - want[i]));
        }
        double cos = ab / std::sqrt(aa * bb);
        EXPECT_GE(cos, 0.9999) << "text: \"" << text << "\" (" << ids.size() << " tokens)";
        EXPECT_NEAR(enc_cosine(got.data(), want.data(), h), cos, 1e-6);
        worst = std::min(worst, cos);
        n++;
        toks += static_cast<int>(ids.size());
    }
    EXPECT_EQ(n, 8);
    printf("[ MiniLM   ] %d sentences, %.1f tokens avg: min cosine vs reference %.9f "
           "(1 - cos = %.1e), max |difference| %.1e, %.2f ms/sentence\n",
           n, static_cast<double>(toks) / n, worst, 1.0 - worst, max_abs, ms / n);
}

// A sentence embedded again and again gives the same bits each time (no state kept between
// calls). The time it prints is for the log only: speed is measured by a benchmark (hadrun
// --backend float --repeat N, the median wall time; docs/run.md), not by a timed unit test.
TEST_F(ModelMiniLM, RepeatedSentenceGivesTheSameEmbedding)
{
    std::vector<int32_t> ids =
        encode(vocab_, "The quick brown fox jumps over the lazy dog while the farmer watches "
                       "from the old wooden gate.");
    ASSERT_GE(ids.size(), 18u);
    const size_t hid = static_cast<size_t>(enc_config(model_)->hidden);
    std::vector<float> first(hid), emb(hid);
    char err[kErr] = "";
    const int reps = 5;
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; r++) {
        ASSERT_EQ(enc_embed(model_, ids.data(), static_cast<int>(ids.size()), nullptr,
                            (r ? emb : first).data(), err, sizeof err),
                  0)
            << err;
        if (r) {
            EXPECT_EQ(memcmp(first.data(), emb.data(), hid * sizeof(float)), 0) << "repeat " << r;
        }
    }
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
    printf("[ MiniLM   ] %zu tokens: %.2f ms per sentence\n", ids.size(), ms);
}

} // namespace
