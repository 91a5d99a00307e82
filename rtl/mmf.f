// The kernel's SystemVerilog sources in compile order, one path a line from the repository
// root: the shared packages, then every module (one per file, named after it). A build's own
// package (bitstreams/generated/<build>/mmf_build_pkg.sv) goes after the packages, and a
// build's generated Vitis top after the modules. The one list of them: read by
// sim/CMakeLists.txt, the verilator backend's kernel cache, `mmf synth`, Makefile.fpga and
// rtl_lint_test, which also fails when a file under rtl/ is missing here.
rtl/mmf_format_pkg.sv
bitstreams/generated/mmf_lut_pkg.sv
bitstreams/generated/mmf_control_pkg.sv
rtl/mmf_numerics_pkg.sv
rtl/mmf/mmf_kernel_pkg.sv
rtl/prim/prim_ram_1r1w.sv
rtl/common/mmf_fifo.sv
rtl/common/mmf_fifo_ram.sv
rtl/common/mmf_gearbox.sv
rtl/common/mmf_mul_pipe.sv
rtl/common/mmf_pipe_reg.sv
rtl/common/mmf_reduce_tree.sv
rtl/common/mmf_skid_buf.sv
rtl/common/mmf_stream_align.sv
rtl/common/mmf_stream_upsize.sv
rtl/mmf/mmf_argmax.sv
rtl/mmf/mmf_attention_exp.sv
rtl/mmf/mmf_attention_out.sv
rtl/mmf/mmf_attention_recip.sv
rtl/mmf/mmf_attention_score.sv
rtl/mmf/mmf_attention_weight.sv
rtl/mmf/mmf_axi_burst_gen.sv
rtl/mmf/mmf_axi_read_master.sv
rtl/mmf/mmf_axi_write_master.sv
rtl/mmf/mmf_axil_control.sv
rtl/mmf/mmf_bf16_to_q16.sv
rtl/mmf/mmf_buffer_bank.sv
rtl/mmf/mmf_controller.sv
rtl/mmf/mmf_descriptor_check.sv
rtl/mmf/mmf_divider.sv
rtl/mmf/mmf_head_quantize.sv
rtl/mmf/mmf_kernel.sv
rtl/mmf/mmf_mlgru_gate.sv
rtl/mmf/mmf_norm_fetch.sv
rtl/mmf/mmf_norm_quantize.sv
rtl/mmf/mmf_perf_counters.sv
rtl/mmf/mmf_program_loader.sv
rtl/mmf/mmf_rescale.sv
rtl/mmf/mmf_residual_add.sv
rtl/mmf/mmf_rope_angle.sv
rtl/mmf/mmf_rope_rotate.sv
rtl/mmf/mmf_rope.sv
rtl/mmf/mmf_row_gather.sv
rtl/mmf/mmf_row_merge.sv
rtl/mmf/mmf_scaled_products.sv
rtl/mmf/mmf_silu.sv
rtl/mmf/mmf_ternary_acc.sv
rtl/mmf/mmf_ternary_dot.sv
rtl/mmf/mmf_vec_reader.sv
rtl/mmf/mmf_vec_writer.sv
rtl/mmf/mmf_vector_datapath.sv
rtl/mmf/mmf_weight_array.sv
rtl/mmf/mmf_weight_channel.sv
rtl/mmf/mmf_weight_prefetch.sv
rtl/mmf/mmf_weight_unpack.sv
