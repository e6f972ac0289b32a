"""Terminal seam: the protocol every transport provides and the UI consumes (stdlib only)."""
