"""Test helpers: screens as a user sees them, and clients that drive a real server."""
