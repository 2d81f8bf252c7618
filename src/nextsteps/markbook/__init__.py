"""The markbook: judgements, standings and the calculations behind them."""
