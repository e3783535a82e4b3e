// The default base image: the host's own /usr, read-only, under a minimal
// root of Paddock's making. Built once per data dir and shared by all
// sandboxes as lower overlay layers:
//
//   root/           top-level dirs, merged-/usr symlinks, a minimal /etc
//   usr-skeleton/   every directory of the host's /usr, owned by the user
//
// Why the skeleton: as an ordinary user the host's /usr is owned by an
// unmapped uid, so even the sandbox's root could not create files in it.
// Stacked over /usr, the skeleton's directories (owned by the user, i.e. by
// root inside) make every directory writable; files copy up on write.
#pragma once

#include "paddock/error.h"

#include <QString>

namespace paddock::sandbox {

struct BaseImage {
    QString name; // shown to users, stored per sandbox
    QString rootLayer;
    QString usrSkeleton;
};

// Returns the host base image under imagesDir, building it first if needed.
Result<BaseImage> ensureHostBaseImage(const QString &imagesDir);

} // namespace paddock::sandbox
