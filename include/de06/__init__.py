"""de06-pipelines: Project 06 data flows."""
