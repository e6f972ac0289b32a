"""retroboard: a BBS / Usenet-style discussion server."""
