"""Transports: turn telnet and SSH connections into Terminals (the only telnetlib3/asyncssh users)."""
