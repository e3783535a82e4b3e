// Paddock's CA made in a test's own data dir and a leaf minter on it, as
// inspected egress has them, for the TLS tests (tst_tls_minting,
// tst_tls_bridge).
#pragma once

#include "test_support.h"

#include "egress/tls/leaf_minter.h"
#include "egress/tls/paddock_ca.h"

#include <memory>
#include <optional>

namespace paddock::test {

struct MintingCa {
    TestDataDir data;
    std::optional<egress::tls::PaddockCa> ca;
    std::unique_ptr<egress::tls::LeafMinter> minter;

    // Empty when both are made; else why not.
    QString make()
    {
        if (!data.paths().ensureExists()) return QStringLiteral("cannot make the data dir");
        auto made = egress::tls::PaddockCa::loadOrCreate(data.paths().caDir());
        if (!made) return made.error().message;
        ca = std::move(*made);
        auto leaves = egress::tls::LeafMinter::create(*ca);
        if (!leaves) return leaves.error().message;
        minter = std::move(*leaves);
        return {};
    }
};

} // namespace paddock::test
