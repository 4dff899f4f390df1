/* Typed wrappers over libcurl's variadic functions, which Swift cannot call, the epoll/eventfd declarations the
 * curl thread's event loop uses (Glibc's Swift module does not export them), and two process settings. */
#ifndef LESSLLM_CURL_SHIM_H
#define LESSLLM_CURL_SHIM_H

#include <curl/curl.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef size_t (*lessllm_curl_data_cb)(char *data, size_t size, size_t count, void *user);

CURLcode lessllm_curl_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode lessllm_curl_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode lessllm_curl_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode lessllm_curl_setopt_offset(CURL *easy, CURLoption option, curl_off_t value);
CURLcode lessllm_curl_setopt_data_callback(CURL *easy, CURLoption option, lessllm_curl_data_cb callback);
CURLcode lessllm_curl_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode lessllm_curl_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
CURLcode lessllm_curl_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value);
CURLMcode lessllm_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

typedef int (*lessllm_curl_socket_cb)(CURL *easy, curl_socket_t socket, int what, void *user, void *socket_user);
typedef int (*lessllm_curl_timer_cb)(CURLM *multi, long timeout_ms, void *user);
CURLMcode lessllm_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value);
CURLMcode lessllm_curl_multi_setopt_socket_callback(CURLM *multi, lessllm_curl_socket_cb callback);
CURLMcode lessllm_curl_multi_setopt_timer_callback(CURLM *multi, lessllm_curl_timer_cb callback);

/* Caps glibc's malloc arenas (one per thread by default): the gateway's few busy threads share memory instead of
 * each holding its own partly empty arena. */
static inline void lessllm_limit_malloc_arenas(int count) { mallopt(M_ARENA_MAX, count); }

/* Sets the calling thread's nice value (Linux schedules threads, so this touches only the caller). */
static inline int lessllm_set_thread_niceness(int niceness) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), niceness);
}

#endif
