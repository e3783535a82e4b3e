#include "paddock/display_text.h"

namespace paddock {

namespace {

// Letters, digits, punctuation, spaces and marks show as themselves. Control
// (Cc) and format (Cf: bidi controls U+202A–U+202E and U+2066–U+2069, LRM/RLM,
// ZWSP/ZWJ/ZWNJ, U+2060–U+2064, the BOM, soft hyphen, tag characters…)
// characters act on the text around them or vanish; line and paragraph
// separators (Zl, Zp) break lines in some renderers; a lone surrogate is
// not text at all.
bool isHidden(char32_t ch)
{
    switch (QChar::category(ch)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

void appendEscape(QString &out, char32_t ch)
{
    switch (ch) {
    case u'\n': out += QStringLiteral("\\n"); return;
    case u'\r': out += QStringLiteral("\\r"); return;
    case u'\t': out += QStringLiteral("\\t"); return;
    default: break;
    }
    if (ch < 0x100)
        out += QStringLiteral("\\x%1").arg(uint(ch), 2, 16, QLatin1Char('0'));
    else
        out += QStringLiteral("\\u{%1}").arg(uint(ch), 4, 16, QLatin1Char('0'));
}

// Walks code points; a surrogate that is not part of a pair is one on its own.
template<typename Visit>
void forEachCodePoint(QStringView text, Visit visit)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            visit(QChar::surrogateToUcs4(c, text[i + 1]), text.mid(i, 2));
            ++i;
        } else {
            visit(char32_t(c.unicode()), text.mid(i, 1));
        }
    }
}

} // namespace

bool needsEscaping(QStringView text)
{
    bool found = false;
    forEachCodePoint(text, [&](char32_t ch, QStringView) { found = found || ch == u'\\' || isHidden(ch); });
    return found;
}

QString displayText(QStringView text)
{
    if (!needsEscaping(text))
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    forEachCodePoint(text, [&](char32_t ch, QStringView units) {
        if (ch == u'\\')
            out += QStringLiteral("\\\\");
        else if (isHidden(ch))
            appendEscape(out, ch);
        else
            out += units;
    });
    return out;
}

} // namespace paddock
