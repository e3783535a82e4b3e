// FilesPage's viewer and editor: opening a file (asking first when the one
// open has unsaved edits), saving it back (asking first when the sandbox
// changed it since), and following the sandbox's changes to it — a clean
// file reloads in place, an edited one shows the conflict and keeps the
// edits until the person decides.
#include "files_page.h"
#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QEventLoop>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QTimer>

namespace paddock::ui {

namespace {

constexpr qint64 kMaxViewBytes = 16 * 1024 * 1024;
constexpr int kSaveWaitMs = 30000;
// Text layout of one line costs more than linearly in its length (a 200 KB
// line took 3.5 s, a 1 MB one 49 s): longer lines are not shown at all.
constexpr qsizetype kMaxShownLine = 16 * 1024;

qsizetype longestLine(const QByteArray &bytes)
{
    qsizetype longest = 0, start = 0;
    for (qsizetype end; (end = bytes.indexOf('\n', start)) >= 0; start = end + 1)
        longest = std::max(longest, end - start);
    return std::max(longest, bytes.size() - start);
}

} // namespace

bool FilesPage::hasUnsavedChanges() const
{
    return !m_openPath.isEmpty() && !m_editor->isReadOnly() && m_editor->document()->isModified();
}

// Save / Discard / Cancel, naming the file; Cancel (and Escape) changes nothing.
bool FilesPage::confirmLeave()
{
    if (!hasUnsavedChanges())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                    displayText(tr("%1 has changes that are not saved in the sandbox.").arg(m_openPath)),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setTextFormat(Qt::PlainText); // the path is the sandbox's: never markup
    box.setInformativeText(tr("Save them, discard them, or go back to the file?"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.setEscapeButton(QMessageBox::Cancel);
    switch (box.exec()) {
    case QMessageBox::Save: return saveAndWait();
    case QMessageBox::Discard: m_editor->document()->setModified(false); return true;
    default: return false;
    }
}

// Leaving waits for the save to land: edits are let go only once they are
// in the sandbox. The engine does the work; the UI's event loop turns.
bool FilesPage::saveAndWait()
{
    auto saved = std::make_shared<std::optional<bool>>();
    QEventLoop loop;
    QPointer<QEventLoop> waiting(&loop);
    save([saved, waiting](bool ok) {
        *saved = ok;
        if (waiting)
            waiting->quit();
    });
    if (!saved->has_value()) {
        QTimer::singleShot(kSaveWaitMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return saved->value_or(false);
}

void FilesPage::openFile(const QString &path)
{
    if (path == m_openPath && hasUnsavedChanges())
        return; // it is open, with edits: nothing to reload over them
    if (!confirmLeave())
        return;
    loadFile(path, false);
}

// A bounded prefix, whatever stat said: the size of a symlink is its
// target's name, a pseudo-file's is 0, and either may lead to gigabytes.
void FilesPage::loadFile(const QString &path, bool keepView)
{
    const QString id = m_sandboxId;
    const int serial = ++m_loadSerial; // a slower answer for an earlier click is dropped
    auto info = std::make_shared<FileInfo>();
    m_engine.callAsync<FileHead>(
        [id, path, info](Engine &e, Callback<FileHead> done) {
            e.statFile(id, path, [&e, id, path, info, done](Result<FileInfo> st) {
                if (!st)
                    return done(tl::unexpected(st.error()));
                *info = *st;
                e.readFileHead(id, path, kMaxViewBytes, done);
            });
        },
        [this, path, info, serial, keepView](Result<FileHead> r) {
            if (serial != m_loadSerial)
                return;
            if (!r) {
                showNotice(r.error().message);
                return;
            }
            // Typed into while the content travelled: those edits win until
            // the person says otherwise.
            if (hasUnsavedChanges() && path == m_openPath)
                return showConflict();
            if (!confirmLeave())
                return;
            showContent(path, *r, *info, keepView);
        });
}

void FilesPage::showContent(const QString &path, const FileHead &head, const FileInfo &info, bool keepView)
{
    m_openPath = path;
    m_openSandbox = m_sandboxId;
    m_openModified = info.modified;
    m_openPartial = !head.complete;
    m_notice->hide();
    m_conflictBar->hide();
    QImage image;
    if (head.complete && image.loadFromData(head.bytes)) {
        m_editor->clear();
        m_editor->setReadOnly(true);
        m_image->setPixmap(QPixmap::fromImage(image).scaled(m_viewer->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        m_viewer->setCurrentWidget(m_image);
        updateSaveEnabled();
        return;
    }
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8(head.bytes);
    const bool binary = utf8.hasError() || head.bytes.contains('\0');
    const qsizetype longest = binary ? 0 : longestLine(head.bytes);
    const bool tooLong = longest > kMaxShownLine;
    const int cursor = m_editor->textCursor().position(), scroll = m_editor->verticalScrollBar()->value();
    if (binary)
        m_editor->setPlainText(tr("(binary file, %1)").arg(QLocale().formattedDataSize(head.bytes.size())));
    else if (tooLong)
        m_editor->setPlainText(tr("(a line of %1 characters: too long to show here; drag the file out, or "
                                  "`paddock files cat`)").arg(longest));
    else
        m_editor->setPlainText(text);
    if (keepView) { // a live reload: the reader stays where they were
        QTextCursor c = m_editor->textCursor();
        c.setPosition(std::min(cursor, m_editor->document()->characterCount() - 1));
        m_editor->setTextCursor(c);
        m_editor->verticalScrollBar()->setValue(scroll);
    }
    // Part of a file is never saved back over the whole of it.
    m_editor->setReadOnly(binary || tooLong || m_openPartial);
    m_editor->document()->setModified(false);
    m_viewer->setCurrentWidget(m_editor);
    updateSaveEnabled();
    if (m_openPartial) {
        m_notice->setText(displayText(tr("Showing the first %1 of %2: the file goes on past that (read-only here).")
                                          .arg(QLocale().formattedDataSize(head.bytes.size()), path)));
        m_notice->show();
    }
}

void FilesPage::updateSaveEnabled() { m_save->setEnabled(hasUnsavedChanges() && !m_sandboxId.isEmpty()); }

// The watch reported a change to the open file.
void FilesPage::openFileChanged(const FileEvent &e)
{
    if (m_saving)
        return; // our own write
    const bool gone = (e.change == FileChange::Deleted && e.path == m_openPath) || (e.change == FileChange::Moved && e.fromPath == m_openPath);
    if (gone) {
        showNotice(tr("%1 was deleted or moved in the sandbox. Saving puts your version back.").arg(m_openPath));
        return;
    }
    // Created, written, or an atomic save (ours or a tool's) moved over it:
    // only a different version than the one shown is news.
    const QString id = m_sandboxId, path = m_openPath;
    m_engine.callAsync<FileInfo>([id, path](Engine &eng, Callback<FileInfo> done) { eng.statFile(id, path, done); },
                                 [this, path](Result<FileInfo> now) {
                                     if (!now || path != m_openPath || m_saving || now->modified == m_openModified)
                                         return;
                                     if (hasUnsavedChanges())
                                         return showConflict();
                                     loadFile(path, true);
                                 });
}

void FilesPage::showConflict()
{
    m_conflictText->setText(displayText(tr("%1 changed in the sandbox since you opened it.").arg(m_openPath)));
    m_conflictBar->show();
}

void FilesPage::save() { save({}); }

// Saves over the file only if it is as it was when opened; otherwise asks.
void FilesPage::save(std::function<void(bool)> done)
{
    if (m_openPath.isEmpty() || m_openPartial || m_editor->isReadOnly()) {
        if (done)
            done(false);
        return;
    }
    const QString id = m_sandboxId, path = m_openPath;
    const QByteArray bytes = m_editor->toPlainText().toUtf8();
    m_engine.callAsync<FileInfo>([id, path](Engine &e, Callback<FileInfo> done) { e.statFile(id, path, done); },
                                 [this, path, bytes, done](Result<FileInfo> now) {
                                     const bool changed = now && now->modified != m_openModified;
                                     if (changed
                                         && !askPlain(this, tr("File changed"),
                                                      tr("%1 changed in the sandbox since you opened it. "
                                                         "Save your version over it?").arg(path))) {
                                         if (done)
                                             done(false);
                                         return;
                                     }
                                     writeBack(path, bytes, done);
                                 });
}

void FilesPage::writeBack(const QString &path, const QByteArray &bytes, std::function<void(bool)> done)
{
    const QString id = m_sandboxId;
    m_saving = true;
    m_engine.callAsync<FileInfo>(
        [id, path, bytes](Engine &e, Callback<FileInfo> done) {
            e.writeFile(id, path, bytes, 0644, [&e, id, path, done](Result<void> r) {
                if (!r)
                    return done(tl::unexpected(r.error()));
                e.statFile(id, path, done);
            });
        },
        [this, path, done](Result<FileInfo> saved) {
            m_saving = false;
            if (!saved) {
                warnPlain(this, tr("Save failed"), tr("Could not save %1: %2").arg(path, saved.error().message));
            } else if (path == m_openPath) {
                m_openModified = saved->modified;
                m_editor->document()->setModified(false);
                m_notice->hide();
                m_conflictBar->hide();
            }
            if (done)
                done(bool(saved));
        });
}

} // namespace paddock::ui
