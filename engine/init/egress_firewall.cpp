#include "egress_firewall.h"

#include "dropped_packets.h"

#include "paddock/wire/egress_messages.h"

#include <nftables/libnftables.h>

#include <memory>
#include <string>

namespace paddock::init {

namespace {

// Loopback stays local: a workload's own dev server on 127.0.0.1 is its
// business. Everything else is steered into the engine; the filter chain
// sees addresses after the redirect, so only loopback traffic survives it.
std::string egressRuleset()
{
    using namespace paddock::wire;
    const std::string intercept = std::to_string(kInterceptPort);
    const std::string dns = std::to_string(kRedirectedDnsPort);
    return "table inet paddock {\n"
           "  chain steer {\n"
           "    type nat hook output priority -100; policy accept;\n"
           "    ip daddr 127.0.0.0/8 return\n"
           "    ip6 daddr ::1 return\n"
           "    meta l4proto tcp redirect to :" + intercept + "\n"
           "    meta nfproto ipv4 udp dport 53 redirect to :" + dns + "\n"
           "  }\n"
           "  chain confine {\n"
           "    type filter hook output priority 0; policy drop;\n"
           "    ip daddr 127.0.0.0/8 accept\n"
           "    ip6 daddr ::1 accept\n"
           "  }\n"
           "}\n";
}

struct NftContextDeleter {
    void operator()(nft_ctx *ctx) const { nft_ctx_free(ctx); }
};

std::string firstLine(const char *text)
{
    std::string s = text ? text : "";
    size_t end = s.find('\n');
    return end == std::string::npos ? s : s.substr(0, end);
}

// Last in the confine chain, so only what is about to be dropped: a copy
// to PID 1, at most a few hundred a second (a flood is still dropped).
std::string dropLogRule()
{
    return "add rule inet paddock confine limit rate 200/second burst 200 packets log group "
        + std::to_string(kDropLogGroup) + " snaplen " + std::to_string(kDropCopyBytes) + "\n";
}

Status runNft(const std::string &commands, const std::string &step, const char *hint)
{
    std::unique_ptr<nft_ctx, NftContextDeleter> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
    if (!ctx)
        return failure("create nftables context", ENOMEM);
    nft_ctx_buffer_output(ctx.get());
    nft_ctx_buffer_error(ctx.get());
    if (nft_run_cmd_from_buffer(ctx.get(), commands.c_str()) != 0) {
        std::string why = firstLine(nft_ctx_get_error_buffer(ctx.get()));
        return failure(step + " (nftables" + (why.empty() ? "" : ": " + why) + "; " + hint + ")", 0);
    }
    return success();
}

} // namespace

Status installEgressFirewall()
{
    return runNft(egressRuleset(), "install egress firewall", "is the nf_tables kernel module available?");
}

Status installDropLogRule()
{
    return runNft(dropLogRule(), "log dropped packets", "is the nfnetlink_log kernel module available?");
}

} // namespace paddock::init
