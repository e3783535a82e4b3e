# Warnings are errors on our own code only; applied per target, never globally.
function(paddock_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()
