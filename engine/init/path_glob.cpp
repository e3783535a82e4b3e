#include "path_glob.h"

#include <fnmatch.h>

namespace paddock::init {

namespace {

bool matchFrom(const std::string &pattern, size_t p, const std::string &path, size_t s)
{
    if (p == pattern.size())
        return s == path.size();
    if (pattern.compare(p, 2, "**") == 0) {
        size_t rest = p + 2;
        if (rest < pattern.size() && pattern[rest] == '/')
            ++rest;
        // "**" swallows zero or more whole components.
        for (size_t at = s; at <= path.size(); ++at)
            if ((at == s || path[at - 1] == '/' || at == path.size()) && matchFrom(pattern, rest, path, at))
                return true;
        return false;
    }
    // One component of the pattern against one of the path.
    size_t pEnd = pattern.find('/', p);
    size_t sEnd = path.find('/', s);
    std::string pc = pattern.substr(p, pEnd == std::string::npos ? std::string::npos : pEnd - p);
    std::string sc = path.substr(s, sEnd == std::string::npos ? std::string::npos : sEnd - s);
    if (s >= path.size() || ::fnmatch(pc.c_str(), sc.c_str(), 0) != 0)
        return false;
    if (pEnd == std::string::npos)
        return sEnd == std::string::npos;
    if (sEnd == std::string::npos)
        return matchFrom(pattern, pEnd + 1, path, path.size());
    return matchFrom(pattern, pEnd + 1, path, sEnd + 1);
}

} // namespace

bool globMatch(const std::string &pattern, const std::string &path) { return matchFrom(pattern, 0, path, 0); }

bool isExcluded(const std::vector<std::string> &patterns, const std::string &relPath)
{
    for (const std::string &p : patterns)
        if (globMatch(p, relPath))
            return true;
    return false;
}

} // namespace paddock::init
