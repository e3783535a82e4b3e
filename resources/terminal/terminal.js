// Connects an xterm.js terminal to the app's TerminalHost object:
// output arrives as base64 (bytes, not text: a UTF-8 sequence may be split
// between two pieces), keys and size changes go back.
'use strict';

const term = new Terminal({
  scrollback: 10000,
  fontFamily: 'DejaVu Sans Mono, monospace',
  fontSize: 13,
  theme: { background: '#1e1e1e' },
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

new QWebChannel(qt.webChannelTransport, (channel) => {
  const host = channel.objects.host;
  window.paddockHost = host;
  host.output.connect((base64) => term.write(bytesOf(base64)));
  term.onData((data) => host.sendInput(data));
  term.onResize(({ rows, cols }) => host.resize(rows, cols));
  // Ctrl+Shift+C / Ctrl+Shift+V copy and paste, as in desktop terminals.
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === 'KeyC') { host.copy(term.getSelection()); return false; }
    if (e.code === 'KeyV') { host.clipboardText((text) => term.paste(text)); return false; }
    return true;
  });
  new ResizeObserver(() => fit.fit()).observe(document.getElementById('terminal'));
  fit.fit();
  host.ready(term.rows, term.cols);
  term.focus();
});
