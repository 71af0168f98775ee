# Third-party libraries, all from Debian 12 packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(simdjson REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)  # Vectorscan (Hyperscan API)

find_library(CLD2_LIBRARY NAMES cld2 REQUIRED)
find_path(CLD2_INCLUDE_DIR NAMES cld2/public/compact_lang_det.h REQUIRED)
add_library(cld2 INTERFACE IMPORTED)
set_target_properties(cld2 PROPERTIES
  INTERFACE_LINK_LIBRARIES "${CLD2_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CLD2_INCLUDE_DIR}")
find_library(FASTTEXT_LIBRARY NAMES fasttext REQUIRED)
find_path(FASTTEXT_INCLUDE_DIR NAMES fasttext/fasttext.h REQUIRED)
add_library(fasttext INTERFACE IMPORTED)
set_target_properties(fasttext PROPERTIES
  INTERFACE_LINK_LIBRARIES "${FASTTEXT_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${FASTTEXT_INCLUDE_DIR}")
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)  # SMTP of the alert notifier
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)  # time zones (base/time_zone.h)
# libphonenumber (E.164 phone identifiers of contacts): no pkg-config file in Debian 12.
find_library(PHONENUMBER_LIB phonenumber REQUIRED)
find_path(PHONENUMBER_INCLUDE phonenumbers/phonenumberutil.h REQUIRED)
add_library(Phonenumber::Phonenumber INTERFACE IMPORTED)
target_link_libraries(Phonenumber::Phonenumber INTERFACE ${PHONENUMBER_LIB})
target_include_directories(Phonenumber::Phonenumber INTERFACE ${PHONENUMBER_INCLUDE})
