"""Segment Desk: a keyboard-driven terminal workbench for customer segments."""

__version__ = "0.1.0"
