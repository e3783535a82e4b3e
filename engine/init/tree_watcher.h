// Recursive watching of one directory tree with inotify, in the files
// helper. New directories are watched as they appear (and what they already
// hold is announced, since it may predate the watch); excluded subtrees are
// never watched; moves inside the tree are paired into one change; lost
// events (queue overflow, the watch limit) become an Overflow change, so
// the engine resyncs instead of missing anything silently.
#pragma once

#include "paddock/unique_fd.h"

#include "paddock/wire/file_messages.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace paddock::init {

class TreeWatcher {
public:
    // Returns 0 or an errno (the root is missing, not a directory, …).
    int start(const std::string &root, std::vector<std::string> excludes);
    int fd() const { return m_inotify.get(); }
    // Reads every pending event; returns the changes they make.
    std::vector<wire::Change> drain();
    // What start() could not do (the watch limit), to send with its answer.
    std::vector<wire::Change> takeStartNotes() { return std::move(m_startNotes); }

private:
    void watchTree(const std::string &dir, std::vector<wire::Change> *announce, int depth = 0);
    std::string relative(const std::string &path) const;
    bool excluded(const std::string &path) const;
    void renameWatched(const std::string &from, const std::string &to);
    void forgetWatched(const std::string &dir);

    UniqueFd m_inotify;
    std::string m_root;
    std::vector<std::string> m_excludes;
    std::unordered_map<int, std::string> m_dirs; // watch descriptor → directory path
    bool m_limitReported = false;
    bool m_depthReported = false;
    std::vector<wire::Change> m_startNotes;
};

} // namespace paddock::init
