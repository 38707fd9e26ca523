# The units of a generated core as Yosys sees them, shared by yosys_module.tcl and
# yosys_equiv.tcl. A unit (a module of manifest.json) is either a module hadgen wrote or a
# hand-written block (rtl/src) with the parameter values the manifest gives; either way the
# flow names it by the unit's name, and a cell that instantiates another unit gets that
# unit's name as its type (hgsynth plan: PLAN_MODULE_*, PLAN_PARAMS_*, PLAN_CHILDREN_*).

# Reads the RTL files of rtl_dir: those of the unit (own) to synthesize, the others as black
# boxes, and elaborates the unit. A unit that is a hand-written block `module` is elaborated
# as a module of the unit's name with its ports (a Tcl list of name, direction, width
# triples) around one instance u_block of the block with the parameter values (a Tcl list of
# name value pairs): the structure a generated wrapper had, so that synthesis sees the same
# netlist, names included (abc's mapping depends on them).
proc hg_read_unit {unit rtl_dir files own module params ports} {
  global hg_unit_inner
  set hg_unit_inner ""
  foreach f $files {
    if {[lsearch -exact $own $f] < 0} {
      read_verilog -lib -D SYNTHESIS "$rtl_dir/$f"
    }
  }
  foreach f $own {
    read_verilog -D SYNTHESIS "$rtl_dir/$f"
  }
  if {$module ne $unit} {
    set names {}
    set decls ""
    set conns {}
    foreach {name dir width} $ports {
      lappend names $name
      append decls "  $dir wire \[[expr {$width - 1}]:0\] $name;\n"
      lappend conns ".$name\($name\)"
    }
    set pv {}
    foreach {name value} $params { lappend pv ".$name\($value\)" }
    set fd [file tempfile wrapper hg_unit.v]
    puts $fd "module $unit ([join $names {, }]);\n$decls  $module #([join $pv {, }]) u_block ([join $conns {, }]);\nendmodule"
    close $fd
    read_verilog -D SYNTHESIS $wrapper
    file delete $wrapper
    set hg_unit_inner u_block.
  }
  # not -check: a block read with its default parameter values may instantiate a block this
  # core does not have (hg_score_array's other lane kind); that copy is unused and removed
  # here, and synth's own hierarchy -check follows
  hierarchy -top $unit
}

# The names of the parameters cell `path` ("unit/cell") carries, from Yosys' dump of it.
proc hg_cell_params {path} {
  set f [file tempfile scratch]
  close $f
  tee -q -o $scratch dump $path
  set f [open $scratch r]
  set text [read $f]
  close $f
  file delete $scratch
  set names {}
  foreach line [split $text "\n"] {
    # "parameter [signed |real ]\NAME VALUE"
    if {[regexp {^\s*parameter\s+(?:(?:signed|real)\s+)*\\(\S+)\s} $line -> name]} { lappend names $name }
  }
  return $names
}

# Gives every cell of `unit` that instantiates another unit that unit's name as its type and
# drops its parameter values (children: a Tcl list of cell, unit, the unit's module and its
# parameter names, which the cell's own list read back covers); in a wrapped unit (hg_read_unit) the cell, u_block.<cell> once
# flattened, gets its name in the block back. A unit that is a hand-written block gets a
# black box of its own name (a copy of the block's), so that the netlist's cells of that
# type have port directions. Every parameter value goes, the child unit's and any other the
# parent's RTL passes (a block parameter at a value the manifest leaves out, such as SHADOW 0):
# the child's netlist has its values built in, and OpenSTA reads no parameters on a cell.
proc hg_name_children {unit children} {
  global hg_unit_inner
  set boxed {}
  foreach {cell child module params} $children {
    if {$module ne $child && [lsearch -exact $boxed $child] < 0} {
      yosys copy $module $child
      lappend boxed $child
    }
    if {$hg_unit_inner ne ""} {
      yosys cd $unit
      yosys rename "$hg_unit_inner$cell" $cell
      yosys cd
    }
    chtype -set $child "$unit/$cell"
    foreach p [hg_cell_params "$unit/$cell"] { setparam -unset $p "$unit/$cell" }
  }
}
