// SPDX-License-Identifier: Apache-2.0
// SiLU and sigmoid of VectorLanes Q16 values per cycle (the activation block of the MLGRU and GLU
// units; golden: mmf::fx::silu_q16, sigmoid_q16, bit for bit). A 5-stage pipeline so that no
// stage holds more than one arithmetic step:
//   1. clamp, table index and interpolation fraction
//   2. the two table entries, from a ROM with two synchronous read ports per lane (the sigmoid
//      table of mmf_lut_pkg; Yosys maps it to one RAMB18E2 per lane)
//   3. sigmoid = lo + round((hi - lo) * frac / 2^12)
//   4. x * sigmoid (a DSP product)
//   5. round by 2^16 and saturate to int32
// The stages advance together when the output register is free or being read (`advance`), so a
// stall holds every stage, the ROM read included (its enable).
module mmf_silu #(
  parameter int unsigned VectorLanes = 4  // Q16 values per beat
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [32*VectorLanes-1:0] in_data_i,     // lane k: Q16 in bits [32k+31:32k]

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [32*VectorLanes-1:0] out_silu_o,    // lane k: Q16
  output logic [17*VectorLanes-1:0] out_sigmoid_o  // lane k: Q0.16 in bits [17k+16:17k]
);

  localparam int unsigned Stages = 5;
  localparam int unsigned IndexBits = mmf_numerics_pkg::SigmoidIndexBits;
  localparam int unsigned FracBits = mmf_numerics_pkg::SigmoidInterpBits;
  localparam int unsigned UBits =
      mmf_numerics_pkg::SigmoidDomainLog2 + mmf_numerics_pkg::ActFrac + 1;
  localparam int unsigned TableSize = mmf_lut_pkg::SigmoidLutSize;

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
    // The sigmoid table as a ROM (entry i of mmf_lut_pkg::sigmoid_lut).
    logic [16:0] rom [TableSize];
    initial begin
      for (int unsigned i = 0; i < TableSize; i++) rom[i] = mmf_lut_pkg::sigmoid_lut(10'(i));
    end

    // Stage 1: clamp to [-16, 16), offset to unsigned, split into index and fraction.
    logic signed [31:0]   x, clamped;
    logic [UBits-1:0]     u;
    logic signed [31:0]   x1_q;
    logic [IndexBits-1:0] index1_q;
    logic [FracBits-1:0]  frac1_q;
    assign x = in_data_i[32*k +: 32];
    assign clamped = x < -mmf_numerics_pkg::SigmoidHalfRange ?
                         -mmf_numerics_pkg::SigmoidHalfRange :
                     (x >= mmf_numerics_pkg::SigmoidHalfRange ?
                         mmf_numerics_pkg::SigmoidHalfRange - 1 : x);
    assign u = UBits'(clamped + mmf_numerics_pkg::SigmoidHalfRange);

    // Stage 2: the two neighbouring table entries.
    logic signed [31:0]   x2_q;
    logic [FracBits-1:0]  frac2_q;
    logic [16:0]          lo2_q, hi2_q;

    // Stage 3: interpolation, round half up by 2^FracBits (shift_round), as the golden model.
    logic signed [17:0]             diff;
    logic signed [31:0]             step;
    logic [16:0]                    sig;
    logic signed [31:0]             x3_q;
    logic [16:0]                    sig3_q;
    assign diff = signed'({1'b0, hi2_q}) - signed'({1'b0, lo2_q});
    assign step = 32'(diff) * 32'(signed'({1'b0, frac2_q}));  // |step| < 2^30
    assign sig = 17'(32'(signed'({1'b0, lo2_q})) +
                     ((step + (32'sd1 <<< (FracBits - 1))) >>> FracBits));

    // Stage 4: x * sigmoid.
    logic signed [48:0] prod4_q;
    logic [16:0]        sig4_q;

    // Stage 5: round by 2^16, saturate.
    logic signed [33:0] rounded;
    logic signed [31:0] silu5_q;
    logic [16:0]        sig5_q;
    assign rounded = 34'((prod4_q + 49'sd32768) >>> mmf_numerics_pkg::GateFrac);

    always_ff @(posedge clk_i) begin
      if (advance) begin
        x1_q <= x;
        index1_q <= u[UBits-1 -: IndexBits];
        frac1_q <= u[FracBits-1:0];

        x2_q <= x1_q;
        frac2_q <= frac1_q;
        lo2_q <= rom[10'(index1_q)];
        hi2_q <= rom[10'(index1_q) + 10'd1];

        x3_q <= x2_q;
        sig3_q <= sig;

        prod4_q <= 49'(x3_q) * signed'({1'b0, sig3_q});
        sig4_q <= sig3_q;

        silu5_q <= rounded > 34'sh7fff_ffff ? 32'sh7fff_ffff :
                   (rounded < -34'sh8000_0000 ? 32'sh8000_0000 : 32'(rounded));
        sig5_q <= sig4_q;
      end
    end

    assign out_silu_o[32*k +: 32] = silu5_q;
    assign out_sigmoid_o[17*k +: 17] = sig5_q;
  end

endmodule
