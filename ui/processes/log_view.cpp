#include "log_view.h"

#include "log_feed.h"

#include <QElapsedTimer>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

// A read that starts inside the log starts inside a character and a line:
// skip to the next line (when it starts soon) so the view starts on one.
qsizetype partialLineBytes(const QByteArray &bytes)
{
    const qsizetype cont = LogText::continuationBytes(bytes);
    const qsizetype newline = bytes.indexOf('\n', cont);
    return newline >= 0 && newline < cont + LogText::kMaxLineChars ? newline + 1 : cont;
}

QString notShownNotice(qint64 bytes)
{
    return LogView::tr("[paddock: %1 bytes of output not shown here: the view fell behind; "
                       "the log file keeps them]\n")
        .arg(bytes);
}

} // namespace

LogView::LogView(EngineBridge &engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_text(new QPlainTextEdit(this))
    , m_loadEarlier(new QPushButton(tr("Load earlier"), this))
    , m_jumpToEnd(new QPushButton(tr("Jump to end"), this))
    , m_status(new QLabel(this))
{
    m_text->setReadOnly(true);
    m_text->setUndoRedoEnabled(false); // a log is not edited; undo would keep every insert
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setAccessibleName(tr("Process log"));
    m_loadEarlier->setObjectName(QStringLiteral("loadEarlier"));
    m_loadEarlier->setAccessibleName(tr("Load earlier output"));
    m_loadEarlier->setToolTip(
        tr("Show the %1 KiB of output before what is shown").arg(kEarlierBytes / 1024));
    m_jumpToEnd->setObjectName(QStringLiteral("jumpToEnd"));
    m_jumpToEnd->setAccessibleName(tr("Jump to the end of the log and follow it"));
    m_status->setAccessibleName(tr("Log status"));
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushMs);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_loadEarlier);
    bar->addWidget(m_status, 1);
    bar->addWidget(m_jumpToEnd);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);

    connect(&m_flushTimer, &QTimer::timeout, this, &LogView::flush);
    connect(m_loadEarlier, &QPushButton::clicked, this, &LogView::loadEarlier);
    connect(m_jumpToEnd, &QPushButton::clicked, this, &LogView::jumpToEnd);
    connect(m_text->verticalScrollBar(), &QScrollBar::valueChanged, this, &LogView::onScrolled);
    updateControls();
}

LogView::~LogView() = default;

qint64 LogView::viewStart() const
{
    return m_segments.empty() ? qMax<qint64>(m_tailStart, 0) : m_segments.front().offset;
}

void LogView::clear()
{
    delete m_tail; // ends the reads on the engine thread
    delete m_earlier;
    m_tail = m_earlier = nullptr;
    m_flushTimer.stop();
    m_text->clear();
    m_process = {};
    m_tailText = {};
    m_pending.clear();
    m_earlierPieces.clear();
    m_segments.clear();
    m_pendingBytes = m_skipped = m_chars = m_lines = m_next = m_earliest = 0;
    m_tailStart = -1;
    m_cutStart = false;
    m_atLineStart = m_following = true;
    updateControls();
}

void LogView::follow(const ProcessInfo &process)
{
    clear();
    m_process = process;
    m_tail = new LogFeed(m_engine, this);
    connect(m_tail, &LogFeed::started, this, &LogView::onTailStarted);
    connect(m_tail, &LogFeed::data, this, &LogView::onTailData);
    connect(m_tail, &LogFeed::dropped, this, &LogView::onTailDropped);
    LogRange range;
    range.tailBytes = kTailBytes;
    m_tail->open(process.sandboxId, process.id, true, range);
}

void LogView::onTailStarted(qint64 offset, qint64 earliest)
{
    m_tailStart = m_next = m_skippedAt = offset;
    m_earliest = earliest;
    m_cutStart = offset > earliest;
    updateControls();
}

void LogView::onTailData(const QByteArray &bytes)
{
    if (!m_pending.isEmpty() && m_pending.last().dropped == 0)
        m_pending.last().bytes += bytes;
    else
        m_pending.append(Piece { m_next, bytes, 0 });
    m_next += bytes.size();
    m_pendingBytes += bytes.size();
    boundPending();
    scheduleFlush();
}

void LogView::onTailDropped(qint64 bytes)
{
    m_pending.append(Piece { m_next, {}, bytes });
    m_next += bytes;
    scheduleFlush();
}

