/* Prints sizeof/offsetof of every ABI struct as the C compiler lays them out, one "name value" per line. */
#include <lessllm_plugin.h>
#include <stddef.h>
#include <stdio.h>

#define SIZE(T) printf("sizeof(%s) %zu\n", #T, sizeof(T))
#define OFFSET(T, F) printf("%s.%s %zu\n", #T, #F, offsetof(T, F))

int main(void) {
    SIZE(lessllm_bytes); OFFSET(lessllm_bytes, ptr); OFFSET(lessllm_bytes, len);
    SIZE(lessllm_header); OFFSET(lessllm_header, name); OFFSET(lessllm_header, value);
    SIZE(lessllm_event); OFFSET(lessllm_event, size); OFFSET(lessllm_event, abi_major); OFFSET(lessllm_event, abi_minor);
    OFFSET(lessllm_event, type); OFFSET(lessllm_event, data); OFFSET(lessllm_event, raw);
    SIZE(lessllm_open_args); OFFSET(lessllm_open_args, size); OFFSET(lessllm_open_args, abi_major);
    OFFSET(lessllm_open_args, abi_minor); OFFSET(lessllm_open_args, flags); OFFSET(lessllm_open_args, reserved);
    OFFSET(lessllm_open_args, op); OFFSET(lessllm_open_args, body); OFFSET(lessllm_open_args, model);
    OFFSET(lessllm_open_args, headers); OFFSET(lessllm_open_args, header_count); OFFSET(lessllm_open_args, exchange_id);
    OFFSET(lessllm_open_args, record_fields); OFFSET(lessllm_open_args, record_count);
    OFFSET(lessllm_open_args, record_field_count);
    SIZE(lessllm_http_request); OFFSET(lessllm_http_request, size); OFFSET(lessllm_http_request, abi_major);
    OFFSET(lessllm_http_request, abi_minor); OFFSET(lessllm_http_request, method); OFFSET(lessllm_http_request, url);
    OFFSET(lessllm_http_request, headers); OFFSET(lessllm_http_request, header_count); OFFSET(lessllm_http_request, body);
    SIZE(lessllm_host); OFFSET(lessllm_host, size); OFFSET(lessllm_host, abi_major); OFFSET(lessllm_host, abi_minor);
    OFFSET(lessllm_host, log); OFFSET(lessllm_host, respond); OFFSET(lessllm_host, emit); OFFSET(lessllm_host, fail);
    OFFSET(lessllm_host, http_start); OFFSET(lessllm_host, http_cancel); OFFSET(lessllm_host, now_ns);
    OFFSET(lessllm_host, json_find); OFFSET(lessllm_host, json_decode_string); OFFSET(lessllm_host, json_encode_string);
    SIZE(lessllm_plugin_info); OFFSET(lessllm_plugin_info, size); OFFSET(lessllm_plugin_info, abi_major);
    OFFSET(lessllm_plugin_info, abi_minor); OFFSET(lessllm_plugin_info, kinds); OFFSET(lessllm_plugin_info, reserved);
    OFFSET(lessllm_plugin_info, id); OFFSET(lessllm_plugin_info, name); OFFSET(lessllm_plugin_info, version);
    OFFSET(lessllm_plugin_info, description); OFFSET(lessllm_plugin_info, ops);
    SIZE(lessllm_plugin); OFFSET(lessllm_plugin, size); OFFSET(lessllm_plugin, abi_major);
    OFFSET(lessllm_plugin, abi_minor); OFFSET(lessllm_plugin, info); OFFSET(lessllm_plugin, create);
    OFFSET(lessllm_plugin, destroy); OFFSET(lessllm_plugin, open); OFFSET(lessllm_plugin, on_head);
    OFFSET(lessllm_plugin, on_event); OFFSET(lessllm_plugin, close);
    return 0;
}
