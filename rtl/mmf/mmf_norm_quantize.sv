// SPDX-License-Identifier: Apache-2.0
// Norm + absmax + int8 quantize unit, the front of a BitLinear; mirrors
// hls/include/mmf_hls/norm_quantize.hpp (golden: mmf::fx::quantize_activations). A job of n
// values takes the input three times, Lanes values per beat (p, w_rms, w_code):
//   pass 1: max|a| and max|u| with a = p * w_rms / 2^15 (or p) and u = p * w_code / 2^15;
//   pass 2: the sum of (a >> sh)^2, while a divider forms 127 * 2^32 / max|u|;
//   pass 3: one code beat per input beat, round(|u| * reciprocal / 2^32) with u's sign.
// Then the token scale max|u| * rsqrt(sum) * 2^-sh leaves as (mantissa, exponent).
module mmf_norm_quantize #(
  parameter int unsigned Lanes = 4,
  parameter int unsigned MaxN = 16384,
  localparam int unsigned CountW = $clog2(MaxN + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // Job: n (1 .. MaxN) and whether the BitLinear has a block norm weight (w_rms).
  input  logic                job_valid_i,
  output logic                job_ready_o,
  input  logic [CountW-1:0]   job_n_i,
  input  logic                job_has_rms_i,

  // Three passes of ceil(n / Lanes) beats; lanes at or past n in the last beat are ignored.
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [32*Lanes-1:0] in_p_i,
  input  logic [16*Lanes-1:0] in_w_rms_i,
  input  logic [16*Lanes-1:0] in_w_code_i,

  // Codes: one beat per beat of the third pass, lane k in bits [8k+7:8k].
  output logic                code_valid_o,
  input  logic                code_ready_i,
  output logic [8*Lanes-1:0]  code_data_o,

  // Token scale = mant * 2^exp, after the last code beat (0 when the input is all zero).
  output logic                scale_valid_o,
  input  logic                scale_ready_i,
  output logic [31:0]         scale_mant_o,
  output logic signed [15:0]  scale_exp_o
);

  localparam int unsigned CodeShift = 32;   // precision of the reciprocal
  localparam int unsigned SquareBits = 15;  // |a >> sh| < 2^15 before squaring
  localparam int unsigned DivW = 40;        // 127 * 2^32 needs 39 bits
  localparam logic [63:0] CodeMax = 64'd127;

  typedef enum logic [2:0] {
    StIdle,
    StMax,    // pass 1
    StSum,    // pass 2
    StDiv,    // waiting for the reciprocal
    StCodes,  // pass 3
    StScale   // token scale waiting to be taken
  } state_e;

  state_e              state_q, state_d;
  logic [CountW-1:0]   n_q, n_d, base_q, base_d;
  logic                has_rms_q, has_rms_d;
  logic [32:0]         a_max_q, a_max_d, u_max_q, u_max_d;
  logic [6:0]          sh_q, sh_d;
  logic [63:0]         sum_q, sum_d;
  logic [DivW-1:0]     recip_q, recip_d;
  logic                code_valid_q, code_valid_d;
  logic [8*Lanes-1:0]  code_q, code_d;
  logic [79:0]         scale_q, scale_d;  // {mant, exp}
  logic                in_fire, last_beat, degenerate;
  logic                div_start, div_done, div_busy;
  logic [DivW-1:0]     div_quotient;

  // a and u of lane k of the current beat.
  function automatic logic signed [31:0] weighted(input logic [31:0] p, input logic [15:0] w);
    weighted = mmf_numerics_pkg::saturate32(mmf_numerics_pkg::shift_round(
        64'(signed'(p)) * 64'(signed'(w)), 15));
  endfunction

  // Code of one value: round(|u| * reciprocal / 2^32), at most 127, with u's sign.
  function automatic logic [7:0] code_of(input logic signed [31:0] u, input logic [DivW-1:0] recip);
    logic [63:0] q;
    q = (64'(mmf_numerics_pkg::magnitude(u)) * 64'(recip) + (64'd1 << (CodeShift - 1))) >>
        CodeShift;
    q = q < CodeMax ? q : CodeMax;
    code_of = u < 0 ? -(8'(q)) : 8'(q);
  endfunction

  // Token scale max|u| * rsqrt(sum) * 2^-sh, normalized.
  function automatic logic [79:0] token_scale(input logic [32:0] u_max, input logic [63:0] sum,
                                              input logic [6:0] sh);
    logic [79:0] r;
    r = mmf_numerics_pkg::rsqrt_u64(sum);
    token_scale = mmf_numerics_pkg::normalize(
        mmf_numerics_pkg::scaled(64'(u_max) * r[79:16], r[15:0] - 16'(sh)));
  endfunction

  logic signed [31:0] a_lane [Lanes];
  logic signed [31:0] u_lane [Lanes];
  logic               lane_used [Lanes];
  logic [8*Lanes-1:0] codes;
  for (genvar k = 0; k < Lanes; k++) begin : gen_lanes
    assign codes[8*k +: 8] = degenerate ? 8'd0 : code_of(u_lane[k], recip_q);
    assign a_lane[k] = has_rms_q ? weighted(in_p_i[32*k +: 32], in_w_rms_i[16*k +: 16])
                                 : in_p_i[32*k +: 32];
    assign u_lane[k] = weighted(in_p_i[32*k +: 32], in_w_code_i[16*k +: 16]);
    assign lane_used[k] = 32'(base_q) + k < 32'(n_q);
  end

  assign in_fire = in_valid_i && in_ready_o;
  assign last_beat = 32'(base_q) + Lanes >= 32'(n_q);
  assign degenerate = a_max_q == '0 || u_max_q == '0;

  assign job_ready_o = state_q == StIdle;
  assign in_ready_o = state_q == StMax || state_q == StSum ||
                      (state_q == StCodes && (!code_valid_q || code_ready_i));

  // The reciprocal is started once pass 1 has the maximum of |u|.
  assign div_start = state_q == StMax && in_fire && last_beat;

  always_comb begin
    state_d = state_q;
    n_d = n_q;
    base_d = base_q;
    has_rms_d = has_rms_q;
    a_max_d = a_max_q;
    u_max_d = u_max_q;
    sh_d = sh_q;
    sum_d = sum_q;
    recip_d = div_done ? div_quotient : recip_q;
    code_valid_d = code_valid_q && !code_ready_i;
    code_d = code_q;
    scale_d = scale_q;
    unique case (state_q)
      StIdle: begin
        if (job_valid_i) begin
          n_d = job_n_i;
          has_rms_d = job_has_rms_i;
          base_d = '0;
          a_max_d = '0;
          u_max_d = '0;
          sum_d = '0;
          state_d = StMax;
        end
      end
      StMax: begin
        if (in_fire) begin
          for (int unsigned k = 0; k < Lanes; k++) begin
            if (lane_used[k] && mmf_numerics_pkg::magnitude(a_lane[k]) > a_max_d) begin
              a_max_d = mmf_numerics_pkg::magnitude(a_lane[k]);
            end
            if (lane_used[k] && mmf_numerics_pkg::magnitude(u_lane[k]) > u_max_d) begin
              u_max_d = mmf_numerics_pkg::magnitude(u_lane[k]);
            end
          end
          base_d = last_beat ? '0 : base_q + CountW'(Lanes);
          if (last_beat) begin
            sh_d = mmf_numerics_pkg::bit_length(64'(a_max_d)) > 7'(SquareBits) ?
                   mmf_numerics_pkg::bit_length(64'(a_max_d)) - 7'(SquareBits) : '0;
            state_d = StSum;
          end
        end
      end
      StSum: begin
        if (in_fire) begin
          for (int unsigned k = 0; k < Lanes; k++) begin
            if (lane_used[k]) begin
              sum_d = sum_d + 64'((64'(a_lane[k]) >>> sh_q) * (64'(a_lane[k]) >>> sh_q));
            end
          end
          base_d = last_beat ? '0 : base_q + CountW'(Lanes);
          if (last_beat) state_d = StDiv;
        end
      end
      StDiv: begin
        // The divider ran during pass 2; short vectors wait for it here.
        if (div_done || !div_busy) state_d = StCodes;
      end
      StCodes: begin
        if (in_fire) begin
          code_d = codes;
          code_valid_d = 1'b1;
          base_d = last_beat ? '0 : base_q + CountW'(Lanes);
          if (last_beat) begin
            scale_d = degenerate ? '0 : token_scale(u_max_q, sum_q, sh_q);
            state_d = StScale;
          end
        end
      end
      StScale: begin
        // The scale follows the last code beat.
        if (scale_ready_i && !code_valid_q) state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  mmf_divider #(
    .Width(DivW)
  ) u_reciprocal (
    .clk_i,
    .rst_ni,
    .start_i   (div_start),
    .dividend_i(DivW'(CodeMax << CodeShift)),
    .divisor_i (DivW'(u_max_d)),
    .busy_o    (div_busy),
    .done_o    (div_done),
    .quotient_o(div_quotient)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      n_q <= '0;
      base_q <= '0;
      has_rms_q <= 1'b0;
      a_max_q <= '0;
      u_max_q <= '0;
      sh_q <= '0;
      sum_q <= '0;
      recip_q <= '0;
      code_valid_q <= 1'b0;
      code_q <= '0;
      scale_q <= '0;
    end else begin
      state_q <= state_d;
      n_q <= n_d;
      base_q <= base_d;
      has_rms_q <= has_rms_d;
      a_max_q <= a_max_d;
      u_max_q <= u_max_d;
      sh_q <= sh_d;
      sum_q <= sum_d;
      recip_q <= recip_d;
      code_valid_q <= code_valid_d;
      code_q <= code_d;
      scale_q <= scale_d;
    end
  end

  assign code_valid_o = code_valid_q;
  assign code_data_o = code_q;
  assign scale_valid_o = state_q == StScale && !code_valid_q;
  assign scale_mant_o = scale_q[47:16];  // normalized: at most 31 bits
  assign scale_exp_o = scale_q[15:0];

`ifndef SYNTHESIS
  code_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      code_valid_o && !code_ready_i |=> code_valid_o && $stable(code_data_o))
    else $error("mmf_norm_quantize: code stream changed while stalled");
`endif

endmodule
