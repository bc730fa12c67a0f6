"""The schema version this Segment Desk writes (the last migration's version)."""

SCHEMA_VERSION = 10
