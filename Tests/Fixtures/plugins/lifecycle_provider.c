/*
 * A provider that ends its upstream request in ways the real providers never do, chosen by the requested model:
 *   "cancel-on-head"    starts the request, and on the response head cancels it (http_cancel) without failing
 *   "start-then-fail"   starts the request, then returns LESSLLM_E_UPSTREAM from open
 * anything else        relays the upstream's answer unchanged.
 * The upstream is the instance's "base_url" (config JSON, found as text: it is the only string the tests give it)
 * plus "/v1/chat/completions". Plugin id "test.lessllm.lifecycle", op "provider:openai.chat".
 */
#include <lessllm_plugin.h>
#include <stdlib.h>
#include <string.h>

static const lessllm_host *host;

typedef struct {
    char url[512];
} lifecycle_instance;

static lessllm_status lifecycle_create(const lessllm_host *h, lessllm_instance *instance, lessllm_bytes config,
                                       void **out) {
    (void)instance;
    host = h;
    lifecycle_instance *self = calloc(1, sizeof *self);
    if (!self) return LESSLLM_E_INTERNAL;
    static const char key[] = "\"base_url\":\"";
    const char *text = (const char *)config.ptr;
    for (size_t i = 0; i + sizeof key - 1 < config.len; i++) {
        if (memcmp(text + i, key, sizeof key - 1) != 0) continue;
        size_t start = i + sizeof key - 1, end = start;
        while (end < config.len && text[end] != '"') end++;
        static const char path[] = "/v1/chat/completions";
        if (end - start + sizeof path > sizeof self->url) break;
        memcpy(self->url, text + start, end - start);
        memcpy(self->url + (end - start), path, sizeof path);
        break;
    }
    *out = self;
    return self->url[0] ? LESSLLM_OK : LESSLLM_E_CONFIG;
}

static void lifecycle_destroy(void *state) { free(state); }

static int is_model(const lessllm_open_args *args, const char *name) {
    return args->model.len == strlen(name) && memcmp(args->model.ptr, name, args->model.len) == 0;
}

/* The stream's state: whether to cancel on the head. */
static int cancel_on_head_flag = 1;

static lessllm_status lifecycle_open(void *state, lessllm_stream *stream, const lessllm_open_args *args,
                                     void **out) {
    lifecycle_instance *self = state;
    *out = is_model(args, "cancel-on-head") ? &cancel_on_head_flag : NULL;
    lessllm_header header = {LESSLLM_LIT("content-type"), LESSLLM_LIT("application/json")};
    lessllm_http_request request = {LESSLLM_HEAD(lessllm_http_request), LESSLLM_LIT("POST"),
                                    {(const uint8_t *)self->url, strlen(self->url)}, &header, 1, args->body};
    lessllm_status started = host->http_start(stream, &request);
    if (started != LESSLLM_OK) return started;
    return is_model(args, "start-then-fail") ? LESSLLM_E_UPSTREAM : LESSLLM_OK;
}

static lessllm_status lifecycle_on_head(void *stream_state, lessllm_stream *stream, int32_t status,
                                        const lessllm_header *headers, size_t count) {
    if (stream_state == &cancel_on_head_flag) {
        host->http_cancel(stream);
        return LESSLLM_OK;
    }
    return host->respond(stream, status, headers, count);
}

static lessllm_status lifecycle_on_event(void *stream_state, lessllm_stream *stream, const lessllm_event *event) {
    (void)stream_state;
    return host->emit(stream, event);
}

static void lifecycle_close(void *stream_state, lessllm_stream *stream, lessllm_status status) {
    (void)stream_state, (void)stream, (void)status;
}

static const char *const lifecycle_ops[] = {"provider:" LESSLLM_DIALECT_OPENAI_CHAT, NULL};
static const lessllm_plugin_info lifecycle_info = {
    LESSLLM_HEAD(lessllm_plugin_info), LESSLLM_KIND_PROVIDER, 0, "test.lessllm.lifecycle", "Lifecycle test provider",
    "1.0.0", "ends its upstream request in unusual ways", lifecycle_ops,
};
static const lessllm_plugin lifecycle_plugin = {
    LESSLLM_HEAD(lessllm_plugin), &lifecycle_info, lifecycle_create, lifecycle_destroy, lifecycle_open,
    lifecycle_on_head, lifecycle_on_event, lifecycle_close,
};

LESSLLM_PLUGIN_ENTRY {
    (void)host_abi_minor;
    return host_abi_major == LESSLLM_ABI_MAJOR ? &lifecycle_plugin : NULL;
}
