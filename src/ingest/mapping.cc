// LoadCsvMapping: the YAML mapping file (docs/formats.md, "Mapped CSV").
#include <exception>
#include <string>

#include <yaml-cpp/yaml.h>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/input.h"

namespace ecoute::ingest {
namespace {

class MappingLoader {
 public:
  explicit MappingLoader(std::string path) : path_(std::move(path)) {}

  base::Result<CsvMapping> Load(const YAML::Node& root) {
    if (!root.IsMap()) {
      return Error(root, "", "a mapping file is a YAML map (name, delimiter, columns, defaults, attributes)");
    }
    CsvMapping m;
    YAML::Node columns_node;
    bool has_columns = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key = it->first;  // copies: the iterator yields temporaries
      const YAML::Node value = it->second;
      std::string k = key.IsScalar() ? key.Scalar() : "";
      if (k == "name") {
        if (!value.IsScalar()) return Error(value, "name", "expected a string");
        m.name = value.Scalar();
      } else if (k == "delimiter") {
        if (!value.IsScalar()) return Error(value, "delimiter", "expected one character");
        std::string d = value.Scalar();
        if (d == "\\t" || d == "tab" || d == "TAB") d = "\t";
        if (d.size() != 1 || d == "\"" || d == "\n" || d == "\r") {
          return Error(value, "delimiter", "expected one character other than a quote or line end, got \"" + d + "\"");
        }
        m.delimiter = d[0];
      } else if (k == "unescape_html") {
        if (!value.IsScalar()) return Error(value, "unescape_html", "expected true or false");
        auto b = formats::ParseBool(value.Scalar());
        if (!b) return Error(value, "unescape_html", "expected true or false, got \"" + value.Scalar() + "\"");
        m.unescape_html = *b;
      } else if (k == "columns" || k == "defaults" || k == "attributes") {
        if (k == "columns") {
          columns_node = value;
          has_columns = true;
        }
        auto& target = k == "columns" ? m.columns : k == "defaults" ? m.defaults : m.attributes;
        ECOUTE_RETURN_IF_ERROR(ReadMap(value, k, target));
      } else {
        return Error(key, k, "unknown key; expected name, delimiter, columns, defaults, attributes or unescape_html");
      }
    }
    if (!has_columns) return Error(root, "columns", "missing: a mapping needs columns (at least text)");
    for (std::string required : {"text", "created_at"}) {
      if (m.columns.count(required) == 0 && m.defaults.count(required) == 0) {
        return Error(columns_node, "columns", "no column for " + required + " (required)");
      }
    }
    return m;
  }

 private:
  // Reads `section` (columns, defaults or attributes): a map of scalars.
  base::Status ReadMap(const YAML::Node& node, const std::string& section, std::map<std::string, std::string>& out) {
    if (node.IsNull()) return base::Status::Ok();
    if (!node.IsMap()) return Error(node, section, "expected a map of name: value");
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;  // copies: the iterator yields temporaries
      const YAML::Node value = it->second;
      if (!key.IsScalar() || key.Scalar().empty()) return Error(key, section, "expected a non-empty name");
      std::string name = section + "." + key.Scalar();
      if (section != "attributes" && formats::FindFieldSetter(key.Scalar()) == nullptr) {
        return Error(key, name, "unknown field path; known: " + formats::FieldPathList());
      }
      if (!value.IsScalar()) {
        std::string reason = section == "defaults" ? "expected a value" : "expected a CSV column name";
        if (value.IsNull()) return Error(key, name, reason);
        return Error(value, name, reason);
      }
      if (section == "defaults") {
        model::Mention scratch;
        if (std::string reason = formats::FindFieldSetter(key.Scalar())(scratch, value.Scalar()); !reason.empty()) {
          return Error(value, name, reason);
        }
      }
      out[key.Scalar()] = value.Scalar();
    }
    return base::Status::Ok();
  }

  base::Status Error(const YAML::Node& node, const std::string& field, const std::string& reason) const {
    int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 1;
    std::string where = path_ + ":" + std::to_string(line) + ": ";
    if (!field.empty()) where += field + ": ";
    return base::Status::InvalidArgument(where + reason);
  }

  std::string path_;
};

}  // namespace

base::Result<CsvMapping> LoadCsvMapping(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return base::Status::NotFound(path + ": cannot read the mapping file");
  } catch (const YAML::ParserException& e) {
    return base::Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(path + ": invalid YAML: " + e.what());
  }
  try {
    return MappingLoader(path).Load(root);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(path + ": " + e.what());
  }
}

}  // namespace ecoute::ingest
