"""NNTP (RFC 3977 reader, RFC 4643 AUTHINFO): newsreaders over the board's own groups."""
