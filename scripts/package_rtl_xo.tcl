# SPDX-License-Identifier: Apache-2.0
# Packages the SystemVerilog top of one build as a Vitis RTL kernel (.xo), in Vivado batch mode:
#
#   vivado -mode batch -source scripts/package_rtl_xo.tcl -tclargs \
#       <kernel> <part> <out.xo> <kernel.xml> <source list> <work dir>
#
#   kernel       top module and kernel name, mmf_<build> (dashes as underscores)
#   part         FPGA part of the board (build.mk: MMF_PART)
#   out.xo       the kernel object to write; v++ -l links it like the HLS one
#   kernel.xml   ports and arguments, generated from the build descriptor (rtl_kernel_xml())
#   source list  the RTL files in compile order, one path a line (packages first, top last)
#   work dir     scratch space for the Vivado project and the packaged IP; emptied here
#
# Makefile.fpga (KERNEL=rtl) runs it. Relative paths are taken from the directory Vivado runs in.
# Written for Vivado 2022.x and later, Tcl 8.5. Not run against a real Vivado yet: the tests run it
# under tclsh with the Vivado commands stubbed, which checks its own logic and the calls it makes,
# not how Vivado answers them.

namespace eval mmf {}

# An error of this script (bad arguments or inputs): reported without a Tcl stack.
proc mmf::die {message} {
  return -code error -errorcode {MMF PACKAGE} "package_rtl_xo.tcl: $message"
}

proc mmf::read_text {path} {
  if {![file isfile $path]} { mmf::die "no such file: $path" }
  set f [open $path r]
  set text [read $f]
  close $f
  return $text
}

# The attributes of every <tag ...> element of `xml`, one dict (attribute -> value) each.
# kernel.xml comes from our own generator: double-quoted attributes and no '>' inside values,
# so a regular expression reads it without an XML parser (Vivado's Tcl has none built in).
proc mmf::elements {xml tag} {
  set out {}
  foreach {match attrs} [regexp -all -inline "<${tag}\\s(\[^>\]*)>" $xml] {
    set d [dict create]
    foreach {m key value} [regexp -all -inline {([A-Za-z_:][-A-Za-z0-9_.:]*)="([^"]*)"} $attrs] {
      dict set d $key $value
    }
    lappend out $d
  }
  return $out
}

# Sets bus parameter `name` of interface `busif`, adding it when the packager did not infer it.
proc mmf::set_bus_parameter {core busif name value} {
  set bus [ipx::get_bus_interfaces $busif -of_objects $core]
  set param [ipx::get_bus_parameters $name -of_objects $bus]
  if {$param eq ""} { set param [ipx::add_bus_parameter $name $bus] }
  set_property value $value $param
}

# The interface `busif` of the packaged top; fails naming the ports it should have been made of.
proc mmf::require_interface {core kernel busif ports} {
  set bus [ipx::get_bus_interfaces $busif -of_objects $core]
  if {$bus eq ""} {
    mmf::die "top module $kernel has no interface '$busif' (expected port(s) $ports)"
  }
  return $bus
}

