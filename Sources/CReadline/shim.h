#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
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

/* Ctrl-C at the prompt clears the line being typed, as in a shell; Ctrl-D leaves. */
static inline void frontdesk_rl_on_sigint(int signal_number) {
    (void)signal_number;
    (void)write(STDOUT_FILENO, "\n", 1);
    rl_on_new_line();
    rl_replace_line("", 0);
    rl_redisplay();
}
static inline void frontdesk_rl_clear_line_on_sigint(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = frontdesk_rl_on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    rl_catch_signals = 0;
    sigaction(SIGINT, &action, NULL);
}
