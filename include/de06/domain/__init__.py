"""Domain reference data and rules: provinces, personal IDs (CCCD/CMND), names."""
