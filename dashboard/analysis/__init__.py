"""Coverage analytics along the life chain: accessibility, reach, need, gaps."""
