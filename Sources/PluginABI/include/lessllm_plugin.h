/*
 * lessllm_plugin.h — the LessLLM plugin ABI, version 1.1.
 *
 * A LessLLM plugin is a shared library that exports one function, `lessllm_plugin_entry_v1`, returning a static
 * table (`lessllm_plugin`). The host (the `lessllm` gateway) loads it with dlopen(RTLD_NOW | RTLD_LOCAL), checks
 * the table, creates one instance per configured use, and drives it through one streaming shape:
 *
 *     create ─► open ─► on_head? ─► on_event* ─► close   (close exactly once per successful open)
 *                 └─ output goes back through host->respond / host->emit / host->fail
 *
 * The same shape serves every kind of plugin:
 *   - a PROVIDER opens op "provider:<dialect>" with the request body, asks the host to send an upstream HTTP request
 *     (host->http_start), receives the upstream response as on_head + one on_event per whole SSE event (or one
 *     event holding a whole non-SSE body), and emits the response for the client;
 *   - a CONVERTER opens op "request:<from>-><to>" (emits the converted request as one event) or
 *     "response:<from>-><to>" (receives the upstream response events, emits them in the client's dialect);
 *   - a SINK opens op "sink:log" (body: a JSON array of exchange records; may block) or "sink:query".
 *
 * TRUST MODEL: plugins are trusted, in-process code. A plugin that crashes, corrupts memory or blocks where it must
 * not takes the gateway down with it; the host validates the tables it is given, not the code behind them.
 * LOADER POLICY: the host never dlclose()s a plugin (Swift images cannot be unloaded safely); replacing a plugin
 * means restarting the gateway. Swift plugins must be built with the host's exact Swift toolchain; C plugins need
 * only this header.
 *
 * RULES that hold for every declaration below:
 *   - Versioning: every top-level struct starts with `size` (sizeof the struct as its author compiled it) and the
 *     ABI major/minor it was compiled against. A new major renames the entry symbol; a new minor only appends
 *     fields, functions or constants. Neither side reads a field that lies beyond the other side's `size`.
 *   - Bytes cross as `lessllm_bytes` {ptr, len}: UTF-8, never NUL-terminated (static metadata strings excepted).
 *   - Borrow in, copy out: everything passed into a function is valid only until that function returns; whatever a
 *     plugin hands the host is copied by the host before the call returns. Nobody frees the other side's memory.
 *   - Only fixed-width integers, pointers and plain structs cross; enumerations are `int32_t` plus constants.
 *   - Host functions are never NULL. Plugin callbacks marked [optional] may be NULL.
 *   - THREAD tags: [main] = the thread that loads plugins, never concurrent with anything else on that instance;
 *     [stream-serial] = calls for one stream never overlap (they may arrive on different OS threads), different
 *     streams run in parallel, and the call must not block; [blocking-ok] = called off the network path, may block;
 *     [thread-safe] = callable from any thread at any time.
 */
#ifndef LESSLLM_PLUGIN_H
#define LESSLLM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------------------ */
/* Versions and names                                                                                           */
/* ------------------------------------------------------------------------------------------------------------ */

/** Breaking changes bump the major and rename the entry symbol. */
#define LESSLLM_ABI_MAJOR 1u
/** Appended fields, functions or constants bump the minor. */
#define LESSLLM_ABI_MINOR 1u
/** The one symbol the host resolves in a plugin library. */
#define LESSLLM_ENTRY_SYMBOL "lessllm_plugin_entry_v1"

#if defined(__GNUC__) || defined(__clang__)
#define LESSLLM_EXPORT __attribute__((visibility("default")))
#else
#define LESSLLM_EXPORT
#endif

/* ------------------------------------------------------------------------------------------------------------ */
/* Value types                                                                                                  */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * A borrowed run of bytes: UTF-8 text or JSON, not NUL-terminated. `ptr` may be NULL only when `len` is 0.
 * OWNERSHIP: whoever passes it keeps it.  LIFETIME: until the call that received it returns.  THREAD: n/a.
 */
