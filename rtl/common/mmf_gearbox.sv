// SPDX-License-Identifier: Apache-2.0
// Lane-count converter for streams: beats of InLanes lanes in, beats of OutLanes lanes out, in
// order, for any ratio (up, down or uneven). `in_last` closes a stream: the lanes still held go
// out in a final short beat, its tail lanes zero. Full throughput in steady state: the holding
// register has room for one input beat beside one output beat.
module mmf_gearbox #(
  parameter int unsigned Width = 32,    // bits per lane
  parameter int unsigned InLanes = 2,   // Width-bit values per input beat
  parameter int unsigned OutLanes = 4,  // Width-bit values per output beat
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
  logic [FillW-1:0]       fill_q, fill_left, fill_d;
  // flush: the stream was closed; emit what is held, then restart.
  logic                   flush_q, flush_d;
  logic                   out_fire, in_fire;

  // The handshakes come from registers: out_valid_q, and whether an input beat fits with an
  // output leaving this cycle (room_out_q) or without (room_hold_q), all three computed from the
  // next fill and flush. in_ready_o is then one multiplexer on out_ready_i, not a compare on a
  // subtraction on out_valid_o (which took the program loader's reader pop to 7 LUT levels).
  // Same cycles as computing them from fill_q combinationally.
  logic                   out_valid_q, room_out_q, room_hold_q;

  function automatic logic valid_of(input logic [FillW-1:0] fill, input logic flush);
    valid_of = fill >= FillW'(OutLanes) || (flush && fill != '0);
  endfunction
  function automatic logic [FillW-1:0] left_after_out(input logic [FillW-1:0] fill);
    left_after_out = (fill > FillW'(OutLanes)) ? fill - FillW'(OutLanes) : '0;
  endfunction
  // The fill after an output leaves, for a state that is not flushing (a flushing state takes
  // no input, so its room does not matter).
  function automatic logic [FillW-1:0] room_after_out(input logic [FillW-1:0] fill);
    room_after_out = fill >= FillW'(OutLanes) ? left_after_out(fill) : fill;
  endfunction
  function automatic logic fits(input logic [FillW-1:0] fill);  // an input beat beside `fill`
    fits = 32'(fill) + InLanes <= Slots;
  endfunction

  assign out_valid_o = out_valid_q;
  assign out_fire = out_valid_q && out_ready_i;
  assign out_data_o = hold_q[Width*OutLanes-1:0];
  assign in_ready_o = out_ready_i ? room_out_q : room_hold_q;
  assign in_fire = in_valid_i && in_ready_o;

  // Lanes held after this cycle's output leaves; an input is taken when it fits beside them
  // and no closed stream is still draining.
  always_comb begin
    fill_left = fill_q;
    shifted = hold_q;
    if (out_fire) begin
      fill_left = left_after_out(fill_q);
      shifted = hold_q >> (Width * OutLanes);
    end
  end

  // The next state with and without an input beat. in_fire (through in_valid_i, maybe deep in
  // the producer) and in_last_i only choose between the two, in the last gate of each register.
  logic [FillW-1:0] fill_take;
  logic             flush_hold;
  assign fill_take = fill_left + FillW'(InLanes);
  assign flush_hold = flush_q && !(out_fire && fill_left == '0);
  assign fill_d = in_fire ? fill_take : fill_left;
  assign flush_d = in_fire ? in_last_i : flush_hold;

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
      out_valid_q <= 1'b0;
      room_out_q <= 1'b1;
      room_hold_q <= 1'b1;
    end else begin
      hold_q <= in_fire ? merged : shifted;
      fill_q <= fill_d;
      flush_q <= flush_d;
      // Each flag from both candidate fills, chosen by in_fire; a closing input (in_last_i)
      // and a draining stream (flush) enter last.
      out_valid_q <= in_fire ? fill_take >= FillW'(OutLanes) || (in_last_i && fill_take != '0)
                             : fill_left >= FillW'(OutLanes) || (flush_hold && fill_left != '0);
      room_out_q <= in_fire ? !in_last_i && fits(room_after_out(fill_take))
                            : !flush_hold && fits(room_after_out(fill_left));
      room_hold_q <= in_fire ? !in_last_i && fits(fill_take) : !flush_hold && fits(fill_left);
    end
  end

`ifndef SYNTHESIS
  // The registered handshakes equal the combinational ones of the state they were computed for.
  out_valid_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                out_valid_q == valid_of(fill_q, flush_q));
  room_hold_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                room_hold_q == (!flush_q && fits(fill_q)));
  room_out_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      room_out_q == (!flush_q &&
                     fits(valid_of(fill_q, flush_q) ? left_after_out(fill_q) : fill_q)));
  // The handshake (AXI-Stream): a beat offered stays, unchanged, until it is taken, on the
  // output (this cell) and on the input (its producer); no beat out of reset; never more lanes
  // held than slots.
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_gearbox: output changed while stalled");
  in_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i && !in_ready_o |=> in_valid_i && $stable(in_data_i) && $stable(in_last_i))
    else $error("mmf_gearbox: input withdrawn or changed while stalled");
  reset_a: assert property (@(posedge clk_i) !rst_ni |=> !out_valid_o)
    else $error("mmf_gearbox: output valid out of reset");
  fill_a: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(fill_q) <= Slots)
    else $error("mmf_gearbox: more lanes held than slots");
`endif

endmodule
