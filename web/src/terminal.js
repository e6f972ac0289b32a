// retroboard's web terminal: xterm.js in the page, a WebSocket to the board at /ws.
//
// Wire protocol (see docs and transports/web): BINARY frames both ways carry the terminal
// bytes (browser -> board: the keys as UTF-8, exactly as xterm's onData gives them; board ->
// browser: the screen output). TEXT frames from the browser are JSON control messages:
// {"type":"resize","cols":N,"rows":M}, sent on open and whenever the size changes.
//
// The page is served with a strict Content-Security-Policy (script-src 'self', style-src
// 'self'): nothing here adds inline scripts, and styling lives in terminal.css. The page
// may provide <div id="terminal"></div>; without one it is made here. xterm's renderer styles
// the screen from script, which that policy blocks: csp.js routes those styles through CSSOM.
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import { installCspSafeStyles } from "./csp.js";

// The CGA/VGA text-mode palette that BBS art is drawn for (ANSI colour n -> VGA attribute).
const CGA_THEME = {
  foreground: "#AAAAAA",
  background: "#000000",
  cursor: "#AAAAAA",
  cursorAccent: "#000000",
  selectionBackground: "#5555FF",
  selectionForeground: "#FFFFFF",
  black: "#000000",
  red: "#AA0000",
  green: "#00AA00",
  yellow: "#AA5500",
  blue: "#0000AA",
  magenta: "#AA00AA",
  cyan: "#00AAAA",
  white: "#AAAAAA",
  brightBlack: "#555555",
  brightRed: "#FF5555",
  brightGreen: "#55FF55",
  brightYellow: "#FFFF55",
  brightBlue: "#5555FF",
  brightMagenta: "#FF55FF",
  brightCyan: "#55FFFF",
  brightWhite: "#FFFFFF",
};

// DejaVu Sans Mono is bundled (terminal.css, /assets/fonts/): it has every CP437 glyph,
// including the box-drawing and block elements, and xterm's default DOM renderer draws
// every character with the font.
const FONT_FAMILY = '"DejaVu Mono", "DejaVu Sans Mono", monospace';
// The art is 80x25: the largest font size (of these) at which 80x25 fits the window.
const FONT_SIZES = [20, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8];
const MIN_COLS = 80;
const MIN_ROWS = 25;
const RESIZE_DEBOUNCE_MS = 150;
// The most octets one message to the board may hold (WebOptions.max_frame).
const MAX_MESSAGE = 4096;
const FONT_WAIT_MS = 3000;
const CLOSED_LINE = "\r\n\x1b[0m\x1b[1;37;41m Connection closed. Reload to call again. \x1b[0m\r\n";

function setState(state) {
  document.body.dataset.ws = state;
}

function container() {
  let el = document.getElementById("terminal");
  if (!el) {
    el = document.createElement("div");
    el.id = "terminal";
    document.body.appendChild(el);
  }
  return el;
}

// Wait (a bounded time) for the bundled font, so xterm measures its cells with it.
function fontReady() {
  if (!document.fonts || !document.fonts.load) {
    return Promise.resolve();
  }
  const timeout = new Promise((resolve) => setTimeout(resolve, FONT_WAIT_MS));
  const load = document.fonts.load('16px "DejaVu Mono"').catch(() => undefined);
  return Promise.race([load, timeout]);
}

function socketUrl() {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
}

function start() {
  installCspSafeStyles();
  document.body.classList.add("rb-terminal");
  setState("connecting");
  const term = new Terminal({
    theme: CGA_THEME,
    fontFamily: FONT_FAMILY,
    fontSize: 16,
    fontWeight: "normal",
    // Bold is "bright" on a VGA screen: the colour changes, the glyphs stay the same width.
    fontWeightBold: "normal",
    drawBoldTextInBrightColors: true,
    lineHeight: 1.0,
    letterSpacing: 0,
    cursorBlink: true,
    cursorStyle: "underline",
    scrollback: 1000,
    allowProposedApi: false,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  window.retroboardTerm = term;

  const encoder = new TextEncoder();
  let ws = null;
  let sent = "";

  function sendResize() {
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return;
    }
    const size = term.cols + "x" + term.rows;
    if (size === sent) {
      return;
    }
    sent = size;
    ws.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
  }

  // Fit the terminal to its box, at the largest font size that still gives 80x25.
  function refit() {
    for (const size of FONT_SIZES) {
      if (term.options.fontSize !== size) {
        term.options.fontSize = size;
      }
      const dims = fit.proposeDimensions();
      if (!dims || (dims.cols >= MIN_COLS && dims.rows >= MIN_ROWS)) {
        break;
      }
    }
    fit.fit();
    sendResize();
  }

  // The board closes a socket whose message is over its frame limit (WebOptions.max_frame,
  // 4096 octets): a paste goes in pieces no bigger (the board's decoder is incremental, so
  // a piece may end inside a UTF-8 character).
  function sendKeys(bytes) {
    for (let at = 0; at < bytes.length; at += MAX_MESSAGE) {
      ws.send(bytes.subarray(at, at + MAX_MESSAGE));
    }
  }

  term.onData((data) => {
    if (ws && ws.readyState === WebSocket.OPEN) {
      sendKeys(encoder.encode(data));
    }
  });
  // Some mouse reports come as a "binary" string: one octet per character.
  term.onBinary((data) => {
    if (ws && ws.readyState === WebSocket.OPEN) {
      const bytes = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) {
        bytes[i] = data.charCodeAt(i) & 0xff;
      }
      sendKeys(bytes);
    }
  });

  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(refit, RESIZE_DEBOUNCE_MS);
  });

  function connect() {
    ws = new WebSocket(socketUrl());
    ws.binaryType = "arraybuffer";
    ws.addEventListener("open", () => {
      setState("open");
      sent = "";
      sendResize();
    });
    ws.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(event.data));
      } else if (typeof event.data === "string") {
        term.write(event.data);
      }
    });
    ws.addEventListener("close", () => {
      setState("closed");
      term.write(CLOSED_LINE);
      term.options.cursorBlink = false;
      term.options.disableStdin = true;
    });
  }

  fontReady().then(() => {
    term.open(container());
    refit();
    term.focus();
    connect();
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