typedef struct lessllm_bytes {
    const uint8_t *ptr;
    size_t len;
} lessllm_bytes;

/**
 * One HTTP header. Names compare case-insensitively.
 * OWNERSHIP: the passer.  LIFETIME: until the call that received it returns.  THREAD: n/a.
 */
typedef struct lessllm_header {
    lessllm_bytes name;
    lessllm_bytes value;
} lessllm_header;

/** Status of every fallible call: 0 is success, the rest is this closed set (new codes only in a new minor).
 *  Constants are plain #defines so they are integer constant expressions in C and typed values in Swift. */
typedef int32_t lessllm_status;
#define LESSLLM_OK 0
#define LESSLLM_E_INVALID_REQUEST 1 /* the client's request is malformed or unacceptable (HTTP 400)           */
#define LESSLLM_E_UNSUPPORTED 2     /* valid, but this plugin or route cannot do it (HTTP 400)                */
#define LESSLLM_E_NOT_FOUND 3       /* the thing asked for does not exist (HTTP 404; json_find: no such path) */
#define LESSLLM_E_AUTH 4            /* missing or rejected credentials (HTTP 401)                             */
#define LESSLLM_E_RATE_LIMITED 5    /* slow down (HTTP 429)                                                   */
#define LESSLLM_E_UPSTREAM 6        /* the upstream failed or sent something unusable (HTTP 502)              */
#define LESSLLM_E_TIMEOUT 7         /* the upstream did not answer in time (HTTP 504)                         */
#define LESSLLM_E_CANCELLED 8       /* the client went away; stop working on this stream                      */
#define LESSLLM_E_OVERLOADED 9      /* temporarily unable to serve (HTTP 503)                                 */
#define LESSLLM_E_INTERNAL 10       /* a bug or an unexpected state (HTTP 500)                                */
#define LESSLLM_E_CONFIG 11         /* the configuration given to create() is unusable                        */
#define LESSLLM_E_BAD_ARGUMENT 12   /* a host function was called wrongly (NULL, wrong state, small buffer)   */

/** Plugin kinds, a bitmask in `lessllm_plugin_info.kinds`. */
#define LESSLLM_KIND_PROVIDER 1u
#define LESSLLM_KIND_CONVERTER 2u
#define LESSLLM_KIND_SINK 4u

/** Log levels for `lessllm_host.log`. */
#define LESSLLM_LOG_DEBUG 0
#define LESSLLM_LOG_INFO 1
#define LESSLLM_LOG_WARNING 2
#define LESSLLM_LOG_ERROR 3

/** Flags of `lessllm_open_args.flags`. */
#define LESSLLM_OPEN_STREAM 1u /* the client asked for a streamed (SSE) response */

/** Dialect names used in ops. */
#define LESSLLM_DIALECT_OPENAI_CHAT "openai.chat"               /* POST /v1/chat/completions */
#define LESSLLM_DIALECT_ANTHROPIC_MESSAGES "anthropic.messages" /* POST /v1/messages         */

/**
 * Host-owned handle of one plugin instance (one `create`). Opaque to the plugin.
 * OWNERSHIP: host.  LIFETIME: from create until destroy returns.  THREAD: usable from any thread.
 */
typedef struct lessllm_instance lessllm_instance;

/**
 * Host-owned handle of one stream (one `open`). Opaque to the plugin.
 * OWNERSHIP: host.  LIFETIME: from open until close returns.
 * THREAD: pass it to host functions only from inside a callback for this same stream.
 */
typedef struct lessllm_stream lessllm_stream;

/**
 * One unit of a response stream.
 *   - From an SSE upstream: one whole event. `type` is its `event:` field (empty when absent), `data` its `data:`
 *     lines joined with "\n", `raw` the exact bytes of the event including its terminating blank line (comment-only
 *     blocks arrive too, with empty type and data).
 *   - From a non-SSE upstream: one event whose `data` and `raw` are the whole body.
 * When a plugin emits an event with a non-empty `raw`, the host writes `raw` to the client unchanged (passthrough);
 * otherwise it writes `event: <type>\n` (when type is not empty) and `data: <data>\n\n` for a streamed response,
 * or appends `data` to the body of a non-streamed one.
 * OWNERSHIP: the passer.  LIFETIME: until the call that received it returns.  THREAD: n/a.
 */
