#include "tree_listing.h"

#include "file_ops.h"
#include "path_glob.h"

#include <fcntl.h>

namespace paddock::init {

namespace {

constexpr int kMaxDepth = 128;

struct Walk {
    std::string root;
    const std::vector<std::string> &excludes;
    const std::function<void(std::vector<wire::FileInfo> &, bool last)> &chunk;
    std::vector<wire::FileInfo> batch;
    size_t batchText = 0;

    std::string relative(const std::string &path) const
    {
        return root == "/" ? path.substr(1) : path.substr(root.size() + 1);
    }

    void add(wire::FileInfo info)
    {
        if (!batch.empty() && batchText + wire::chunkText(info) > wire::kMaxChunkTextBytes)
            sendBatch();
        batchText += wire::chunkText(info);
        batch.push_back(std::move(info));
        if (batch.size() == wire::kMaxDirChunkEntries)
            sendBatch();
    }
    void sendBatch()
    {
        chunk(batch, false);
        batch.clear();
        batchText = 0;
    }

    // Errors below the root (a directory gone meanwhile) leave it out.
    void visit(const std::string &dir, int depth)
    {
        if (depth > kMaxDepth)
            return;
        std::vector<std::string> subdirs;
        files::listDirectory(dir, [&](std::vector<wire::FileInfo> &entries, bool) {
            for (wire::FileInfo &e : entries) {
                std::string path = dir == "/" ? "/" + e.name : dir + "/" + e.name;
                if (isExcluded(excludes, relative(path)) || (dir == "/" && (e.name == "proc" || e.name == "sys")))
                    continue;
                if (e.kind == wire::FileKind::Directory)
                    subdirs.push_back(path);
                e.name = path;
                add(std::move(e));
            }
        });
        for (const std::string &sub : subdirs)
            visit(sub, depth + 1);
    }
};

} // namespace

int listTree(const std::string &root, const std::vector<std::string> &excludes,
             const std::function<void(std::vector<wire::FileInfo> &, bool last)> &chunk)
{
    UniqueFd check;
    if (int err = files::openInRoot(root, O_PATH | O_DIRECTORY, check))
        return err;
    std::string trimmed = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root;
    Walk walk { trimmed, excludes, chunk, {} };
    walk.visit(trimmed, 0);
    chunk(walk.batch, true);
    return 0;
}

} // namespace paddock::init
