#include "tree_listing.h"

#include "chunk_batch.h"
#include "file_ops.h"
#include "path_glob.h"

#include <fcntl.h>

namespace paddock::init {

namespace {

constexpr int kMaxDepth = 128;

struct Walk {
    std::string root;
    const std::vector<std::string> &excludes;
    ChunkBatch<wire::FileInfo> &batch;

    std::string relative(const std::string &path) const
    {
        return root == "/" ? path.substr(1) : path.substr(root.size() + 1);
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
                batch.add(std::move(e));
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
    ChunkBatch<wire::FileInfo> batch(wire::kMaxDirChunkEntries, [&](std::vector<wire::FileInfo> &full) { chunk(full, false); });
    Walk walk { trimmed, excludes, batch };
    walk.visit(trimmed, 0);
    chunk(batch.rest(), true);
    return 0;
}

} // namespace paddock::init