typedef struct lessllm_event {
    uint32_t size; /* sizeof(lessllm_event) as compiled by the passer */
    uint16_t abi_major;
    uint16_t abi_minor;
    lessllm_bytes type;
    lessllm_bytes data;
    lessllm_bytes raw;
} lessllm_event;

/**
 * Arguments of `lessllm_plugin.open`.
 *   - op: one of the ops the plugin declared, e.g. "provider:openai.chat", "request:anthropic.messages->openai.chat",
 *     "response:openai.chat->anthropic.messages", "sink:log", "sink:query".
 *   - body: provider: the request body to send, already in the provider's dialect with `model` set to the upstream
 *     model; request converter: the request to convert; response converter: the client's original request (for
 *     context such as `stream_options`; the host has validated it as a JSON object); sink:log: a JSON array of
 *     exchange records; sink:query: the query JSON.
 *   - model: the upstream model name chosen by the route (empty for sinks).
 *   - headers: the client's request headers, with credentials (authorization, x-api-key, cookies…) removed.
 *   - exchange_id: the unique, time-ordered id of this exchange (empty for sinks).
 *   - record_fields (ABI 1.1; read it only when `size` covers it): for sink:log, where the fields of every record
 *     lie in `body`, so a sink can store them without walking the JSON; NULL (and the counts 0) for other ops.
 *     It holds record_count × record_field_count entries, record after record: entry
 *     [r * record_field_count + f] is the JSON text of field f (LESSLLM_RECORD_*) of record r, pointing into
 *     `body` — exactly what json_find returns for the field's path (strings keep their quotes) — or {NULL, 0} when
 *     the field is absent or null. record_count is the number of records in the batch; record_field_count is the
 *     host's LESSLLM_RECORD_FIELD_COUNT (a sink built against a later minor treats the fields beyond it as absent).
 * OWNERSHIP: host.  LIFETIME: until open returns (copy what you keep).  THREAD: n/a.
 */
typedef struct lessllm_open_args {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t flags; /* LESSLLM_OPEN_* */
    uint32_t reserved;
    lessllm_bytes op;
    lessllm_bytes body;
    lessllm_bytes model;
    const lessllm_header *headers;
    size_t header_count;
    lessllm_bytes exchange_id;
    /* ABI 1.1 */
    const lessllm_bytes *record_fields;
    size_t record_count;
    size_t record_field_count;
} lessllm_open_args;

/**
 * The fields of an exchange record (docs/exchange-record.md) indexed in a sink:log batch (ABI 1.1), with the path
 * of each; LESSLLM_RECORD_WHOLE is the record itself. New fields are only appended, in a new minor.
 */
