"""The assessments kernels: plain data in, plain data out. No Django import."""
