// Turning a process's output (bytes a sandbox chose) into text a log view
// can hold: plain text only, and bounded however hostile the bytes are.
//
// Invalid UTF-8 becomes U+FFFD; terminal escape sequences (colours, cursor
// moves, titles) are removed rather than shown as noise; other control
// characters, and the ones that change direction or the document's
// structure (bidi overrides, line and paragraph separators, the frame and
// object markers QTextDocument reserves), become U+FFFD so they show that
// something was there and act as nothing. A title string that never ends
// stops at the line's end. Lines longer than kMaxLineChars
// are broken: laying out a 50 MB line would freeze any text view.
#pragma once

#include <QByteArray>
#include <QString>

namespace paddock::ui {

class LogText {
public:
    static constexpr int kMaxLineChars = 4096;
    // Longer operating-system commands (titles, hyperlinks) are not one.
    static constexpr int kMaxEscapeChars = 4096;

    // Bytes that continue a character begun before them: they start no
    // character, so a piece read from the middle of a log skips them.
    static qsizetype continuationBytes(const QByteArray &bytes);
    // The length of the longest prefix that ends on a whole character.
    static qsizetype wholeCharacters(const QByteArray &bytes);

    // Text for `bytes`; the state (an escape sequence or a line going on
    // across calls) carries over to the next call.
    QString append(const QByteArray &bytes);

private:
    enum class Escape { None, Start, Csi, Osc, OscEsc };
    void take(QChar c, QString &out);

    Escape m_escape = Escape::None;
    int m_escapeLength = 0; // characters of the OSC string so far
    int m_column = 0;
    bool m_afterCr = false;
};

} // namespace paddock::ui
