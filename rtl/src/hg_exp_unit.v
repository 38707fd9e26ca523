// hg_exp_unit — int8 softmax weight.
//
// w = 2^-(z / 2^FB) in units of 2^-WB, where z = (t * exp_mul) >> exp_shift and
// t = s_max - s >= 0 (docs/spec.md). The integer part of z shifts; the FB-bit fraction f
// indexes a constant table of round(2^WB 2^(-f / 2^FB)), f = 0 .. 2^FB - 1, which the block
// computes at elaboration (frac_table below) exactly as the golden model's hg_exp_frac does:
// tests/test_blocks.cc compares the two over every supported FB and WB. Registered; a key
// that is not real weighs 0.
`default_nettype none

module hg_exp_unit #(
  parameter TW = 23,  // width of t = s_max - s
  parameter FB = 6,   // fraction-table index bits (2 .. 8)
  parameter WB = 15   // weight fraction bits, 1 .. 24 (the weights have WB + 1 bits)
) (
  input  wire          clk_i,    // clock
  input  wire          en_i,     // pipeline enable
  input  wire          valid_i,  // a real key (else the weight is 0)
  input  wire [TW-1:0] t_i,      // s_max - s (non-negative)
  input  wire [15:0]   mul_i,    // exp multiplier (run time)
  input  wire [5:0]    shift_i,  // exp shift (run time)
  output reg  [WB:0]   w_o       // weight, one cycle later
);

  localparam WW = WB + 1;   // weight width
  localparam ZW = TW + 16;  // width of the product t * mul
  localparam NF = 1 << FB;  // table entries
  localparam ZIW = ZW - FB; // width of the integer part of z (at least 9: zi[5:0] below)
  localparam [5:0] WB6 = WB[5:0];

  generate
    if (TW < 1 || FB < 2 || FB > 8 || FB >= ZW || WB < 1 || WB > 24) begin : g_check
      hg_error_parameters_tw_fb_wb_out_of_range u_error ();
    end
  endgenerate

  // Fixed point with 62 fraction bits (ONE = 1.0) throughout the table's computation.
  localparam [127:0] ONE = 128'd1 << 62;

  // floor(sqrt(a)), bit by bit.
  function automatic [63:0] isqrt(input [127:0] a);
    reg [127:0] rem, root, b;
    integer i;
    begin
      rem  = a;
      root = 128'd0;
      b    = 128'd1 << 126;
      for (i = 0; i < 64; i = i + 1) begin
        if (rem >= root + b) begin
          rem  = rem - (root + b);
          root = (root >> 1) + b;
        end else begin
          root = root >> 1;
        end
        b = b >> 2;
      end
      isqrt = root[63:0];
    end
  endfunction

  // Entry f of the table at [f*WW +: WW]. 2^(-f / 2^FB) is the product of 2^(-1 / 2^j) over
  // the bits f[FB-j] that are set, j = 1 .. FB; 2^(-1 / 2^j) is the j-th square root of
  // 1/2. Each step truncates by at most 2^-62, far below the rounding to WB bits.
  function automatic [NF*WW-1:0] frac_table(input integer fb);
    reg [64*9-1:0] root;  // root[j*64 +: 64] = 2^(-1 / 2^j) (j = 0: exactly 1/2)
    reg [127:0]    x;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [127:0]    y;  // only its low WW bits are entries
    /* verilator lint_on UNUSEDSIGNAL */
    integer        f, j;
    begin
      root = {64*9{1'b0}};
      root[63:0] = 64'd1 << 61;
      for (j = 1; j <= fb; j = j + 1)
        root[j*64 +: 64] = isqrt({64'd0, root[(j-1)*64 +: 64]} << 62);
      for (f = 0; f < NF; f = f + 1) begin
        x = ONE;
        for (j = 1; j <= fb; j = j + 1)
          if (f[fb-j]) x = (x * {64'd0, root[j*64 +: 64]}) >> 62;
        y = ((x << WB) + (ONE >> 1)) >> 62;  // round(2^WB x), halves up
        frac_table[f*WW +: WW] = y[WW-1:0];
      end
    end
  endfunction

  localparam [NF*WW-1:0] TABLE = frac_table(FB);

  wire [ZW-1:0]    prod = {16'd0, t_i} * {{TW{1'b0}}, mul_i};
  wire [ZW-1:0]    z    = prod >> shift_i;
  wire [ZIW-1:0]   zi   = z[ZW-1:FB];
  wire [FB-1:0]    zf   = z[FB-1:0];
  wire [WW-1:0]    frac = TABLE[zf*WW +: WW];
  wire             zi_over = (|zi[ZIW-1:6]) | (zi[5:0] > WB6);  // zi > WB: the weight is 0
  wire [WW-1:0]    w    = zi_over ? {WW{1'b0}} : frac >> zi;

  always @(posedge clk_i)
    if (en_i) w_o <= valid_i ? w : {WW{1'b0}};

endmodule

`default_nettype wire