#define LESSLLM_RECORD_WHOLE 0
#define LESSLLM_RECORD_ID 1                        /* id                              */
#define LESSLLM_RECORD_STARTED_AT_MS 2             /* started_at_ms                   */
#define LESSLLM_RECORD_CLIENT_DIALECT 3            /* client.dialect                  */
#define LESSLLM_RECORD_CLIENT_IP 4                 /* client.ip                       */
#define LESSLLM_RECORD_USER_AGENT 5                /* client.user_agent               */
#define LESSLLM_RECORD_PROVIDER 6                  /* route.provider                  */
#define LESSLLM_RECORD_UPSTREAM_DIALECT 7          /* route.upstream_dialect          */
#define LESSLLM_RECORD_REQUESTED_MODEL 8           /* route.requested_model           */
#define LESSLLM_RECORD_UPSTREAM_MODEL 9            /* route.upstream_model            */
#define LESSLLM_RECORD_CONVERTED 10                /* route.converted                 */
#define LESSLLM_RECORD_STREAM 11                   /* stream                          */
#define LESSLLM_RECORD_OUTCOME 12                  /* outcome                         */
#define LESSLLM_RECORD_ERROR 13                    /* error                           */
#define LESSLLM_RECORD_ERROR_MESSAGE 14            /* error.message                   */
#define LESSLLM_RECORD_HTTP 15                     /* http                            */
#define LESSLLM_RECORD_METHOD 16                   /* http.method                     */
#define LESSLLM_RECORD_PATH 17                     /* http.path                       */
#define LESSLLM_RECORD_STATUS 18                   /* http.status                     */
#define LESSLLM_RECORD_REQUEST_BYTES 19            /* http.request_bytes              */
#define LESSLLM_RECORD_RESPONSE_BYTES 20           /* http.response_bytes             */
#define LESSLLM_RECORD_UPSTREAM_STATUS 21          /* http.upstream.status            */
#define LESSLLM_RECORD_RESPONSE 22                 /* response                        */
#define LESSLLM_RECORD_RAW_EVENTS 23               /* raw_events                      */
#define LESSLLM_RECORD_TIMING 24                   /* timing                          */
#define LESSLLM_RECORD_UPSTREAM_TTFB_MS 25         /* timing.upstream_ttfb_ms         */
#define LESSLLM_RECORD_TTFT_MS 26                  /* timing.ttft_ms                  */
#define LESSLLM_RECORD_TPOT_MS 27                  /* timing.tpot_ms                  */
#define LESSLLM_RECORD_OUTPUT_TOKENS_PER_SECOND 28 /* timing.output_tokens_per_second */
#define LESSLLM_RECORD_TOTAL_MS 29                 /* timing.total_ms                 */
#define LESSLLM_RECORD_GATEWAY_OVERHEAD_MS 30      /* timing.gateway_overhead_ms      */
#define LESSLLM_RECORD_USAGE 31                    /* usage                           */
#define LESSLLM_RECORD_INPUT_TOKENS 32             /* usage.input                     */
#define LESSLLM_RECORD_OUTPUT_TOKENS 33            /* usage.output                    */
#define LESSLLM_RECORD_CACHE_READ_TOKENS 34        /* usage.cache_read                */
#define LESSLLM_RECORD_CACHE_WRITE_TOKENS 35       /* usage.cache_write               */
#define LESSLLM_RECORD_REASONING_TOKENS 36         /* usage.reasoning                 */
#define LESSLLM_RECORD_TOKENS_ESTIMATED 37         /* usage.estimated                 */
#define LESSLLM_RECORD_COST 38                     /* cost                            */
#define LESSLLM_RECORD_COST_TOTAL 39               /* cost.total                      */
#define LESSLLM_RECORD_CACHE_SAVINGS 40            /* cost.cache_savings              */
#define LESSLLM_RECORD_CACHE_HIT_RATIO 41          /* cost.cache_hit_ratio            */
#define LESSLLM_RECORD_REQUEST 42                  /* request                         */
#define LESSLLM_RECORD_UPSTREAM_REQUEST 43         /* upstream_request                */
#define LESSLLM_RECORD_FIELD_COUNT 44

/**
 * An upstream HTTP request, described by a provider and sent by the host. The host adds the provider instance's
 * configured proxy, timeouts and TLS settings, and never forwards the client's own credentials.
 * OWNERSHIP: the plugin.  LIFETIME: until http_start returns (the host copies it).  THREAD: n/a.
 */
typedef struct lessllm_http_request {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;
    lessllm_bytes method; /* "POST", "GET", … */
    lessllm_bytes url;    /* absolute http:// or https:// URL */
    const lessllm_header *headers;
    size_t header_count;
    lessllm_bytes body;
} lessllm_http_request;

/* ------------------------------------------------------------------------------------------------------------ */
/* Host services: one table, passed to create, never linked                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * What the host offers a plugin. Every function is present (never NULL).
 * OWNERSHIP: host.  LIFETIME: from create until the process exits.  THREAD: see each function.
 */
