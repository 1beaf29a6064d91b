# SPDX-License-Identifier: BSD-2-Clause
# Run as a script (cmake -P) at build time: turns every file of TEMPLATE_DIR into an entry of
# a generated C++ table, so the vmtest binary carries its report templates and works from any
# directory. Raw string literals keep the templates readable in the generated file; a template
# must not contain the delimiter below (checked here, not at run time).
cmake_minimum_required(VERSION 3.25)
file(GLOB files RELATIVE ${TEMPLATE_DIR} ${TEMPLATE_DIR}/*)
list(SORT files)
set(delim "vmtest_tpl")
set(body "")
foreach(f IN LISTS files)
  file(READ ${TEMPLATE_DIR}/${f} content)
  string(FIND "${content}" ")${delim}\"" hit)
  if(NOT hit EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw string delimiter ${delim}")
  endif()
  string(APPEND body "    {\"${f}\", R\"${delim}(${content})${delim}\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from reports/templates by cmake/EmbedTemplates.cmake. Do not edit.\n"
"#include \"report/templates.h\"\n\n"
"namespace vmtest {\n\n"
"const std::map<std::string, std::string>& embedded_templates() {\n"
"  static const std::map<std::string, std::string> table = {\n"
"${body}"
"  };\n"
"  return table;\n"
"}\n\n"
"}  // namespace vmtest\n")
# Only touch the output when it changed, so an unrelated build does not recompile it.
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
