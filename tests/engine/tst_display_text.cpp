// displayText(): what a sandbox chose, made safe to show a person.
#include "paddock/display_text.h"

#include <QTest>

using namespace paddock;

class TstDisplayText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void escapes_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain") << QStringLiteral("notes.txt") << QStringLiteral("notes.txt");
        QTest::newRow("letters of any script") << QStringLiteral("Straße-日本語-عربي") << QStringLiteral("Straße-日本語-عربي");
        QTest::newRow("emoji (surrogate pair)") << QStringLiteral("ok-\U0001F600") << QStringLiteral("ok-\U0001F600");
        QTest::newRow("escape sequence") << QStringLiteral("\x1b[2Jx") << QStringLiteral("\\x1b[2Jx");
        QTest::newRow("osc title + bel") << QStringLiteral("\x1b]0;t\x07") << QStringLiteral("\\x1b]0;t\\x07");
        QTest::newRow("newline, cr, tab") << QStringLiteral("a\nb\rc\td") << QStringLiteral("a\\nb\\rc\\td");
        QTest::newRow("nul and del") << QString::fromUtf16(u"a\u0000b\u007f", 4) << QStringLiteral("a\\x00b\\x7f");
        QTest::newRow("c1 csi") << QString::fromUtf16(u"\u009b31m") << QStringLiteral("\\x9b31m");
        QTest::newRow("right-to-left override") << QString::fromUtf16(u"\u202egpj.exe") << QStringLiteral("\\u{202e}gpj.exe");
        QTest::newRow("isolates") << QString::fromUtf16(u"\u2066a\u2069") << QStringLiteral("\\u{2066}a\\u{2069}");
        QTest::newRow("zero width space") << QString::fromUtf16(u"ad\u200bmin") << QStringLiteral("ad\\u{200b}min");
        QTest::newRow("bom") << QStringLiteral("\uFEFFx") << QStringLiteral("\\u{feff}x"); // fromUtf16 would drop it
        QTest::newRow("line separator") << QString::fromUtf16(u"a\u2028b") << QStringLiteral("a\\u{2028}b");
        QTest::newRow("tag character") << QString::fromUtf16(u"a\U000E0041") << QStringLiteral("a\\u{e0041}");
        QTest::newRow("lone surrogate") << QString(QChar(0xd800)) << QStringLiteral("\\u{d800}");
        QTest::newRow("backslash is doubled") << QStringLiteral("a\\x1b") << QStringLiteral("a\\\\x1b");
    }
    void escapes()
    {
        QFETCH(QString, raw);
        QFETCH(QString, shown);
        QCOMPARE(displayText(raw), shown);
        QCOMPARE(needsEscaping(raw), raw != shown);
    }

    void nothingShownActsOnATerminal()
    {
        // Every code point of the BMP and the tag plane, each alone.
        for (char32_t ch = 0; ch < 0xe0100; ch = ch == 0xffff ? 0xe0000 : ch + 1) {
            const QString shown = displayText(QString::fromUcs4(&ch, 1));
            for (QChar c : shown) {
                const auto cat = c.category();
                QVERIFY2(cat != QChar::Other_Control && cat != QChar::Other_Format && cat != QChar::Separator_Line
                             && cat != QChar::Separator_Paragraph,
                         qPrintable(QStringLiteral("U+%1").arg(uint(ch), 4, 16)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TstDisplayText)
#include "tst_display_text.moc"
