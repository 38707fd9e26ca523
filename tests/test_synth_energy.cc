// Unit tests of the synthesis flow's arithmetic, without running Yosys or OpenSTA: cell power
// from simulated toggles, switched boundary capacitance, the memory
// model (docs/synth.md, "Memory model"), memory power over an activity window, energy per
// query at the flow clock and at Fmax, the node normalisation, the clock network and the model
// variables.
#include "sy_clock.h"
#include "sy_energy.h"
#include "sy_mem.h"
#include "sy_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace
{

// |got - want| within 1e-12 of want
void near(double got, double want, const char *what)
{
    EXPECT_NEAR(got, want, std::fabs(want) * 1e-12) << what;
}

// P = sum over cells of P0 + a (P1 - P0), a = toggles per output per cycle; cells without
// simulated outputs (black boxes, memories) are left out of every sum.
TEST(SynthEnergy, CellPowerFromSimulatedToggles)
{
    const sy_cell_act c[] = {
        {1e-6, 5e-6, 2e-7, 1, 50},   // a = 50 / 1 / 100 = 0.5: 1e-6 + 0.5 x 4e-6 = 3e-6
        {2e-6, 2e-6, 1e-7, 2, 0},    // no toggles, P1 = P0: 2e-6
        {9e-6, 9e-5, 9e-7, 0, 1000}, // a black box: left out
        {0, 1e-5, 0, 2, 400},        // a = 400 / 2 / 100 = 2 (glitching): 2e-5
    };
    sy_cells_power p = sy_cells_power_of(c, 4, 100.0);
    near(p.power_w, 3e-6 + 2e-6 + 2e-5, "power");
    near(p.leak_w, 2e-7 + 1e-7, "leakage");
    near(p.p0dyn_w, (1e-6 - 2e-7) + (2e-6 - 1e-7), "P0 less leakage");
    near(p.act_mean, (0.5 + 0 + 2) / 3, "mean activity");
    sy_cells_power none = sy_cells_power_of(c + 2, 1, 100.0);
    EXPECT_EQ(none.power_w, 0.0);
    EXPECT_EQ(none.act_mean, 0.0) << "no cell counted: mean 0, not NaN";
    // the activity scales with 1 / cycles: twice the window, half the dynamic part
    sy_cells_power half = sy_cells_power_of(c, 1, 200.0);
    near(half.power_w, 1e-6 + 0.25 * 4e-6, "power over twice the cycles");
}

// Boundary nets: C V^2 / 2 per toggle over the window (10 pF x toggles at 1.8 V over 100
// cycles of 10 ns: 0.5 x 3.24 x 1e-11 J / 1e-6 s).
TEST(SynthEnergy, SwitchedCapacitancePower)
{
    near(sy_switch_power_w(10.0, 1.8, 100, 10.0), 0.5 * 1.8 * 1.8 * 10e-12 / 1e-6, "10 pF toggles");
    EXPECT_EQ(sy_switch_power_w(0.0, 1.8, 100, 10.0), 0.0);
    near(sy_switch_power_w(10.0, 0.9, 100, 10.0), sy_switch_power_w(10.0, 1.8, 100, 10.0) / 4, "V^2");
}

TEST(SynthEnergy, MemoryModelFollowsItsFormula)
{
    sy_model_params m;
    sy_model_defaults(&m);
    m.mem.bus_k = 0; // the array alone (the bus: MemoryBusAndMacros)
    // 64 words x 32 bits, 8-bit writes, one read and one write port (8T cell), 180 nm:
    // cell 140 x 0.18^2 x 1.5 um^2, read = 32 (64 x 2 fF x 1.8 V x 0.2 V + 50 fJ)
    // + 32 x 1.5 fF x 1.8^2 + 6 x 100 fJ, write = 8 (64 x 2 + 1.5) fF x 1.8^2 + 6 x 100 fJ
    sy_mem_cost c = sy_mem_cost_of(&m.mem, 64, 32, 8, 1, 1);
    near(c.bits, 2048, "bits");
    near(c.area_um2, 2048 * 140 * 0.0324 * 1.5 / 0.6, "area");
    near(c.e_read_pj, 3.83008, "read energy");
    near(c.e_write_pj, 3.95664, "write energy");
    near(c.leak_uw, 2048 * 10e-12 * 1.8 * 1e6, "leakage");
    // one port: no 8T factor; a single word still has one address bit
    sy_mem_cost one = sy_mem_cost_of(&m.mem, 1, 8, 8, 1, 0);
    near(one.area_um2, 8 * 140 * 0.0324 / 0.6, "area of a 6T word");
    near(one.e_read_pj, (8 * (2.0 * 1.8 * 0.2 + 50) + 8 * 1.5 * 3.24 + 100) * 1e-3, "read of one word");
}

// A memory wider than a macro is macros side by side, a decoder each; its data bus is bus_k
// times the memory's side long, every wire toggling with MEM_BUS_ACT per access.
TEST(SynthEnergy, MemoryBusAndMacros)
{
    sy_model_params m;
    sy_model_defaults(&m);
    // 64 words x 512 bits, 64-bit writes, 1R1W: 4 macros of 128 columns
    sy_mem_cost c = sy_mem_cost_of(&m.mem, 64, 512, 64, 1, 1);
    near(c.macros, 4, "macros");
    double side_mm = std::sqrt(64 * 512 * 140 * 0.0324 * 1.5 / 0.6 * 1e-6);
    near(c.bus_mm, 0.5 * side_mm, "bus length: half the side");
    // C V^2 / 2 per toggle, 0.5 toggles per wire per access
    near(c.bus_read_pj, 512 * 0.5 * side_mm * 0.2 * 3.24 * 0.5 / 2, "bus energy of a read");
    near(c.bus_write_pj, 64 * 0.5 * side_mm * 0.2 * 3.24 * 0.5 / 2, "bus energy of a write");
    double rd_fj = 512 * (64 * 2.0 * 1.8 * 0.2 + 50) + 512 * 1.5 * 3.24 + 4 * 6 * 100;
    near(c.e_read_pj, rd_fj * 1e-3 + c.bus_read_pj, "read: four decoders and the bus");
    double wr_fj = 64 * (64 * 2.0 + 1.5) * 3.24 + 1 * 6 * 100;
    near(c.e_write_pj, wr_fj * 1e-3 + c.bus_write_pj, "write of 64 bits: one macro's decoder and the bus");
    // 3 pF of input pins at the end of the bus: 3 x 3.24 x 0.5 / 2 more per read
    sy_mem_cost l = c;
    sy_mem_add_read_load(&l, &m.mem, 3.0);
    near(l.pins_read_pj, 3 * 3.24 * 0.25, "the pins a read drives");
    near(l.bus_read_pj, c.bus_read_pj, "the bus wire is the same");
    near(l.e_read_pj, c.e_read_pj + 3 * 3.24 * 0.25, "read energy with them");
    near(l.e_write_pj, c.e_write_pj, "writes do not drive them");
    // 1024 words: 4 banks of 256 rows; an access drives one bank's bit lines
    sy_mem_cost t = sy_mem_cost_of(&m.mem, 1024, 512, 512, 1, 1);
    near(t.banks, 4, "banks");
    near(t.bits, 1024 * 512, "bits: every bank");
    double side_t = std::sqrt(1024 * 512 * 140 * 0.0324 * 1.5 / 0.6 * 1e-6);
    double rd_t = 512 * (256 * 2.0 * 1.8 * 0.2 + 50) + 512 * 1.5 * 3.24 + 4 * 10 * 100;
    near(t.e_read_pj, rd_t * 1e-3 + 512 * 0.5 * side_t * 0.2 * 3.24 * 0.25, "read of a 256-row bank");
    // no bus: MEM_BUS_K = 0
    m.mem.bus_k = 0;
    sy_mem_cost n = sy_mem_cost_of(&m.mem, 64, 512, 64, 1, 1);
    near(n.e_read_pj, rd_fj * 1e-3, "read without the bus");
    EXPECT_EQ(n.bus_read_pj, 0);
}

TEST(SynthEnergy, MemoryPowerOverTheWindow)
{
    sy_mem_cost c{};
    c.e_read_pj = 2, c.e_write_pj = 3, c.leak_uw = 0.5;
    // 100 reads and 50 writes in 1000 cycles of 10 ns, two instances
    sy_mem_power p = sy_mem_power_of(&c, 100, 50, 1000, 10, 2);
    near(p.dyn_w, 350e-12 / 10e-6, "dynamic");
    near(p.leak_w, 1e-6, "leakage");
}

TEST(SynthEnergy, CyclesPerQueryFromTheWindowOrTheInterval)
{
    near(sy_cycles_per_query(5277, 64, 1, 16), 5277.0 / 64, "window");
    near(sy_cycles_per_query(5277, 64, 0, 16), 16, "not by window: ii");
    near(sy_cycles_per_query(5277, 0, 1, 16), 16, "no queries: ii");
}

TEST(SynthEnergy, EnergyPerQueryAtTheClockAndAtFmax)
{
    sy_energy_in in{};
    in.logic_w = 2e-3, in.logic_leak_w = 0.1e-3, in.mem_w = 1e-3, in.mem_leak_w = 0.05e-3;
    in.period_ns = 10, in.fmax_mhz = 50, in.cycles_per_query = 16, in.node_nm = 65, in.node_vdd = 1.0;
    in.node_cell_k = 1.5;
    sy_energy e = sy_energy_of(&in);
    near(e.logic_j, 2e-3 * 16 * 10e-9, "logic");
    near(e.mem_j, 1e-3 * 16 * 10e-9, "memories");
    near(e.per_query_j, 3e-3 * 16 * 10e-9, "per query");
    near(e.node_scale, (65.0 / 180) / 1.5 / (1.8 * 1.8), "node scale");
    // dynamic energy per cycle (3 - 0.15) mW x 10 ns = 28.5 pJ, at 50 MHz, plus leakage
    near(e.power_at_fmax_w, 28.5e-12 * 50e6 + 0.15e-3, "power at Fmax");
    near(e.per_query_at_fmax_j, (28.5e-12 + 0.15e-3 / 50e6) * 16, "energy per query at Fmax");
    in.fmax_mhz = 0;
    sy_energy none = sy_energy_of(&in);
    EXPECT_EQ(none.power_at_fmax_w, 0.0);
    EXPECT_EQ(none.per_query_at_fmax_j, 0.0);
    near(none.per_query_j, e.per_query_j, "the clock's figure does not need Fmax");
}

TEST(SynthEnergy, ClockNetworkFollowsItsFormula)
{
    sy_model_params m;
    sy_model_defaults(&m);
    // 1000 flops of 28 pF clock pins over 4 mm^2: wire sqrt(1000 x 4) = 63.246 mm, 12.649 pF;
    // leaves 40.649 pF -> ceil(81.30) = 82 buffers, then ceil(82 x 0.0374 / 0.5) = 7, then the
    // root: 90 buffers; E = 1.8^2 (40.649 + 90 x 0.0374) + 90 x 0.7 pJ
    sy_clock_tree t = sy_clock_of(&m.clk, 1000, 28, 4e6);
    near(t.wire_mm, std::sqrt(4000.0), "wire length");
    near(t.wire_pf, 0.2 * std::sqrt(4000.0), "wire capacitance");
    EXPECT_EQ(t.buffers, 90);
    near(t.buffers_pf, 90 * 0.0374, "buffer input capacitance");
    near(t.buffer_area_um2, 90 * 72, "buffer area");
    double c_load = 28 + 0.2 * std::sqrt(4000.0);
    near(t.e_cycle_pj, 3.24 * (c_load + 90 * 0.0374) + 90 * 0.7, "energy per cycle");
    EXPECT_LT(t.e_cycle_low_pj, t.e_cycle_pj);
    EXPECT_GT(t.e_cycle_high_pj, t.e_cycle_pj);
    // a load one buffer drives: the root alone
    sy_clock_tree one = sy_clock_of(&m.clk, 4, 0.1, 100);
    EXPECT_EQ(one.buffers, 1);
    // more area, longer wires, more energy; no flops, no tree
    EXPECT_GT(sy_clock_of(&m.clk, 1000, 28, 16e6).e_cycle_pj, t.e_cycle_pj);
    sy_clock_tree none = sy_clock_of(&m.clk, 0, 0, 4e6);
    EXPECT_EQ(none.e_cycle_pj, 0.0);
    EXPECT_EQ(none.buffers, 0.0);
}

TEST(SynthEnergy, ModelVariablesDefaultsAndRanges)
{
    sy_model_params p;
    sy_model_defaults(&p);
    EXPECT_EQ(p.period_ns, 10.0);
    EXPECT_EQ(p.mem.feature_nm, 180.0);
    EXPECT_EQ(p.node_nm, 65.0);
    EXPECT_EQ(p.node_vdd, 1.0);
    char err[256];
    const sy_model_var *eff = sy_model_find("MEM_ARRAY_EFF");
    ASSERT_NE(eff, nullptr);
    EXPECT_EQ(sy_model_set(&p, eff, "0.75", err, sizeof err), 0);
    EXPECT_EQ(p.mem.array_eff, 0.75);
    EXPECT_EQ(sy_model_set(&p, eff, "1.5", err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("MEM_ARRAY_EFF = '1.5': must be a number > 0 and <= 1"),
              std::string::npos)
        << err;
    EXPECT_EQ(sy_model_set(&p, sy_model_find("MEM_CBL_FF"), "0", err, sizeof err), 0) << "nonneg allows 0";
    EXPECT_EQ(sy_model_set(&p, sy_model_find("CLK_PERIOD_NS"), "0", err, sizeof err), -1) << "pos refuses 0";
    EXPECT_EQ(sy_model_set(&p, sy_model_find("CLK_PERIOD_NS"), "inf", err, sizeof err), -1);
    EXPECT_EQ(sy_model_find("NOPE"), nullptr);
}

} // namespace
