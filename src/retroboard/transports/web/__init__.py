"""The board in a browser: HTTP pages and a WebSocket terminal (aiohttp)."""
