/*
 * echo_provider.c — a LessLLM provider written in plain C.
 *
 * It answers without any upstream: the last user message comes back word by word, in the dialect the client
 * spoke (OpenAI Chat Completions or Anthropic Messages), streamed or not, with usage (one token per word).
 * It needs nothing but the ABI header:
 *
 *     cc -shared -fPIC -O2 -I Sources/PluginABI/include -o plugins.d/libecho_provider.so \
 *        Examples/echo-provider/echo_provider.c
 *
 * and a route in plugins.yaml:   providers: { echo: { plugin: dev.lessllm.example.echo } }
 *                                routes:    [ { model: echo, provider: echo } ]
 */
#include <lessllm_plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const lessllm_host *host;

/* ---- a growable byte buffer, the plugin's own memory ---------------------------------------------------- */

typedef struct buffer {
    uint8_t *bytes;
    size_t len, cap;
} buffer;

static void put(buffer *b, const void *data, size_t len) {
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + len) cap *= 2;
        uint8_t *grown = realloc(b->bytes, cap);
        if (!grown) abort();
        b->bytes = grown;
        b->cap = cap;
    }
    memcpy(b->bytes + b->len, data, len);
    b->len += len;
}

static void puts_(buffer *b, const char *text) { put(b, text, strlen(text)); }

static void putf(buffer *b, const char *format, long long value) {
    char text[256];
    int n = snprintf(text, sizeof text, format, value);
    put(b, text, (size_t)n);
}

/* Appends `text` as a JSON string literal, escaped by the host. */
static void put_json_string(buffer *b, lessllm_bytes text) {
    size_t needed = 0;
    host->json_encode_string(text, NULL, 0, &needed);
    uint8_t *scratch = malloc(needed ? needed : 1);
    if (!scratch) abort();
    host->json_encode_string(text, scratch, needed, &needed);
    put(b, scratch, needed);
    free(scratch);
}

static lessllm_bytes view(const buffer *b) { return (lessllm_bytes){b->bytes, b->len}; }

/* ---- reading the request --------------------------------------------------------------------------------- */

/* Finds the text of the last user message: a plain string, or the first text block of a content array. */
static int last_user_text(lessllm_bytes body, buffer *out) {
    char path[96];
    for (int i = -1; i >= -256; i--) {
        lessllm_bytes role, content;
        snprintf(path, sizeof path, "messages[%d].role", i);
        if (host->json_find(body, (lessllm_bytes){(const uint8_t *)path, strlen(path)}, &role) != LESSLLM_OK) {
            return 0;
        }
        if (role.len != 6 || memcmp(role.ptr, "\"user\"", 6) != 0) continue;
        snprintf(path, sizeof path, "messages[%d].content", i);
        if (host->json_find(body, (lessllm_bytes){(const uint8_t *)path, strlen(path)}, &content) != LESSLLM_OK) {
            return 0;
        }
        if (content.len > 0 && content.ptr[0] == '[') {
            snprintf(path, sizeof path, "messages[%d].content[0].text", i);
            if (host->json_find(body, (lessllm_bytes){(const uint8_t *)path, strlen(path)}, &content) != LESSLLM_OK) {
                return 0;
            }
        }
        size_t len = 0;
        if (host->json_decode_string(content, NULL, 0, &len) == LESSLLM_E_INVALID_REQUEST) return 0;
        uint8_t *text = malloc(len ? len : 1);
        if (!text) abort();
        host->json_decode_string(content, text, len, &len);
        put(out, text, len);
        free(text);
        return 1;
    }
    return 0;
}

static int wants_usage_chunk(lessllm_bytes body) {
    lessllm_bytes flag;
    return host->json_find(body, LESSLLM_LIT("stream_options.include_usage"), &flag) == LESSLLM_OK && flag.len == 4 &&
           memcmp(flag.ptr, "true", 4) == 0;
}

