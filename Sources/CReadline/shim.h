#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Swift 6 forbids touching readline's mutable C globals directly; these
   setters keep that in C. */
static inline void frontdesk_rl_set_completion(rl_completion_func_t *fn) {
    rl_attempted_completion_function = fn;
}
/* Called from the completion callback: no file-name completion as a fallback. */
static inline void frontdesk_rl_set_no_default_completion(void) {
    rl_attempted_completion_over = 1;
}
static inline void frontdesk_rl_set_readline_name(const char *name) {
    rl_readline_name = name;
}
