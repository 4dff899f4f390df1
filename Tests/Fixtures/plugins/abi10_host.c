/*
 * A host of ABI 1.0, in C: loads a sink plugin, creates an instance and stores one sink:log batch, passing the
 * 1.0 `lessllm_open_args` (96 bytes, no record index) placed right before an unreadable page — a plugin that reads
 * a field beyond the `size` it was given crashes instead of passing.
 *
 * Usage: abi10_host <plugin.so> <config json> <batch json>
 * Prints each line the plugin emits as "emit: <data>", a failure as "fail <status>: <message>", and
 * "open: <status>" last; exits 0 when the open returned LESSLLM_OK.
 */
#define _DEFAULT_SOURCE
#include <lessllm_plugin.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The 1.0 struct: everything up to and including exchange_id. */
#define OPEN_ARGS_1_0_SIZE (offsetof(lessllm_open_args, exchange_id) + sizeof(lessllm_bytes))

static void host_log(lessllm_instance *instance, int32_t level, lessllm_bytes message) {
    (void)instance;
    fprintf(stderr, "log %d: %.*s\n", level, (int)message.len, (const char *)message.ptr);
}

static lessllm_status host_respond(lessllm_stream *stream, int32_t status, const lessllm_header *headers,
                                   size_t count) {
    (void)stream, (void)status, (void)headers, (void)count;
    return LESSLLM_OK;
}

static lessllm_status host_emit(lessllm_stream *stream, const lessllm_event *event) {
    (void)stream;
    printf("emit: %.*s\n", (int)event->data.len, (const char *)event->data.ptr);
    return LESSLLM_OK;
}

static lessllm_status host_fail(lessllm_stream *stream, lessllm_status status, lessllm_bytes message) {
    (void)stream;
    printf("fail %d: %.*s\n", status, (int)message.len, (const char *)message.ptr);
    return status;
}

static lessllm_status host_http_start(lessllm_stream *stream, const lessllm_http_request *request) {
    (void)stream, (void)request;
    return LESSLLM_E_BAD_ARGUMENT;
}

static void host_http_cancel(lessllm_stream *stream) { (void)stream; }

static uint64_t host_now_ns(void) { return 0; }

static lessllm_status host_json_find(lessllm_bytes json, lessllm_bytes path, lessllm_bytes *out) {
    (void)json, (void)path, (void)out;
    return LESSLLM_E_NOT_FOUND;
}

static lessllm_status host_json_decode(lessllm_bytes literal, uint8_t *out, size_t capacity, size_t *length) {
    (void)literal, (void)out, (void)capacity, (void)length;
    return LESSLLM_E_BAD_ARGUMENT;
}

static lessllm_status host_json_encode(lessllm_bytes text, uint8_t *out, size_t capacity, size_t *length) {
    (void)text, (void)out, (void)capacity, (void)length;
    return LESSLLM_E_BAD_ARGUMENT;
}

static lessllm_bytes bytes_of(const char *text) { return (lessllm_bytes){(const uint8_t *)text, strlen(text)}; }

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s <plugin.so> <config json> <batch json>\n", argv[0]);
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    lessllm_plugin_entry_fn entry = (lessllm_plugin_entry_fn)dlsym(library, LESSLLM_ENTRY_SYMBOL);
    const lessllm_plugin *plugin = entry ? entry(1, 0) : NULL;
    if (!plugin) {
        fprintf(stderr, "no plugin table for ABI 1.0\n");
        return 2;
    }
    /* The host table as a 1.0 host has it (1.1 added nothing to it). */
    static lessllm_host host = {sizeof(lessllm_host), 1, 0, host_log, host_respond, host_emit, host_fail,
                                host_http_start, host_http_cancel, host_now_ns, host_json_find, host_json_decode,
                                host_json_encode};
    void *state = NULL;
    if (plugin->create(&host, NULL, bytes_of(argv[2]), &state) != LESSLLM_OK) {
        fprintf(stderr, "create failed\n");
        return 2;
    }

    long page = sysconf(_SC_PAGESIZE);
    uint8_t *pages = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED || mprotect(pages + page, (size_t)page, PROT_NONE) != 0) {
        perror("mmap");
        return 2;
    }
    lessllm_open_args full = {0};
    full.size = (uint32_t)OPEN_ARGS_1_0_SIZE;
    full.abi_major = 1;
    full.abi_minor = 0;
    full.op = bytes_of("sink:log");
    full.body = bytes_of(argv[3]);
    /* Only the 1.0 part exists, and it ends where the unreadable page begins. */
    uint8_t *place = pages + page - OPEN_ARGS_1_0_SIZE;
    memcpy(place, &full, OPEN_ARGS_1_0_SIZE);
    void *stream_state = NULL;
    lessllm_status status = plugin->open(state, (lessllm_stream *)place, (const lessllm_open_args *)place,
                                         &stream_state);
    if (status == LESSLLM_OK && plugin->close) plugin->close(stream_state, (lessllm_stream *)place, LESSLLM_OK);
    printf("open: %d\n", status);
    fflush(stdout);
    plugin->destroy(state);
    return status == LESSLLM_OK ? 0 : 1;
}
