// SPDX-License-Identifier: Apache-2.0
// Lane-count converter for streams: beats of InLanes lanes in, beats of OutLanes lanes out, in
// order, for any ratio (up, down or uneven). `in_last` closes a stream: the lanes still held go
// out in a final short beat, its tail lanes zero. Full throughput in steady state: the holding
// register has room for one input beat beside one output beat.
module mmf_gearbox #(
  parameter int unsigned Width = 32,    // bits per lane
  parameter int unsigned InLanes = 2,
  parameter int unsigned OutLanes = 4,
  localparam int unsigned Slots = InLanes + OutLanes,
  localparam int unsigned FillW = $clog2(Slots + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      in_valid_i,
  output logic                      in_ready_o,
  input  logic [Width*InLanes-1:0]  in_data_i,
  input  logic                      in_last_i,

  output logic                      out_valid_o,
  input  logic                      out_ready_i,
  output logic [Width*OutLanes-1:0] out_data_o
);

  logic [Width*Slots-1:0] hold_q, shifted, merged;
  logic [FillW-1:0]       fill_q, fill_left;
  logic                   flush_q;  // the stream was closed: emit what is held, then restart
  logic                   out_fire, in_fire;

  assign out_valid_o = fill_q >= FillW'(OutLanes) || (flush_q && fill_q != '0);
  assign out_fire = out_valid_o && out_ready_i;
  assign out_data_o = hold_q[Width*OutLanes-1:0];

  // Lanes held after this cycle's output leaves; an input is taken when it fits beside them
  // and no closed stream is still draining.
  always_comb begin
    fill_left = fill_q;
    shifted = hold_q;
    if (out_fire) begin
      fill_left = (fill_q > FillW'(OutLanes)) ? fill_q - FillW'(OutLanes) : '0;
      shifted = hold_q >> (Width * OutLanes);
    end
  end
  assign in_ready_o = !flush_q && 32'(fill_left) + InLanes <= Slots;
  assign in_fire = in_valid_i && in_ready_o;

  // The new lanes land above the ones held. Lanes at and above the fill are zero (every update
  // keeps them so), so the input moved up by fill_left lanes is ORed in. The move is a log
  // shifter, one stage of constant shift per bit of fill_left: FillW levels of 2:1 multiplexers.
  // (Written as one part-select per slot at a computed lane, it was a 32-bit-amount shifter of
  // the whole input per slot: 63 of 992 bits in u280's row regrouping, which ran Yosys out of
  // memory.)
  logic [Width*Slots-1:0] moved [FillW+1] /* verilator split_var */;
  assign moved[0] = (Width * Slots)'(in_data_i);
  for (genvar b = 0; b < FillW; b++) begin : g_move
    assign moved[b+1] = fill_left[b] ? moved[b] << (Width * (1 << b)) : moved[b];
  end
  assign merged = shifted | moved[FillW];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hold_q <= '0;
      fill_q <= '0;
      flush_q <= 1'b0;
    end else begin
      if (in_fire) begin
        hold_q <= merged;
        fill_q <= fill_left + FillW'(InLanes);
        flush_q <= in_last_i;
      end else begin
        hold_q <= shifted;
        fill_q <= fill_left;
        if (flush_q && out_fire && fill_left == '0) flush_q <= 1'b0;
      end
    end
  end

endmodule
