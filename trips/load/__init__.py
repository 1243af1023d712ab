"""load_trips' loader (trips/README.md, "Load real Citi Bike data"). Imports no Django here:
trips/load/rows.py runs in a plain child interpreter too."""
