"""Example translation pipeline (bundled with asyncaudit as an audit target)."""