/* ---- writing the response ---------------------------------------------------------------------------------- */

typedef struct reply {
    lessllm_stream *stream;
    int anthropic, streamed;
    lessllm_bytes model, id;
    long long created;
} reply;

static void emit(const reply *r, const char *type, const buffer *data) {
    lessllm_event event = {LESSLLM_HEAD(lessllm_event), {(const uint8_t *)type, strlen(type)}, view(data), {0}};
    host->emit(r->stream, &event);
}

/* OpenAI: one chat.completion.chunk with the given choices JSON (or none) and optional usage. */
static void openai_chunk(const reply *r, const char *choices_open, lessllm_bytes content, const char *choices_close) {
    buffer b = {0};
    puts_(&b, "{\"id\":\"chatcmpl-");
    put(&b, r->id.ptr, r->id.len);
    puts_(&b, "\",\"object\":\"chat.completion.chunk\",");
    putf(&b, "\"created\":%lld,\"model\":", r->created);
    put_json_string(&b, r->model);
    puts_(&b, ",\"choices\":[");
    puts_(&b, choices_open);
    if (content.ptr) put_json_string(&b, content);
    puts_(&b, choices_close);
    emit(r, "", &b);
    free(b.bytes);
}

static void anthropic_event(const reply *r, const char *type, const char *json_before, lessllm_bytes text,
                            const char *json_after) {
    buffer b = {0};
    puts_(&b, json_before);
    if (text.ptr) put_json_string(&b, text);
    puts_(&b, json_after);
    emit(r, type, &b);
    free(b.bytes);
}

static void stream_words(const reply *r, lessllm_bytes text, long long *words) {
    size_t i = 0;
    while (i < text.len) {
        size_t start = i;
        while (i < text.len && text.ptr[i] == ' ') i++;
        while (i < text.len && text.ptr[i] != ' ') i++;
        lessllm_bytes word = {text.ptr + start, i - start};
        if (word.len == 0) break;
        (*words)++;
        if (r->anthropic) {
            anthropic_event(r, "content_block_delta",
                            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":",
                            word, "}}");
        } else {
            openai_chunk(r, "{\"index\":0,\"delta\":{\"content\":", word, "},\"finish_reason\":null}]}");
        }
    }
}

