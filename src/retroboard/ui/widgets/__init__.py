"""Widgets: reusable input pieces (line input, pager, editors) over a Terminal."""
