/* SPDX-License-Identifier: MIT */
/*
 * difftest_build.c - compiles a batch of emitted models per vector path and
 * runs them (contract in difftest_build.h).
 *
 * Compiling dominates the tester's time, so every model is compiled exactly
 * once per path, by make -j, with the project's strict flags (-std=c11 -Wall
 * -Wextra -Wpedantic -Werror -O2): emitted code that does not compile cleanly
 * is a finding too. The harness runs each model in a forked child with an
 * alarm, so a crash or a hang is charged to its model and the others still
 * run; outputs start as NaN, so an element the code never writes cannot match.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "difftest_build.h"

#define STRICT "-std=c11 -Wall -Wextra -Wpedantic -Werror -O2"

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static bool write_makefile(const char *dir, const char *cc, const DtIsa *isas, int n_isas,
                           const DtCase *cases, int n_cases)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/Makefile", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "CC = %s\nall:", cc);
    for (int i = 0; i < n_cases; i++)
        for (int k = 0; k < n_isas && cases[i].emitted; k++)
            fprintf(f, " %s.%s.o", cases[i].name, isas[k].name);
    fputs("\n", f);
    for (int i = 0; i < n_cases; i++)
        for (int k = 0; k < n_isas && cases[i].emitted; k++) {
            const char *c = cases[i].name, *isa = isas[k].name;
            fprintf(f, "%s.%s.o: %s.c %s.h\n\t$(CC) " STRICT " %s -c %s.c -o %s.%s.o 2> %s.%s.log\n",
                    c, isa, c, c, isas[k].flags, c, c, isa, c, isa);
        }
    return fclose(f) == 0;
}

/* The harness of one path: every case whose object exists, run in turn. */
static bool write_harness(const char *path, const char *dir, const char *isa, const DtCase *cases,
                          int n_cases, int *n_linked)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs("#define _POSIX_C_SOURCE 200809L\n#include <math.h>\n#include <signal.h>\n"
          "#include <stdio.h>\n#include <stdlib.h>\n#include <sys/wait.h>\n#include <unistd.h>\n",
          f);
    char obj[4096];
    bool *in = calloc((size_t)n_cases + 1, sizeof *in);
    if (!in) {
        fclose(f);
        return false;
    }
    *n_linked = 0;
    for (int i = 0; i < n_cases; i++) {
        snprintf(obj, sizeof obj, "%s/%s.%s.o", dir, cases[i].name, isa);
        in[i] = cases[i].emitted && exists(obj);
        if (!in[i])
            continue;
        (*n_linked)++;
        const DtCase *c = &cases[i];
        fprintf(f, "#include \"%s.h\"\nstatic int run_%s(const float *const *x, float *const *y)\n"
                   "{\n    (void)x; (void)y;\n    return %s_run(", c->name, c->name, c->name);
        for (int k = 0; k < c->n_in; k++)
            fprintf(f, "%sx[%d]", k ? ", " : "", k);
        for (int k = 0; k < c->n_out; k++)
            fprintf(f, ", y[%d]", k);
        fputs(");\n}\n", f);
    }
    fputs("typedef struct Case {\n    const char *name;\n"
          "    int (*run)(const float *const *, float *const *);\n    int n_in, n_out;\n"
          "    long in[12], out[12];\n} Case;\nstatic const Case cases[] = {\n", f);
    for (int i = 0; i < n_cases; i++) {
        if (!in[i])
            continue;
        const DtCase *c = &cases[i];
        fprintf(f, "    {\"%s\", run_%s, %d, %d, {", c->name, c->name, c->n_in, c->n_out);
        for (int k = 0; k < c->n_in; k++)
            fprintf(f, "%lld,", (long long)c->in_size[k]);
        fputs("0}, {", f);
        for (int k = 0; k < c->n_out; k++)
            fprintf(f, "%lld,", (long long)c->out_size[k]);
        fputs("0}},\n", f);
    }
    fputs("    {0, 0, 0, 0, {0}, {0}},\n};\n", f);
    free(in);
    /* main: argv[1] the folder, argv[2] the path's name */
    fputs("static int one(const Case *c, const char *dir, const char *isa)\n{\n"
          "    char path[4096];\n    const float *x[12];\n    float *y[12];\n"
          "    snprintf(path, sizeof path, \"%s/%s.in\", dir, c->name);\n"
          "    FILE *f = fopen(path, \"rb\");\n    if (!f)\n        return 2;\n"
          "    for (int k = 0; k < c->n_in; k++) {\n"
          "        float *b = malloc((size_t)c->in[k] * sizeof *b);\n"
          "        if (!b || fread(b, sizeof *b, (size_t)c->in[k], f) != (size_t)c->in[k])\n"
          "            return 2;\n        x[k] = b;\n    }\n    fclose(f);\n"
          "    for (int k = 0; k < c->n_out; k++) {\n"
          "        y[k] = malloc((size_t)c->out[k] * sizeof *y[k]);\n"
          "        if (!y[k])\n            return 2;\n"
          "        for (long i = 0; i < c->out[k]; i++)\n            y[k][i] = NAN;\n    }\n"
          "    if (c->run(x, y) != 0)\n        return 3;\n"
          "    snprintf(path, sizeof path, \"%s/%s.%s.out\", dir, c->name, isa);\n"
          "    f = fopen(path, \"wb\");\n    if (!f)\n        return 2;\n"
          "    for (int k = 0; k < c->n_out; k++)\n"
          "        fwrite(y[k], sizeof *y[k], (size_t)c->out[k], f);\n"
          "    return fclose(f) == 0 ? 0 : 2;\n}\n"
          "int main(int argc, char **argv)\n{\n    if (argc != 3)\n        return 2;\n"
          "    for (const Case *c = cases; c->name; c++) {\n"
          "        fflush(stdout);\n        pid_t pid = fork();\n"
          "        if (pid == 0) {\n            alarm(20);\n"
          "            _exit(one(c, argv[1], argv[2]));\n        }\n"
          "        int st = 0;\n        if (pid < 0 || waitpid(pid, &st, 0) < 0)\n"
          "            return 2;\n"
          "        if (WIFSIGNALED(st))\n"
          "            printf(\"%s: killed by signal %d\\n\", c->name, WTERMSIG(st));\n"
          "        else if (WEXITSTATUS(st) != 0)\n"
          "            printf(\"%s: exit status %d\\n\", c->name, WEXITSTATUS(st));\n"
          "    }\n    return 0;\n}\n", f);
    return fclose(f) == 0;
}

