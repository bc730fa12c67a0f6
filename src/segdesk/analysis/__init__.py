"""Looking at the data as a whole: what was bought (products), and later overlap of segments,
profiles, snapshots and stability."""
