/*
 * A configurable test plugin: the loader tests compile it with -D flags to get each kind of broken plugin.
 *   -DPLUGIN_ID='"…"'        the plugin id (default "test.lessllm.plugin")
 *   -DTABLE_MAJOR=N          the ABI major written in the table (default LESSLLM_ABI_MAJOR)
 *   -DTABLE_SIZE=N           the size written in the table (default sizeof(lessllm_plugin))
 *   -DNO_OPEN                leave the required `open` callback NULL
 *   -DDECLINE                the entry function returns NULL
 *   -DENTRY_V2               export lessllm_plugin_entry_v2 instead of _v1
 *   -DNO_ENTRY               export no entry function at all
 *   -DCREATE_FAILS           create logs an error and returns LESSLLM_E_CONFIG
 *   -DNO_OPS                 declare no ops
 *   -DRESPOND_HEADER='"…"' -DRESPOND_VALUE='"…"'   open responds 200 with this one header before its body
 */
#include <lessllm_plugin.h>
#include <stddef.h>

#ifndef PLUGIN_ID
#define PLUGIN_ID "test.lessllm.plugin"
#endif
#ifndef TABLE_MAJOR
#define TABLE_MAJOR LESSLLM_ABI_MAJOR
#endif
#ifndef TABLE_SIZE
#define TABLE_SIZE sizeof(lessllm_plugin)
#endif

static const lessllm_host *host;

static lessllm_status test_create(const lessllm_host *h, lessllm_instance *instance, lessllm_bytes config, void **out) {
    (void)config;
    host = h;
    *out = NULL;
#ifdef CREATE_FAILS
    host->log(instance, LESSLLM_LOG_ERROR, LESSLLM_LIT("api_key is required for this test plugin"));
    return LESSLLM_E_CONFIG;
#else
    (void)instance;
    return LESSLLM_OK;
#endif
}

static void test_destroy(void *state) { (void)state; }

static lessllm_status test_open(void *state, lessllm_stream *stream, const lessllm_open_args *args, void **out) {
    (void)state, (void)args;
    *out = NULL;
#ifdef RESPOND_HEADER
    lessllm_header header = {LESSLLM_LIT(RESPOND_HEADER), LESSLLM_LIT(RESPOND_VALUE)};
    lessllm_status responded = host->respond(stream, 200, &header, 1);
    if (responded != LESSLLM_OK) return responded;
#endif
    lessllm_event event = {LESSLLM_HEAD(lessllm_event), LESSLLM_LIT(""), LESSLLM_LIT("{\"ok\":true}"), {0}};
    return host->emit(stream, &event);
}

static void test_close(void *state, lessllm_stream *stream, lessllm_status status) {
    (void)state, (void)stream, (void)status;
}

#ifdef NO_OPS
static const char *const test_ops[] = {NULL};
#else
static const char *const test_ops[] = {"provider:openai.chat", NULL};
#endif

static const lessllm_plugin_info test_info = {
    LESSLLM_HEAD(lessllm_plugin_info), LESSLLM_KIND_PROVIDER, 0, PLUGIN_ID, "Test plugin", "9.9.9", "for tests",
    test_ops,
};

static const lessllm_plugin test_plugin = {
    TABLE_SIZE, TABLE_MAJOR, LESSLLM_ABI_MINOR, &test_info, test_create, test_destroy,
#ifdef NO_OPEN
    NULL,
#else
    test_open,
#endif
    NULL, NULL, test_close,
};

#if defined(ENTRY_V2)
LESSLLM_EXPORT const lessllm_plugin *lessllm_plugin_entry_v2(uint32_t major, uint32_t minor) {
    (void)major, (void)minor;
    return &test_plugin;
}
#elif !defined(NO_ENTRY)
LESSLLM_PLUGIN_ENTRY {
    (void)host_abi_major, (void)host_abi_minor;
#ifdef DECLINE
    return NULL;
#else
    return &test_plugin;
#endif
}
#else
int lessllm_test_plugin_has_no_entry = 1;
#endif