proc mmf::main {argv} {
  if {[llength $argv] != 6} {
    mmf::die "expected 6 arguments after -tclargs, got [llength $argv]: <kernel> <part>\
              <out.xo> <kernel.xml> <source list> <work dir>"
  }
  lassign $argv kernel part xo kernel_xml source_list work_dir
  foreach var {xo kernel_xml source_list work_dir} {
    set $var [file normalize [set $var]]
  }
  if {[file extension $xo] ne ".xo"} { mmf::die "output '$xo' must end in .xo (package_xo)" }

  # ---- Inputs, checked before Vivado does anything, so a mistake costs no project run.
  # kernel.xml names the kernel and its IP; it must be the one of this top.
  set xml [mmf::read_text $kernel_xml]
  set kernels [mmf::elements $xml kernel]
  if {[llength $kernels] != 1} { mmf::die "$kernel_xml: expected one <kernel> element" }
  set described [lindex $kernels 0]
  foreach key {name vlnv hwControlProtocol} {
    if {![dict exists $described $key]} { mmf::die "$kernel_xml: <kernel> has no $key" }
  }
  if {[dict get $described name] ne $kernel} {
    mmf::die "$kernel_xml describes kernel '[dict get $described name]', not '$kernel':\
              regenerate it (make gen)"
  }
  # The IP's identity (vendor:library:name:version) must be what kernel.xml promises, since
  # package_xo looks the IP up by it.
  set vlnv [split [dict get $described vlnv] :]
  if {[llength $vlnv] != 4 || [lindex $vlnv 2] ne $kernel} {
    mmf::die "$kernel_xml: vlnv '[join $vlnv :]' is not <vendor>:<library>:$kernel:<version>"
  }
  lassign $vlnv vendor library - version
  set ports [mmf::elements $xml port]
  set arguments [mmf::elements $xml arg]
  if {![llength $ports] || ![llength $arguments]} { mmf::die "$kernel_xml: no ports or no args" }

  # The sources, in the order given: packages before the modules that use them.
  set sources {}
  foreach line [split [mmf::read_text $source_list] \n] {
    set line [string trim $line]
    if {$line eq "" || [string index $line 0] eq "#"} { continue }
    set path [file normalize $line]
    if {![file isfile $path]} { mmf::die "$source_list: no such source file: $line" }
    lappend sources $path
  }
  if {![llength $sources]} { mmf::die "$source_list lists no source files" }

  # ---- 1. A project holding the RTL, for the IP packager to read. Started from scratch, so no
  # state of an earlier run (files since removed, an old top) leaks into the IP.
  set project_dir [file join $work_dir project]
  set ip_dir [file join $work_dir ip]
  file delete -force $project_dir $ip_dir
  file mkdir $work_dir
  create_project -force ${kernel}_package $project_dir -part $part
  # Keep the compile order of the list: it already puts the packages first, and Vivado's own
  # ordering is not needed to find the top (set next).
  set_property source_mgmt_mode DisplayOnly [current_project]
  add_files -norecurse -fileset sources_1 $sources
  set_property top $kernel [get_filesets sources_1]

  # ---- 2. The IP: the packager copies the sources into ip_dir and infers the interfaces from
  # the port names (ap_clk, ap_rst_n, interrupt, s_axi_control_*, m_axi_<bundle>_*).
  ipx::package_project -root_dir $ip_dir -vendor $vendor -library $library \
      -taxonomy /KernelIP -import_files -set_current true
  set core [ipx::current_core]
  set_property name $kernel $core
  set_property version $version $core
  set_property display_name $kernel $core
  set_property description "mmf ternary MatMul-free LM accelerator, RTL kernel $kernel" $core
  # Mark it as a Vitis kernel, so check_integrity -kernel applies the kernel rules and v++
  # accepts it; its control protocol is the one kernel.xml declares.
  set_property sdx_kernel true $core
  set_property sdx_kernel_type rtl $core
  set_property vitis_drc [list ctrl_protocol [dict get $described hwControlProtocol]] $core
  # v++ -l sets the kernel clock (--kernel_frequency); the IP itself carries no frequency.
  set_property ipi_drc {ignore_freq_hz true} $core

  # ---- 3. Clock, reset and interrupt. Every AXI interface runs on ap_clk (the only clock of a
  # Vitis kernel), the reset is active low, and the interrupt a level.
  mmf::require_interface $core $kernel ap_clk ap_clk
  mmf::require_interface $core $kernel ap_rst_n ap_rst_n
  mmf::require_interface $core $kernel interrupt interrupt
  foreach port $ports {
    set busif [dict get $port name]
    mmf::require_interface $core $kernel $busif "${busif}_*"
    ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
  }
  ipx::associate_bus_interfaces -clock ap_clk -reset ap_rst_n $core
  mmf::set_bus_parameter $core ap_rst_n POLARITY ACTIVE_LOW
  mmf::set_bus_parameter $core interrupt SENSITIVITY LEVEL_HIGH

  # ---- 4. The register map of s_axi_control: the ap_ctrl_chain block, then one register per
  # argument at the offset kernel.xml gives, and for each pointer the master it addresses
  # (ASSOCIATED_BUSIF). This is how the IP tells Vitis which argument drives which master.
  set control [mmf::require_interface $core $kernel s_axi_control s_axi_control_*]
  set memory_map [ipx::get_memory_maps s_axi_control -of_objects $core]
  if {$memory_map eq ""} { set memory_map [ipx::add_memory_map s_axi_control $core] }
  set_property slave_memory_map_ref s_axi_control $control
  set block [ipx::get_address_blocks reg0 -of_objects $memory_map]
  if {$block eq ""} { set block [ipx::add_address_block reg0 $memory_map] }
  set control_range ""
  foreach port $ports {
    if {[dict get $port name] eq "s_axi_control"} { set control_range [dict get $port range] }
  }
  if {$control_range eq ""} { mmf::die "$kernel_xml: no port s_axi_control" }
  set_property range $control_range $block
  set_property width 32 $block
  foreach {name offset description} {
    CTRL   0x000 {ap_start, ap_done, ap_idle, ap_ready, ap_continue, auto_restart}
    GIER   0x004 {global interrupt enable}
    IP_IER 0x008 {interrupt enable: done, ready}
    IP_ISR 0x00C {interrupt status: done, ready (toggle on write)}
  } {
    set reg [ipx::add_register $name $block]
    set_property address_offset $offset $reg
    set_property size 32 $reg
    set_property description $description $reg
  }
  foreach arg $arguments {
    set name [dict get $arg name]
    set reg [ipx::add_register $name $block]
    set_property address_offset [dict get $arg offset] $reg
    set_property size [expr {8 * [dict get $arg size]}] $reg
    if {[dict get $arg addressQualifier] == 1} {
      set param [ipx::add_register_parameter ASSOCIATED_BUSIF $reg]
      set_property value [dict get $arg port] $param
    }
  }

  # ---- 5. Check the IP against the kernel rules (one AXI4-Lite slave, masters with 64-bit
  # addresses, every port in an interface, ...) and save it.
  ipx::create_xgui_files $core
  ipx::update_checksums $core
  ipx::check_integrity -kernel $core
  ipx::save_core $core
  close_project

  # ---- 6. The .xo: the IP plus kernel.xml. Written in the work dir and moved into place at the
  # end, so a failed run leaves no .xo that make would take for up to date.
  set staged [file join $work_dir [file tail $xo]]
  file delete -force $staged
  package_xo -force -xo_path $staged -kernel_name $kernel -ip_directory $ip_dir \
      -kernel_xml $kernel_xml
  if {![file isfile $staged]} { mmf::die "package_xo wrote no $staged" }
  file mkdir [file dirname $xo]
  file rename -force $staged $xo
  puts "package_rtl_xo.tcl: wrote $xo"
}

if {[catch {mmf::main $argv} message options]} {
  # Our own errors say what is wrong; anything else (a Vivado command failing) gets the stack.
  if {[dict get $options -errorcode] eq {MMF PACKAGE}} {
    puts stderr $message
  } else {
    puts stderr "package_rtl_xo.tcl: [dict get $options -errorinfo]"
  }
  exit 1
}
