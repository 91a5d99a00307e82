// SPDX-License-Identifier: Apache-2.0
// Weight unpacker of a weight channel: between the read FIFO and the accumulator, it turns a
// job's 1.6-bit beats into the 2-bit words the accumulator takes (models/include/mmf/
// ternary_pack.hpp defines both packings; WeightTile in hls/include/mmf_hls/program_format.hpp
// the layout). A 2-bit job passes through untouched. Its HLS twin is unpack_weights of
// hls/include/mmf_hls/weight_unpack.hpp.
//
// A 1.6-bit job is ceil(rows / TileRows) row blocks of row_words words each. A row block of W
// words is the stream of its words' trits (word 0 first, lane 0 first), five trits a byte
// (byte = sum_k (t_k + 1) 3^k), in ceil(4 W / 5) beats of Lanes / 4 bytes; the last beat's tail
// is padding, and the next row block starts at a fresh beat. Each byte decodes through a
// 256-entry table to five 2-bit codes, so a beat is 5 quarters (Lanes / 4 trits each) and a word
// 4. A buffer of 12 quarters takes each beat behind the quarters it holds and gives the oldest
// 4 as a word.
//
// Row blocks: the unpacker counts the quarters of the row block still to come; a block's last
// beat brings only those (1 to 5, 5 ceil(4 W / 5) - 4 W = W mod 5 fewer than 5): its padding
// quarters are written past the ones held but not counted, so the next block's first beat
// overwrites them and the held quarters are always whole words' worth of the job's trits, with
// no gap at a block's end. It takes beats only while the job has some left (never one of the
// next job's) and while it holds at most 7 quarters: then the beat fits whether or not a word
// leaves in the same cycle, so the FIFO side's ready does not wait on the accumulator's (the
// channel keeps its 6 LUT levels), and the decoded stream, 1.25 words a beat, keeps one word a
// cycle across row-block ends while beats come (tests/rtl/weight_unpack_test.cpp measures it
// for every padding). A word leaving shifts the buffer by 4 quarters: the only step that waits
// on out_ready_i. The end-of-block and end-of-job tests are registers (last_beat_q,
// last_block_q), not compares in the handshake's path. Bytes 243..255 (no packing makes them)
// decode to zero trits.
module mmf_weight_unpack #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned TileRows = 1,
  parameter int unsigned MaxRowWords = 1024,
  localparam int unsigned DataWidth = 2 * Lanes,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // The accumulator takes a job this cycle (its handshake): its packing (1: 1.6-bit) and its
  // words, ceil(rows / TileRows) row blocks of row_words (WeightTile::read_words), which come
  // from ceil(4 row_words / 5) beats a row block when packed.
  input  logic                 job_i,
  input  logic                 job_packed_i,
  input  logic [RowCountW-1:0] job_rows_i,
  input  logic [WordIdxW-1:0]  job_row_words_i,

  // Beats from the read FIFO.
  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [DataWidth-1:0] in_data_i,

  // 2-bit words to the accumulator.
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [DataWidth-1:0] out_data_o
);

  localparam int unsigned BeatBytes = Lanes / 4;
  localparam int unsigned QuarterW = Lanes / 2;  // a quarter word: Lanes / 4 trits, 2 bits each
  // Quarters held: up to 7 and a beat's 5, so that a beat is taken whenever at most 7 are held,
  // whether or not a word leaves in the same cycle (the FIFO side never waits on out_ready_i).
  localparam int unsigned Slots = 12;
  localparam int unsigned QuarterIdxW = WordIdxW + 2;  // 4 row_words

  // Byte -> five 2-bit codes (0b00 zero, 0b01 +1, 0b11 -1), trit k in bits [2k+1:2k].
  function automatic logic [9:0] decode5(input logic [7:0] b);
    unique case (b)
      8'd0: decode5 = 10'h3ff;
      8'd1: decode5 = 10'h3fc;
      8'd2: decode5 = 10'h3fd;
      8'd3: decode5 = 10'h3f3;
      8'd4: decode5 = 10'h3f0;
      8'd5: decode5 = 10'h3f1;
      8'd6: decode5 = 10'h3f7;
      8'd7: decode5 = 10'h3f4;
      8'd8: decode5 = 10'h3f5;
      8'd9: decode5 = 10'h3cf;
      8'd10: decode5 = 10'h3cc;
      8'd11: decode5 = 10'h3cd;
      8'd12: decode5 = 10'h3c3;
      8'd13: decode5 = 10'h3c0;
      8'd14: decode5 = 10'h3c1;
      8'd15: decode5 = 10'h3c7;
      8'd16: decode5 = 10'h3c4;
      8'd17: decode5 = 10'h3c5;
      8'd18: decode5 = 10'h3df;
      8'd19: decode5 = 10'h3dc;
      8'd20: decode5 = 10'h3dd;
      8'd21: decode5 = 10'h3d3;
      8'd22: decode5 = 10'h3d0;
      8'd23: decode5 = 10'h3d1;
      8'd24: decode5 = 10'h3d7;
      8'd25: decode5 = 10'h3d4;
      8'd26: decode5 = 10'h3d5;
      8'd27: decode5 = 10'h33f;
      8'd28: decode5 = 10'h33c;
      8'd29: decode5 = 10'h33d;
      8'd30: decode5 = 10'h333;
      8'd31: decode5 = 10'h330;
      8'd32: decode5 = 10'h331;
      8'd33: decode5 = 10'h337;
      8'd34: decode5 = 10'h334;
      8'd35: decode5 = 10'h335;
      8'd36: decode5 = 10'h30f;
      8'd37: decode5 = 10'h30c;
      8'd38: decode5 = 10'h30d;
      8'd39: decode5 = 10'h303;
      8'd40: decode5 = 10'h300;
      8'd41: decode5 = 10'h301;
      8'd42: decode5 = 10'h307;
      8'd43: decode5 = 10'h304;
      8'd44: decode5 = 10'h305;
      8'd45: decode5 = 10'h31f;
      8'd46: decode5 = 10'h31c;
      8'd47: decode5 = 10'h31d;
      8'd48: decode5 = 10'h313;
      8'd49: decode5 = 10'h310;
      8'd50: decode5 = 10'h311;
      8'd51: decode5 = 10'h317;
      8'd52: decode5 = 10'h314;
      8'd53: decode5 = 10'h315;
      8'd54: decode5 = 10'h37f;
      8'd55: decode5 = 10'h37c;
      8'd56: decode5 = 10'h37d;
      8'd57: decode5 = 10'h373;
      8'd58: decode5 = 10'h370;
      8'd59: decode5 = 10'h371;
      8'd60: decode5 = 10'h377;
      8'd61: decode5 = 10'h374;
      8'd62: decode5 = 10'h375;
      8'd63: decode5 = 10'h34f;
      8'd64: decode5 = 10'h34c;
      8'd65: decode5 = 10'h34d;
      8'd66: decode5 = 10'h343;
      8'd67: decode5 = 10'h340;
      8'd68: decode5 = 10'h341;
      8'd69: decode5 = 10'h347;
      8'd70: decode5 = 10'h344;
      8'd71: decode5 = 10'h345;
      8'd72: decode5 = 10'h35f;
      8'd73: decode5 = 10'h35c;
      8'd74: decode5 = 10'h35d;
      8'd75: decode5 = 10'h353;
      8'd76: decode5 = 10'h350;
      8'd77: decode5 = 10'h351;
      8'd78: decode5 = 10'h357;
      8'd79: decode5 = 10'h354;
      8'd80: decode5 = 10'h355;
      8'd81: decode5 = 10'h0ff;
      8'd82: decode5 = 10'h0fc;
      8'd83: decode5 = 10'h0fd;
      8'd84: decode5 = 10'h0f3;
      8'd85: decode5 = 10'h0f0;
      8'd86: decode5 = 10'h0f1;
      8'd87: decode5 = 10'h0f7;
      8'd88: decode5 = 10'h0f4;
      8'd89: decode5 = 10'h0f5;
      8'd90: decode5 = 10'h0cf;
      8'd91: decode5 = 10'h0cc;
      8'd92: decode5 = 10'h0cd;
      8'd93: decode5 = 10'h0c3;
      8'd94: decode5 = 10'h0c0;
      8'd95: decode5 = 10'h0c1;
      8'd96: decode5 = 10'h0c7;
      8'd97: decode5 = 10'h0c4;
      8'd98: decode5 = 10'h0c5;
      8'd99: decode5 = 10'h0df;
      8'd100: decode5 = 10'h0dc;
      8'd101: decode5 = 10'h0dd;
      8'd102: decode5 = 10'h0d3;
      8'd103: decode5 = 10'h0d0;
      8'd104: decode5 = 10'h0d1;
      8'd105: decode5 = 10'h0d7;
      8'd106: decode5 = 10'h0d4;
      8'd107: decode5 = 10'h0d5;
      8'd108: decode5 = 10'h03f;
      8'd109: decode5 = 10'h03c;
      8'd110: decode5 = 10'h03d;
      8'd111: decode5 = 10'h033;
      8'd112: decode5 = 10'h030;
      8'd113: decode5 = 10'h031;
      8'd114: decode5 = 10'h037;
      8'd115: decode5 = 10'h034;
      8'd116: decode5 = 10'h035;
      8'd117: decode5 = 10'h00f;
      8'd118: decode5 = 10'h00c;
      8'd119: decode5 = 10'h00d;
      8'd120: decode5 = 10'h003;
      8'd121: decode5 = 10'h000;
      8'd122: decode5 = 10'h001;
      8'd123: decode5 = 10'h007;
      8'd124: decode5 = 10'h004;
      8'd125: decode5 = 10'h005;
      8'd126: decode5 = 10'h01f;
      8'd127: decode5 = 10'h01c;
      8'd128: decode5 = 10'h01d;
      8'd129: decode5 = 10'h013;
      8'd130: decode5 = 10'h010;
      8'd131: decode5 = 10'h011;
      8'd132: decode5 = 10'h017;
      8'd133: decode5 = 10'h014;
      8'd134: decode5 = 10'h015;
      8'd135: decode5 = 10'h07f;
      8'd136: decode5 = 10'h07c;
      8'd137: decode5 = 10'h07d;
      8'd138: decode5 = 10'h073;
      8'd139: decode5 = 10'h070;
      8'd140: decode5 = 10'h071;
      8'd141: decode5 = 10'h077;
      8'd142: decode5 = 10'h074;
      8'd143: decode5 = 10'h075;
      8'd144: decode5 = 10'h04f;
      8'd145: decode5 = 10'h04c;
      8'd146: decode5 = 10'h04d;
      8'd147: decode5 = 10'h043;
      8'd148: decode5 = 10'h040;
      8'd149: decode5 = 10'h041;
      8'd150: decode5 = 10'h047;
      8'd151: decode5 = 10'h044;
      8'd152: decode5 = 10'h045;
      8'd153: decode5 = 10'h05f;
      8'd154: decode5 = 10'h05c;
      8'd155: decode5 = 10'h05d;
      8'd156: decode5 = 10'h053;
      8'd157: decode5 = 10'h050;
      8'd158: decode5 = 10'h051;
      8'd159: decode5 = 10'h057;
      8'd160: decode5 = 10'h054;
      8'd161: decode5 = 10'h055;
      8'd162: decode5 = 10'h1ff;
      8'd163: decode5 = 10'h1fc;
      8'd164: decode5 = 10'h1fd;
      8'd165: decode5 = 10'h1f3;
      8'd166: decode5 = 10'h1f0;
      8'd167: decode5 = 10'h1f1;
      8'd168: decode5 = 10'h1f7;
      8'd169: decode5 = 10'h1f4;
      8'd170: decode5 = 10'h1f5;
      8'd171: decode5 = 10'h1cf;
      8'd172: decode5 = 10'h1cc;
      8'd173: decode5 = 10'h1cd;
      8'd174: decode5 = 10'h1c3;
      8'd175: decode5 = 10'h1c0;
      8'd176: decode5 = 10'h1c1;
      8'd177: decode5 = 10'h1c7;
      8'd178: decode5 = 10'h1c4;
      8'd179: decode5 = 10'h1c5;
      8'd180: decode5 = 10'h1df;
      8'd181: decode5 = 10'h1dc;
      8'd182: decode5 = 10'h1dd;
      8'd183: decode5 = 10'h1d3;
      8'd184: decode5 = 10'h1d0;
      8'd185: decode5 = 10'h1d1;
      8'd186: decode5 = 10'h1d7;
      8'd187: decode5 = 10'h1d4;
      8'd188: decode5 = 10'h1d5;
      8'd189: decode5 = 10'h13f;
      8'd190: decode5 = 10'h13c;
      8'd191: decode5 = 10'h13d;
      8'd192: decode5 = 10'h133;
      8'd193: decode5 = 10'h130;
      8'd194: decode5 = 10'h131;
      8'd195: decode5 = 10'h137;
      8'd196: decode5 = 10'h134;
      8'd197: decode5 = 10'h135;
      8'd198: decode5 = 10'h10f;
      8'd199: decode5 = 10'h10c;
      8'd200: decode5 = 10'h10d;
      8'd201: decode5 = 10'h103;
      8'd202: decode5 = 10'h100;
      8'd203: decode5 = 10'h101;
      8'd204: decode5 = 10'h107;
      8'd205: decode5 = 10'h104;
      8'd206: decode5 = 10'h105;
      8'd207: decode5 = 10'h11f;
      8'd208: decode5 = 10'h11c;
      8'd209: decode5 = 10'h11d;
      8'd210: decode5 = 10'h113;
      8'd211: decode5 = 10'h110;
      8'd212: decode5 = 10'h111;
      8'd213: decode5 = 10'h117;
      8'd214: decode5 = 10'h114;
      8'd215: decode5 = 10'h115;
      8'd216: decode5 = 10'h17f;
      8'd217: decode5 = 10'h17c;
      8'd218: decode5 = 10'h17d;
      8'd219: decode5 = 10'h173;
      8'd220: decode5 = 10'h170;
      8'd221: decode5 = 10'h171;
      8'd222: decode5 = 10'h177;
      8'd223: decode5 = 10'h174;
      8'd224: decode5 = 10'h175;
      8'd225: decode5 = 10'h14f;
      8'd226: decode5 = 10'h14c;
      8'd227: decode5 = 10'h14d;
      8'd228: decode5 = 10'h143;
      8'd229: decode5 = 10'h140;
      8'd230: decode5 = 10'h141;
      8'd231: decode5 = 10'h147;
      8'd232: decode5 = 10'h144;
      8'd233: decode5 = 10'h145;
      8'd234: decode5 = 10'h15f;
      8'd235: decode5 = 10'h15c;
      8'd236: decode5 = 10'h15d;
      8'd237: decode5 = 10'h153;
      8'd238: decode5 = 10'h150;
      8'd239: decode5 = 10'h151;
      8'd240: decode5 = 10'h157;
      8'd241: decode5 = 10'h154;
      8'd242: decode5 = 10'h155;
      default: decode5 = 10'h000;
    endcase
  endfunction

  logic [5*QuarterW-1:0] decoded;  // the beat's 5 quarters, trit i in bits [2i+1:2i]
  for (genvar j = 0; j < BeatBytes; j++) begin : gen_byte
    assign decoded[10*j +: 10] = decode5(in_data_i[8*j +: 8]);
  end

  logic                    packed_q;
  logic                    loading_q;       // beats of the job still to come
  logic [RowCountW-1:0]    rows_left_q;     // rows of the job left, the loading block's included
  logic                    last_block_q;    // rows_left_q <= TileRows: the job's last row block
  logic [QuarterIdxW-1:0]  quarters_left_q; // quarters of the loading row block still to come
  logic                    last_beat_q;     // quarters_left_q <= 5: the block's last beat
  logic [QuarterIdxW-1:0]  block_quarters_q;  // 4 row_words: a row block's quarters
  logic                    one_beat_q;      // row_words == 1: a row block is one beat
  logic [3:0]              count_q;         // quarters held, 0..12
  logic [Slots*QuarterW-1:0] buf_q;         // quarter s in bits [s*QuarterW +: QuarterW]

  // This cycle: a word leaves (emit); a beat comes in (load), with its quarters that are the
  // block's (added: all 5, or the last beat's quarters_left_q, its padding not counted).
  logic       emit, load;
  logic [2:0] added;
  assign emit = packed_q && count_q >= 4'd4 && out_ready_i;
  assign load = packed_q && loading_q && count_q <= 4'd7 && in_valid_i;
  assign added = last_beat_q ? 3'(quarters_left_q) : 3'd5;

  assign in_ready_o = packed_q ? loading_q && count_q <= 4'd7 : out_ready_i;
  assign out_valid_o = packed_q ? count_q >= 4'd4 : in_valid_i;
  assign out_data_o = packed_q ? buf_q[0 +: DataWidth] : in_data_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      packed_q <= 1'b0;
      loading_q <= 1'b0;
      rows_left_q <= '0;
      last_block_q <= 1'b0;
      quarters_left_q <= '0;
      last_beat_q <= 1'b0;
      block_quarters_q <= '0;
      one_beat_q <= 1'b0;
      count_q <= '0;
    end else if (job_i) begin
      packed_q <= job_packed_i;
      loading_q <= job_packed_i && job_rows_i != '0 && job_row_words_i != '0;
      rows_left_q <= job_rows_i;
      last_block_q <= job_rows_i <= RowCountW'(TileRows);
      quarters_left_q <= QuarterIdxW'(job_row_words_i) << 2;
      last_beat_q <= job_row_words_i == WordIdxW'(1);
      block_quarters_q <= QuarterIdxW'(job_row_words_i) << 2;
      one_beat_q <= job_row_words_i == WordIdxW'(1);
      count_q <= '0;
    end else begin
      if (load) begin
        if (!last_beat_q) begin
          quarters_left_q <= quarters_left_q - QuarterIdxW'(5);
          last_beat_q <= quarters_left_q <= QuarterIdxW'(10);
        end else if (last_block_q) begin
          loading_q <= 1'b0;  // the job's last beat
        end else begin  // the next row block, from the next beat
          rows_left_q <= rows_left_q - RowCountW'(TileRows);
          last_block_q <= rows_left_q <= RowCountW'(2 * TileRows);
          quarters_left_q <= block_quarters_q;
          last_beat_q <= one_beat_q;
        end
      end
      count_q <= count_q - (emit ? 4'd4 : 4'd0) + (load ? 4'(added) : 4'd0);
    end
  end

  // Data only: no reset (a quarter is read only below count_q). The beat goes in at slot
  // count_q, past the quarters held (its uncounted padding is overwritten by the next beat);
  // then a word leaving shifts everything down 4 slots. Fixed slices chosen by count_q's value,
  // no computed offsets; the shift is the only step that waits for out_ready_i.
  logic [(Slots+4)*QuarterW-1:0] merged;  // the held quarters and the beat, before the shift
  always_comb begin
    merged = {{4*QuarterW{1'b0}}, buf_q};
    if (load) begin
      for (int unsigned p = 0; p < 8; p++) begin
        if (count_q[2:0] == 3'(p)) begin
          for (int unsigned k = 0; k < 5; k++) begin
            merged[(p+k)*QuarterW +: QuarterW] = decoded[k*QuarterW +: QuarterW];
          end
        end
      end
    end
  end
  always_ff @(posedge clk_i) begin
    buf_q <= emit ? merged[4*QuarterW +: Slots*QuarterW] : merged[0 +: Slots*QuarterW];
  end

`ifndef SYNTHESIS
  count_a: assert property (@(posedge clk_i) disable iff (!rst_ni) count_q <= 4'(Slots))
    else $error("mmf_weight_unpack: more than %0d quarters held", Slots);
  job_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_i |-> !loading_q && count_q == '0)
    else $error("mmf_weight_unpack: a job while the last one still has words");
  // The registered end tests are the counters' compares.
  last_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      loading_q |-> last_beat_q == (quarters_left_q <= QuarterIdxW'(5)) &&
                    quarters_left_q != '0 &&
                    last_block_q == (rows_left_q <= RowCountW'(TileRows)) &&
                    one_beat_q == (block_quarters_q == QuarterIdxW'(4)))
    else $error("mmf_weight_unpack: an end-of-block flag disagrees with its counter");
  // Once the job's beats are in, what is held is whole words (the padding was not counted).
  whole_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      packed_q && !loading_q |-> count_q[1:0] == 2'd0)
    else $error("mmf_weight_unpack: a job ended on part of a word");
  // Handshake contract of the word stream: data holds while valid waits for ready.
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      packed_q && out_valid_o && !out_ready_i && !job_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_weight_unpack: word stream changed while stalled");
`endif

endmodule
