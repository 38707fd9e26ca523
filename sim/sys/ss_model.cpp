// ss_model.cpp — the system model: H instances of one generated core (verilated with
// verilator --sc, so cycle-accurate), each with a double-buffered on-chip K/V buffer, query
// and output buffers and three DMA engines, all sharing one DRAM channel (TLM-2.0 target,
// ss_dram.h). Built per core configuration by ss_build.sh; the C host (ss_sys.c) runs it as a
// process and sends it attention layers (ss_proto.h). docs/system.md describes the model.
//
// Per head, on the core instance head % H: the K/V engine fetches K then V into a free bank
// of the K/V buffer (the next head's while the current head's queries run); the core takes
// its configuration writes, then loads K/V from the bank (a beat of --load-width keys a
// cycle at most), which frees it;
// the Q engine streams the head's queries into the query buffer as it drains; outputs go to
// the output buffer and the O engine writes them back.
#include "Vhg.h"
#include "ss_dram.h"
#include "ss_proto.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <getopt.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

using namespace sc_core;

namespace
{

// ---- parameters -------------------------------------------------------------------------

struct params {
    // the core (from its configuration, given by the host)
    int d = 0, kb = 0, vb = 0, ow = 0, p = 0, n = 0, r = 0, norm = 0, l = 0; // vb: bytes of a packed V row
    int lw = 1;                                                              // keys per K/V load beat
    // the system
    int cores = 1;
    double clock_mhz = 100.0;
    ss_dram_params dram = {};
    long kv_buffer = 0; // bytes per core instance, both banks
    long q_buffer = 0;  // bytes per core instance
    long o_buffer = 0;  // bytes per core instance
    long chunk = 256;   // bytes per DMA request
    double sram_pj_bit = 0.1;
};

[[noreturn]] void die(const char *fmt, const char *a, const char *b)
{
    std::fprintf(stderr, "hgsys-model: ");
    std::fprintf(stderr, fmt, a, b);
    std::fprintf(stderr, "\n");
    std::exit(2);
}

double num(const char *opt, const char *s)
{
    char *end = nullptr;
    errno = 0;
    double v = std::strtod(s, &end);
    if (errno || end == s || *end) die("--%s '%s': not a number", opt, s);
    return v;
}

params parse(int argc, char **argv)
{
    params P;
    static const option opts[] = {
        {"d", 1, 0, 'd'},          {"key-bytes", 1, 0, 'k'},    {"value-bytes", 1, 0, 'v'},
        {"out-width", 1, 0, 'w'},  {"lanes", 1, 0, 'p'},        {"load-width", 1, 0, 'b'},
        {"top-n", 1, 0, 'n'},      {"av-slots", 1, 0, 'r'},     {"norm-cycles", 1, 0, 'm'},
        {"max-keys", 1, 0, 'l'},   {"cores", 1, 0, 'c'},        {"clock-mhz", 1, 0, 'f'},
        {"dram-name", 1, 0, 'N'},  {"dram-gbps", 1, 0, 'B'},    {"dram-latency-ns", 1, 0, 'T'},
        {"dram-burst", 1, 0, 'U'}, {"dram-pj-read", 1, 0, 'R'}, {"dram-pj-write", 1, 0, 'W'},
        {"kv-buffer", 1, 0, 'K'},  {"q-buffer", 1, 0, 'Q'},     {"o-buffer", 1, 0, 'O'},
        {"chunk", 1, 0, 'C'},      {"sram-pj-bit", 1, 0, 'S'},  {0, 0, 0, 0}};
    static std::string dram_name = "custom";
    P.dram.name = dram_name.c_str();
    P.dram.source = "";
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, nullptr)) != -1) {
        const char *o = "";
        for (const option *x = opts; x->name; x++)
            if (x->val == ch) o = x->name;
        switch (ch) {
        case 'd': P.d = (int)num(o, optarg); break;
        case 'k': P.kb = (int)num(o, optarg); break;
        case 'v': P.vb = (int)num(o, optarg); break;
        case 'w': P.ow = (int)num(o, optarg); break;
        case 'p': P.p = (int)num(o, optarg); break;
        case 'b': P.lw = (int)num(o, optarg); break;
        case 'n': P.n = (int)num(o, optarg); break;
        case 'r': P.r = (int)num(o, optarg); break;
        case 'm': P.norm = (int)num(o, optarg); break;
        case 'l': P.l = (int)num(o, optarg); break;
        case 'c': P.cores = (int)num(o, optarg); break;
        case 'f': P.clock_mhz = num(o, optarg); break;
        case 'N':
            dram_name = optarg;
            P.dram.name = dram_name.c_str();
            break;
        case 'B': P.dram.gbytes_s = num(o, optarg); break;
        case 'T': P.dram.latency_ns = num(o, optarg); break;
        case 'U': P.dram.burst = (uint32_t)num(o, optarg); break;
        case 'R': P.dram.pj_bit_read = num(o, optarg); break;
        case 'W': P.dram.pj_bit_write = num(o, optarg); break;
        case 'K': P.kv_buffer = (long)num(o, optarg); break;
        case 'Q': P.q_buffer = (long)num(o, optarg); break;
        case 'O': P.o_buffer = (long)num(o, optarg); break;
        case 'C': P.chunk = (long)num(o, optarg); break;
        case 'S': P.sram_pj_bit = num(o, optarg); break;
        default: die("bad option (%s%s); the C host (ss_sys.c) starts this program", "", "");
        }
    }
    char err[256];
    if (ss_dram_check(&P.dram, err, sizeof err) != 0) die("%s%s", err, "");
    if (P.d < 8 || P.kb < 1 || P.vb < 1 || P.ow < 1 || P.p < 1 || P.lw < 1 || P.lw > P.p || P.n < 1 ||
        P.r < 1 || P.norm < 0 || P.l < 1 || P.cores < 1 || P.cores > 64 || !(P.clock_mhz > 0) ||
        P.kv_buffer < 2 || P.q_buffer < P.kb || P.o_buffer < 1 || P.chunk < 1)
        die("inconsistent parameters (%s%s); the C host (ss_sys.c) checks them first", "", "");
    return P;
}

