// Connects an xterm.js terminal to the app's TerminalHost object:
// output arrives as base64 (bytes, not text: a UTF-8 sequence may be split
// between two pieces), keys and size changes go back; the app sets the
// font size and colours (appearance) and asks for the keyboard focus.
'use strict';

const term = new Terminal({
  scrollback: 10000,
  fontFamily: 'DejaVu Sans Mono, monospace',
  fontSize: 13,
});
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal'));
window.term = term; // for the app's tests

function bytesOf(base64) {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; ++i) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function refit() {
  fit.fit();
  // The new cell size is measured on the next frame.
  requestAnimationFrame(() => fit.fit());
}

function applyAppearance(appearance) {
  term.options.fontSize = appearance.fontSize;
  term.options.theme = appearance.theme;
  document.body.style.background = appearance.theme.background;
  refit();
}

// Ctrl+= / Ctrl++ zoom in, Ctrl+- out, Ctrl+0 resets (GNOME Terminal, VS Code).
function zoomStepOf(e) {
  if (!e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.key === '=' || e.key === '+') return 1;
  if (e.key === '-') return -1; // not Ctrl+_ : readline's undo
  if (e.key === '0') return 0;
  return null;
}

new QWebChannel(qt.webChannelTransport, (channel) => {
  const host = channel.objects.host;
  window.paddockHost = host;
  host.output.connect((base64) => term.write(bytesOf(base64)));
  host.appearanceChanged.connect(applyAppearance);
  host.focusRequested.connect(() => term.focus());
  term.onData((data) => host.sendInput(data));
  term.onResize(({ rows, cols }) => host.resize(rows, cols));
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    const zoom = zoomStepOf(e);
    if (zoom !== null) { e.preventDefault(); host.zoom(zoom); return false; }
    if (!e.ctrlKey || !e.shiftKey) return true;
    // Ctrl+Shift+C / Ctrl+Shift+V copy and paste, as in desktop terminals.
    if (e.code === 'KeyC') { host.copy(term.getSelection()); return false; }
    if (e.code === 'KeyV') { host.clipboardText((text) => term.paste(text)); return false; }
    return true;
  });
  host.appearance((appearance) => {
    applyAppearance(appearance);
    new ResizeObserver(() => fit.fit()).observe(document.getElementById('terminal'));
    fit.fit();
    host.ready(term.rows, term.cols);
    term.focus();
  });
});