// Held output stays bounded: past kMaxPendingBytes its oldest part is
// skipped, and the view says so where it would have been.
void LogView::boundPending()
{
    while (m_pendingBytes > kMaxPendingBytes && !m_pending.isEmpty()) {
        Piece &front = m_pending.first();
        if (m_skipped == 0) m_skippedAt = front.offset;
        if (front.dropped > 0 || front.bytes.size() <= m_pendingBytes - kMaxPendingBytes) {
            m_skipped += front.dropped + front.bytes.size();
            m_pendingBytes -= front.bytes.size();
            m_pending.removeFirst();
            continue;
        }
        qsizetype cut = m_pendingBytes - kMaxPendingBytes;
        cut += LogText::continuationBytes(front.bytes.mid(cut, 3));
        front.bytes.remove(0, cut);
        front.offset += cut;
        m_skipped += cut;
        m_pendingBytes -= cut;
    }
}

void LogView::scheduleFlush()
{
    if (!m_flushTimer.isActive() && !m_pending.isEmpty()) m_flushTimer.start();
}

void LogView::flush()
{
    qsizetype budget = kFlushBytes;
    if (!m_following) // scrolled up: add only what needs nothing dropped from the top
        budget = qMin<qsizetype>(budget, qMin(kViewChars - m_chars, (kViewLines - m_lines) * 16));
    if (budget <= 0) return; // held until the user comes back to the end
    // Slices of kFlushLines until kFlushBudgetMs have gone: what a turn can
    // afford depends on how busy the machine is, not on how much came.
    QElapsedTimer spent;
    spent.start();
    int lines = kTurnLines;
    while (budget > 0 && lines > 0 && !m_pending.isEmpty() && spent.elapsed() < kFlushBudgetMs) {
        QList<Segment> added;
        const QString text = takePending(budget, qMin(lines, kFlushLines), added);
        if (text.isEmpty()) break;
        QTextCursor end(m_text->document());
        end.movePosition(QTextCursor::End);
        end.insertText(text);
        for (const Segment &s : added) {
            m_segments.push_back(s);
            m_lines += s.lines;
            lines -= int(s.lines);
        }
        m_chars += text.size();
        budget -= text.size();
    }
    if (m_following) {
        trimTop();
        m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    }
    if (m_following && (!m_pending.isEmpty() || m_chars > kViewChars || m_lines > kViewLines))
        m_flushTimer.start(); // more than one turn's worth: the rest next turn
    updateControls();
}

// Up to `budget` bytes and about `lines` lines of held output as text, with
// a segment for each piece.
QString LogView::takePending(qsizetype budget, int lines, QList<Segment> &added)
{
    QString text;
    const auto add = [&](qint64 offset, QString piece, bool notice) {
        if (piece.isEmpty()) return;
        if (notice && !m_atLineStart)
            piece.prepend(QLatin1Char('\n')); // a notice is a line of its own
        added.append(Segment { offset, piece.size(), piece.count(QLatin1Char('\n')) });
        lines -= int(added.last().lines);
        text += piece;
        m_atLineStart = piece.endsWith(QLatin1Char('\n'));
    };
    if (m_skipped > 0) {
        add(m_skippedAt, notShownNotice(m_skipped), true);
        m_skipped = 0;
    }
    while (!m_pending.isEmpty() && budget > 0 && lines > 0) {
        Piece &p = m_pending.first();
        if (p.dropped > 0) {
            add(p.offset, QString::fromUtf8(droppedNotice(p.dropped)), true);
            m_pending.removeFirst();
            continue;
        }
        if (m_cutStart) {
            const qsizetype skip = partialLineBytes(p.bytes);
            p.bytes.remove(0, skip);
            p.offset += skip;
            m_pendingBytes -= skip;
            m_cutStart = false;
        }
        qsizetype n = qMin<qsizetype>(p.bytes.size(), budget);
        for (qsizetype at = 0, left = lines; at < n; ++at) { // and no more than `lines` lines
            at = p.bytes.indexOf('\n', at);
            if (at < 0 || at >= n) break;
            if (--left == 0) {
                n = at + 1;
                break;
            }
        }
        const bool last = m_pending.size() == 1;
        if (n < p.bytes.size() || last) // leave a character still arriving for the next turn
            n = LogText::wholeCharacters(p.bytes.left(n));
        if (n == 0) break; // a character still arriving, or no budget left for one
        add(p.offset, m_tailText.append(p.bytes.left(n)), false);
        budget -= n;
        m_pendingBytes -= n;
        if (n == p.bytes.size()) {
            m_pending.removeFirst();
        } else {
            p.bytes.remove(0, n);
            p.offset += n;
        }
    }
    return text;
}

