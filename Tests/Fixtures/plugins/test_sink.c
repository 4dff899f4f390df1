/*
 * A log sink for tests: appends every batch it is given (one JSON array per line) to options.path.
 * options.delay_ms makes each write block that long (a slow sink); options.fail_first makes the first N batches
 * fail (a sink that is down for a while).
 */
#define _POSIX_C_SOURCE 199309L
#include <lessllm_plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const lessllm_host *host;

typedef struct sink {
    char path[1024];
    long delay_ms;
    long fail_first;
    long calls;
} sink;

static long number_option(lessllm_bytes config, const char *path) {
    lessllm_bytes value;
    if (host->json_find(config, (lessllm_bytes){(const uint8_t *)path, strlen(path)}, &value) != LESSLLM_OK) return 0;
    char text[32] = {0};
    memcpy(text, value.ptr, value.len < 31 ? value.len : 31);
    return atol(text);
}

static lessllm_status sink_create(const lessllm_host *h, lessllm_instance *instance, lessllm_bytes config, void **out) {
    host = h;
    sink *state = calloc(1, sizeof *state);
    lessllm_bytes path;
    size_t length = 0;
    if (host->json_find(config, LESSLLM_LIT("options.path"), &path) != LESSLLM_OK ||
        host->json_decode_string(path, (uint8_t *)state->path, sizeof state->path - 1, &length) != LESSLLM_OK) {
        host->log(instance, LESSLLM_LOG_ERROR, LESSLLM_LIT("options.path is required"));
        free(state);
        return LESSLLM_E_CONFIG;
    }
    state->path[length] = 0;
    state->delay_ms = number_option(config, "options.delay_ms");
    state->fail_first = number_option(config, "options.fail_first");
    *out = state;
    return LESSLLM_OK;
}

static void sink_destroy(void *state) { free(state); }

static lessllm_status sink_open(void *state, lessllm_stream *stream, const lessllm_open_args *args, void **out) {
    sink *self = state;
    *out = NULL;
    self->calls++;
    if (self->delay_ms > 0) {
        struct timespec pause = {self->delay_ms / 1000, (self->delay_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
    if (self->calls <= self->fail_first) {
        return host->fail(stream, LESSLLM_E_OVERLOADED, LESSLLM_LIT("test sink is down"));
    }
    FILE *file = fopen(self->path, "a");
    if (!file) return host->fail(stream, LESSLLM_E_INTERNAL, LESSLLM_LIT("cannot open the output file"));
    fwrite(args->body.ptr, 1, args->body.len, file);
    fputc('\n', file);
    fclose(file);
    return LESSLLM_OK;
}

static void sink_close(void *state, lessllm_stream *stream, lessllm_status status) {
    (void)state, (void)stream, (void)status;
}

static const char *const sink_ops[] = {"sink:log", NULL};
static const lessllm_plugin_info sink_info = {
    LESSLLM_HEAD(lessllm_plugin_info), LESSLLM_KIND_SINK, 0, "test.lessllm.sink", "Test sink", "1.0.0",
    "appends batches to a file", sink_ops,
};
static const lessllm_plugin sink_plugin = {
    LESSLLM_HEAD(lessllm_plugin), &sink_info, sink_create, sink_destroy, sink_open, NULL, NULL, sink_close,
};

LESSLLM_PLUGIN_ENTRY {
    (void)host_abi_minor;
    return host_abi_major == LESSLLM_ABI_MAJOR ? &sink_plugin : NULL;
}