bool dt_build_and_run(const char *dir, const char *cc, int jobs, const DtIsa *isas, int n_isas,
                      const DtCase *cases, int n_cases)
{
    if (!write_makefile(dir, cc, isas, n_isas, cases, n_cases)) {
        fprintf(stderr, "difftest: cannot write %s/Makefile\n", dir);
        return false;
    }
    char cmd[8192];
    /* -k: a model that does not compile must not stop the others */
    snprintf(cmd, sizeof cmd, "make -k -s -j%d -C '%s' > '%s/make.log' 2>&1", jobs, dir, dir);
    (void)system(cmd);
    for (int k = 0; k < n_isas; k++) {
        char hc[4096], hx[4096];
        int n_linked = 0;
        snprintf(hc, sizeof hc, "%s/harness_%s.c", dir, isas[k].name);
        snprintf(hx, sizeof hx, "%s/harness_%s", dir, isas[k].name);
        if (!write_harness(hc, dir, isas[k].name, cases, n_cases, &n_linked)) {
            fprintf(stderr, "difftest: cannot write %s\n", hc);
            return false;
        }
        if (n_linked == 0)
            continue;
        int len = snprintf(cmd, sizeof cmd, "cd '%s' && %s -std=c11 -O1 -o harness_%s harness_%s.c",
                           dir, cc, isas[k].name, isas[k].name);
        for (int i = 0; i < n_cases; i++) {
            char obj[4096];
            snprintf(obj, sizeof obj, "%s/%s.%s.o", dir, cases[i].name, isas[k].name);
            if (cases[i].emitted && exists(obj) && len < (int)sizeof cmd)
                len += snprintf(cmd + len, sizeof cmd - (size_t)len, " %s.%s.o", cases[i].name,
                                isas[k].name);
        }
        if (len < (int)sizeof cmd)
            snprintf(cmd + len, sizeof cmd - (size_t)len, " -lm > link_%s.log 2>&1", isas[k].name);
        if (system(cmd) != 0 || !exists(hx)) {
            fprintf(stderr, "difftest: linking the %s harness failed (see %s/link_%s.log)\n",
                    isas[k].name, dir, isas[k].name);
            return false;
        }
        snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' > '%s/run_%s.log' 2>&1", hx, dir, isas[k].name,
                 dir, isas[k].name);
        if (system(cmd) != 0) {
            fprintf(stderr, "difftest: the %s harness failed (see %s/run_%s.log)\n", isas[k].name,
                    dir, isas[k].name);
            return false;
        }
    }
    return true;
}
