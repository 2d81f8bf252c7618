"""The reports kernels: plain data in, plain data out. No Django import."""
