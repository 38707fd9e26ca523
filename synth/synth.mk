# synth/ — Yosys + OpenSTA flow: rules added here.