typedef struct lessllm_host {
    uint32_t size; /* sizeof(lessllm_host) in the host build; read nothing beyond it */
    uint16_t abi_major;
    uint16_t abi_minor;

    /**
     * Writes a line to the gateway's log, tagged with the plugin id. During create, the last ERROR logged is the
     * reason the host reports when create fails.
     * @param instance the instance handle given to create.
     * @param level LESSLLM_LOG_*.
     * @param message the text; the host copies it and redacts nothing, so never log secrets.
     * OWNERSHIP: message stays the caller's.  LIFETIME: n/a.  THREAD: [thread-safe].
     */
    void (*log)(lessllm_instance *instance, int32_t level, lessllm_bytes message);

    /**
     * Sets the status line and headers of the client's response. Call at most once, before the first emit; when a
     * stream emits without calling respond, the host answers 200 with a content type that fits the request.
     * A content-type of text/event-stream makes the response streamed. The host drops hop-by-hop and framing headers
     * (connection, transfer-encoding, content-length, content-encoding) and sets its own.
     * @return LESSLLM_OK; LESSLLM_E_BAD_ARGUMENT if called twice or after an emit; LESSLLM_E_CANCELLED if the
     *         client is gone.
     * OWNERSHIP: headers stay the caller's.  LIFETIME: n/a.  THREAD: [stream-serial], inside a callback for stream.
     */
    lessllm_status (*respond)(lessllm_stream *stream, int32_t http_status, const lessllm_header *headers,
                              size_t header_count);

    /**
     * Sends one event downstream (to the client, or to the converter that follows this plugin). The host writes
     * and flushes it at once.
     * @return LESSLLM_OK; LESSLLM_E_CANCELLED if the client is gone (stop producing); LESSLLM_E_BAD_ARGUMENT after
     *         fail or outside a callback.
     * OWNERSHIP: event stays the caller's; the host copies it.  LIFETIME: n/a.
     * THREAD: [stream-serial], inside a callback for stream.
     */
    lessllm_status (*emit)(lessllm_stream *stream, const lessllm_event *event);

    /**
     * Ends the stream with an error that the host renders in the client's own dialect: an HTTP error response when
     * nothing was emitted yet, an error event in the stream otherwise. Later emits are refused; close still follows.
     * @param status one of LESSLLM_E_*, chooses the HTTP status and error type.
     * @param message human-readable reason, shown to the client.
     * @return status, so a callback can `return host->fail(stream, code, msg);`.
     * OWNERSHIP: message stays the caller's.  LIFETIME: n/a.  THREAD: [stream-serial], inside a callback for stream.
     */
    lessllm_status (*fail)(lessllm_stream *stream, lessllm_status status, lessllm_bytes message);

    /**
     * Starts the upstream HTTP request of this stream (one at a time per stream). The response arrives as on_head,
     * then on_event per whole event; close follows when it ends (LESSLLM_OK) or fails (LESSLLM_E_UPSTREAM,
     * LESSLLM_E_TIMEOUT, LESSLLM_E_CANCELLED). A stream that returns from open without an HTTP request in flight
     * is complete.
     * @return LESSLLM_OK when queued; LESSLLM_E_BAD_ARGUMENT for a malformed request or one already in flight.
     * OWNERSHIP: request stays the caller's; the host copies it.  LIFETIME: n/a.
     * THREAD: [stream-serial], inside a callback for stream.
     */
    lessllm_status (*http_start)(lessllm_stream *stream, const lessllm_http_request *request);

    /**
     * Cancels the stream's upstream request, if any; close then follows with LESSLLM_E_CANCELLED.
     * OWNERSHIP: n/a.  LIFETIME: n/a.  THREAD: [stream-serial], inside a callback for stream.
     */
    void (*http_cancel)(lessllm_stream *stream);

    /**
     * A monotonic clock in nanoseconds (arbitrary origin, never goes back).
     * OWNERSHIP: n/a.  LIFETIME: n/a.  THREAD: [thread-safe].
     */
    uint64_t (*now_ns)(void);

    /**
     * Finds a value inside a JSON document by path: object keys separated by '.', array indices in brackets,
     * negative indices counting from the end — e.g. "messages[-1].content" or "stream_options.include_usage".
     * @param out_value receives the raw JSON text of the value (a slice of json: strings keep their quotes).
     * @return LESSLLM_OK; LESSLLM_E_NOT_FOUND when the path does not exist; LESSLLM_E_INVALID_REQUEST when json
     *         is malformed along the way.
     * OWNERSHIP: out_value borrows from json.  LIFETIME: as long as json.  THREAD: [thread-safe].
     */
    lessllm_status (*json_find)(lessllm_bytes json, lessllm_bytes path, lessllm_bytes *out_value);

    /**
     * Decodes a JSON string literal (with its quotes, as json_find returns it) into UTF-8 text.
     * @param out buffer of `capacity` bytes (may be NULL when capacity is 0).
     * @param out_len receives the decoded length, also when the buffer was too small.
     * @return LESSLLM_OK; LESSLLM_E_BAD_ARGUMENT when capacity < *out_len; LESSLLM_E_INVALID_REQUEST when literal
     *         is not a JSON string.
     * OWNERSHIP: out is the caller's.  LIFETIME: n/a.  THREAD: [thread-safe].
     */
    lessllm_status (*json_decode_string)(lessllm_bytes literal, uint8_t *out, size_t capacity, size_t *out_len);

    /**
     * Encodes UTF-8 text as a JSON string literal, quotes included, safe to paste into a JSON document.
     * @param out buffer of `capacity` bytes (may be NULL when capacity is 0).
     * @param out_len receives the encoded length, also when the buffer was too small.
     * @return LESSLLM_OK; LESSLLM_E_BAD_ARGUMENT when capacity < *out_len.
     * OWNERSHIP: out is the caller's.  LIFETIME: n/a.  THREAD: [thread-safe].
     */
    lessllm_status (*json_encode_string)(lessllm_bytes text, uint8_t *out, size_t capacity, size_t *out_len);
} lessllm_host;

