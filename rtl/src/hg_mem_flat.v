// hg_mem_flat — a memory of WORDS entries with one write port and RP read ports.
//
// Each read port registers the entry at its address when enabled (data one cycle later). The
// synthesis flow costs it with its memory model (not synthesized).
`default_nettype none

module hg_mem_flat #(
  parameter WORDS = 128,  // entries
  parameter W     = 256,  // bits per entry
  parameter RP    = 1     // read ports
) (
  input  wire                                          clk_i,    // clock
  input  wire                                          we_i,     // write
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0]    waddr_i,  // write address
  input  wire [W-1:0]                                  wdata_i,  // write data
  input  wire [RP-1:0]                                 re_i,     // read enables
  input  wire [RP*(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] raddr_i,  // read addresses, port r at [r*AW +: AW]
  output wire [RP*W-1:0]                               rdata_o   // read data, port r at [r*W +: W], one cycle later
);

  localparam AW = WORDS > 1 ? $clog2(WORDS) : 1;  // address width

  generate
    if (WORDS < 1 || W < 1 || RP < 1) begin : g_check
      hg_error_parameters_words_w_rp_must_be_at_least_1 u_error ();
    end
  endgenerate

  reg [W-1:0] mem [0:WORDS-1];

  always @(posedge clk_i)
    if (we_i) mem[waddr_i] <= wdata_i;

  genvar r;
  generate
    for (r = 0; r < RP; r = r + 1) begin : g_port
      reg [W-1:0] rd_q;
      always @(posedge clk_i)
        if (re_i[r]) rd_q <= mem[raddr_i[r*AW +: AW]];
      assign rdata_o[r*W +: W] = rd_q;
    end
  endgenerate

endmodule

`default_nettype wire
