# cmake/core.cmake: how core/ is compiled, shared by the main build and the fuzz targets' clang
# build (tests/fuzz/libfuzzer): C11, the warnings, the definitions, the libraries core/ links
# with, and sparklink_core_library(NAME ROOT), the static library of ROOT/core/*.c.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
# Warnings as errors in the project's own builds (make test, CI, the fuzz build); off by default
# so that a user's build (make, the package) never fails on a warning a newer compiler invents.
option(SPARKLINK_WERROR "Treat warnings as errors (make test and CI turn it on)" OFF)
# Each warning flag only where this compiler knows it (clang 14 has no -Wformat-truncation).
# -Wno-X is checked as -WX: gcc accepts any -Wno-X silently.
include(CheckCCompilerFlag)
foreach(flag -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
             -Wno-format-nonliteral -Wno-format-truncation)
  string(REGEX REPLACE "^-Wno-" "-W" probe ${flag})
  string(MAKE_C_IDENTIFIER "SPARKLINK_CC_HAS${probe}" var)
  check_c_compiler_flag(${probe} ${var})
  if(${var})
    add_compile_options(${flag})
  endif()
endforeach()
if(SPARKLINK_WERROR)
  add_compile_options(-Werror)
endif()
add_compile_definitions(_GNU_SOURCE)

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(LIBNL REQUIRED IMPORTED_TARGET libnl-3.0 libnl-route-3.0)
pkg_check_modules(IBVERBS REQUIRED IMPORTED_TARGET libibverbs)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh)
pkg_check_modules(AVAHI REQUIRED IMPORTED_TARGET avahi-client)
pkg_check_modules(DBUS REQUIRED IMPORTED_TARGET dbus-1)

# core/: the model and all I/O. No curses here: the CLI and the tests drive it without a screen.
function(sparklink_core_library name root)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${root}/core/*.c)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${root})
  target_link_libraries(${name} PUBLIC PkgConfig::LIBNL PkgConfig::IBVERBS PkgConfig::LIBSSH
                        PkgConfig::AVAHI PkgConfig::DBUS Threads::Threads m)
endfunction()