/* ------------------------------------------------------------------------------------------------------------ */
/* The plugin's side                                                                                            */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * Static description of a plugin.
 *   - id: reverse-DNS, unique among loaded plugins, e.g. "dev.lessllm.provider.openai"; plugins.yaml names it.
 *   - ops: NULL-terminated list of what the plugin serves: "provider:<dialect>", "request:<from>-><to>",
 *     "response:<from>-><to>", "sink:log", "sink:query".
 * OWNERSHIP: plugin.  LIFETIME: while the library is loaded (forever).  THREAD: read on [main].
 */
typedef struct lessllm_plugin_info {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t kinds; /* LESSLLM_KIND_* bitmask */
    uint32_t reserved;
    const char *id;          /* NUL-terminated, static */
    const char *name;        /* human-readable, static */
    const char *version;     /* the plugin's own version, e.g. "1.2.0", static */
    const char *description; /* one line, static; may be NULL */
    const char *const *ops;  /* NULL-terminated array of NUL-terminated strings, static */
} lessllm_plugin_info;

/**
 * The plugin's function table, returned by the entry function.
 * OWNERSHIP: plugin.  LIFETIME: while the library is loaded (forever).  THREAD: see each callback.
 */
typedef struct lessllm_plugin {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const lessllm_plugin_info *info;

    /**
     * Creates an instance from its configuration (the plugins.yaml entry that uses this plugin, as JSON).
     * @param host the host services; keep the pointer, it stays valid.
     * @param instance the host's handle for this instance, for host->log.
     * @param config_json the instance's configuration.
     * @param out_state receives the plugin's instance state (may be NULL), passed back to open and destroy.
     * @return LESSLLM_OK, or an error (typically LESSLLM_E_CONFIG) after logging the reason at ERROR level.
     * OWNERSHIP: *out_state is the plugin's.  LIFETIME: until destroy.  THREAD: [main].
     */
    lessllm_status (*create)(const lessllm_host *host, lessllm_instance *instance, lessllm_bytes config_json,
                             void **out_state);

    /**
     * Destroys an instance after every stream opened on it was closed.
     * OWNERSHIP: frees the plugin's own state.  LIFETIME: state is invalid afterwards.  THREAD: [main].
     */
    void (*destroy)(void *state);

    /**
     * Opens a stream for one op. A provider usually calls host->http_start here; a one-shot op (request
     * conversion, a sink write, a provider that answers by itself) emits its output before returning.
     * @param state the instance state from create.
     * @param stream the host's handle for this stream.
     * @param args what to do (op) and on what (body…).
     * @param out_stream_state receives per-stream state (may be NULL), passed to on_head, on_event and close.
     * @return LESSLLM_OK, or an error: close is then not called, and the host renders the error unless
     *         host->fail already did.
     * OWNERSHIP: *out_stream_state is the plugin's.  LIFETIME: until close.
     * THREAD: [stream-serial]; "sink:*" ops are [blocking-ok].
     */
    lessllm_status (*open)(void *state, lessllm_stream *stream, const lessllm_open_args *args,
                           void **out_stream_state);

    /**
     * [optional] The upstream response's status and headers (providers), or the head of the response being
     * converted (response converters).
     * @return LESSLLM_OK to go on; an error ends the stream as if passed to host->fail.
     * OWNERSHIP: headers are the host's.  LIFETIME: until return.  THREAD: [stream-serial].
     */
    lessllm_status (*on_head)(void *stream_state, lessllm_stream *stream, int32_t http_status,
                              const lessllm_header *headers, size_t header_count);

    /**
     * [optional] One whole event of the upstream response (see lessllm_event).
     * @return LESSLLM_OK to go on; an error ends the stream as if passed to host->fail.
     * OWNERSHIP: event is the host's.  LIFETIME: until return.  THREAD: [stream-serial].
     */
    lessllm_status (*on_event)(void *stream_state, lessllm_stream *stream, const lessllm_event *event);

    /**
     * Ends a stream; called exactly once for every open that returned LESSLLM_OK, cancellation included.
     * With final_status LESSLLM_OK the plugin may still emit trailing events from here.
     * @param final_status LESSLLM_OK, or why the stream ended (LESSLLM_E_UPSTREAM, _TIMEOUT, _CANCELLED, …).
     * OWNERSHIP: frees the plugin's stream state.  LIFETIME: stream_state is invalid afterwards.
     * THREAD: [stream-serial].
     */
    void (*close)(void *stream_state, lessllm_stream *stream, lessllm_status final_status);
} lessllm_plugin;

