// SPDX-License-Identifier: Apache-2.0
// XRT's electrical report (xrt::info::device::electrical, platform-notes §3.4) to watts.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "mmf/error.hpp"
#include "mmf/host/power/power.hpp"

namespace mmf::host {
namespace {

using nlohmann::json;

const char* const kWhat = "XRT electrical report";

// A reading: XRT writes every value as a string, "N/A" when the sensor is absent. A JSON
// number is accepted too. nullopt for an absent key, "N/A" or "".
std::optional<double> reading(const json& object, const std::string& key,
                              const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) {
    throw Error(std::string(kWhat) + ": '" + where + key + "' is " + it->dump() +
                "; expected a number in a string or \"N/A\"");
  }
  const std::string text = it->get<std::string>();
  if (text.empty() || text == "N/A") return std::nullopt;
  char* stop = nullptr;
  const double v = std::strtod(text.c_str(), &stop);
  if (stop == text.c_str() || *stop != '\0') {
    throw Error(std::string(kWhat) + ": '" + where + key + "' is \"" + text +
                "\"; expected a number in a string or \"N/A\"");
  }
  return v;
}

// volts or amps of one rail: {"volts": "12.1", "is_present": "true"}; nullopt when the
// sensor says it is not present or gives no value.
std::optional<double> rail_value(const json& rail, const char* part, const char* unit,
                                 const std::string& where) {
  const auto it = rail.find(part);
  if (it == rail.end()) return std::nullopt;
  if (!it->is_object()) {
    throw Error(std::string(kWhat) + ": '" + where + part + "' is " + it->dump() +
                "; expected an object");
  }
  const auto present = it->find("is_present");
  if (present != it->end() && *present == json("false")) return std::nullopt;
  return reading(*it, unit, where + part + ".");
}

}  // namespace

std::optional<double> parse_xrt_electrical(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(std::string(kWhat) + ": not valid JSON (" + e.what() + ")");
  }
  if (!doc.is_object()) throw Error(std::string(kWhat) + ": expected a JSON object");

  if (const auto watts = reading(doc, "power_consumption_watts", "")) return watts;

  // The card's inputs: PCIe slot 12 V and 3.3 V, and the auxiliary 12 V connector.
  static const std::set<std::string> kInputs = {"12v_pex", "12v_aux", "3v3_pex"};
  const auto rails = doc.find("power_rails");
  if (rails == doc.end()) return std::nullopt;
  if (!rails->is_array()) {
    throw Error(std::string(kWhat) + ": 'power_rails' is not an array");
  }
  std::optional<double> sum;
  for (size_t i = 0; i < rails->size(); ++i) {
    const json& rail = (*rails)[i];
    const std::string where = "power_rails[" + std::to_string(i) + "].";
    if (!rail.is_object() || !rail.contains("id") || !rail["id"].is_string()) {
      throw Error(std::string(kWhat) + ": '" + where + "id' is missing; expected a rail id");
    }
    if (!kInputs.count(rail["id"].get<std::string>())) continue;
    const auto volts = rail_value(rail, "voltage", "volts", where);
    const auto amps = rail_value(rail, "current", "amps", where);
    if (volts && amps) sum = sum.value_or(0.0) + *volts * *amps;
  }
  return sum;
}

}  // namespace mmf::host
