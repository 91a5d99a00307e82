// SPDX-License-Identifier: Apache-2.0
// Weight unpacker of a weight channel, at its memory port: between the AXI read data and the
// read FIFO, it turns a command's 1.6-bit beats into the 2-bit words the accumulator takes
// (models/include/mmf/ternary_pack.hpp defines both packings; WeightTile in
// hls/include/mmf_hls/program_format.hpp the layout), so the FIFO holds words and the
// accumulator drains it at a word a cycle whatever the packing. A 2-bit command passes through.
// Its HLS twin is unpack_weights of hls/include/mmf_hls/weight_unpack.hpp.
//
// A 1.6-bit command is row blocks of `block_words` words, each the stream of its words' trits
// (word 0 first, lane 0 first), five trits a byte (byte = sum_k (t_k + 1) 3^k), in
// `block_beats` = ceil(4 block_words / 5) beats of Lanes / 4 bytes; the last beat's tail is
// padding and the next block starts at a fresh beat. Four beats are a group of five words.
//
// Why this shape (u280: 512 lanes in 31 channels, about 3.4 k LUT a channel to spare):
// - Bytes decode through 256 x 10-bit tables in block RAM (two lookups a RAMB18, rom_style
//   "block"): no decoding logic in LUTs. A 512-lane channel's memory brings at most 0.375 beats
//   a cycle (a 256-bit port at 450 MHz behind a 1,024-bit kernel port at 300 MHz, or DDR4's
//   0.5), so from 256 lanes on the unit decodes half a beat a cycle (Parts = 2: 32 tables at
//   512 lanes, not 64); narrower builds, whose memory is faster than their words, decode a
//   whole beat a cycle (Parts = 1), a few tables.
// - Part h of a group (0 .. 4 Parts - 1) holds trits [h T, (h + 1) T) of the group's five
//   words (T = 5 Lanes / (4 Parts)), the same lanes of the same words in every group. So the
//   decoded trits go to fixed bits of five word registers, each written under an enable for its
//   h: no shifter. Word w is whole after part last_part(w) and leaves through a 5-way choice of
//   the registers, the one multiplexer of the unit (5 and 8 share no factor, so some 5-way
//   choice per lane is unavoidable). A queue of two word numbers takes what a part completes
//   (two words in a group's last beat with Parts = 1) and gives a word a cycle.
// - The read master reserves FIFO room for 5 quarter words a beat; a block's last beat gives
//   back what its padding does not use (pad_o, 5 block_beats - 4 block_words quarters).
// The pipeline moves only when the queue will be empty after this cycle's word: out_ready_i low
// (a full FIFO, which the credits rule out in the kernel) holds it.
module mmf_weight_unpack #(
  parameter int unsigned Lanes = 16,          // trits a word, a multiple of 16
  parameter int unsigned MaxRowWords = 1024,  // words a row block, at most
  parameter int unsigned CmdDepth = 4,        // commands taken and not yet through
  localparam int unsigned DataWidth = 2 * Lanes,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // A read command the read master takes this cycle (only while !cmd_full_o): its packing (1:
  // 1.6-bit), its beats, and for 1.6-bit its row blocks' words and beats.
  input  logic                 cmd_i,
  output logic                 cmd_full_o,
  input  logic                 cmd_packed_i,
  input  logic [31:0]          cmd_beats_i,
  input  logic [WordIdxW-1:0]  cmd_block_words_i,
  input  logic [WordIdxW-1:0]  cmd_block_beats_i,

  // Beats from memory, in command order.
  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [DataWidth-1:0] in_data_i,

  // 2-bit words to the FIFO.
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [DataWidth-1:0] out_data_o,

  // Quarter words of reserved FIFO room a row block leaves unused (its padding).
  output logic                 pad_valid_o,
  output logic [2:0]           pad_o
);

  localparam int unsigned Parts = Lanes >= 256 ? 2 : 1;  // a beat's parts, one a cycle
  localparam int unsigned PartBytes = Lanes / 4 / Parts;
  localparam int unsigned PartTrits = 5 * PartBytes;
  localparam int unsigned Roms = PartBytes / 2;  // two lookups a table
  localparam int unsigned CmdW = 1 + 32 + 2 * WordIdxW;

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
  // Words of a group when `left` words of its row block remain: min(5, left).
  function automatic logic [2:0] group_words(input logic [WordIdxW-1:0] left);
    group_words = left >= WordIdxW'(5) ? 3'd5 : 3'(left);
  endfunction
  // The part of a group in which word w (0..4) gets its last trit.
  function automatic int unsigned last_part(input int unsigned w);
    last_part = ((w + 1) * Lanes - 1) / PartTrits;
  endfunction

  // ---- Commands ------------------------------------------------------------------------------
  logic                cmd_valid, cmd_pop;
  logic [CmdW-1:0]     cmd_head;
  logic                cmd_room;
  logic [$clog2(CmdDepth + 1)-1:0] cmd_usage;  // not needed: the queue's ready says it
  mmf_fifo #(
    .Width(CmdW),
    .Depth(CmdDepth)
  ) u_cmds (
    .clk_i,
    .rst_ni,
    .in_valid_i (cmd_i),
    .in_ready_o (cmd_room),
    .in_data_i  ({cmd_packed_i, cmd_beats_i, cmd_block_words_i, cmd_block_beats_i}),
    .out_valid_o(cmd_valid),
    .out_ready_i(cmd_pop),
    .out_data_o (cmd_head),
    .usage_o    (cmd_usage)
  );
  assign cmd_full_o = !cmd_room;
  logic unused_usage;
  assign unused_usage = ^cmd_usage;

  logic                head_packed;
  logic [31:0]         head_beats;
  logic [WordIdxW-1:0] head_words, head_block_beats;
  assign {head_packed, head_beats, head_words, head_block_beats} = cmd_head;

  // The command whose beats come now. Counters, each with its end test registered beside it.
  logic                act_q, packed_q;
  logic [31:0]         beats_left_q;    // of the command
  logic                cmd_last_q;      // beats_left_q == 1
  logic [WordIdxW-1:0] bw_q, bb_q;      // a row block's words and beats
  logic [WordIdxW-1:0] blk_left_q;      // beats of the row block left, this one's included
  logic                blk_last_q;      // blk_left_q == 1
  logic                bb_one_q;        // bb_q == 1
  logic [1:0]          grp_q;           // the next beat's place in its group
  logic [WordIdxW-1:0] words_left_q;    // words of the row block from this group on
  logic [2:0]          gw_q, gw0_q;     // min(5, words_left_q), min(5, bw_q)
  logic [2:0]          pad_q;           // 5 bb_q - 4 bw_q

  // ---- The pipeline: a beat register, the table lookup of one part, the word registers -----
  logic                 beat_v_q, half_q;  // half_q: the part to issue next (Parts = 2)
  logic [DataWidth-1:0] beat_q;
  logic [1:0]           beat_grp_q;
  logic [2:0]           beat_gw_q;      // words of the beat's group in the row block (1..5)
  logic                 tag_v_q;        // a part is in the tables' output register
  logic [2:0]           tag_h_q, tag_gw_q;
  logic [1:0]           q_cnt_q;        // whole words waiting, their numbers in q0_q, q1_q
  logic [2:0]           q0_q, q1_q;
  logic [DataWidth-1:0] words_q [5];
  logic [2*PartTrits-1:0] decoded;      // the tables' answers for tag_h_q's part

  logic adv, take, issue, beat_done, pipe_empty, pass, out_fire;
  assign out_fire = q_cnt_q != '0 && out_ready_i;
  // Everything moves when no whole word is left waiting after this cycle's.
  assign adv = q_cnt_q == '0 || (q_cnt_q == 2'd1 && out_ready_i);
  assign pipe_empty = !beat_v_q && !tag_v_q && q_cnt_q == '0;
  // A 2-bit command's beats go straight to the FIFO once the 1.6-bit words before them left.
  assign pass = act_q && !packed_q && pipe_empty;
  // The beat register gives its last part this cycle (with Parts = 1, its only one).
  assign beat_done = Parts == 1 || half_q;
  // A 1.6-bit beat is taken into the beat register when it is free or gives its last part.
  assign take = act_q && packed_q && in_valid_i && adv && (!beat_v_q || beat_done);
  assign issue = beat_v_q && adv;
  assign cmd_pop = !act_q && cmd_valid;

  assign in_ready_o = packed_q ? act_q && adv && (!beat_v_q || beat_done)
                               : pass && out_ready_i;
  assign out_valid_o = q_cnt_q != '0 || (pass && in_valid_i);
  // The 5-way choice and the 2-bit pass-through, written as two LUT levels a bit: words 0..3
  // by q0_q[1:0] (one LUT6 each), then word 4, that or the beat passing through.
  logic [DataWidth-1:0] word_low;
  assign word_low = q0_q[1] ? (q0_q[0] ? words_q[3] : words_q[2])
                            : (q0_q[0] ? words_q[1] : words_q[0]);
  assign out_data_o = q_cnt_q == '0 ? in_data_i : q0_q[2] ? words_q[4] : word_low;
  assign pad_valid_o = take && blk_last_q;
  assign pad_o = pad_q;

  // The words tag_h_q's part completes (one, or two with Parts = 1), in order.
  logic [1:0] done_n;
  logic [2:0] done0, done1;
  always_comb begin
    done_n = '0;
    done0 = '0;
    done1 = '0;
    for (int unsigned w = 0; w < 5; w++) begin
      if (tag_v_q && tag_h_q == 3'(last_part(w)) && 3'(w) < tag_gw_q) begin
        if (done_n == '0) done0 = 3'(w);
        else done1 = 3'(w);
        done_n = done_n + 1'b1;
      end
    end
  end

  logic pass_fire;
  assign pass_fire = pass && in_valid_i && out_ready_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      act_q <= 1'b0;
      packed_q <= 1'b0;
      beat_v_q <= 1'b0;
      half_q <= 1'b0;
      tag_v_q <= 1'b0;
      q_cnt_q <= '0;
    end else begin
      if (cmd_pop) begin
        act_q <= 1'b1;
        packed_q <= head_packed;
      end else if ((take || pass_fire) && cmd_last_q) begin
        act_q <= 1'b0;
      end
      if (adv) begin
        if (issue && Parts > 1) half_q <= !half_q;
        if (take) beat_v_q <= 1'b1;
        else if (issue && beat_done) beat_v_q <= 1'b0;
        tag_v_q <= issue;
        q_cnt_q <= done_n;  // the queue is empty after this cycle's word
      end else if (out_fire) begin
        q_cnt_q <= q_cnt_q - 1'b1;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (adv) begin
      q0_q <= done0;
      q1_q <= done1;
    end else if (out_fire) begin
      q0_q <= q1_q;
    end
  end

  // Counters and data: no reset (read only under act_q or a valid).
  always_ff @(posedge clk_i) begin
    if (cmd_pop) begin
      beats_left_q <= head_beats;
      cmd_last_q <= head_beats == 32'd1;
      bw_q <= head_words;
      bb_q <= head_block_beats;
      blk_left_q <= head_block_beats;
      blk_last_q <= head_block_beats == WordIdxW'(1);
      bb_one_q <= head_block_beats == WordIdxW'(1);
      grp_q <= '0;
      words_left_q <= head_words;
      gw_q <= group_words(head_words);
      gw0_q <= group_words(head_words);
      pad_q <= 3'(32'(head_block_beats) * 32'd5 - 32'(head_words) * 32'd4);
    end else if (take || pass_fire) begin
      beats_left_q <= beats_left_q - 32'd1;
      cmd_last_q <= beats_left_q == 32'd2;
    end
    if (take) begin
      if (blk_last_q) begin  // the next row block starts a group at a fresh beat
        blk_left_q <= bb_q;
        blk_last_q <= bb_one_q;
        grp_q <= '0;
        words_left_q <= bw_q;
        gw_q <= gw0_q;
      end else begin
        blk_left_q <= blk_left_q - 1'b1;
        blk_last_q <= blk_left_q == WordIdxW'(2);
        grp_q <= grp_q + 1'b1;
        if (grp_q == 2'd3) begin
          words_left_q <= words_left_q - WordIdxW'(5);
          gw_q <= group_words(words_left_q - WordIdxW'(5));
        end
      end
      beat_q <= in_data_i;
      beat_grp_q <= grp_q;
      beat_gw_q <= gw_q;
    end
    if (issue) begin
      tag_h_q <= Parts == 1 ? {1'b0, beat_grp_q} : {beat_grp_q, half_q};
      tag_gw_q <= beat_gw_q;
    end
  end

  // The lookups of the part being issued: each table answers two bytes a cycle, held while
  // the pipeline waits (the block RAM's enable).
  logic [8*PartBytes-1:0] part_bytes;
  if (Parts == 1) begin : gen_whole
    assign part_bytes = beat_q;
  end else begin : gen_halves
    assign part_bytes = half_q ? beat_q[8*PartBytes +: 8*PartBytes] : beat_q[0 +: 8*PartBytes];
  end
  for (genvar r = 0; r < Roms; r++) begin : gen_rom
    (* rom_style = "block" *) logic [9:0] rom [256];
    initial for (int i = 0; i < 256; i++) rom[i] = decode5(8'(i));
    always_ff @(posedge clk_i) begin
      if (adv) begin
        decoded[20*r +: 10] <= rom[part_bytes[16*r +: 8]];
        decoded[20*r+10 +: 10] <= rom[part_bytes[16*r+8 +: 8]];
      end
    end
  end

  // Lane l of word w is trit w Lanes + l of the group: part (that / PartTrits), trit (that mod
  // PartTrits) of the part. Fixed wiring; the enable is the part's number.
  for (genvar w = 0; w < 5; w++) begin : gen_word
    for (genvar l = 0; l < Lanes; l++) begin : gen_lane
      localparam int unsigned T = w * Lanes + l;
      always_ff @(posedge clk_i) begin
        if (adv && tag_v_q && tag_h_q == 3'(T / PartTrits)) begin
          words_q[w][2*l +: 2] <= decoded[2*(T % PartTrits) +: 2];
        end
      end
    end
  end

`ifndef SYNTHESIS
  lanes_a: assert property (@(posedge clk_i) Lanes % (16 * Parts) == 0)
    else $error("mmf_weight_unpack: Lanes (%0d) must be a multiple of %0d", Lanes, 16 * Parts);
  queue_a: assert property (@(posedge clk_i) disable iff (!rst_ni) q_cnt_q <= 2'd2)
    else $error("mmf_weight_unpack: more than two whole words waiting");
  // The registered end tests are the counters' compares.
  flags_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      act_q |-> cmd_last_q == (beats_left_q == 32'd1) &&
                (!packed_q || (blk_last_q == (blk_left_q == WordIdxW'(1)) &&
                               gw_q == group_words(words_left_q))))
    else $error("mmf_weight_unpack: an end flag disagrees with its counter");
  // A 1.6-bit command ends with a row block.
  cmd_end_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      take && cmd_last_q |-> blk_last_q)
    else $error("mmf_weight_unpack: a 1.6-bit command ended inside a row block");
  geometry_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_i && cmd_packed_i |-> cmd_block_words_i != '0 &&
          32'(cmd_block_beats_i) == (4 * 32'(cmd_block_words_i) + 4) / 5)
    else $error("mmf_weight_unpack: a row block's beats are not ceil(4 words / 5)");
  cmd_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni) cmd_i |-> cmd_room)
    else $error("mmf_weight_unpack: a command while the queue is full");
  // Handshake contract of the word stream: data holds while valid waits for ready.
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      q_cnt_q != '0 && !out_ready_i |=> q_cnt_q != '0 && $stable(out_data_o))
    else $error("mmf_weight_unpack: word stream changed while stalled");
`endif

endmodule
