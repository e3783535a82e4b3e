// The desktop shows names a sandbox chose (files, link targets, processes,
// request paths) escaped, as the CLI does: nothing in them may break a line,
// turn text around or become markup.
#include "egress/egress_log_model.h"
#include "egress/egress_question_model.h"
#include "files/file_tree_model.h"
#include "process_list_model.h"

#include <QTest>

using namespace paddock;
using namespace paddock::ui;

namespace {

const QString kHostile = QString::fromUtf16(u"\u202egpj.exe\x1b[2J\nforged <b>bold</b>");
const QString kShown = QStringLiteral("\\u{202e}gpj.exe\\x1b[2J\\nforged <b>bold</b>");

QString shown(const QAbstractItemModel &m, int row, int column, const QModelIndex &parent = {})
{
    return m.data(m.index(row, column, parent), Qt::DisplayRole).toString();
}

} // namespace

class TstNamesShown : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fileTreeNamesAndLinkTargets()
    {
        FileTreeModel model;
        model.setRoot(QStringLiteral("/root"));
        FileInfo file { kHostile, FileKind::File, 0644, 1, QDateTime::currentDateTimeUtc(), {} };
        FileInfo link { QStringLiteral("l"), FileKind::Symlink, 0777, 1, QDateTime::currentDateTimeUtc(), kHostile };
        model.setListing(QStringLiteral("/root"), { file, link });
        QTRY_COMPARE(model.rowCount(), 2);
        QStringList names { shown(model, 0, 0), shown(model, 1, 0) };
        names.sort();
        QCOMPARE(names, QStringList({ kShown, QStringLiteral("l → ") + kShown }));
    }

    void egressLogProcessesRequestsAndReasons()
    {
        EgressLogModel model;
        model.showSandbox(QStringLiteral("sb"), {});
        EgressLogEntry e;
        e.id = 1;
        e.sandboxId = QStringLiteral("sb");
        e.host = QStringLiteral("api.test");
        e.port = 80;
        e.request = QStringLiteral("GET /") + kHostile;
        e.reason = kHostile;
        e.process = kHostile;
        model.add(e); // shown at its next batch
        QTRY_COMPARE(model.rowCount(), 1);
        for (int column = 0; column < model.columnCount(); ++column) {
            const QString text = shown(model, 0, column);
            QVERIFY2(!text.contains(u'\n') && !text.contains(QChar(0x202e)) && !text.contains(QChar(0x1b)), qPrintable(text));
        }
        QVERIFY(model.data(model.index(0, 0), Qt::ToolTipRole).toString().contains(kShown));
    }

    void processNamesAndCommands()
    {
        ProcessListModel model;
        ProcessInfo p;
        p.sandboxId = QStringLiteral("sb");
        p.id = QStringLiteral("p1");
        p.name = kHostile;
        p.argv = { QStringLiteral("sh"), kHostile };
        model.showSandbox(QStringLiteral("sb"), { p });
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(shown(model, 0, ProcessListModel::Name), kShown);
        QCOMPARE(shown(model, 0, ProcessListModel::Command), QStringLiteral("sh ") + kShown);
    }

    void questionsForAPerson()
    {
        EgressQuestion q;
        q.sandboxName = QStringLiteral("web");
        q.host = QStringLiteral("api.test");
        q.port = 443;
        q.process = kHostile;
        const QString line = EgressQuestionModel::describe(q);
        QVERIFY2(line.contains(kShown) && !line.contains(u'\n'), qPrintable(line));
    }
};

QTEST_MAIN(TstNamesShown)
#include "tst_names_shown.moc"
