"""Models that put every contact in exactly one segment of a scheme: RFM, lifecycle."""
