"""Pure models (no I/O, no drawing) of what the screens decide."""
