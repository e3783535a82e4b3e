// Showing text a sandbox chose (file names, process names, request paths,
// DNS names inside reasons) to a person, in a terminal or a widget.
//
// Such text is attacker data: an escape sequence in a file name rewrites the
// user's terminal, a newline forges an extra line of `watch` output, and a
// right-to-left override makes "gpj.exe" read as "exe.jpg". Every human
// surface passes it through displayText(), which leaves ordinary text alone
// and spells out everything that would act instead of show. JSON output
// needs none of this: its encoder escapes control characters itself.
#pragma once

#include <QString>
#include <QStringView>

namespace paddock {

// Control characters (C0, DEL, C1) become "\xNN" ("\n", "\r", "\t" for the
// common three), invisible and direction-changing format characters (bidi
// overrides and isolates, zero-width spaces and joiners, the BOM, tag
// characters), line and paragraph separators and lone surrogates become
// "\u{NNNN}", and a backslash becomes "\\" so that an escape can never be
// mistaken for one the name spelled out itself.
QString displayText(QStringView text);

// True when displayText() would change `text`.
bool needsEscaping(QStringView text);

} // namespace paddock