/**
 * The entry function every plugin exports under the name LESSLLM_ENTRY_SYMBOL.
 * @param host_abi_major the host's LESSLLM_ABI_MAJOR.
 * @param host_abi_minor the host's LESSLLM_ABI_MINOR.
 * @return the plugin's static table, or NULL to decline this host.
 * OWNERSHIP: plugin.  LIFETIME: forever.  THREAD: [main], called once per load.
 */
typedef const lessllm_plugin *(*lessllm_plugin_entry_fn)(uint32_t host_abi_major, uint32_t host_abi_minor);

/** Declares the entry function in a C plugin: `LESSLLM_PLUGIN_ENTRY { return &my_plugin; }`. */
#define LESSLLM_PLUGIN_ENTRY                                                                                   \
    LESSLLM_EXPORT const lessllm_plugin *lessllm_plugin_entry_v1(uint32_t host_abi_major, uint32_t host_abi_minor)

/** Fills the size/version head of a top-level struct of type T, e.g. `{ LESSLLM_HEAD(lessllm_event), … }`. */
#define LESSLLM_HEAD(T) sizeof(T), LESSLLM_ABI_MAJOR, LESSLLM_ABI_MINOR

/** A lessllm_bytes over a string literal (not for pointers: sizeof must see the array). */
#define LESSLLM_LIT(s) ((lessllm_bytes){(const uint8_t *)(s), sizeof(s) - 1})

#ifdef __cplusplus
}
#endif

#endif /* LESSLLM_PLUGIN_H */