// ---- the layer ---------------------------------------------------------------------------

struct head_job {
    ss_head_hdr h{};
    std::vector<ss_reg> regs;
    size_t early_sent = 0; // of the first h.n_early regs, those sent while the previous head ran
    std::vector<uint8_t> k, v, q;
    std::vector<int32_t> out;
};

struct counters {
    uint64_t busy = 0, load = 0, wait = 0, sram_rd = 0, sram_wr = 0, bytes_k = 0, bytes_v = 0, bytes_q = 0,
             bytes_o = 0;
};

// The DRAM channel as a TLM-2.0 target: timing and energy only (the data stays where the host
// put it; the DMA engines pass pointers). The extension reports when the channel frees.
struct dram_ext : tlm::tlm_extension<dram_ext> {
    double free_ns = 0;
    tlm_extension_base *clone() const override { return new dram_ext(*this); }
    void copy_from(const tlm_extension_base &e) override
    {
        free_ns = static_cast<const dram_ext &>(e).free_ns;
    }
};

SC_MODULE(dram_target)
{
    tlm_utils::multi_passthrough_target_socket<dram_target> sock;
    ss_dram m;

    dram_target(sc_module_name nm, const ss_dram_params &p) : sc_module(nm), sock("sock")
    {
        ss_dram_init(&m, &p);
        sock.register_b_transport(this, &dram_target::b_transport);
    }

    void b_transport(int, tlm::tlm_generic_payload &t, sc_time &delay)
    {
        double now = sc_time_stamp().to_seconds() * 1e9;
        ss_dram_access_t a = ss_dram_access(&m, now + delay.to_seconds() * 1e9, t.get_data_length(),
                                            t.get_command() == tlm::TLM_WRITE_COMMAND);
        dram_ext *e = nullptr;
        t.get_extension(e);
        if (e) e->free_ns = a.free_ns;
        delay = sc_time(a.done_ns - now, SC_NS);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// Port value <-> 32-bit words, for each type Verilator gives a port.
template <class T> struct port_type;
template <class T> struct port_type<sc_in<T> &> {
    using type = T;
};
template <class T> struct port_type<sc_out<T> &> {
    using type = T;
};
#define SIG(port) sc_signal<port_type<decltype(Vhg::port)>::type>

inline void from_words(bool &x, const uint32_t *w) { x = w[0] & 1u; }
inline void from_words(uint32_t &x, const uint32_t *w) { x = w[0]; }
inline void from_words(uint64_t &x, const uint32_t *w) { x = w[0] | (uint64_t)w[1] << 32; }
template <int W> void from_words(sc_dt::sc_bv<W> &x, const uint32_t *w)
{
    for (int i = 0; i < (W + 31) / 32; i++) x.set_word(i, w[i]);
}
inline void to_words(const uint32_t &x, uint32_t *w) { w[0] = x; }
inline void to_words(const uint64_t &x, uint32_t *w)
{
    w[0] = (uint32_t)x;
    w[1] = (uint32_t)(x >> 32);
}
template <int W> void to_words(const sc_dt::sc_bv<W> &x, uint32_t *w)
{
    for (int i = 0; i < (W + 31) / 32; i++) w[i] = x.get_word(i);
}

// 32-bit words of a port's value type
template <class T> struct words_of {
    static const size_t n = 2;
};
template <int W> struct words_of<sc_dt::sc_bv<W>> {
    static const size_t n = (W + 31) / 32;
};

// Drives nb bytes onto a port, the bits above them zero.
template <class S> void put_bytes(S &sig, const uint8_t *b, size_t nb)
{
    using T = typename std::decay<decltype(sig.read())>::type;
    static std::vector<uint32_t> w;
    w.assign(std::max(words_of<T>::n, nb / 4 + 1), 0u);
    std::memcpy(w.data(), b, nb);
    T x;
    from_words(x, w.data());
    sig.write(x);
}

// ---- one core instance with its buffers and DMA engines -------------------------------

SC_MODULE(core_unit)
{
    const params &P;
    sc_clock &clk;
    Vhg core;
    SIG(rst_ni) rst_n;
    SIG(cfg_valid_i) cfg_valid;
    SIG(cfg_ready_o) cfg_ready;
    SIG(cfg_addr_i) cfg_addr;
    SIG(cfg_data_i) cfg_data;
    SIG(kv_valid_i) kv_valid;
    SIG(kv_ready_o) kv_ready;
    SIG(kv_k_i) kv_k;
    SIG(kv_v_i) kv_v;
    SIG(q_valid_i) q_valid;
    SIG(q_ready_o) q_ready;
    SIG(q_data_i) q_data;
    SIG(o_valid_o) o_valid;
    SIG(o_ready_i) o_ready;
    SIG(o_data_o) o_data;
    tlm_utils::simple_initiator_socket<core_unit> kv_sock, q_sock, o_sock;

    // this layer's work
    std::vector<head_job *> heads;
    unsigned layer = 0;
    sc_event start_ev, done_ev;
    bool done = true;
    counters c;
    double period_ns;
    // K/V buffer: two banks
    struct bank {
        int item = -1;
        bool ready = false;
    } banks[2];
    sc_event bank_ev;
    // query buffer, a byte stream: arrivals (time, bytes of the head complete by then) and the
    // bytes the core has taken
    std::deque<std::pair<double, uint64_t>> q_pending;
    int q_item = -1;
    uint64_t q_consumed = 0;
    sc_event q_ev;
    // output buffer, a byte stream: bytes held, their limit, bytes of one output; outputs of the
    // layer and bytes written so far
    uint64_t o_held = 0, o_total = 0, o_written = 0;
    int o_bytes = 1;
    sc_event o_ev;

    SC_HAS_PROCESS(core_unit);
    core_unit(sc_module_name nm, const params &p, sc_clock &ck)
        : sc_module(nm), P(p), clk(ck), core("core"), kv_sock("kv_sock"), q_sock("q_sock"), o_sock("o_sock")
    {
        core.clk_i(clk);
        core.rst_ni(rst_n);
        core.cfg_valid_i(cfg_valid);
        core.cfg_ready_o(cfg_ready);
        core.cfg_addr_i(cfg_addr);
        core.cfg_data_i(cfg_data);
        core.kv_valid_i(kv_valid);
        core.kv_ready_o(kv_ready);
        core.kv_k_i(kv_k);
        core.kv_v_i(kv_v);
        core.q_valid_i(q_valid);
        core.q_ready_o(q_ready);
        core.q_data_i(q_data);
        core.o_valid_o(o_valid);
        core.o_ready_i(o_ready);
        core.o_data_o(o_data);
        period_ns = 1e3 / P.clock_mhz;
        o_bytes = (P.d * P.ow + 7) / 8;
        SC_THREAD(drive);
        SC_THREAD(kv_engine);
        SC_THREAD(q_engine);
        SC_THREAD(o_engine);
    }

    void begin(unsigned id)
    {
        layer = id;
        c = counters();
        done = heads.empty();
        banks[0] = banks[1] = bank();
        q_pending.clear();
        q_item = -1;
        o_total = 0;
        for (head_job *h : heads) o_total += (uint64_t)h->h.n_queries * (uint64_t)o_bytes;
        o_held = o_written = 0;
        start_ev.notify(SC_ZERO_TIME);
    }

    double now_ns() const { return sc_time_stamp().to_seconds() * 1e9; }
    void wait_until(double t_ns)
    {
        double dt = t_ns - now_ns();
        if (dt > 0) wait(sc_time(dt, SC_NS));
    }
    uint64_t cycles_since(double t0) const { return (uint64_t)std::llround((now_ns() - t0) / period_ns); }

    // Moves n bytes between DRAM and a buffer in requests of at most P.chunk bytes, each issued
    // when the channel frees. Returns when the data of the last request is complete.
    double transfer(tlm_utils::simple_initiator_socket<core_unit> & s, const uint8_t *data, uint64_t n,
                    bool write)
    {
        double last = now_ns();
        for (uint64_t off = 0; off < n;) {
            uint64_t len = std::min<uint64_t>((uint64_t)P.chunk, n - off);
            tlm::tlm_generic_payload t;
            dram_ext e;
            t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            t.set_address(off);
            t.set_data_ptr(const_cast<uint8_t *>(data + off));
            t.set_data_length((unsigned)len);
            t.set_streaming_width((unsigned)len);
            t.set_extension(&e);
            sc_time delay = SC_ZERO_TIME;
            s->b_transport(t, delay);
            t.clear_extension(&e);
            last = now_ns() + delay.to_seconds() * 1e9;
            off += len;
            wait_until(e.free_ns);
        }
        return last;
    }

    void wait_layer(unsigned &seen)
    {
        while (seen == layer) wait(start_ev);
        seen = layer;
    }

    void kv_engine()
    {
        unsigned seen = 0;
        for (;;) {
            wait_layer(seen);
            for (int i = 0; i < (int)heads.size(); i++) {
                bank &b = banks[i % 2];
                while (b.item >= 0) wait(bank_ev);
                b.item = i;
                b.ready = false;
                head_job &h = *heads[i];
                size_t nk = h.h.n_keys;
                double tk = transfer(kv_sock, h.k.data(), nk * P.kb, false);
                double tv = transfer(kv_sock, h.v.data(), nk * P.vb, false);
                wait_until(std::max(tk, tv));
                c.bytes_k += nk * P.kb;
                c.bytes_v += nk * P.vb;
                c.sram_wr += 8 * nk * (uint64_t)(P.kb + P.vb);
                b.ready = true;
                bank_ev.notify(SC_ZERO_TIME);
            }
        }
    }

    // Streams each head's queries into the query buffer in requests of P.chunk bytes (fewer
    // only at the end of the head or for a smaller buffer), each once the buffer has room for
    // it; a query is usable once all its bytes have arrived.
    void q_engine()
    {
        unsigned seen = 0;
        uint64_t cap = (uint64_t)P.q_buffer;
        for (;;) {
            wait_layer(seen);
            for (int i = 0; i < (int)heads.size(); i++) {
                while (q_item != i) wait(q_ev);
                head_job &h = *heads[i];
                uint64_t total = (uint64_t)h.h.n_queries * (uint64_t)P.kb, issued = 0;
                while (issued < total) {
                    // a full request at a time (a chunk, or what is left, or the whole buffer):
                    // refilling a few bytes as the core drains them would round each to a burst
                    uint64_t m = std::min({(uint64_t)P.chunk, total - issued, cap});
                    while (cap - (issued - q_consumed) < m) wait(q_ev);
                    double t = transfer(q_sock, h.q.data() + issued, m, false);
                    issued += m;
                    q_pending.emplace_back(t, issued);
                    c.bytes_q += m;
                    c.sram_wr += 8 * m;
                    q_ev.notify(SC_ZERO_TIME);
                }
            }
        }
    }

    // Writes the output buffer back in requests of P.chunk bytes, and what is left once the
    // layer's last output is in it.
    void o_engine()
    {
        unsigned seen = 0;
        uint64_t chunk = (uint64_t)P.chunk;
        static const uint8_t none[1] = {0}; // timing only: the outputs go to the host directly
        for (;;) {
            wait_layer(seen);
            while (o_written < o_total) {
                while (o_held == 0 || (o_held < chunk && o_written + o_held < o_total &&
                                       o_held + (uint64_t)o_bytes <= (uint64_t)P.o_buffer))
                    wait(o_ev);
                uint64_t m = std::min(o_held, chunk);
                transfer(o_sock, none, m, true);
                o_held -= m;
                o_written += m;
                c.bytes_o += m;
                c.sram_rd += 8 * m;
                o_ev.notify(SC_ZERO_TIME);
            }
            done = true;
            done_ev.notify(SC_ZERO_TIME);
        }
    }

    // Offers one beat: valid high from the next edge until a rising edge sees ready.
    template <class V, class R> void beat(V & valid, R & ready)
    {
        valid.write(true);
        do {
            wait(clk.posedge_event());
            c.busy++;
        } while (!ready.read());
        valid.write(false);
    }

    // A head's configuration and K/V load: n_k's write (the first after the early ones; it
    // restarts the load) alone, then the early writes the previous head's queries left (a
    // shadow exp table, ss_proto.h) and the other registers beside the load beats, a write and a
    // beat offered in the same cycle where both remain: the core takes both at once (docs/spec.md
    // section 6), so HAD's exp table streams in beside the keys instead of before them.
    void load(head_job & h)
    {
        size_t ne = h.h.n_early, nr = h.regs.size();
        std::vector<const ss_reg *> rest;
        for (size_t i = h.early_sent; i < ne; i++) rest.push_back(&h.regs[i]);
        for (size_t i = ne + 1; i < nr; i++) rest.push_back(&h.regs[i]);
        if (ne < nr) {
            cfg_addr.write(h.regs[ne].addr);
            cfg_data.write(h.regs[ne].data);
            beat(cfg_valid, cfg_ready);
        }
        size_t ri = 0;
        uint32_t j = 0, nk = h.h.n_keys, shown = UINT32_MAX;
        while (ri < rest.size() || j < nk) {
            bool cv = ri < rest.size(), kv = j < nk;
            if (cv) {
                cfg_addr.write(rest[ri]->addr);
                cfg_data.write(rest[ri]->data);
            }
            if (kv && shown != j) {
                size_t m = std::min<size_t>((size_t)P.lw, nk - j); // the last beat's rest: zero
                put_bytes(kv_k, h.k.data() + (size_t)j * P.kb, m * (size_t)P.kb);
                put_bytes(kv_v, h.v.data() + (size_t)j * P.vb, m * (size_t)P.vb);
                shown = j;
            }
            cfg_valid.write(cv);
            kv_valid.write(kv);
            wait(clk.posedge_event());
            c.busy++;
            if (cv && cfg_ready.read()) ri++;
            if (kv && kv_ready.read()) j += (uint32_t)P.lw;
        }
        h.early_sent = ne;
        cfg_valid.write(false);
        kv_valid.write(false);
    }

    void drive()
    {
        rst_n.write(false);
        wait(clk.posedge_event());
        wait(clk.posedge_event());
        rst_n.write(true);
        unsigned seen = 0;
        for (;;) {
            wait_layer(seen);
            for (int i = 0; i < (int)heads.size(); i++) {
                head_job &h = *heads[i];
                bank &b = banks[i % 2];
                double t0 = now_ns();
                while (!(b.item == i && b.ready)) wait(bank_ev);
                wait(clk.posedge_event());
                c.wait += std::max<uint64_t>(1, cycles_since(t0)) - 1;
                q_item = i;
                q_consumed = 0;
                q_ev.notify(SC_ZERO_TIME);
                uint64_t busy0 = c.busy;
                load(h);
                c.load += c.busy - busy0;
                c.sram_rd += 8ull * h.h.n_keys * (uint64_t)(P.kb + P.vb);
                b.item = -1; // the core holds K/V now: the bank takes the next head
                bank_ev.notify(SC_ZERO_TIME);
                queries(h, i + 1 < (int)heads.size() ? heads[i + 1] : nullptr);
            }
        }
    }

    // The head's queries; beside them the next head's early writes (a shadow exp table), one a
    // cycle, as far as they go before the last output.
    void queries(head_job & h, head_job * next)
    {
        int nq = (int)h.h.n_queries, qi = 0, oi = 0, avail = 0, shown = -1;
        uint64_t ob = (uint64_t)o_bytes;
        bool qv_was = false, cv_was = false;
        while (oi < nq) {
            bool cv = next && next->early_sent < next->h.n_early;
            if (cv) {
                cfg_addr.write(next->regs[next->early_sent].addr);
                cfg_data.write(next->regs[next->early_sent].data);
            }
            if (cv != cv_was) cfg_valid.write(cv);
            cv_was = cv;
            while (!q_pending.empty() && q_pending.front().first <= now_ns() + 1e-9) {
                avail = (int)(q_pending.front().second / (uint64_t)P.kb);
                q_pending.pop_front();
            }
            bool qv = qi < avail;
            if (qv && shown != qi) {
                put_bytes(q_data, h.q.data() + (size_t)qi * P.kb, (size_t)P.kb);
                shown = qi;
            }
            if (qv != qv_was) q_valid.write(qv);
            qv_was = qv;
            bool ordy = o_held + ob <= (uint64_t)P.o_buffer;
            o_ready.write(ordy);
            bool starved = !qv && qi == oi; // nothing in the core and no query here
            if (starved && !cv) {           // and no early write to send: wait for memory
                double t0 = now_ns();
                if (!q_pending.empty())
                    wait_until(q_pending.front().first);
                else
                    wait(q_ev);
                wait(clk.posedge_event());
                c.wait += std::max<uint64_t>(1, cycles_since(t0));
                continue;
            }
            wait(clk.posedge_event());
            bool took_q = qv && q_ready.read();
            bool ov = o_valid.read();
            if (cv && cfg_ready.read()) next->early_sent++;
            if ((ov && !ordy) || starved) // output buffer full, or memory (an early write may go in)
                c.wait++;
            else
                c.busy++;
            if (took_q) {
                qi++;
                q_consumed += (uint64_t)P.kb;
                c.sram_rd += 8ull * P.kb;
                q_ev.notify(SC_ZERO_TIME);
            }
            if (ov && ordy) {
                uint32_t w[2 + 256 * 20 / 32] = {0};
                to_words(o_data.read(), w);
                for (int e = 0; e < P.d; e++) {
                    int lo = e * P.ow;
                    uint64_t x = 0;
                    for (int bb = 0; bb < P.ow; bb++)
                        x |= (uint64_t)((w[(lo + bb) / 32] >> ((lo + bb) % 32)) & 1u) << bb;
                    if (x >> (P.ow - 1)) x |= ~0ull << P.ow;
                    h.out[(size_t)oi * P.d + e] = (int32_t)(int64_t)x;
                }
                oi++;
                o_held += ob;
                c.sram_wr += 8 * ob;
                o_ev.notify(SC_ZERO_TIME);
            }
        }
        q_valid.write(false);
        o_ready.write(false);
        cfg_valid.write(false);
    }
};

// ---- the system: cores, DRAM, and the host's layers ---------------------------------------

bool read_all(void *p, size_t n)
{
    uint8_t *b = static_cast<uint8_t *>(p);
    while (n) {
        ssize_t r = ::read(0, b, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

int reply_fd = 1; // the host's end; standard output itself goes to standard error (sc_main)

void write_all(const void *p, size_t n)
{
    const uint8_t *b = static_cast<const uint8_t *>(p);
    while (n) {
        ssize_t r = ::write(reply_fd, b, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) std::exit(3); // the host has gone
        b += r;
        n -= (size_t)r;
    }
}

SC_MODULE(system_top)
{
    const params &P;
    sc_clock clk;
    dram_target dram;
    std::vector<std::unique_ptr<core_unit>> units;
    std::vector<head_job> jobs;
    unsigned layer = 0;

    SC_HAS_PROCESS(system_top);
    system_top(sc_module_name nm, const params &p)
        : sc_module(nm), P(p), clk("clk", sc_time(1e6 / p.clock_mhz, SC_PS)), dram("dram", p.dram)
    {
        for (int i = 0; i < P.cores; i++) {
            std::string n = "core" + std::to_string(i);
            units.emplace_back(new core_unit(n.c_str(), P, clk));
            units.back()->kv_sock.bind(dram.sock);
            units.back()->q_sock.bind(dram.sock);
            units.back()->o_sock.bind(dram.sock);
        }
        SC_THREAD(host);
    }

    void reply_error(const std::string &msg)
    {
        ss_reply_hdr r = {SS_MAGIC, 1, (uint32_t)msg.size(), 0};
        write_all(&r, sizeof r);
        write_all(msg.data(), msg.size());
    }

    // Reads one layer; returns "" or what is wrong with it (the stream stays in step).
    bool read_layer(std::string & err)
    {
        ss_layer_hdr lh;
        if (!read_all(&lh, sizeof lh)) return false;
        if (lh.magic != SS_MAGIC || lh.version != SS_VERSION) {
            std::fprintf(stderr, "hgsys-model: bad message header\n");
            std::exit(3);
        }
        jobs.assign(lh.n_heads, head_job());
        for (head_job &j : jobs) {
            if (!read_all(&j.h, sizeof j.h)) return false;
            if (j.h.n_regs > 4096 || (j.h.n_early && j.h.n_early >= j.h.n_regs)) { // n_keys follows them
                std::fprintf(stderr, "hgsys-model: %u configuration writes, %u of them early\n", j.h.n_regs,
                             j.h.n_early);
                std::exit(3);
            }
            j.regs.resize(j.h.n_regs);
            j.k.resize((size_t)j.h.n_keys * P.kb);
            j.v.resize((size_t)j.h.n_keys * P.vb);
            j.q.resize((size_t)j.h.n_queries * P.kb);
            j.out.assign((size_t)j.h.n_queries * P.d, 0);
            if (!read_all(j.regs.data(), j.regs.size() * sizeof(ss_reg)) ||
                !read_all(j.k.data(), j.k.size()) || !read_all(j.v.data(), j.v.size()) ||
                !read_all(j.q.data(), j.q.size()))
                return false;
        }
        char buf[320];
        long bank = P.kv_buffer / 2;
        for (size_t i = 0; i < jobs.size() && err.empty(); i++) {
            const ss_head_hdr &h = jobs[i].h;
            long need = (long)h.n_keys * (P.kb + P.vb);
            if (h.n_keys < 1 || (int)h.n_keys > P.l)
                std::snprintf(buf, sizeof buf, "head %zu: %u keys; the core holds 1..%d (--max-keys)", i,
                              h.n_keys, P.l);
            else if (need > bank)
                std::snprintf(
                    buf, sizeof buf,
                    "head %zu: K and V of %u keys take %ld bytes, more than one bank of the K/V buffer"
                    " (%ld bytes of %ld); give a K/V buffer of at least %ld bytes",
                    i, h.n_keys, need, bank, P.kv_buffer, 2 * need);
            else
                continue;
            err = buf;
        }
        return true;
    }

    double roof_compute_ns() const
    {
        std::vector<double> per(units.size(), 0.0);
        for (size_t i = 0; i < jobs.size(); i++) {
            const ss_head_hdr &h = jobs[i].h;
            double nk = h.n_keys;
            double ii =
                std::max({std::ceil(nk / P.p), (double)P.norm, std::ceil(std::min<double>(P.n, nk) / P.r)});
            // n_k's write, then the other writes beside the load beats (load()); a core's later
            // heads send their early writes during the head before (queries())
            double regs = h.n_regs ? (double)h.n_regs - 1 : 0;
            if (i >= units.size()) regs -= h.n_early;
            per[i % units.size()] +=
                (h.n_regs ? 1.0 : 0.0) + std::max(regs, std::ceil(nk / P.lw)) + h.n_queries * ii;
        }
        return *std::max_element(per.begin(), per.end()) * 1e3 / P.clock_mhz;
    }

    void host()
    {
        for (;;) {
            std::string err;
            if (!read_layer(err)) {
                sc_stop();
                return;
            }
            if (!err.empty()) {
                reply_error(err);
                continue;
            }
            layer++;
            ss_dram before = dram.m;
            for (auto &u : units) u->heads.clear();
            for (size_t i = 0; i < jobs.size(); i++) units[i % units.size()]->heads.push_back(&jobs[i]);
            double t0 = sc_time_stamp().to_seconds() * 1e9;
            for (auto &u : units) u->begin(layer);
            for (auto &u : units)
                while (!u->done) wait(u->done_ev);
            double t1 = sc_time_stamp().to_seconds() * 1e9;
            ss_layer_stats st;
            std::memset(&st, 0, sizeof st);
            st.time_ns = t1 - t0;
            st.cycles = (uint64_t)std::llround(st.time_ns * P.clock_mhz / 1e3);
            for (auto &u : units) {
                st.core_busy += u->c.busy;
                st.core_load += u->c.load;
                st.core_wait += u->c.wait;
                st.bytes_k += u->c.bytes_k;
                st.bytes_v += u->c.bytes_v;
                st.bytes_q += u->c.bytes_q;
                st.bytes_o += u->c.bytes_o;
                st.sram_bits_read += u->c.sram_rd;
                st.sram_bits_written += u->c.sram_wr;
            }
            uint64_t all = st.cycles * units.size();
            st.core_idle = all > st.core_busy + st.core_wait ? all - st.core_busy - st.core_wait : 0;
            for (const head_job &j : jobs) {
                st.queries += j.h.n_queries;
                st.keys += j.h.n_keys;
                st.query_keys += (uint64_t)j.h.n_queries * j.h.n_keys;
            }
            st.heads = jobs.size();
            st.dram_requests = dram.m.requests - before.requests;
            st.dram_busy_ns = dram.m.busy_ns - before.busy_ns;
            ss_dram delta = dram.m;
            delta.bytes_rd -= before.bytes_rd;
            delta.bytes_wr -= before.bytes_wr;
            st.dram_pj = ss_dram_energy_pj(&delta);
            st.sram_pj = (double)(st.sram_bits_read + st.sram_bits_written) * P.sram_pj_bit;
            st.roof_compute_ns = roof_compute_ns();
            double bytes = (double)(st.bytes_k + st.bytes_v + st.bytes_q + st.bytes_o);
            st.roof_memory_ns = bytes / P.dram.gbytes_s + P.dram.latency_ns;
            ss_reply_hdr r = {SS_MAGIC, 0, 0, (uint32_t)jobs.size()};
            write_all(&r, sizeof r);
            for (const head_job &j : jobs) write_all(j.out.data(), j.out.size() * sizeof(int32_t));
            write_all(&st, sizeof st);
        }
    }
};

} // namespace

int sc_main(int argc, char **argv)
{
    // Replies go to the descriptor standard output was; whatever a library prints to standard
    // output (the SystemC banner) goes to standard error and cannot corrupt them.
    reply_fd = dup(1);
    if (reply_fd < 0 || dup2(2, 1) < 0) return 3;
    params P = parse(argc, argv);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    system_top top("sys", P);
    sc_start();
    return 0;
}