static void reply_streamed(const reply *r, lessllm_bytes text, long long input_words, int usage_chunk) {
    long long words = 0;
    buffer b = {0};
    if (r->anthropic) {
        puts_(&b, "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_");
        put(&b, r->id.ptr, r->id.len);
        puts_(&b, "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        put_json_string(&b, r->model);
        putf(&b, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                 "\"usage\":{\"input_tokens\":%lld,\"output_tokens\":0}}}", input_words);
        emit(r, "message_start", &b);
        anthropic_event(r, "content_block_start",
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                        (lessllm_bytes){0}, "");
        stream_words(r, text, &words);
        anthropic_event(r, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}", (lessllm_bytes){0}, "");
        b.len = 0;
        putf(&b, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                 "\"usage\":{\"output_tokens\":%lld}}", words);
        emit(r, "message_delta", &b);
        anthropic_event(r, "message_stop", "{\"type\":\"message_stop\"}", (lessllm_bytes){0}, "");
    } else {
        openai_chunk(r, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                     (lessllm_bytes){0}, "");
        stream_words(r, text, &words);
        openai_chunk(r, "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", (lessllm_bytes){0}, "");
        if (usage_chunk) {
            char usage[160];
            snprintf(usage, sizeof usage, "],\"usage\":{\"prompt_tokens\":%lld,\"completion_tokens\":%lld,"
                     "\"total_tokens\":%lld}}", input_words, words, input_words + words);
            openai_chunk(r, "", (lessllm_bytes){0}, usage);
        }
        buffer done = {0};
        puts_(&done, "[DONE]");
        emit(r, "", &done);
        free(done.bytes);
    }
    free(b.bytes);
}

static long long count_words(lessllm_bytes text) {
    long long n = 0;
    for (size_t i = 0; i < text.len; i++) {
        if (text.ptr[i] != ' ' && (i == 0 || text.ptr[i - 1] == ' ')) n++;
    }
    return n;
}

static void reply_whole(const reply *r, lessllm_bytes text, long long words) {
    buffer b = {0};
    if (r->anthropic) {
        puts_(&b, "{\"id\":\"msg_");
        put(&b, r->id.ptr, r->id.len);
        puts_(&b, "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        put_json_string(&b, r->model);
        puts_(&b, ",\"content\":[{\"type\":\"text\",\"text\":");
        put_json_string(&b, text);
        putf(&b, "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":%lld,", words);
        putf(&b, "\"output_tokens\":%lld}}", words);
    } else {
        puts_(&b, "{\"id\":\"chatcmpl-");
        put(&b, r->id.ptr, r->id.len);
        putf(&b, "\",\"object\":\"chat.completion\",\"created\":%lld,\"model\":", r->created);
        put_json_string(&b, r->model);
        puts_(&b, ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
        put_json_string(&b, text);
        putf(&b, "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":%lld,", words);
        putf(&b, "\"completion_tokens\":%lld,", words);
        putf(&b, "\"total_tokens\":%lld}}", 2 * words);
    }
    emit(r, "", &b);
    free(b.bytes);
}

/* ---- the plugin table ------------------------------------------------------------------------------------ */

static lessllm_status echo_create(const lessllm_host *h, lessllm_instance *instance, lessllm_bytes config,
                                  void **out_state) {
    (void)instance, (void)config;
    host = h;
    *out_state = NULL;
    return LESSLLM_OK;
}

static void echo_destroy(void *state) { (void)state; }

static lessllm_status echo_open(void *state, lessllm_stream *stream, const lessllm_open_args *args,
                                void **out_stream_state) {
    (void)state;
    *out_stream_state = NULL;
    buffer text = {0};
    if (!last_user_text(args->body, &text)) {
        return host->fail(stream, LESSLLM_E_INVALID_REQUEST, LESSLLM_LIT("echo needs a user message with text"));
    }
    reply r = {stream, 0, (args->flags & LESSLLM_OPEN_STREAM) != 0, args->model, args->exchange_id, (long long)time(NULL)};
    r.anthropic = args->op.len == strlen("provider:anthropic.messages") &&
                  memcmp(args->op.ptr, "provider:anthropic.messages", args->op.len) == 0;
    if (r.model.len == 0) r.model = LESSLLM_LIT("echo");
    if (r.streamed) {
        reply_streamed(&r, view(&text), count_words(view(&text)), wants_usage_chunk(args->body));
    } else {
        reply_whole(&r, view(&text), count_words(view(&text)));
    }
    free(text.bytes);
    return LESSLLM_OK; /* no upstream request in flight: the host closes the stream now */
}

static void echo_close(void *stream_state, lessllm_stream *stream, lessllm_status final_status) {
    (void)stream_state, (void)stream, (void)final_status;
}

static const char *const echo_ops[] = {"provider:openai.chat", "provider:anthropic.messages", NULL};

static const lessllm_plugin_info echo_info = {
    LESSLLM_HEAD(lessllm_plugin_info),
    LESSLLM_KIND_PROVIDER,
    0,
    "dev.lessllm.example.echo",
    "Echo provider (C example)",
    "1.0.0",
    "Streams the last user message back word by word; no upstream, no API key",
    echo_ops,
};

static const lessllm_plugin echo_plugin = {
    LESSLLM_HEAD(lessllm_plugin), &echo_info, echo_create, echo_destroy, echo_open, NULL, NULL, echo_close,
};

LESSLLM_PLUGIN_ENTRY {
    (void)host_abi_minor;
    return host_abi_major == LESSLLM_ABI_MAJOR ? &echo_plugin : NULL;
}
