"""nextsteps: assessment for learning for schools in England."""

__version__ = "0.1.0"
