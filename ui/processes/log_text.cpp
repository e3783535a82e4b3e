#include "log_text.h"

namespace paddock::ui {

namespace {

constexpr QChar kReplacement(0xFFFD);

// Characters that change direction or QTextDocument's structure.
bool actsInsteadOfShowing(char16_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E
        || c == 0x200F || c == 0x061C || c == 0x2028 || c == 0x2029 || c == 0xFDD0 || c == 0xFDD1
        || c == 0xFFFC;
}

// Shown as is, with no state to change.
bool isPlain(char16_t c)
{
    return c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0) && !actsInsteadOfShowing(c)
        && !QChar::isLowSurrogate(c);
}

} // namespace

qsizetype LogText::continuationBytes(const QByteArray &bytes)
{
    qsizetype n = 0;
    while (n < bytes.size() && n < 3 && (uchar(bytes[n]) & 0xC0) == 0x80)
        ++n;
    return n;
}

qsizetype LogText::wholeCharacters(const QByteArray &bytes)
{
    // Look back at most 3 bytes for the lead byte of a character not yet complete.
    for (qsizetype back = 1; back <= 3 && back <= bytes.size(); ++back) {
        const uchar b = uchar(bytes[bytes.size() - back]);
        if ((b & 0xC0) == 0x80) continue; // a continuation byte: keep looking for its lead
        const int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return length > back ? bytes.size() - back : bytes.size();
    }
    return bytes.size();
}

QString LogText::append(const QByteArray &bytes)
{
    const QString decoded = QString::fromUtf8(bytes);
    QString out;
    out.reserve(decoded.size() + decoded.size() / kMaxLineChars + 1);
    const QChar *c = decoded.constData();
    const QChar *const end = c + decoded.size();
    while (c < end) {
        // Most output is printable text: copied a run at a time.
        const QChar *run = c;
        const qsizetype room = kMaxLineChars - m_column;
        while (c < end && c - run < room && m_escape == Escape::None && isPlain(c->unicode()))
            ++c;
        if (c > run) {
            out.append(run, c - run);
            m_column += int(c - run);
            m_afterCr = false;
            continue;
        }
        take(*c++, out);
    }
    return out;
}

void LogText::take(QChar c, QString &out)
{
    const char16_t u = c.unicode();
    // A title or hyperlink that never ends must not hide the rest of the
    // log: in a log view a line break ends it, and so does its length.
    const bool inString = m_escape == Escape::Osc || m_escape == Escape::OscEsc;
    if (inString && (u == '\n' || u == '\r' || ++m_escapeLength > kMaxEscapeChars))
        m_escape = Escape::None;
    switch (m_escape) { // ECMA-48: ESC [ params final, ESC ] text BEL|ESC \, ESC x
    case Escape::Start:
        m_escape = u == '[' ? Escape::Csi : u == ']' ? Escape::Osc : Escape::None;
        m_escapeLength = 0;
        return;
    case Escape::Csi:
        if (u >= 0x40 && u <= 0x7E)
            m_escape = Escape::None;
        else if (u < 0x20 || u > 0x3F) // not a parameter or intermediate: a broken sequence
            m_escape = Escape::None;
        return;
    case Escape::Osc:
        if (u == 0x07)
            m_escape = Escape::None;
        else if (u == 0x1B)
            m_escape = Escape::OscEsc;
        return;
    case Escape::OscEsc:
        m_escape = u == '\\' ? Escape::None : Escape::Osc;
        return;
    case Escape::None:
        break;
    }
    const bool afterCr = std::exchange(m_afterCr, false);
    if (u == 0x1B) {
        m_escape = Escape::Start;
        return;
    }
    if (u == '\n' || u == '\r') {
        if (u == '\n' && afterCr) return; // the \n of a \r\n: the line has ended already
        m_afterCr = u == '\r'; // a lone \r (a progress bar) ends the line too
        out += QLatin1Char('\n');
        m_column = 0;
        return;
    }
    if (m_column >= kMaxLineChars && !c.isLowSurrogate()) { // never between a surrogate pair
        out += QLatin1Char('\n');
        m_column = 0;
    }
    const bool control = (u < 0x20 && u != '\t') || (u >= 0x7F && u < 0xA0);
    out += control || actsInsteadOfShowing(u) ? kReplacement : c;
    ++m_column;
}

} // namespace paddock::ui
