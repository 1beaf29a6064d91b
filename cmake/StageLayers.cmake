# SPDX-License-Identifier: BSD-2-Clause
# The layering rule of harness/: each stage folder may include ("stage/file.h") only its own
# headers and those of the stages declared before it in harness/CMakeLists.txt (VMTEST_STAGES).
# One check, three callers: harness/CMakeLists.txt at configure time, the vmtest_layers target
# whenever a source changes (so `ninja vmtest` stops on a new upward include), and the
# lint.layers test. Each offence is printed as "file:line: ..." and the check fails.
#
# As a script: cmake -DHARNESS_DIR=<harness> -DSTAGES="core;results;..." [-DSTAMP=<file>]
#                    -P StageLayers.cmake

# Sets `out` to the messages for every include in HARNESS_DIR that breaks the order of `stages`.
function(vmtest_stage_layer_problems harness_dir stages out)
  set(problems "")
  file(GLOB entries LIST_DIRECTORIES true RELATIVE ${harness_dir} ${harness_dir}/*)
  foreach(dir IN LISTS entries)
    if(NOT IS_DIRECTORY ${harness_dir}/${dir})
      continue()
    endif()
    file(GLOB_RECURSE sources ${harness_dir}/${dir}/*.h ${harness_dir}/${dir}/*.hpp
         ${harness_dir}/${dir}/*.cpp ${harness_dir}/${dir}/*.c)
    if(NOT sources)
      continue()
    endif()
    list(FIND stages ${dir} level)
    if(level EQUAL -1)
      list(APPEND problems "harness/${dir}/: a folder of sources that is not a declared stage; "
                           "give it its place in VMTEST_STAGES (harness/CMakeLists.txt)")
      continue()
    endif()
    foreach(src IN LISTS sources)
      file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[A-Za-z0-9_]+/")
      foreach(inc IN LISTS includes)
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([A-Za-z0-9_]+)/.*" "\\1" used "${inc}")
        if(used STREQUAL dir OR NOT IS_DIRECTORY ${harness_dir}/${used})
          continue()
        endif()
        list(FIND stages ${used} used_level)
        if(used_level GREATER_EQUAL 0 AND used_level LESS level)
          continue()
        endif()
        # The line number, for a message an editor can jump to.
        file(READ ${src} text)
        string(FIND "${text}" "${inc}" at)
        string(SUBSTRING "${text}" 0 ${at} before)
        string(REGEX REPLACE "[^\n]" "" newlines "${before}")
        string(LENGTH "${newlines}" line)
        math(EXPR line "${line} + 1")
        file(RELATIVE_PATH rel ${harness_dir}/.. ${src})
        string(STRIP "${inc}" inc)
        if(used_level EQUAL -1)
          set(why "${used}/ is not a declared stage")
        else()
          set(why "${used} comes after ${dir} in VMTEST_STAGES")
        endif()
        list(APPEND problems "${rel}:${line}: ${inc}: ${dir}/ may not include ${used}/ (${why})")
      endforeach()
    endforeach()
  endforeach()
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

function(vmtest_check_stage_layers harness_dir stages)
  vmtest_stage_layer_problems(${harness_dir} "${stages}" problems)
  if(problems)
    string(REPLACE ";" "\n  " problems "${problems}")
    string(REPLACE ";" " < " order "${stages}")
    message(FATAL_ERROR "upward include between harness stages (${order}):\n  ${problems}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND HARNESS_DIR)
  string(REPLACE "," ";" STAGES "${STAGES}")
  vmtest_check_stage_layers(${HARNESS_DIR} "${STAGES}")
  if(STAMP)
    file(TOUCH ${STAMP})
  endif()
endif()
