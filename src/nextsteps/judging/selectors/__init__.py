"""Reads for moderation, standardisation and comparative judgement (see the modules)."""
