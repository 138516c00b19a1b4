# Lets C/C++ projects find the header of component-example-dev with find_package().
add_library(component_example::headers INTERFACE IMPORTED)
target_include_directories(component_example::headers INTERFACE "${CMAKE_CURRENT_LIST_DIR}/../../../include")
