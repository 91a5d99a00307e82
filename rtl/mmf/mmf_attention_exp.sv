// SPDX-License-Identifier: Apache-2.0
// Softmax numerators of attention, VectorLanes scores per beat (golden: mmf::fx::attention_exp,
// bit for bit): e = exp_q16(clamp(score - max, INT32_MIN)), an unsigned Q0.16 value in
// [0, 2^16]. An 11-stage pipeline, one arithmetic step a stage:
//   1.    x = score - max, clamped to [-2^20, 0] (see below)
//   2-4.  p = x * round(log2(e) * 2^30) (mmf_mul_pipe, two DSP48E2s a lane)
//   5.    y = round(p / 2^30), Q16; n = floor(y / 2^16), f = y - n * 2^16 are its bit fields
//   6.    the two exp2 table entries around f (a ROM with two synchronous read ports per lane,
//         the table of mmf_lut_pkg; one RAMB18E2 a lane); n < -17 marks an underflow
//   7.    d = hi - lo
//   8.    d * frac (a DSP product)
//   9.    m = lo + round(d * frac / 2^8), i.e. (lo * 2^8 + 2^7 + d * frac) >> 8
//   10.   t = m >> (-n - 1), or 2m when n = 0, or 0 on underflow (a shift, no adder)
//   11.   e = (t + 1) >> 1: round half up by 2^-n, as (m + 2^(-n-1)) >> -n of the golden model
//
// Why x is clamped to [-2^20, 0]: exp_q16 returns 2^16 for every x >= 0, which is also what
// x = 0 gives through the datapath (y = 0, n = 0, f = 0, the first entry 2^16); and every
// x <= -2^20 gives n <= -24 < -17, so 0, as x = -2^20 does. The clamped x is 21 bits, so the
// product is a 32 x 21 bit one (two DSPs) instead of 32 x 32 (four).
// A score above max (outside the contract: max is the head's largest score) gives what the
// golden model gives: its difference above INT32_MAX wraps as the model's int32 cast does.
//
// The stages advance together when the output register is free or being read (`advance`), as
// in mmf_silu, so a stall holds every stage, the ROM read and the multipliers included.
module mmf_attention_exp #(
  parameter int unsigned VectorLanes = 4  // Q16 scores per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // Per beat: VectorLanes scores of one head and the head's largest score, both Q16.
  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_score_i,  // lane k: Q16 in bits [32k+31:32k]
  input  logic [31:0]               in_max_i,    // Q16, the same for every lane

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [17*VectorLanes-1:0] out_exp_o    // lane k: Q0.16 in bits [17k+16:17k]
);

  localparam int unsigned MulLatency = 3;  // mmf_mul_pipe
  localparam int unsigned Stages = 1 + MulLatency + 7;  // mmf_hls::kAttentionExpLatency
  localparam int unsigned Frac = mmf_numerics_pkg::ActFrac;
  localparam int unsigned StepLog2 = mmf_numerics_pkg::Exp2StepLog2;
  localparam int unsigned InterpBits = mmf_numerics_pkg::Exp2InterpBits;
  localparam int unsigned EntryBits = mmf_numerics_pkg::Exp2LutBits;
  localparam int unsigned LogFrac = mmf_numerics_pkg::Log2eFrac;
  localparam int unsigned TableSize = mmf_lut_pkg::Exp2LutSize;
  localparam int unsigned AddrBits = StepLog2 + 1;  // entries 0 .. 2^StepLog2
  // x in [-2^20, 0]: below -2^20 the result is 0 (see above).
  localparam int unsigned XBits = 21;
  localparam logic signed [XBits-1:0] XMin = {1'b1, {(XBits - 1){1'b0}}};
  localparam int unsigned KBits = 32;  // log2(e) in Q30, 31 bits, as mmf_mul_pipe's signed a
  localparam int unsigned PBits = KBits + XBits;
  localparam int unsigned TopBits = PBits - LogFrac + 1;  // p's bits from 2^(LogFrac-1) up
  // y = round(x * log2(e)) >= round(-2^20 * 1.4427) > -2^21: 22 bits; n = y >>> 16 in [-24, 0].
  localparam int unsigned YBits = 22;
  localparam int unsigned NBits = YBits - Frac;
  localparam int unsigned ShiftBits = 5;  // -n - 1 in [0, 16] when there is no underflow
  localparam int unsigned StepBits = EntryBits + InterpBits;  // d * frac, and lo * 2^8 + ...
  localparam logic signed [NBits-1:0] NMin = -(NBits'(mmf_numerics_pkg::Exp2MaxShift));
  localparam logic [InterpBits-1:0] Half = InterpBits'(1) << (InterpBits - 1);

  logic [Stages-1:0] valid_q;
  logic              advance;

  assign advance = !valid_q[Stages-1] || out_ready_i;
  assign in_ready_o = advance;
  assign out_valid_o = valid_q[Stages-1];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[Stages-2:0], in_valid_i};
  end

  for (genvar k = 0; k < VectorLanes; k++) begin : g_lane
    // The exp2 table as a ROM (entry i of mmf_lut_pkg::exp2_lut), in block RAM: left to its
    // cost model, Yosys builds a table this small (257 x 18 bits) from about 150 LUTs a lane.
    (* rom_style = "block" *) logic [EntryBits-1:0] rom [TableSize];
    initial begin
      for (int unsigned i = 0; i < TableSize; i++) rom[i] = mmf_lut_pkg::exp2_lut(AddrBits'(i));
    end

    // Stage 1: the difference (33 bits), the golden model's int32 x, then clamped. The range
    // tests are bit tests, not compares, so no second carry chain follows the subtraction.
    logic signed [32:0]      diff;
    logic signed [31:0]      x32;
    logic signed [XBits-1:0] x1_q;
    assign diff = 33'(signed'(in_score_i[32*k +: 32])) - 33'(signed'(in_max_i));
    // diff < INT32_MIN is a negative 33-bit value whose bit 31 is clear.
    assign x32 = diff[32] && !diff[31] ? 32'sh8000_0000 : diff[31:0];

    // Stages 2-4: p = log2(e) * 2^30 * x.
    logic signed [PBits-1:0] prod;
    mmf_mul_pipe #(
      .AWidth (KBits),
      .BWidth (XBits),
      .BSigned(1'b1)
    ) u_mul (
      .clk_i,
      .en_i(advance),
      .a_i (KBits'(mmf_numerics_pkg::Log2eQ30)),
      .b_i (x1_q),
      .p_o (prod)
    );

    // Stage 5: y = floor((p + 2^29) / 2^30) = floor((floor(p / 2^29) + 1) / 2), so the adder
    // is only as wide as p's bits from 2^29 up. Those low bits are not needed otherwise.
    logic signed [TopBits-1:0] p_top;
    logic signed [YBits-1:0]   y5_q;
    assign p_top = prod[PBits-1:LogFrac-1];
    logic unused_low;
    assign unused_low = ^prod[LogFrac-2:0];

    // Stage 6: the table entries at f's index and the next; n and the underflow beside them.
    logic [StepLog2-1:0]   index;
    logic [EntryBits-1:0]  lo6_q, hi6_q;
    logic [InterpBits-1:0] frac6_q;
    logic signed [NBits-1:0] n6_q;
    logic                  zero6_q;
    assign index = y5_q[Frac-1 -: StepLog2];

    // Stage 7: the step between the entries (the table rises, so hi >= lo).
    logic [EntryBits-1:0]  lo7_q, d7_q;
    logic [InterpBits-1:0] frac7_q;
    logic signed [NBits-1:0] n7_q;
    logic                  zero7_q;

    // Stage 8: d * frac.
    logic [EntryBits-1:0]  lo8_q;
    logic [StepBits-1:0]   step8_q;
    logic signed [NBits-1:0] n8_q;
    logic                  zero8_q;

    // Stage 9: m = lo + round(d * frac / 2^8), in [2^16, 2^17); one adder, the rounding
    // constant 2^7 below lo's bits.
    logic [EntryBits-1:0]  m9_q;
    logic signed [NBits-1:0] n9_q;
    logic                  zero9_q;

    // Stage 10: t = floor(m / 2^(s-1)) for s = -n >= 1, where s - 1 = -n - 1 = ~n; 2m for
    // s = 0, so that stage 11 gives m; 0 below 2^-17, which stage 11 keeps 0.
    logic [ShiftBits-1:0] shift;
    logic [EntryBits:0]   t10_q;
    assign shift = ShiftBits'(~n9_q);

    // Stage 11: (t + 1) >> 1 = floor((m + 2^(s-1)) / 2^s), at most 2^16 (t < 2^18).
    logic [16:0] e11_q;

    always_ff @(posedge clk_i) begin
      if (advance) begin
        // x >= 0 -> 0; x in [-2^20, -1] (bits 31..20 all ones) -> x; below -> -2^20.
        x1_q <= !x32[31] ? '0 : (&x32[31:XBits-1] ? x32[XBits-1:0] : XMin);

        y5_q <= YBits'((p_top + TopBits'(1)) >>> 1);

        lo6_q <= rom[AddrBits'(index)];
        hi6_q <= rom[AddrBits'(index) + AddrBits'(1)];
        frac6_q <= y5_q[InterpBits-1:0];
        n6_q <= y5_q[YBits-1:Frac];
        zero6_q <= signed'(y5_q[YBits-1:Frac]) < NMin;

        lo7_q <= lo6_q;
        d7_q <= hi6_q - lo6_q;
        frac7_q <= frac6_q;
        n7_q <= n6_q;
        zero7_q <= zero6_q;

        lo8_q <= lo7_q;
        step8_q <= StepBits'(d7_q) * StepBits'(frac7_q);
        n8_q <= n7_q;
        zero8_q <= zero7_q;

        m9_q <= EntryBits'(({lo8_q, Half} + step8_q) >> InterpBits);
        n9_q <= n8_q;
        zero9_q <= zero8_q;

        t10_q <= zero9_q ? '0 :
                 (n9_q == '0 ? {m9_q, 1'b0} : ({1'b0, m9_q} >> shift));

        e11_q <= 17'((t10_q + 1'b1) >> 1);
      end
    end

    assign out_exp_o[17*k +: 17] = e11_q;
  end

endmodule
