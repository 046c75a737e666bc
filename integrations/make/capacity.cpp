#include "integrations/make/capacity.hpp"

#include "ipc/coordinator_client.hpp"

#include <chrono>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace ferry::integrations {
namespace {

uint32_t cpu_count() {
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? uint32_t(n) : 1;
}

class CoordinatorCapacity final : public CapacitySource {
  public:
    explicit CoordinatorCapacity(std::string hosts_flag) : m_hosts_flag(std::move(hosts_flag)) {
        auto config = config::load(config::options_from_environment(m_hosts_flag));
        if (config) {
            m_config = std::move(*config);
            m_local_fallback = m_config->local_slots > 0 ? m_config->local_slots : cpu_count();
        } else {
            std::fprintf(stderr, "ferry: %s; building with the local slots only\n",
                         config.error().message.c_str());
        }
    }

    Capacity poll() override {
        Capacity c;
        c.local = m_local_fallback;
        if (!m_config) return c;
        if (!m_client) {
            // Start the coordinator the first time only; later, a coordinator that went
            // away is restarted by the next wrapper, and we simply ask again next second.
            auto client = ipc::CoordinatorClient::connect(*m_config, m_hosts_flag, !m_tried);
            m_tried = true;
            if (!client) return c;
            m_client.emplace(std::move(*client));
        }
        auto status = m_client->status();
        if (!status) {
            m_client.reset();
            return c;
        }
        c.reachable = true;
        c.remote = status->remote_capacity;
        c.local = status->local_slots > 0 ? status->local_slots : m_local_fallback;
        c.local_waiting = status->local_waiting;
        c.queue_ahead = m_config->queue_ahead;
        m_connecting = 0;
        for (const auto& r : status->runners) {
            if (r.state == "connecting") ++m_connecting;
            // A backup or a cancelled copy holds a slot too: it is busy all the same.
            if (r.state == "up") c.remote_busy += r.in_flight < r.slots ? r.in_flight : r.slots;
        }
        return c;
    }

    uint32_t connecting() const { return m_connecting; }

    // Nothing to feed without runners: the build keeps its priority.
    uint32_t build_nice() const override {
        return m_config && !m_config->runners.empty() ? m_config->build_nice : 0;
    }

  private:
    std::string m_hosts_flag;
    std::optional<config::Config> m_config;
    std::optional<ipc::CoordinatorClient> m_client;
    uint32_t m_local_fallback = cpu_count();
    uint32_t m_connecting = 0;
    bool m_tried = false;
};

} // namespace

std::unique_ptr<CapacitySource> coordinator_capacity(const std::string& hosts_flag) {
    return std::make_unique<CoordinatorCapacity>(hosts_flag);
}

Capacity initial_capacity(CapacitySource& source, int max_wait_ms) {
    auto* coord = dynamic_cast<CoordinatorCapacity*>(&source);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_wait_ms);
    for (;;) {
        Capacity c = source.poll();
        if (!coord || !c.reachable || coord->connecting() == 0 ||
            std::chrono::steady_clock::now() >= deadline)
            return c;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace ferry::integrations