// Following, the view keeps about kViewChars and kViewLines. Removing
// lines costs as adding them does, and everything a text document does
// gets slower as it grows: each turn removes a little more than a turn
// can add, so the view stays at its size under any flood.
void LogView::trimTop()
{
    qsizetype cut = 0, cutLines = 0;
    while (m_segments.size() > 1 && (m_chars - cut > kViewChars || m_lines - cutLines > kViewLines)
        && cutLines < kTurnLines + kFlushLines) { // what a turn adds, and a little
        cut += m_segments.front().chars;
        cutLines += m_segments.front().lines;
        m_segments.pop_front();
    }
    if (cut == 0) return;
    QTextCursor top(m_text->document());
    top.setPosition(0);
    top.setPosition(int(cut), QTextCursor::KeepAnchor);
    top.removeSelectedText();
    m_chars -= cut;
    m_lines -= cutLines;
}

void LogView::loadEarlier()
{
    if (m_earlier || m_tailStart < 0 || viewStart() <= m_earliest) return;
    const qint64 until = viewStart();
    LogRange range;
    range.from = qMax(m_earliest, until - kEarlierBytes);
    range.until = until;
    m_earlierPieces.clear();
    m_earlierFrom = range.from;
    m_earlier = new LogFeed(m_engine, this);
    connect(m_earlier, &LogFeed::started, this, [this](qint64 offset, qint64 earliest) {
        m_earlierFrom = offset;
        m_earliest = earliest;
    });
    connect(m_earlier, &LogFeed::data, this, [this](const QByteArray &bytes) {
        if (!m_earlierPieces.isEmpty() && m_earlierPieces.last().dropped == 0)
            m_earlierPieces.last().bytes += bytes; // at most kEarlierBytes in all
        else
            m_earlierPieces.append(Piece { 0, bytes, 0 });
    });
    connect(m_earlier, &LogFeed::dropped, this, [this](qint64 bytes) {
        m_earlierPieces.append(Piece { 0, {}, bytes });
    });
    connect(m_earlier, &LogFeed::finished, this, &LogView::onEarlierFinished);
    m_earlier->open(m_process.sandboxId, m_process.id, false, range);
    updateControls();
}

// The earlier piece goes on top, and the view shows it: the user asked to
// read it, so the view stops following (which would soon drop it again).
void LogView::onEarlierFinished()
{
    m_earlier->deleteLater();
    m_earlier = nullptr;
    qint64 start = m_earlierFrom;
    LogText decoder;
    QString text;
    for (int i = 0; i < m_earlierPieces.size(); ++i) {
        Piece &p = m_earlierPieces[i];
        if (p.dropped > 0 && i == 0 && start < m_earliest)
            continue; // before the earliest kept: one notice for all of it, below
        if (p.dropped > 0) {
            text += QString::fromUtf8(droppedNotice(p.dropped));
            continue;
        }
        if (i == 0 && start > m_earliest) {
            const qsizetype skip = partialLineBytes(p.bytes);
            p.bytes.remove(0, skip);
            start += skip;
        }
        text += decoder.append(p.bytes);
    }
    m_earlierPieces.clear();
    if (start <= m_earliest && m_earliest > 0) { // nothing more to load: say why
        text.prepend(QString::fromUtf8(droppedNotice(m_earliest)));
        start = 0;
        m_earliest = 0;
    }
    if (!text.isEmpty() || start < viewStart()) {
        QTextCursor top(m_text->document());
        top.setPosition(0);
        top.insertText(text);
        m_segments.push_front(Segment { start, text.size(), text.count(QLatin1Char('\n')) });
        m_chars += text.size();
        m_lines += m_segments.front().lines;
        m_following = false;
        m_text->verticalScrollBar()->setValue(0);
    }
    updateControls();
}

void LogView::jumpToEnd()
{
    m_following = true;
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    scheduleFlush();
    updateControls();
}

void LogView::onScrolled()
{
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum();
    if (atEnd == m_following) return;
    m_following = atEnd;
    if (atEnd) scheduleFlush();
    updateControls();
}

void LogView::updateControls()
{
    const bool open = m_tailStart >= 0;
    m_loadEarlier->setEnabled(open && !m_earlier && viewStart() > m_earliest
        && m_chars + kEarlierBytes <= kMaxViewChars && m_lines < 4 * kViewLines);
    m_jumpToEnd->setVisible(open && !m_following);
    if (!open)
        m_status->clear();
    else if (m_following)
        m_status->setText(tr("Following the end of the log"));
    else if (m_pendingBytes > 0)
        m_status->setText(
            tr("Scrolled up: %1 KiB of new output held").arg((m_pendingBytes + 1023) / 1024));
    else
        m_status->setText(tr("Scrolled up"));
}

} // namespace paddock::ui
