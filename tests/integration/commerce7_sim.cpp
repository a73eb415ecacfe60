#include "tests/integration/commerce7_sim.h"

#include <utility>

namespace textus::test {

Commerce7Sim::Commerce7Sim()
    : Commerce7Sim("app-" + random_hex(8), random_hex(32), "winery-" + random_hex(6)) {}

Commerce7Sim::Commerce7Sim(std::string app_id, std::string secret, std::string tenant)
    : SimProcess("commerce7-sim", {"--app-id", app_id, "--secret", secret, "--tenant", tenant}),
      app_id(std::move(app_id)),
      secret(std::move(secret)),
      tenant(std::move(tenant)) {}

nlohmann::json Commerce7Sim::customers() const {
    return hook("/sim/customers", nullptr, "GET").at("customers");
}

Config Commerce7Sim::config() const {
    Config config;
    config.commerce7_api_base = base_url + "/v1";
    config.commerce7_app_id = app_id;
    config.commerce7_secret = secret;
    config.commerce7_tenant = tenant;
    return config;
}

}  // namespace textus::test
