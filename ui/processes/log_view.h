// The live log of one background process, built to survive a process that
// floods its output and a log of any size:
//
// * it opens at the tail (the last kTailBytes) and reads what came before
//   only when asked ("Load earlier", kEarlierBytes at a time);
// * output arriving is held and appended on a short timer, at most
//   kFlushBytes, kTurnLines and kFlushBudgetMs of inserting per turn — a text
//   document costs per line, and 4 MB/s of short lines is ~250,000 lines
//   a second, more than any text view lays out; held output is bounded
//   (kMaxPendingBytes): past it, the oldest is skipped and a line in the
//   view says how much and that the log file keeps it;
// * the view holds about kViewChars / kViewLines while it follows the end;
//   text goes from the top a little each turn, never where the user
//   reads: scrolled up, the view stays put and new output waits until
//   they come back down.
//
// Everything shown passes through LogText (plain text, bounded lines).
#pragma once

#include "log_text.h"

#include "paddock/process.h"

#include <QTimer>
#include <QWidget>

#include <deque>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace paddock::ui {

class EngineBridge;
class LogFeed;

class LogView : public QWidget {
    Q_OBJECT
public:
    static constexpr qint64 kTailBytes = 256 * 1024;
    static constexpr qint64 kEarlierBytes = 64 * 1024;
    static constexpr qsizetype kViewChars = 1024 * 1024;
    static constexpr qsizetype kViewLines = 20000;
    static constexpr qsizetype kMaxViewChars = 8 * 1024 * 1024; // with earlier text loaded
    static constexpr qsizetype kMaxPendingBytes = 2 * 1024 * 1024;
    static constexpr qsizetype kFlushBytes = 128 * 1024;
    static constexpr int kFlushLines = 250; // per slice; a turn inserts slices for kFlushBudgetMs
    static constexpr int kFlushBudgetMs = 5;
    static constexpr int kTurnLines = 1000; // at most, per turn
    static constexpr int kFlushMs = 25;

    explicit LogView(EngineBridge &engine, QWidget *parent = nullptr);
    ~LogView() override;

    void follow(const ProcessInfo &process); // the tail, then what comes
    void clear();
    void loadEarlier();
    void jumpToEnd();

    QPlainTextEdit *textView() const { return m_text; }
    QPushButton *loadEarlierButton() const { return m_loadEarlier; }
    bool isFollowing() const { return m_following; }
    // Offset of the first byte shown, and of the earliest the log keeps.
    qint64 viewStart() const;
    qint64 earliest() const { return m_earliest; }

private:
    // What arrived and is not shown yet: bytes, or a gap of `dropped` bytes.
    struct Piece {
        qint64 offset = 0;
        QByteArray bytes;
        qint64 dropped = 0;
    };
    // Text in the view, in order: where its bytes start and how many characters it took.
    struct Segment {
        qint64 offset = 0;
        qsizetype chars = 0;
        qsizetype lines = 0;
    };

    void onTailStarted(qint64 offset, qint64 earliest);
    void onTailData(const QByteArray &bytes);
    void onTailDropped(qint64 bytes);
    void boundPending();
    void scheduleFlush();
    void flush();
    QString takePending(qsizetype budget, int lines, QList<Segment> &added);
    void trimTop();
    void onEarlierFinished();
    void onScrolled();
    void updateControls();

    EngineBridge &m_engine;
    QPlainTextEdit *m_text;
    QPushButton *m_loadEarlier;
    QPushButton *m_jumpToEnd;
    QLabel *m_status;
    QTimer m_flushTimer;

    ProcessInfo m_process;
    LogFeed *m_tail = nullptr;
    LogFeed *m_earlier = nullptr;
    LogText m_tailText;
    QList<Piece> m_pending;
    qsizetype m_pendingBytes = 0;
    qint64 m_skipped = 0; // held output dropped because the view fell behind
    qint64 m_skippedAt = 0;
    std::deque<Segment> m_segments;
    qsizetype m_chars = 0;
    qsizetype m_lines = 0;
    qint64 m_tailStart = -1; // -1: not started
    qint64 m_next = 0; // offset of the next byte of the tail
    qint64 m_earliest = 0;
    bool m_cutStart = false; // the tail starts inside a line: skip to its end
    bool m_atLineStart = true;
    bool m_following = true;
    QList<Piece> m_earlierPieces;
    qint64 m_earlierFrom = 0;
};

} // namespace paddock::ui
