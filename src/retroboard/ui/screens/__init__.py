"""Screens: one module per screen with logic; each has `async run(ctx) -> Nav`."""
