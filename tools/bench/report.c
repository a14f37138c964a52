/*
 * report.c - the summary and progress output shared by the benchmark tools
 * (see report.h).  Latencies are recorded in nanoseconds and printed in
 * microseconds.
 */
#include "report.h"

static double usec(uint64_t ns)
{
    return (double)ns / 1000.0;
}

/* Names printed here are status names and operation names the tools made
 * themselves; escape anyway so the output is always valid JSON. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_counts(FILE *out, const bench_error_count *c, size_t n)
{
    fputc('{', out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc(',', out);
        json_string(out, c[i].name);
        fprintf(out, ":%llu", (unsigned long long)c[i].count);
    }
    fputc('}', out);
}

static void text_counts(FILE *out, const char *label, uint64_t total,
                        const bench_error_count *c, size_t n)
{
    fprintf(out, "%-11s %llu", label, (unsigned long long)total);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s %llu", i == 0 ? " (" : ", ", c[i].name,
                (unsigned long long)c[i].count);
    fputs(n > 0 ? ")\n" : "\n", out);
}

static double throughput(const bench_report *r)
{
    return r->duration_s > 0 ? (double)r->requests / r->duration_s : 0.0;
}

static void print_json(FILE *out, const bench_report *r)
{
    const bench_hist *h = r->latency;
    fputs("{\"tool\":", out);
    json_string(out, r->tool);
    fputs(",\"workload\":", out);
    json_string(out, r->workload);
    fprintf(out, ",\"clients\":%u,\"inflight\":%u", r->clients, r->inflight);
    fprintf(out, ",\"requests\":%llu,\"duration_s\":%.3f,\"throughput\":%.1f",
            (unsigned long long)r->requests, r->duration_s, throughput(r));
    fprintf(out,
            ",\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f"
            ",\"max_us\":%.1f,\"mean_us\":%.1f",
            usec(bench_hist_percentile(h, 50.0)),
            usec(bench_hist_percentile(h, 99.0)),
            usec(bench_hist_percentile(h, 99.9)), usec(bench_hist_max(h)),
            bench_hist_mean(h) / 1000.0);
    fprintf(out, ",\"errors\":%llu,\"errors_by_status\":",
            (unsigned long long)r->errors);
    json_counts(out, r->error_counts, r->nerror_counts);
    fputs(",\"sizes\":{", out);
    for (size_t i = 0; i < r->nsizes; i++) {
        if (i > 0)
            fputc(',', out);
        json_string(out, r->sizes[i].op);
        fprintf(out, ":{\"request\":%zu,\"reply\":%zu}", r->sizes[i].request,
                r->sizes[i].reply);
    }
    fprintf(out, "},\"interrupted\":%s", r->interrupted ? "true" : "false");
    if (r->has_faults) {
        fprintf(out, ",\"failed\":%llu,\"failed_by_status\":",
                (unsigned long long)r->failed);
        json_counts(out, r->failed_counts, r->nfailed_counts);
        fprintf(out, ",\"lost\":%llu,\"longest_gap_ms\":%.1f"
                ",\"start_unix_ms\":%llu",
                (unsigned long long)r->lost, r->longest_gap_ms,
                (unsigned long long)r->start_unix_ms);
    }
    fputs("}\n", out);
}

static void print_text(FILE *out, const bench_report *r)
{
    const bench_hist *h = r->latency;
    fprintf(out, "%-11s %s, %u client%s x %u in flight%s\n", r->tool,
            r->workload, r->clients, r->clients == 1 ? "" : "s", r->inflight,
            r->interrupted ? " (interrupted)" : "");
    fprintf(out, "requests    %llu\n", (unsigned long long)r->requests);
    fprintf(out, "duration    %.3f s\n", r->duration_s);
    fprintf(out, "throughput  %.1f req/s\n", throughput(r));
    fprintf(out, "latency     p50 %.1f us  p99 %.1f us  p99.9 %.1f us  "
                 "max %.1f us\n",
            usec(bench_hist_percentile(h, 50.0)),
            usec(bench_hist_percentile(h, 99.0)),
            usec(bench_hist_percentile(h, 99.9)), usec(bench_hist_max(h)));
    text_counts(out, "errors", r->errors, r->error_counts, r->nerror_counts);
    if (r->has_faults) {
        text_counts(out, "failed", r->failed, r->failed_counts,
                    r->nfailed_counts);
        fprintf(out, "lost        %llu\n", (unsigned long long)r->lost);
        fprintf(out, "longest gap %.1f ms\n", r->longest_gap_ms);
    }
    for (size_t i = 0; i < r->nsizes; i++)
        fprintf(out, "%-11s %s: request %zu B, reply %zu B\n",
                i == 0 ? "sizes" : "", r->sizes[i].op, r->sizes[i].request,
                r->sizes[i].reply);
}

int bench_report_print(FILE *out, const bench_report *r, bool json)
{
    if (json)
        print_json(out, r);
    else
        print_text(out, r);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

void bench_progress_print(FILE *out, double elapsed_s, uint64_t delta,
                          double interval_s, uint64_t total, uint64_t errors,
                          bool warmup)
{
    double rate = interval_s > 0 ? (double)delta / interval_s : 0.0;
    fprintf(out, "%7.1fs %10.0f req/s  total %llu  errors %llu%s\n",
            elapsed_s, rate, (unsigned long long)total,
            (unsigned long long)errors, warmup ? "  (warm-up)" : "");
    fflush(out);
}
