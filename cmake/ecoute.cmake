# Thin helpers in the style of absl_cc_library: one module = one static library.
#
#   ecoute_cc_library(NAME text SRCS a.cc b.cc DEPS ecoute_base utf8proc)
#     -> target ecoute_text, include root src/, warnings as errors.
#   ecoute_cc_test(NAME text_test SRCS text_test.cc DEPS ecoute_text)
#     -> GoogleTest executable registered with CTest (one CTest test per TEST).

set(ECOUTE_WARNINGS -Wall -Wextra -Wpedantic)
if(ECOUTE_WERROR)
  list(APPEND ECOUTE_WARNINGS -Werror)
endif()

function(ecoute_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(ecoute_${ARG_NAME} STATIC ${ARG_SRCS})
  target_include_directories(ecoute_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(ecoute_${ARG_NAME} PRIVATE ${ECOUTE_WARNINGS})
  target_link_libraries(ecoute_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

function(ecoute_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;ENV" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${ARG_NAME} PRIVATE ${ECOUTE_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    ECOUTE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ECOUTE_SHARED_DATA="${PROJECT_SOURCE_DIR}/../shared/data")
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "ECOUTE_TEST=1;${ARG_ENV}")
endfunction()
