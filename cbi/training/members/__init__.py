"""The L2 pool's members beside L1: the random-walk yardsticks, the GBM baselines on every
covered bucket's features, and the time-series model on the ZL log-price index."""
